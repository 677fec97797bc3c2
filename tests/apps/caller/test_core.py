"""The caller's rules without Qt, as tables: which buttons a window's state enables, what a
push or reply means for the bar, one press = one request, a held key = one action, and the
evaluator's 一次一评."""

from __future__ import annotations

from typing import Any

import pytest

from caller.config import parse_caller_config, sample_config
from caller.core import (
    DEFAULT_KEYS,
    Gate,
    KeyGate,
    WindowModel,
    can_login,
    can_redeem,
    card_tips,
    enabled_actions,
    kind_line,
    minutes_seconds,
    outcome,
    state_line,
)
from caller.rating import ASKING, IDLE, REASONS, SENDING, THANKS, RatingFlow
from shared.config import ConfigError


def window(status: str, **kw: Any) -> dict[str, Any]:
    return {"number": 3, "status": status, "staff": "s001", "suspended": [], **kw}


# --- which buttons apply -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "extra", "ticket", "waiting", "expected"),
    [
        ("logged_out", {}, None, 5, set()),
        ("idle", {}, None, 0, {"call_next", "pause", "logout"}),
        ("idle", {}, None, 2, {"call_next", "choose", "pause", "logout"}),
        (
            "idle",
            {"suspended": ["A002"]},
            None,
            0,
            {"call_next", "call_back", "pause", "logout"},
        ),
        (
            "calling",
            {},
            {"recalls": 0},
            3,
            {"recall", "no_show", "start", "finish", "transfer", "suspend"},
        ),
        ("calling", {}, {"recalls": 3}, 3, {"no_show", "start", "finish", "transfer", "suspend"}),
        ("serving", {}, {"recalls": 1}, 3, {"finish", "transfer", "suspend"}),
        ("paused", {"pause_reason": "午休"}, None, 3, {"resume", "logout"}),
    ],
)
def test_enabled_actions_by_state(
    status: str, extra: dict[str, Any], ticket: Any, waiting: int, expected: set[str]
) -> None:
    assert enabled_actions(window(status, **extra), ticket, waiting=waiting) == expected


@pytest.mark.parametrize("status", ["idle", "calling", "serving", "paused"])
def test_nothing_is_enabled_offline_or_with_a_request_in_flight(status: str) -> None:
    assert enabled_actions(window(status), {}, connected=False, waiting=3) == frozenset()
    assert enabled_actions(window(status), {}, busy=True, waiting=3) == frozenset()
    assert enabled_actions(None) == frozenset()


@pytest.mark.parametrize(
    ("status", "connected", "busy", "login", "redeem"),
    [
        ("logged_out", True, False, True, False),
        ("logged_out", False, False, False, False),
        ("logged_out", True, True, False, False),
        ("idle", True, False, False, True),
        ("calling", True, False, False, False),
        ("paused", True, False, False, False),
    ],
)
def test_login_and_card_scan_apply(
    status: str, connected: bool, busy: bool, login: bool, redeem: bool
) -> None:
    w = window(status)
    assert can_login(w, connected=connected, busy=busy) is login
    assert can_redeem(w, connected=connected, busy=busy) is redeem


# --- what the bar says ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("view", "text"),
    [
        (None, "连接中…"),
        (window("logged_out"), "未登录"),
        (window("idle"), "空闲"),
        (window("calling"), "叫号中"),
        (window("serving"), "办理中"),
        (window("paused", pause_reason="午休"), "暂停服务：午休"),
    ],
)
def test_state_line(view: Any, text: str) -> None:
    assert state_line(view) == text


@pytest.mark.parametrize(
    ("ticket", "text"),
    [
        ({"kind": "normal"}, "普通"),
        ({"kind": "priority", "priority_reason": "elderly"}, "优先：老年人"),
        ({"kind": "priority"}, "优先"),
        ({"kind": "appointment"}, "预约"),
        ({"kind": "followup", "to_staff": "s001"}, "续办"),
        ({"kind": "normal", "to_window": 3, "note": "需补材料"}, "转入：需补材料"),
        ({"kind": "normal", "to_staff": "s001", "note": ""}, "转入"),
        ({"kind": "normal", "note": "从5号窗口转入"}, "转入：从5号窗口转入"),
    ],
)
def test_kind_line(ticket: dict[str, Any], text: str) -> None:
    assert kind_line(ticket) == text


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "00:00"), (59.9, "00:59"), (61, "01:01"), (3725, "1:02:05")]
)
def test_minutes_seconds(seconds: float, text: str) -> None:
    assert minutes_seconds(seconds) == text


@pytest.mark.parametrize(
    ("action", "ok", "body", "text", "level"),
    [
        ("call_next", True, {"ticket": {"label": "A001"}}, "已呼叫 A001号", "ok"),
        ("finish", True, {"ticket": {"label": "A001"}}, "A001号已办结", "ok"),
        (
            "call_next",
            False,
            {"code": "window_busy", "message": "窗口3正在处理A001号，请先办结、过号或挂起"},
            "窗口3正在处理A001号，请先办结、过号或挂起",
            "error",
        ),
        (
            "call_next",
            False,
            {"code": "queue_empty", "message": "当前没有等候的号"},
            "当前没有等候的号",
            "info",
        ),
        ("login", False, {"code": "bad_credentials"}, "操作未完成（bad_credentials）", "error"),
        ("subscribe", True, {}, "", "ok"),
    ],
)
def test_outcome_shows_the_servers_message(
    action: str, ok: bool, body: dict[str, Any], text: str, level: str
) -> None:
    shown = outcome(action, ok, body)
    assert (shown.text, shown.level) == (text, level)


# --- the model -----------------------------------------------------------------------------
def test_model_follows_snapshots_and_pushes() -> None:
    m = WindowModel(3)
    t1 = {"id": "d-A001", "label": "A001", "status": "called", "window": 3, "recalls": 0}
    assert m.take_snapshot(
        {
            "window:3": {
                "window": window("calling", ticket="A001", ticket_id="d-A001", zones=["shangshi"]),
                "ticket": t1,
                "followups": [],
            },
            "zone:shangshi": {
                "zone": {"id": "shangshi", "name": "商事登记"},
                "counts": {"shangshi": 4},
            },
        },
        now=100.0,
    )
    assert m.ticket == t1 and m.topics() == ["window:3", "zone:shangshi", "staff:s001"]
    assert m.zone_counts() == [("商事登记", 4)] and m.waiting_count() == 4
    # a recall of the ticket: the count is shown
    m.take_event({"event": "recalled", "ticket": {**t1, "recalls": 1}})
    assert m.ticket is not None and m.ticket["recalls"] == 1
    # another window's window push changes nothing
    assert not m.take_event({"event": "window", "window": window("idle", number=4)})
    # started: the service timer starts from when the bar saw it (the server's time if given)
    m.take_event(
        {"event": "ticket", "change": "started", "ticket": {**t1, "status": "serving"}}, now=130.0
    )
    assert m.started_local == 130.0
    # finished: the ticket leaves the window, my day counts it with its service time
    assert not m.take_event(
        {"event": "ticket", "change": "finished", "ticket": {**t1, "status": "done"}}, now=430.0
    )
    m.take_event({"event": "window", "window": window("idle", ticket=None, ticket_id=None)})
    assert m.ticket is None and m.status == "idle"
    assert m.day.served == 1 and m.day.mean_minutes == 5.0
    # a repeated finish push is not counted twice
    m.take_event(
        {"event": "ticket", "change": "finished", "ticket": {**t1, "status": "done"}}, now=500.0
    )
    assert m.day.served == 1
    m.take_event({"event": "ticket", "change": "rated", "ticket": {**t1, "rating": 5}})
    assert m.day.ratings == {5: 1} and m.day.satisfied_share == 1.0
    # pushes that may change the waiting list ask for it again
    assert m.take_event({"event": "counts", "zones": {"shangshi": 3}})
    assert m.take_event({"event": "followup", "followups": [{"id": "x"}]}) and m.followups
    m.take_waiting({"tickets": [{"id": "d-A002", "label": "A002"}], "followups": []})
    assert [t["label"] for t in m.waiting] == ["A002"]


def test_a_reply_shows_its_ticket_before_the_push() -> None:
    m = WindowModel(3)
    m.take_snapshot({"window:3": {"window": window("idle"), "ticket": None}})
    m.take_reply({"ticket": {"id": "d-A001", "label": "A001", "status": "called", "window": 3}})
    assert m.ticket is not None and m.ticket["label"] == "A001"
    m.take_reply({"ticket": {"id": "d-B001", "label": "B001", "status": "waiting", "window": None}})
    assert m.ticket["label"] == "A001"  # a transfer's new ticket is not this window's


# --- one press, one request; a held key, one action -----------------------------------------
def test_gate_lets_one_request_out_at_a_time() -> None:
    g = Gate()
    assert g.begin("call_next") and g.busy
    g.sent("r1")
    assert not g.begin("call_next")  # the second press while one is out: nothing
    assert not g.begin("recall")
    assert g.done("r2") is None and g.busy  # someone else's reply
    assert g.done("r1") == "call_next" and not g.busy
    assert g.begin("recall")


def test_a_held_key_gives_one_action() -> None:
    keys = KeyGate(DEFAULT_KEYS)
    presses = [("F1", False)] + [("F1", True)] * 30  # auto-repeat while held
    assert [keys.press(k, r) for k, r in presses].count("call_next") == 1
    # a keypad that repeats presses without auto-repeat flags or releases: still one
    assert keys.press("F1", False) is None
    keys.release("F1", auto_repeat=True)  # an auto-repeat release is not the real one
    assert keys.press("F1", False) is None
    keys.release("F1")
    assert keys.press("F1") == "call_next"
    assert keys.press("X") is None
    keys.clear()
    assert keys.press("F1") == "call_next"


# --- the evaluator's flow -----------------------------------------------------------------
def test_rating_flow_one_rating_per_ticket() -> None:
    flow = RatingFlow()
    ticket = {"id": "d-A001", "label": "A001", "case": "c1", "rating": None}
    assert flow.state == IDLE and flow.choose(5) is None  # nothing to rate while idle
    assert flow.finished(ticket) and flow.state == ASKING
    assert flow.choose(7) is None  # not a level
    assert flow.choose(4) == {"ticket": "d-A001", "level": 4} and flow.state == SENDING
    assert flow.choose(5) is None  # a second press sends nothing
    flow.replied()
    assert flow.state == THANKS
    flow.thanked()
    assert flow.state == IDLE
    assert not flow.finished(ticket)  # the same ticket again (a repeated push): not asked


def test_rating_flow_timeout_sends_nothing() -> None:
    flow = RatingFlow()
    flow.show_card({"label": "XB1", "case": "c2", "code": "CODE"})
    assert flow.finished({"id": "d-A002", "case": "c2"}) and flow.card is not None
    flow.expired()
    assert flow.state == IDLE and flow.ticket is None and flow.card is None
    assert flow.choose(5) is None
    assert not flow.finished({"id": "d-A003", "rating": 5})  # already rated elsewhere
    flow.show_card({"label": "XB2", "case": "other", "code": "C"})
    flow.finished({"id": "d-A004", "case": "c4"})
    assert flow.card is None  # another case's card is not shown to this citizen


def test_rating_flow_reasons_after_a_poor_level() -> None:
    reasons = ("等候时间长", "服务态度不好", "办事效率低")
    flow = RatingFlow(reasons=reasons)
    flow.finished({"id": "d-A001"})
    assert flow.choose(3) == {"ticket": "d-A001", "level": 3}  # 基本满意: no reasons asked
    flow.replied()
    flow.thanked()
    flow.finished({"id": "d-A002"})
    assert flow.choose(1) is None and flow.state == REASONS and flow.level == 1
    assert flow.choose(5) is None  # the levels are not pressed meanwhile
    assert flow.toggle("办事效率低") and flow.toggle("等候时间长")
    assert not flow.toggle("不在列表") and flow.picked == ["等候时间长", "办事效率低"]
    assert not flow.toggle("办事效率低")  # untick
    flow.back()  # 重新选择: the levels again, nothing ticked, nothing sent
    assert flow.state == ASKING and flow.level is None and flow.picked == []
    assert flow.choose(2) is None and flow.toggle("服务态度不好")
    sent = flow.submit()
    assert sent == {"ticket": "d-A002", "level": 2, "reasons": ["服务态度不好"]}
    assert flow.submit() is None and flow.skip() is None  # once
    # the server did not take the reasons (the hall's list changed): the level alone, once
    assert flow.reasons_refused() == {"ticket": "d-A002", "level": 2}
    assert flow.reasons_refused() is None
    flow.replied()
    assert flow.state == THANKS
    flow.thanked()
    flow.finished({"id": "d-A003"})
    flow.choose(1)
    assert flow.skip() == {"ticket": "d-A003", "level": 1}  # 跳过
    flow.replied()
    flow.thanked()
    flow.finished({"id": "d-A004"})
    flow.choose(2)
    flow.toggle("等候时间长")
    # the citizen walks away on the reasons: the level pressed is theirs, sent as ticked
    assert flow.expired() == {"ticket": "d-A004", "level": 2, "reasons": ["等候时间长"]}
    assert flow.state == SENDING
    # a hall with no reasons: a 差评 is sent at once
    plain = RatingFlow()
    plain.finished({"id": "d-A005"})
    assert plain.choose(1) == {"ticket": "d-A005", "level": 1}


# --- the card's tips --------------------------------------------------------------------------
HALL = {
    "zones": [
        {"id": "shangshi", "matters": [{"id": "qysl", "tips": ["请带齐补正材料原件", "盖章"]}]},
        {"id": "budongchan", "matters": [{"id": "qysl", "tips": ["另一服务区的"]}]},
    ]
}


@pytest.mark.parametrize(
    ("local", "zone", "matter", "offered"),
    [
        ({}, "shangshi", "qysl", ["请带齐补正材料原件", "盖章"]),
        ({}, "budongchan", "qysl", ["另一服务区的"]),  # a matter id is the zone's own
        ({}, "shangshi", "qybg", []),  # a matter without tips
        ({}, "shangshi", None, []),
        (
            {"default": ("请携带本卡",)},
            "shangshi",
            "qysl",
            ["请带齐补正材料原件", "盖章", "请携带本卡"],
        ),
        ({"default": ("请携带本卡",)}, "shangshi", "qybg", ["请携带本卡"]),
        (  # the window's own list for the matter replaces its default; a tip the hall has: once
            {"qysl": ("盖章", "本窗口15点后只办续办"), "default": ("请携带本卡",)},
            "shangshi",
            "qysl",
            ["请带齐补正材料原件", "盖章", "本窗口15点后只办续办"],
        ),
    ],
)
def test_card_tips_the_halls_then_the_windows(
    local: dict[str, tuple[str, ...]], zone: str, matter: str | None, offered: list[str]
) -> None:
    assert card_tips(HALL, local, zone, matter) == offered


# --- configuration ---------------------------------------------------------------------------
def test_the_sample_config_reads(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    monkeypatch.setenv("ONETRIP_CALLER_TOKEN", "tok")
    config = parse_caller_config(tomllib.loads(sample_config(3)), base=tmp_path)
    assert config.window == 3 and config.device == "caller-3" and config.token == "tok"
    assert config.keys["call_next"] == "F1" and "午休" in config.pause_reasons
    assert card_tips({}, config.tips, "shangshi", "qysl") == list(config.tips["default"])
    assert config.evaluator.enabled and config.evaluator.timeout == 30


def test_a_bad_config_lists_every_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONETRIP_CALLER_TOKEN", raising=False)
    raw = {
        "hub": {"url": "http://x", "device": "caller-3"},
        "caller": {"window": 0, "lang": "fr", "keys": {"call_next": "F2", "fly": "F9"}},
        "evaluator": {"timeout": 1},
        "extra": {},
    }
    with pytest.raises(ConfigError) as info:
        parse_caller_config(raw, file="c.toml")
    text = str(info.value)
    for key in (
        "hub.url",
        "hub.token",
        "caller.window",
        "caller.lang",
        "caller.keys.fly",
        "caller.keys.recall",  # F2 is now call_next's
        "evaluator.timeout",
        "extra",
    ):
        assert key in text, key
