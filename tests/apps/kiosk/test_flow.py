"""The kiosk's rules without Qt, sockets or a clock: tables of inputs and what they mean."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from hardware.status import PrinterStatus
from kiosk.catalog import Catalog, Matter, PublicHall, PublicZone
from kiosk.flow import KioskFlow, Print, PrintTestPage, Quit, Screen, Send, Settings
from shared.hours import Hours, Period
from shared.security import hash_pin

OK = PrinterStatus(online=True, paper="ok")
LOW = PrinterStatus(online=True, paper="near_end")
OUT = PrinterStatus(online=False, paper="out", reason="paper_out")
CARD = "XB1-7-20261231-AAAAAAAAAAAAAAAA"
T0 = 1_764_556_200.0  # 2025-12-01 10:30 in Shanghai, a Monday

HALL = {
    "hall": {
        "hall": {"name": "余姚市行政服务中心", "name_en": "Yuyao", "day": "2026-12-01"},
        "zones": [
            {"id": "a", "name": "商事登记", "name_en": "Business", "prefix": "A", "waiting": 4},
            {"id": "b", "name": "不动产登记", "name_en": "Estate", "prefix": "B", "waiting": 0},
            {"id": "c", "name": "公安", "name_en": "Police", "prefix": "C", "waiting": 2},
        ],
        "windows": [
            {"number": 3, "staff": "s003", "staff_name": "李娜", "status": "idle", "zones": ["a"]},
            {"number": 4, "staff": "s004", "staff_name": "张伟", "status": "idle", "zones": ["a"]},
            {
                "number": 5,
                "staff": None,
                "staff_name": None,
                "status": "logged_out",
                "zones": ["b"],
            },
        ],
        "notices": [],
    }
}
PUBLIC = PublicHall(
    zones={
        "a": PublicZone(
            (Matter("m1", "企业设立登记", "", 15), Matter("m2", "企业变更登记", "", 5))
        ),
        "b": PublicZone((Matter("m3", "转移登记", "", 20),)),
        "c": PublicZone(()),
    },
    priority_kinds=("elderly", "disabled"),
    requeue_penalty=3,
)


def ticket(label: str = "A005", **extra: Any) -> dict[str, Any]:
    return {
        "id": f"20261201-{label}",
        "label": label,
        "kind": "normal",
        "status": "waiting",
        "zone": "a",
        "zone_name": "商事登记",
        "matter": "m1",
        "matter_name": "企业设立登记",
        "issued_at": T0,
        "ahead": 4,
        "wait_minutes": 20,
        "code": "ABCD2345",
        "status_url": "http://hall/t/ABCD2345",
        "to_staff": None,
        **extra,
    }


def make(public: PublicHall | None = PUBLIC, printer: PrinterStatus | None = OK, **settings: Any):
    catalog = Catalog(public=public)
    catalog.take_snapshot(HALL)
    ids = (f"r{n}" for n in itertools.count(1))
    flow = KioskFlow(catalog, Settings(**settings), new_id=lambda: next(ids))
    flow.connection(True, T0)
    if printer is not None:
        flow.printer_status(printer, T0)
    return flow


def sends(effects: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(e.op, e.fields) for e in effects if isinstance(e, Send)]


# -- what the tiles offer ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("connected", "printer", "policy", "offered"),
    [
        (True, OK, "refuse", True),
        (True, LOW, "refuse", True),  # paper low: tickets still print
        (True, OUT, "refuse", False),
        (True, OUT, "screen", True),
        (True, None, "screen", False),  # not asked yet
        (False, OK, "refuse", False),
        (False, OUT, "screen", False),
    ],
)
def test_tiles_are_offered(connected: bool, printer: Any, policy: str, offered: bool) -> None:
    flow = make(printer=printer, policy=policy)
    flow.connection(connected, T0)
    assert flow.can_issue is offered
    effects = flow.tap("zone:b", T0)
    assert (flow.screen is not Screen.HOME) is offered
    assert bool(sends(effects)) is False  # zone b has one matter: the 绿色通道 step comes first


@pytest.mark.parametrize(
    ("printer", "policy", "notice"),
    [
        (None, "refuse", "正在检查打印机…"),
        (OK, "refuse", None),
        (LOW, "refuse", None),
        (OUT, "refuse", "打印机缺纸，暂停取号：请到咨询台取号"),
        (OUT, "screen", "打印机缺纸：取号后请拍照留存号码"),
        (PrinterStatus(False, reason="cover_open", cover_open=True), "refuse",
         "打印机纸仓盖未关，暂停取号：请到咨询台取号"),
    ],
)  # fmt: skip
def test_the_home_screens_printer_line(printer: Any, policy: str, notice: str | None) -> None:
    flow = make(printer=printer, policy=policy)
    got = flow.notice()
    assert (got.text("zh_CN") if got else None) == notice


@pytest.mark.parametrize(
    ("public", "zone", "steps"),
    [
        (PUBLIC, "a", ["matters", "priority"]),  # two matters, priority kinds
        (PUBLIC, "b", ["priority"]),  # one matter: skipped
        (PublicHall(zones=PUBLIC.zones), "b", []),  # no priority kinds: skipped too
        (None, "c", []),  # nothing known but the zone: issued at once
    ],
)
def test_the_steps_to_a_ticket(public: Any, zone: str, steps: list[str]) -> None:
    flow = make(public=public)
    seen = []
    effects = flow.tap(f"zone:{zone}", T0)
    while flow.screen in (Screen.MATTERS, Screen.PRIORITY):
        seen.append(flow.screen.value)
        if flow.screen is Screen.MATTERS:
            effects = flow.tap(f"matter:{flow.matters(T0)[0].id}", T0)
        else:
            effects = flow.tap("priority:none", T0)
    assert seen == steps and flow.screen is Screen.WAIT
    (op, fields), = sends(effects)  # fmt: skip
    assert op == "issue" and fields["zone"] == zone


# -- one intent, one ticket ----------------------------------------------------------------
def test_taps_and_scans_during_an_intent_do_nothing() -> None:
    flow = make()
    flow.tap("zone:b", T0)
    first = flow.tap("priority:none", T0)
    assert sends(first) == [("issue", {"zone": "b", "matter": "m3"})]
    for what in ("priority:none", "priority:elderly", "zone:a", "home", "dismiss", "card"):
        assert flow.tap(what, T0) == []
    assert flow.scan("XB1-1-20261231-AAAA", T0) == []
    assert flow.screen is Screen.WAIT


def test_only_the_first_reply_to_the_intent_prints() -> None:
    flow = make()
    flow.tap("zone:b", T0)
    (send,) = flow.tap("priority:none", T0)
    assert flow.reply("someone-else", {"ticket": ticket()}, T0) == []
    effects = flow.reply(send.rid, {"ticket": ticket()}, T0)
    assert [type(e) for e in effects] == [Print] and flow.screen is Screen.PRINTING
    assert flow.reply(send.rid, {"ticket": ticket()}, T0) == []  # a repeat: nothing
    assert flow.printed(effects[0].job, True, None, T0) == []
    assert flow.screen is Screen.TICKET and flow.issued == 1 and flow.prints == 1
    assert flow.printed(effects[0].job, True, None, T0) == []  # a late echo: nothing


@pytest.mark.parametrize(
    ("policy", "kind", "voided", "screen"),
    [
        ("refuse", "normal", True, Screen.MESSAGE),
        ("screen", "normal", False, Screen.TICKET),
        ("refuse", "followup", False, Screen.CARD),  # told where to go: the number stands
    ],
)
def test_a_failed_print(policy: str, kind: str, voided: bool, screen: Screen) -> None:
    flow = make(policy=policy)
    if kind == "followup":
        (send,) = flow.scan("XB1-7-20261231-AAAAAAAAAAAAAAAA", T0)
    else:
        flow.tap("zone:b", T0)
        (send,) = flow.tap("priority:none", T0)
    (job,) = flow.reply(send.rid, {"ticket": ticket(kind=kind, to_staff="s003")}, T0)
    effects = flow.printed(job.job, False, "paper_out", T0)
    assert sends(effects) == ([("void", {"ticket": "20261201-A005", "reason": "print_failed"})]
                              if voided else [])  # fmt: skip
    assert flow.screen is screen and not flow.printer_ok
    if screen is Screen.TICKET:
        assert flow.shown is not None and flow.shown.print_failed == "paper_out"
    if voided:
        assert flow.message is not None and "A005号已作废" in flow.message.text("zh_CN")


def test_screen_policy_with_the_printer_down_does_not_print_at_all() -> None:
    flow = make(printer=OUT, policy="screen")
    flow.tap("zone:b", T0)
    (send,) = flow.tap("priority:none", T0)
    assert flow.reply(send.rid, {"ticket": ticket()}, T0) == []
    assert flow.screen is Screen.TICKET and flow.shown.on_screen_only and flow.prints == 0


def test_a_request_given_up_on_is_asked_again_and_its_ticket_voided() -> None:
    flow = make()
    flow.tap("zone:b", T0)
    (send,) = flow.tap("priority:none", T0)
    flow.connection(False, T0 + 1)
    assert flow.failed(send.rid, {"code": "timeout"}, T0 + 10) == []
    assert flow.screen is Screen.MESSAGE and send.rid in flow.orphans
    again = flow.connection(True, T0 + 20)
    assert again == [Send(send.rid, "issue", send.fields)]  # the same id
    effects = flow.reply(send.rid, {"ticket": ticket()}, T0 + 21)
    assert sends(effects) == [("void", {"ticket": "20261201-A005", "reason": "not_delivered"})]
    assert not flow.orphans and flow.prints == 0
    # refused on the resend (nothing was done): forgotten
    flow2 = make()
    flow2.tap("zone:b", T0)
    (s2,) = flow2.tap("priority:none", T0)
    flow2.failed(s2.rid, {"code": "timeout"}, T0)
    assert sends(flow2.tick(T0 + 6)) == [("issue", s2.fields)]  # asked again while up
    flow2.failed(s2.rid, {"code": "closed"}, T0 + 7)
    assert not flow2.orphans


# -- scans -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "op", "fields"),
    [
        (CARD, "redeem_card", {"code": CARD}),
        ("http://192.168.1.10:8765/t/abcd2345", "ticket_status", {"code": "ABCD2345"}),
        ("https://hall.example/t/XY7Q2345?src=qr", "ticket_status", {"code": "XY7Q2345"}),
        ("hello world", None, None),
        ("http://hall/t/../../etc", None, None),
    ],
)  # fmt: skip
def test_what_a_scan_means(code: str, op: str | None, fields: Any) -> None:
    flow = make()
    effects = flow.scan(code, T0)
    if op is None:
        assert effects == [] and flow.screen is Screen.MESSAGE
        assert flow.message.text("zh_CN") == "无法识别此二维码"
    else:
        assert sends(effects) == [(op, fields)] and flow.screen is Screen.WAIT


@pytest.mark.parametrize(
    ("to_staff", "extra_snapshot", "lines"),
    [
        ("s003", None, ["请直接到3号窗口找李娜办理续办", "无需重新排队"]),
        ("s001", {"id": "s001", "name": "王丽", "backup": "s004"},
         ["王丽今日不在岗，请到4号窗口找AB岗同事张伟办理续办", "无需重新排队"]),
        (None, None, ["受理人员今日不在岗，您已优先排在商事登记队首",
                      "请留意叫号屏，听到叫号后到相应窗口办理"]),
    ],
)  # fmt: skip
def test_where_a_follow_up_goes(to_staff: Any, extra_snapshot: Any, lines: list[str]) -> None:
    flow = make()
    (send,) = flow.scan("XB1-7-20261231-AAAAAAAAAAAAAAAA", T0)
    effects = flow.reply(send.rid, {"ticket": ticket(kind="followup", to_staff=to_staff)}, T0)
    job = next(e for e in effects if isinstance(e, Print))
    lookups = [e for e in effects if isinstance(e, Send)]
    assert bool(lookups) is (extra_snapshot is not None)
    flow.printed(job.job, True, None, T0)
    if lookups:
        assert flow.screen is Screen.WAIT  # printed; asking who backs the staff member up
        snap = {"topics": {f"staff:{to_staff}": {"staff": extra_snapshot, "window": None}}}
        flow.reply(lookups[0].rid, snap, T0)
    assert flow.screen is Screen.CARD
    assert [m.text("zh_CN") for m in flow.shown.route] == lines


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        ("card_forged", "请携带此卡到咨询台核实"),
        ("card_unknown", "请携带此卡到咨询台查询"),
        ("card_expired", "请到咨询台重新办理，或按普通方式取号"),
        ("card_closed", "如有新的业务，请按普通方式取号；如有疑问请到咨询台"),
        ("card_in_use", "请按已取的号等候叫号；如有疑问请到咨询台"),
        ("timeout", "请稍后再试，或到咨询台取号"),
    ],
)
def test_card_refusals_in_plain_words_with_what_to_do(code: str, hint: str) -> None:
    flow = make()
    (send,) = flow.scan("XB1-7-20261201-AAAAAAAAAAAAAAAA", T0)
    error = {
        "code": code,
        "message": "续办服务卡已于2026-11-30过期，请到咨询台办理",
        "message_en": "x",
    }
    flow.failed(send.rid, error, T0)
    assert flow.screen is Screen.MESSAGE and flow.hint.text("zh_CN") == hint
    if code != "timeout":
        assert flow.message.text("zh_CN") == error["message"]  # the server's own words
        assert flow.message.text("en") == "x"


def test_requeue_of_a_missed_ticket_by_its_qr() -> None:
    flow = make()
    (send,) = flow.scan("http://hall/t/ABCD2345", T0)
    status = {"label": "A005", "status": "missed", "code": "ABCD2345"}
    flow.reply(send.rid, {"ticket": status}, T0)
    assert flow.screen is Screen.REQUEUE
    (req,) = flow.tap("confirm", T0)
    assert (req.op, req.fields) == ("requeue", {"ticket": "20261201-A005"})
    (again,) = flow.reply(req.rid, {"ticket": ticket(status="waiting")}, T0)
    assert (again.op, again.fields) == ("ticket_status", {"code": "ABCD2345"})
    flow.reply(again.rid, {"ticket": {**status, "status": "waiting", "ahead": 3}}, T0)
    assert flow.screen is Screen.STATUS and flow.status["requeued"] and flow.status["ahead"] == 3


# -- time ----------------------------------------------------------------------------------------
def test_results_go_home_after_their_pause_and_elderly_mode_doubles_it() -> None:
    for elderly, pause in ((False, 10), (True, 20)):
        flow = make(result_seconds=10)
        if elderly:
            flow.tap("elderly", T0)
        flow.scan("junk", T0)
        flow.tick(T0 + pause - 0.5)
        assert flow.screen is Screen.MESSAGE
        flow.tap("dismiss", T0 + 0.5)  # the second half of a double tap: ignored
        assert flow.screen is Screen.MESSAGE
        flow.tick(T0 + pause)
        assert flow.screen is Screen.HOME and not flow.elderly  # the next citizen


def test_the_idle_timeout_counts_from_the_last_touch() -> None:
    flow = make(idle_seconds=30)
    flow.tap("elderly", T0)
    flow.tap("zone:a", T0)
    flow.touched = T0 + 25  # a touch anywhere on the screen
    flow.tick(T0 + 40)
    assert flow.screen is Screen.MATTERS  # no time limit while the citizen acts
    flow.tick(T0 + 56)
    assert flow.screen is Screen.HOME and not flow.elderly


def test_reprint_once_within_its_window() -> None:
    flow = make(reprint_seconds=120)
    flow.tap("zone:b", T0)
    (send,) = flow.tap("priority:none", T0)
    (job,) = flow.reply(send.rid, {"ticket": ticket()}, T0)
    flow.printed(job.job, True, None, T0 + 1)
    flow.tap("dismiss", T0 + 3)
    assert flow.can_reprint(T0 + 60) and not flow.can_reprint(T0 + 122)
    flow.tap("reprint", T0 + 60)
    (copy,) = flow.tap("confirm", T0 + 61)
    assert isinstance(copy, Print) and copy.slip.number == "A005"
    assert copy.slip.tips == ("补打副本，号码不变",)
    flow.printed(copy.job, True, None, T0 + 62)
    assert flow.screen is Screen.HOME and not flow.can_reprint(T0 + 63) and flow.issued == 1


# -- maintenance --------------------------------------------------------------------------------
def test_maintenance_pin_lockout_and_actions() -> None:
    flow = make(pin_hash=hash_pin("2468", fast=True))
    flow.tap("corner", T0)
    assert flow.screen is Screen.PIN
    for n in range(1, 5):
        flow.tap("pin:1111", T0)
        assert flow.pin_error.text("zh_CN") == f"密码错误，还可以再试{5 - n}次"
    flow.tap("pin:1111", T0)
    flow.tap("pin:2468", T0 + 10)
    assert flow.screen is Screen.PIN and "5分钟" in flow.pin_error.text("zh_CN")
    flow.tap("pin:2468", T0 + 301)
    assert flow.screen is Screen.MAINTENANCE
    assert isinstance(flow.tap("maint:test", T0 + 302)[0], PrintTestPage)
    flow.printer_status(LOW, T0)
    assert flow.staff_notice() is not None
    flow.tap("maint:ack", T0 + 303)
    assert flow.staff_notice() is None
    assert flow.tap("maint:exit", T0 + 304) == [Quit()]


def test_no_maintenance_without_a_pin_hash() -> None:
    flow = make(pin_hash="")
    flow.tap("corner", T0)
    assert flow.screen is Screen.HOME


# -- the catalog --------------------------------------------------------------------------------
def test_the_wait_estimate_and_closed_zones() -> None:
    noon = Hours(weekly={d: (Period(0, 1),) for d in range(7)}, noon_duty=(Period(0, 24 * 60),))
    public = PublicHall(
        zones={"a": PublicZone(PUBLIC.zones["a"].matters, noon_duty=True), "b": PUBLIC.zones["b"]},
        hours=noon,
    )
    catalog = Catalog(public=public)
    catalog.take_snapshot(HALL)
    a, b, c = catalog.zone_views(T0)
    assert a.wait_minutes == round(4 * 10 / 2)  # 4 waiting × 10 min mean ÷ 2 staffed windows
    assert (a.closed, b.closed, c.closed) == (None, "zone_closed", None)
    assert c.wait_minutes is None  # nothing known of its matters
    catalog.learn_refusal(
        "c", "closed", {"message": "当前不在办理时间", "message_en": "Closed"}, T0
    )
    assert catalog.zone_view("c", T0 + 10).closed == "closed"
    assert catalog.zone_view("c", T0 + 301).closed is None
    assert catalog.take_event({"event": "counts", "zones": {"a": 9}}) is True
    assert catalog.zone_view("a", T0).waiting == 9
    # what a later server sends wins over the hall config's copy
    catalog.zones["a"]["wait_minutes"] = 3
    catalog.zones["a"]["matters"] = [{"id": "x", "name": "新事项"}]
    assert catalog.zone_view("a", T0).wait_minutes == 3
    assert [m.id for m in catalog.zone_view("a", T0).matters] == ["x"]
