"""Tickets at the kiosk, tapped as a finger does, against a real hall server and the virtual
printer over TCP: each receipt decoded and checked, every printer fault and policy, the print
that fails half-way, double taps and scanner bursts, and the reprint."""

from __future__ import annotations

from typing import Any

import pytest
from apps.kiosk.conftest import Driver, tickets_of
from PySide6.QtCore import Qt

from hardware.escpos_parser import Cut, QrCode, Receipt


def check_receipt(receipt: Receipt, ticket: dict[str, Any], zone: str, matter: str | None) -> None:
    text = receipt.text
    assert "余姚市行政服务中心" in text
    assert f"服务区：{zone}" in receipt.lines
    if matter:
        assert f"办理事项：{matter}" in receipt.lines
    assert ticket["label"] in receipt.lines
    assert f"前面还有{ticket['ahead']}人" in receipt.lines
    assert receipt.qr_payloads == [ticket["status_url"]]
    assert isinstance(receipt.ops[-1], Cut) and receipt.cut


def test_a_ticket_is_shown_and_printed_once_the_server_acknowledged_it(
    make_kiosk: Any, kiosk_server: Any
) -> None:
    k: Driver = make_kiosk()
    assert "等候" in k.widget("zone-shangshi").findChildren(type(k.widget("prompt")))[1].text()
    k.click("zone-shangshi")
    k.wait_screen("matters")
    assert k.has("matter-qysl") and k.has("matter-qybg") and k.has("matter-gtgsh")
    k.click("matter-qybg")
    k.wait_screen("priority")
    assert "请在窗口出示相关证件" in k.text("show-id")
    k.click("priority-none")
    k.wait_screen("ticket")
    ticket = k.flow.shown.ticket
    assert k.text("number") == ticket["label"] and ticket["label"].startswith("A")
    assert k.text("ahead") == f"前面还有 {ticket['ahead']} 人"
    assert k.text("wait").startswith("预计等候约")
    assert k.text("take") == "请取走您的号票"
    assert k.widget("qr").payload == ticket["status_url"]  # on screen as well
    assert k.printer.printer.wait_for(1)
    (receipt,) = k.receipts()
    check_receipt(receipt, ticket, "商事登记", "企业变更登记")
    assert tickets_of(kiosk_server, ticket["label"]) == [(ticket["id"], "waiting")]
    # a touch goes home at once (after the guard against a double tap's second half)
    k.clock.advance(1.5)
    k.qtbot.mouseClick(k.widget("number"), Qt.MouseButton.LeftButton)
    k.wait_screen("home")


def test_priority_lane_ticket(make_kiosk: Any) -> None:
    k: Driver = make_kiosk()
    k.issue("gongan", "crj", priority="elderly")
    k.wait_screen("ticket")
    ticket = k.flow.shown.ticket
    assert ticket["kind"] == "priority" and ticket["priority_reason"] == "elderly"
    assert "老年人" in k.text("kind")
    assert k.printer.printer.wait_for(1)
    receipt = k.receipts()[0]
    check_receipt(receipt, ticket, "公安", "出入境证件")
    assert " 优先 " in receipt.lines


def test_a_double_tap_and_two_fingers_make_one_ticket(make_kiosk: Any, kiosk_server: Any) -> None:
    k: Driver = make_kiosk()
    k.click("zone-budongchan")
    k.click("matter-cxzm")
    button = k.widget("priority-none")
    other = k.widget("priority-military")
    k.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    k.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the double tap
    k.qtbot.mouseClick(other, Qt.MouseButton.LeftButton)  # a second finger
    k.scan("OT1.SCANNER-BURST-DURING-THE-FLOW")  # and a scanner burst
    k.wait_screen("ticket")
    k.qtbot.mouseClick(k.widget("number"), Qt.MouseButton.LeftButton)  # the double tap's end
    assert k.flow.screen.value == "ticket"  # still there: the citizen sees the number
    assert k.printer.printer.wait_for(1)
    k.qtbot.wait(300)
    assert len(k.receipts()) == 1 and k.flow.issued == 1
    assert len(tickets_of(kiosk_server, k.flow.shown.ticket["label"])) == 1


def test_a_zone_with_no_matters_known_issues_at_once(make_kiosk: Any) -> None:
    # Without the hall config's public parts the server's snapshot has no matters: the kiosk
    # issues by zone, and skips the 绿色通道 step it knows nothing of.
    k: Driver = make_kiosk(hall=False)
    assert k.text("prompt") == "请选择办理业务的服务区"
    k.click("zone-shehui")
    k.wait_screen("ticket")
    assert k.flow.shown.ticket["zone"] == "shehui" and k.flow.shown.ticket["matter"] is None
    assert k.printer.printer.wait_for(1)
    check_receipt(k.receipts()[0], k.flow.shown.ticket, "社会事务", None)


def test_waiting_counts_are_pushed_to_the_tiles(make_kiosk: Any, desk: Any) -> None:
    k: Driver = make_kiosk()
    before = k.flow.catalog.zones["gongjijin"]["waiting"]
    desk.request("kiosk-2", "issue", zone="gongjijin")
    k.qtbot.waitUntil(lambda: k.flow.catalog.zones["gongjijin"]["waiting"] == before + 1)
    k.qtbot.waitUntil(
        lambda: (
            f"等候 {before + 1} 人"
            in " ".join(
                label.text()
                for label in k.widget("zone-gongjijin").findChildren(type(k.widget("prompt")))
            )
        )
    )


# -- the printer -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fault", "words"),
    [("paper_out", "打印机缺纸"), ("cover_open", "打印机纸仓盖未关"), ("offline", "打印机无响应")],
)
def test_refuse_policy_disables_the_tiles_while_the_printer_cannot_print(
    make_kiosk: Any, fault: str, words: str
) -> None:
    k: Driver = make_kiosk(policy="refuse")
    assert k.enabled("zone-shangshi")
    k.printer.printer.set_fault(fault)
    k.qtbot.waitUntil(lambda: k.has("printer-notice"), timeout=8000)
    notice = k.text("printer-notice")
    assert words in notice and "请到咨询台取号" in notice
    assert not k.enabled("zone-shangshi")
    k.click("zone-shangshi")  # nothing happens
    assert k.flow.screen.value == "home" and k.flow.pending is None
    k.printer.printer.set_fault(None)
    k.qtbot.waitUntil(lambda: k.enabled("zone-shangshi"), timeout=8000)
    assert not k.has("printer-notice")


def test_screen_policy_issues_and_shows_the_ticket_to_photograph(
    make_kiosk: Any, kiosk_server: Any
) -> None:
    k: Driver = make_kiosk(policy="screen")
    k.printer.printer.set_fault("paper_out")
    k.qtbot.waitUntil(lambda: k.has("printer-notice"), timeout=8000)
    assert k.text("printer-notice") == "打印机缺纸：取号后请拍照留存号码"
    assert k.enabled("zone-shangshi")
    k.issue("shangshi", "qysl")
    k.wait_screen("ticket")
    ticket = k.flow.shown.ticket
    assert "请拍照留存号码" in k.text("take")
    assert k.widget("qr").payload == ticket["status_url"]
    assert k.receipts() == [] and k.printer.printer.discarded == 0  # nothing was sent
    assert tickets_of(kiosk_server, ticket["label"]) == [(ticket["id"], "waiting")]


def test_a_print_that_fails_half_way_voids_the_ticket(make_kiosk: Any, kiosk_server: Any) -> None:
    k: Driver = make_kiosk(policy="refuse")
    k.printer.printer.set_fault("paper_out", after_bytes=120)  # mid-ticket
    k.issue("shangshi", "gtgsh")
    k.wait_screen("message")
    ticket = k.flow.shown.ticket
    assert k.text("message") == f"对不起，号票打印失败，{ticket['label']}号已作废"
    assert k.text("hint") == "如需帮助，请到咨询台"
    assert k.receipts() == [] and k.printer.printer.discarded == 1
    k.qtbot.waitUntil(
        lambda: tickets_of(kiosk_server, ticket["label"]) == [(ticket["id"], "voided")]
    )
    # the printer says so on the home screen, and the tiles wait for it
    k.click("home")
    assert not k.enabled("zone-shangshi") and "打印机缺纸" in k.text("printer-notice")


def test_a_half_way_failure_under_the_screen_policy_keeps_the_ticket(
    make_kiosk: Any, kiosk_server: Any
) -> None:
    k: Driver = make_kiosk(policy="screen")
    k.printer.printer.set_fault("cover_open", after_bytes=120)
    k.issue("gongan", "hjbl")
    k.wait_screen("ticket")
    ticket = k.flow.shown.ticket
    assert "打印机纸仓盖未关" in k.text("take") and "拍照" in k.text("take")
    k.qtbot.wait(300)
    assert tickets_of(kiosk_server, ticket["label"]) == [(ticket["id"], "waiting")]


def test_paper_near_end_still_prints_and_tells_staff(make_kiosk: Any) -> None:
    k: Driver = make_kiosk()
    k.printer.printer.set_fault("near_end")
    k.qtbot.waitUntil(lambda: k.has("staff-notice"), timeout=8000)
    assert "打印纸即将用完" in k.text("staff-notice")
    assert k.enabled("zone-shangshi") and not k.has("printer-notice")
    k.issue("gongjijin", "gjjtq")
    k.wait_screen("ticket")
    assert k.printer.printer.wait_for(1)
    # staff acknowledge it on the maintenance screen
    open_maintenance(k)
    assert "打印纸即将用完" in k.text("m-paper")
    k.click("maint-ack")
    assert k.text("m-paper") == "缺纸提示已确认"
    k.click("maint-close")
    assert not k.has("staff-notice")


def open_maintenance(k: Driver, pin: str = "246810") -> None:
    if k.flow.screen.value != "home":
        k.clock.advance(30)  # the result screen's pause
        k.wait_screen("home")
    k.qtbot.mousePress(k.window, Qt.MouseButton.LeftButton, pos=k.window.rect().topLeft() + _p(5))
    k.wait_screen("pin", timeout=3000)
    k.qtbot.mouseRelease(k.window, Qt.MouseButton.LeftButton, pos=k.window.rect().topLeft() + _p(5))
    pad = k.widget("pin-pad")
    for digit in pin:
        k.qtbot.mouseClick(pad.keys[digit], Qt.MouseButton.LeftButton)
    k.qtbot.mouseClick(pad.keys["ok"], Qt.MouseButton.LeftButton)


def _p(n: int) -> Any:
    from PySide6.QtCore import QPoint

    return QPoint(n, n)


# -- reprint -----------------------------------------------------------------------------------
def test_the_last_ticket_can_be_reprinted_once_for_a_short_time(make_kiosk: Any) -> None:
    k: Driver = make_kiosk()
    assert not k.has("reprint")
    k.issue("budongchan", "zydj")
    k.wait_screen("ticket")
    assert k.printer.printer.wait_for(1)
    ticket = k.flow.shown.ticket
    k.clock.advance(2)
    k.qtbot.mouseClick(k.widget("number"), Qt.MouseButton.LeftButton)
    k.wait_screen("home")
    k.click("reprint")
    assert k.text("prompt") == f"补打{ticket['label']}号票？"
    k.click("confirm")
    assert k.printer.printer.wait_for(2)
    k.wait_screen("home")
    copy = k.receipts()[1]
    check_receipt(copy, ticket, "不动产登记", "转移登记")
    assert "补打副本，号码不变" in copy.lines
    assert k.flow.issued == 1  # no new number
    assert not k.has("reprint")  # once
    # and only for a short time
    k.issue("budongchan", "cxzm")
    k.wait_screen("ticket")
    assert k.printer.printer.wait_for(3)
    k.clock.advance(121)
    k.qtbot.waitUntil(lambda: k.flow.screen.value == "home")
    assert not k.has("reprint")


def test_qr_on_the_receipt_is_native(make_kiosk: Any) -> None:
    k: Driver = make_kiosk()
    k.issue("shehui", "ybbx")
    k.wait_screen("ticket")
    assert k.printer.printer.wait_for(1)
    (qr,) = [op for op in k.receipts()[0].ops if isinstance(op, QrCode)]
    assert qr.payload == k.flow.shown.ticket["status_url"] and qr.module >= 5
