"""One citizen through the whole hall, through the real apps against a real server process:

kiosk tap → printed ticket → 呼叫下一位 at window 3's caller → the hall board (the Qt app, and
the web board in Chromium), window 3's screen and the voice → 办结 "needs another visit" → the
续办服务卡 printed at window 3 → 非常满意 on the evaluator → the card scanned at the kiosk →
straight back to the same clerk without queuing → 办结 → a second case whose clerk has logged
out goes to the AB backup → ``onetrip report day`` counts all of it (served, follow-ups,
最多跑一次实现率, the rating).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apps.caller.clerk import caller_config, click, db_rows, login, press_and_wait
from apps.caller.test_card_and_evaluator import issue_card, open_finish
from apps.display.conftest import make_display
from apps.kiosk.conftest import PIN_HASH, Clock, Desk, Driver
from hub.conftest import HallFiles, ServerProcess
from support import PIN, ROOT

from caller.app import build as build_caller
from caller.rating import ASKING, IDLE, THANKS
from display import browser
from hardware.virtual_printer import VirtualPrinter, VirtualPrinterServer
from kiosk.app import build_kiosk
from kiosk.config import parse_kiosk_config

WAIT = 10_000


@pytest.fixture
def printers(tmp_path: Path) -> Iterator[dict[str, VirtualPrinterServer]]:
    made = {
        name: VirtualPrinterServer(
            VirtualPrinter(name, out_dir=tmp_path / name), host="127.0.0.1", port=0
        ).start()
        for name in ("kiosk", "window-3")
    }
    yield made
    for server in made.values():
        server.stop()


def _kiosk(
    qtbot: Any, files: HallFiles, server: ServerProcess, printer: VirtualPrinterServer, tmp: Path
) -> Driver:
    raw = {
        "hub": {"url": server.url, "device": "kiosk-1", "token": files.tokens["kiosk-1"]},
        "printer": {"url": printer.url, "when_broken": "refuse", "poll_seconds": 0.5},
        "screen": {"orientation": "landscape", "diagonal_inches": 21.5},
        "kiosk": {"result_seconds": 10, "idle_seconds": 30},
        "maintenance": {"pin_hash": PIN_HASH},
        "hall": {"config": str(files.config_path)},
    }
    clock = Clock()
    built = build_kiosk(
        parse_kiosk_config(raw, file="kiosk.toml", base=tmp), clock=clock, backoff=(0.05, 0.5)
    )
    built.window.show()
    qtbot.waitExposed(built.window)
    driver = Driver(qtbot, built, printer, clock)
    driver.wait_ready()
    return driver


def _page(chrome: Any, expression: str) -> Any:
    return chrome.execute_script(f"return {expression}")


def _text(chrome: Any, element_id: str) -> str:
    return str(_page(chrome, f"document.getElementById('{element_id}').textContent"))


def scan_at_kiosk(kiosk: Driver, code: str) -> None:
    """The kiosk's scanner reads ``code``. All the apps share one process here, unlike in a
    hall: the caller's login field must not hold the keyboard focus meanwhile."""
    from PySide6.QtWidgets import QApplication

    focus = QApplication.focusWidget()
    if focus is not None:
        focus.clearFocus()
    kiosk.scan(code)


def test_a_citizen_through_the_whole_hall(
    qtbot: Any,
    app_hall: HallFiles,
    hall_server: ServerProcess,
    printers: dict[str, VirtualPrinterServer],
    tmp_path: Path,
) -> None:
    from display.voicehook import make_voice
    from voice import RecordingSink, VoiceConfig

    desk = Desk(hall_server.url, app_hall.tokens)  # window 5's clerk, and the admin
    sink = RecordingSink(clock=time.time, auto=True)
    voice = make_voice(VoiceConfig.from_table({"repeats": 1}), sink=sink)
    board = make_display(qtbot, hall_server.url, app_hall.tokens, voice=voice)
    screen = make_display(
        qtbot, hall_server.url, app_hall.tokens, mode="window", window=3, size=(1280, 800, 10.1)
    )
    caller = build_caller(
        caller_config(app_hall, hall_server.url, 3, printer=printers["window-3"].url,
                      evaluator=True)
    )  # fmt: skip
    bar, evaluator = caller.bar, caller.evaluator
    assert bar is not None and evaluator is not None
    qtbot.addWidget(bar)
    qtbot.addWidget(evaluator)
    bar.show()
    evaluator.show()
    kiosk = _kiosk(qtbot, app_hall, hall_server, printers["kiosk"], tmp_path)
    chrome = browser.chromium(1280, 720) if browser.found() else None  # the hall's web board
    try:
        if chrome is not None:
            chrome.get(hall_server.http + "/display")
            qtbot.waitUntil(lambda: _page(chrome, "document.body.dataset.live") == "true",
                            timeout=WAIT)  # fmt: skip
        login(qtbot, bar, "s001")  # 王丽 at window 3; her AB backup 陈建国 works window 5
        desk.at(5)("login", staff="s002", pin=PIN)

        # the citizen taps 商事登记 · 企业设立登记 and takes the printed ticket
        kiosk.issue("shangshi", "qysl")
        kiosk.wait_screen("ticket")
        label = kiosk.text("number")
        assert label == "A001"
        assert printers["kiosk"].printer.wait_for(1)
        receipt = printers["kiosk"].printer.receipts[0]
        assert "A001" in receipt.lines and "服务区：商事登记" in receipt.text
        assert "办理事项：企业设立登记" in receipt.text and receipt.cut
        (status_url,) = receipt.qr_payloads
        assert "/t/" in status_url

        # the clerk presses 呼叫下一位: the board, window 3's screen and the voice
        qtbot.waitUntil(lambda: bool(bar.model.waiting), timeout=WAIT)
        press_and_wait(qtbot, bar, "call_next")
        assert bar.ticket.text() == "A001"
        qtbot.waitUntil(lambda: board.widget.number.full == "A001", timeout=WAIT)
        assert board.widget.call_line.full == "请A001号到3号窗口办理"
        qtbot.waitUntil(lambda: screen.widget.number.full == "A001", timeout=WAIT)
        if chrome is not None:  # and the web board in Chromium, pushed the same call
            qtbot.waitUntil(lambda: _text(chrome, "number") == "A001", timeout=WAIT)
            assert _text(chrome, "line") == "请A001号到3号窗口办理"
        qtbot.waitUntil(lambda: len(sink.played) >= 2, timeout=WAIT)  # the chime, the reading
        assert sink.overlaps == 0 and all(p.audio.seconds > 0.1 for p in sink.played[:2])

        # served; it needs another visit: the 续办服务卡 is printed at window 3
        press_and_wait(qtbot, bar, "start")
        issue_card(qtbot, bar)
        assert printers["window-3"].printer.wait_for(1)
        card = printers["window-3"].printer.receipts[0]
        ((code,),) = [(c,) for (c,) in db_rows(hall_server, "SELECT code FROM cards")]
        assert card.qr_payloads == [code]
        assert "业务受理人员：王丽" in card.text and "0574-62711001" in card.text

        # the citizen rates 非常满意 on the evaluator: nothing preselected, one rating
        qtbot.waitUntil(lambda: evaluator.state == ASKING, timeout=WAIT)
        assert not any(b.isChecked() for b in evaluator.levels.values())
        click(qtbot, evaluator.levels[5])
        # the evaluate's own reply (the hub is the bar's too, and the hall's reply can come first)
        qtbot.waitUntil(lambda: evaluator.state == THANKS, timeout=WAIT)
        assert db_rows(hall_server, "SELECT rating FROM tickets WHERE label = 'A001'") == [(5,)]

        # days later the citizen is back with the card: scanned at the kiosk, straight to 王丽
        kiosk.clock.advance(30)
        kiosk.wait_screen("home")
        scan_at_kiosk(kiosk, code)
        kiosk.wait_screen("card")
        followup = kiosk.flow.shown.ticket
        assert followup["kind"] == "followup" and followup["to_staff"] == "s001"
        assert kiosk.text("route-0") == "请直接到3号窗口找王丽办理续办"
        assert kiosk.text("route-1") == "无需重新排队"
        assert printers["kiosk"].printer.wait_for(2)
        assert " 续办 " in printers["kiosk"].printer.receipts[1].lines

        # another citizen took a ticket meanwhile: the follow-up still comes first at window 3
        desk.request("kiosk-2", "issue", zone="shangshi")
        qtbot.waitUntil(lambda: len(bar.model.waiting) == 2, timeout=WAIT)
        qtbot.waitUntil(lambda: evaluator.state == IDLE, timeout=40_000)
        press_and_wait(qtbot, bar, "call_next")
        assert bar.ticket.text() == followup["label"] and bar.kind.text() == "续办"
        dialog = open_finish(qtbot, bar)
        with qtbot.waitSignal(bar.shown, timeout=WAIT):
            click(qtbot, dialog.done_button)  # this time the case is done

        # the other citizen's case needs another visit too, and 王丽 has logged out when that
        # citizen comes back
        press_and_wait(qtbot, bar, "call_next")
        press_and_wait(qtbot, bar, "start")
        issue_card(qtbot, bar)
        codes = [c for (c,) in db_rows(hall_server, "SELECT code FROM cards ORDER BY number")]
        qtbot.waitUntil(lambda: evaluator.state == IDLE, timeout=40_000)
        press_and_wait(qtbot, bar, "logout")
        kiosk.clock.advance(30)
        kiosk.wait_screen("home")
        scan_at_kiosk(kiosk, codes[-1])
        kiosk.wait_screen("card")
        assert kiosk.text("route-0") == "王丽今日不在岗，请到5号窗口找AB岗同事陈建国办理续办"
        assert desk.at(5)("call_next")["ticket"]["label"] == kiosk.flow.shown.ticket["label"]
        desk.at(5)("finish", case_done=True)
    finally:
        if chrome is not None:
            chrome.quit()
        kiosk.kiosk.close()
        caller.stop()
        board.stop()
        screen.stop()
        voice.close()
        desk.close()

    # the day's report counts all of it
    report = subprocess.run(
        [sys.executable, "-m", "onetrip.cli", "report", "day", "--db", str(hall_server.db),
         "--config", str(app_hall.config_path), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    total = json.loads(report.stdout)["total"]
    assert total["issued"] == 4 and total["served"] == 4 and total["followups"] == 2
    assert total["rating_5"] == 1 and total["rated"] == 1
    # both cases took two visits: neither counts as done in one trip
    assert total["cases_done"] == 2 and total["cases_one_visit"] == 0
    assert total["realisation"] == 0
