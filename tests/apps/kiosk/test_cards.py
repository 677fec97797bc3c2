"""续办服务卡 and 过号重排 at the kiosk: a card scanned by a keyboard-wedge burst for each routing
case (the staff member at a window, their AB backup, the zone's head) and each refusal, and a
missed ticket's QR re-queued the same day, against a real hall server."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from apps.kiosk.conftest import Desk, Driver, tickets_of
from support import PIN

from shared.security import card_code


def serve_and_card(desk: Desk, window: int, staff: str, zone: str, *, done: bool = False) -> str:
    """A citizen's ticket served at ``window`` by ``staff``, who gives a 续办服务卡; the code."""
    at = desk.at(window)
    at("login", staff=staff, pin=PIN)
    ticket = desk.request("kiosk-2", "issue", zone=zone)["ticket"]
    at("call", ticket=ticket["id"])
    at("start")
    card = at("issue_card", tips=["下次请带齐材料原件"])["card"]
    at("finish", case_done=done)
    return str(card["code"])


def test_a_card_goes_straight_to_its_staff_member(make_kiosk: Any, desk: Desk) -> None:
    code = serve_and_card(desk, 3, "s003", "shangshi")
    k: Driver = make_kiosk()
    k.scan(code)
    k.wait_screen("card")
    ticket = k.flow.shown.ticket
    assert ticket["kind"] == "followup" and ticket["to_staff"] == "s003"
    assert k.text("route-0") == "请直接到3号窗口找李娜办理续办"
    assert k.text("route-1") == "无需重新排队"
    assert k.text("number") == ticket["label"]
    assert k.printer.printer.wait_for(1)
    receipt = k.receipts()[0]
    assert ticket["label"] in receipt.lines and " 续办 " in receipt.lines
    assert receipt.qr_payloads == [ticket["status_url"]] and receipt.cut
    # the same card again: it has its ticket already
    k.clock.advance(30)
    k.wait_screen("home")
    k.scan(code)
    k.wait_screen("message")
    assert k.text("message") == f"该续办服务卡已取号：{ticket['label']}"
    assert "请按已取的号等候叫号" in k.text("hint")
    assert len(k.receipts()) == 1


def test_a_card_whose_staff_member_is_away_goes_to_the_ab_backup(
    make_kiosk: Any, desk: Desk
) -> None:
    code = serve_and_card(desk, 1, "s001", "shangshi")
    desk.at(1)("logout")
    desk.at(2)("login", staff="s002", pin=PIN)  # 陈建国 backs up 王丽
    k: Driver = make_kiosk()
    k.scan(code)
    k.wait_screen("card", timeout=10000)
    assert k.text("route-0") == "王丽今日不在岗，请到2号窗口找AB岗同事陈建国办理续办"
    assert k.printer.printer.wait_for(1)


def test_a_card_with_nobody_of_its_own_goes_to_the_head_of_the_zone(
    make_kiosk: Any, desk: Desk
) -> None:
    code = serve_and_card(desk, 5, "s005", "budongchan")
    desk.at(5)("logout")  # 刘洋 leaves, and 赵敏 (the backup) is not in today
    k: Driver = make_kiosk()
    k.scan(code)
    k.wait_screen("card")
    assert k.flow.shown.ticket["to_staff"] is None
    assert k.text("route-0") == "受理人员今日不在岗，您已优先排在不动产登记队首"
    assert k.printer.printer.wait_for(1)


def test_card_refusals_say_what_to_do_next(make_kiosk: Any, desk: Desk, app_hall: Any) -> None:
    closed = serve_and_card(desk, 4, "s004", "shangshi", done=True)
    secret = (app_hall.dir / "hall.secret").read_text(encoding="utf-8").strip().encode()
    unknown = card_code(secret, 9999, date.today() + timedelta(days=30))
    forged = unknown[:-4] + ("AAAA" if not unknown.endswith("AAAA") else "BBBB")
    k: Driver = make_kiosk()
    cases = [
        (forged, "续办服务卡无效，请到咨询台核实", "请携带此卡到咨询台核实"),
        (unknown, "查无此续办服务卡", "请携带此卡到咨询台查询"),
        (closed, "该事项已办结，续办服务卡已失效", "如有新的业务，请按普通方式取号"),
    ]
    for code, message, hint in cases:
        k.scan(code)
        k.wait_screen("message")
        assert k.text("message") == message
        assert k.text("hint").startswith(hint)
        k.click("home")
        k.wait_screen("home")
    assert k.receipts() == [] and k.flow.issued == 0


def test_a_missed_ticket_is_requeued_by_its_qr(make_kiosk: Any, desk: Desk, kiosk_server: Any):
    k: Driver = make_kiosk()
    k.issue("gongan", "jszh")
    k.wait_screen("ticket")
    ticket = k.flow.shown.ticket
    assert k.printer.printer.wait_for(1)
    at = desk.at(11)
    at("login", staff="s007", pin=PIN)
    at("call", ticket=ticket["id"])
    at("no_show")
    k.clock.advance(30)
    k.wait_screen("home")
    k.scan(ticket["status_url"])  # the QR on the ticket
    k.wait_screen("requeue")
    assert k.text("prompt") == f"{ticket['label']}号已过号"
    assert k.text("penalty") == "可以重新排队：您将排在当前等候的第3位之后"
    k.click("confirm")
    k.wait_screen("status")
    assert k.text("prompt") == f"{ticket['label']}号已重新排队"
    assert k.text("status") == "等候中" and k.text("say-0").startswith("前面还有")
    assert tickets_of(kiosk_server, ticket["label"])[-1] == (ticket["id"], "waiting")
    assert len(k.receipts()) == 1  # the same number: nothing new to print
    # missed again: the day's one requeue is used
    at("call", ticket=ticket["id"])
    at("no_show")
    k.clock.advance(30)
    k.wait_screen("home")
    k.scan(ticket["status_url"])
    k.wait_screen("requeue")
    k.click("confirm")
    k.wait_screen("message")
    assert k.text("message").startswith(ticket["label"]) and "重新排队1次" in k.text("message")
    assert k.text("hint") == "请到咨询台，由工作人员为您处理"


def test_a_waiting_tickets_qr_shows_its_place_and_junk_is_refused(make_kiosk: Any) -> None:
    k: Driver = make_kiosk()
    k.issue("shehui", "rcfw")
    k.wait_screen("ticket")
    ticket = k.flow.shown.ticket
    k.clock.advance(30)
    k.wait_screen("home")
    k.scan(ticket["status_url"])
    k.wait_screen("status")
    assert k.text("number") == ticket["label"] and k.text("status") == "等候中"
    k.clock.advance(30)
    k.wait_screen("home")
    k.scan("HELLO-WORLD-123")
    k.wait_screen("message")
    assert k.text("message") == "无法识别此二维码"
