"""The hall server going away: killed, restarted, or frozen, before and during a flow. The kiosk
shows a ticket only once the server acknowledged it, prints it at most once, and leaves no
ghost number behind a request it gave up on."""

from __future__ import annotations

import signal
import sqlite3
from typing import Any

from apps.kiosk.conftest import Driver, tickets_of


def newest(server: Any, zone: str) -> tuple[str, str, str]:
    with sqlite3.connect(server.db_uri, uri=True) as db:
        return db.execute(
            "SELECT id, label, status FROM tickets WHERE zone = ? ORDER BY issued_at DESC LIMIT 1",
            (zone,),
        ).fetchone()


def test_an_outage_shows_the_banner_and_a_tap_does_nothing(
    make_kiosk: Any, kiosk_server: Any
) -> None:
    k: Driver = make_kiosk()
    assert k.window.banner.isHidden() and k.enabled("zone-shangshi")
    kiosk_server.kill()
    k.qtbot.waitUntil(lambda: not k.flow.connected, timeout=8000)
    assert not k.window.banner.isHidden()
    assert k.window.banner.text() == "服务暂不可用，请稍候或到咨询台"
    assert not k.enabled("zone-shangshi") and not k.enabled("card")
    k.click("zone-shangshi")
    k.scan("XB1-0001-20261231-AAAAAAAAAAAAAAAA")
    assert k.flow.screen.value == "home" and k.flow.pending is None
    kiosk_server.start()
    k.qtbot.waitUntil(lambda: k.flow.connected, timeout=15000)
    assert k.window.banner.isHidden() and k.enabled("zone-shangshi")
    assert k.receipts() == []


def test_the_server_killed_and_restarted_during_a_flow_gives_one_ticket_printed_once(
    make_kiosk: Any, kiosk_server: Any
) -> None:
    k: Driver = make_kiosk()
    k.click("zone-gongjijin")
    k.click("matter-gjjdk")
    before = newest(kiosk_server, "gongjijin")
    k.click("priority-none")
    kiosk_server.kill()  # the request is on its way, or done with its reply lost
    assert k.flow.screen.value == "wait"
    k.qtbot.waitUntil(lambda: not k.flow.connected, timeout=8000)
    k.window.grab()  # the wait screen says it retries
    assert k.has("retrying")
    kiosk_server.start()
    k.wait_screen("ticket", timeout=15000)
    ticket = k.flow.shown.ticket
    assert k.printer.printer.wait_for(1)
    k.qtbot.wait(500)
    assert len(k.receipts()) == 1 and k.receipts()[0].qr_payloads == [ticket["status_url"]]
    assert tickets_of(kiosk_server, ticket["label"]) == [(ticket["id"], "waiting")]
    assert newest(kiosk_server, "gongjijin")[0] == ticket["id"] != (before or ("",))[0]


def test_a_request_given_up_on_is_settled_and_voided_once_the_server_answers(
    make_kiosk: Any, kiosk_server: Any
) -> None:
    k: Driver = make_kiosk(request_timeout=1.5)
    k.click("zone-shehui")
    k.click("matter-sbjf")
    before = newest(kiosk_server, "shehui")
    assert kiosk_server.proc is not None
    kiosk_server.proc.send_signal(signal.SIGSTOP)  # frozen: the request waits in its socket
    try:
        k.click("priority-none")
        k.wait_screen("message", timeout=8000)
        assert k.text("message") == "服务暂不可用，请稍候或到咨询台"
        assert k.flow.orphans
    finally:
        kiosk_server.proc.send_signal(signal.SIGCONT)
    # the hub did issue it after all; nobody holds that number: it is voided
    k.qtbot.waitUntil(lambda: not k.flow.orphans and not k.flow.voids, timeout=20000)
    tid, _label, status = newest(kiosk_server, "shehui")
    assert status == "voided" and (before is None or tid != before[0])
    assert k.receipts() == [] and k.flow.screen.value in ("message", "home")
