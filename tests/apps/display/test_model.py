"""The board model: snapshot + pushes -> what the boards show. Tables, no Qt, no server."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from display.model import (
    PUSH_ONLY_SECONDS,
    Board,
    Call,
    WindowBoard,
    WindowState,
    clock_texts,
    fold,
    hours_text,
    window_state_text,
)


def call(label: str, window: int, recall: int = 0, zone: str = "shangshi") -> dict:
    return {
        "ticket": label,
        "ticket_id": f"20261201-{label}",
        "zone": zone,
        "zone_name": "商事登记",
        "window": window,
        "window_name": "",
        "staff_name": "王丽",
        "how": "recall" if recall else "next",
        "recall": recall,
        "at": 1000.0,
        "announce": {"zh_CN": f"请{label}号到{window}号窗口办理", "en": f"{label} to {window}"},
    }


def window(number: int, status: str = "idle", ticket: str | None = None, **more) -> dict:
    return {
        "number": number,
        "name": "",
        "status": status,
        "staff": more.get("staff"),
        "staff_name": more.get("staff_name"),
        "ticket": ticket,
        "pause_reason": more.get("pause_reason"),
        "zones": more.get("zones", ["shangshi"]),
    }


def snapshot(recent=(), windows=(), zones=(("shangshi", 3),), notices=(), seq=10) -> dict:
    return {
        "seq": seq,
        "topics": {
            "hall": {
                "hall": {"name": "余姚市行政服务中心", "name_en": "Yuyao", "day": "2026-12-01"},
                "zones": [{"id": z, "name": z, "name_en": z, "waiting": n} for z, n in zones],
                "windows": list(windows),
                "recent": list(recent),
                "notices": list(notices),
            }
        },
    }


def push(kind: str, seq: int, **payload) -> dict:
    return {"event": kind, "seq": seq, "prev": seq - 1, **payload}


def labels(calls) -> list[str]:
    return [f"{c.ticket}{'*' * c.recall}" for c in calls]


@pytest.mark.parametrize(
    ("pushes", "newest", "recent"),
    [
        ([], None, []),
        ([("called", "A001", 1, 0)], "A001", []),
        ([("called", "A001", 1, 0), ("called", "A002", 2, 0)], "A002", ["A001"]),
        # a recall moves its ticket's line to the top, marked; never a second line
        (
            [("called", "A001", 1, 0), ("called", "A002", 2, 0), ("recalled", "A001", 1, 1)],
            "A001*",
            ["A002"],
        ),
        (
            [("called", "A001", 1, 0), ("recalled", "A001", 1, 1), ("recalled", "A001", 1, 2)],
            "A001**",
            [],
        ),
        # more calls than the list holds: the oldest go
        ([("called", f"A{i:03d}", 1, 0) for i in range(1, 6)], "A005", ["A004", "A003"]),
    ],
)
def test_calls_fold(pushes, newest, recent):
    board = Board(recent_size=2)
    board.snapshot(snapshot())
    for seq, (kind, label, win, recall) in enumerate(pushes, start=11):
        change = board.event(push(kind, seq, call=call(label, win, recall)))
        assert change.call is not None and change.call.ticket == label
    assert (labels([board.newest])[0] if board.newest else None) == newest
    assert labels(board.recent) == recent


def test_snapshot_recent_with_recalls_is_folded_too():
    # newest first, as the hub sends it: A001's recall after A002's call
    recent = [call("A001", 1, 1), call("A002", 2), call("A001", 1)]
    board = Board()
    board.snapshot(snapshot(recent=recent))
    assert labels(board.calls) == ["A001*", "A002"]


@pytest.mark.parametrize(
    ("view", "zh", "en"),
    [
        (None, "未登录", "Closed"),
        (window(1, "logged_out"), "未登录", "Closed"),
        (window(1, "idle"), "空闲", "Free"),
        (window(1, "calling", "A001"), "呼叫 A001", "Calling A001"),
        (window(1, "serving", "A001"), "办理中 A001", "Serving A001"),
        (window(1, "paused", pause_reason="午休"), "暂停服务：午休", "Paused: 午休"),
        (window(1, "paused"), "暂停服务", "Paused"),
    ],
)
def test_window_state_text(view, zh, en):
    w = WindowState.of(view) if view else None
    assert window_state_text(w) == zh and window_state_text(w, "en") == en


def test_window_counts_and_notice_events():
    board = Board()
    board.snapshot(snapshot(windows=[window(1), window(2)], zones=(("shangshi", 3), ("gongan", 0))))
    assert board.event(push("window", 11, window=window(2, "paused", pause_reason="培训")))
    assert board.windows[2].status == "paused" and board.windows[2].pause_reason == "培训"
    assert board.event(push("counts", 12, zones={"gongan": 4}))
    assert {z.id: z.waiting for z in board.zones.values()} == {"shangshi": 3, "gongan": 4}
    notice = {"text": "系统升级", "text_en": "Upgrade", "level": "info", "at": 100.0, "until": 100}
    assert board.event(push("notice", 13, notice=notice))
    # a push-only notice (until = at) stays a minute on the band
    assert [n.text for n in board.active_notices(100 + PUSH_ONLY_SECONDS - 1)] == ["系统升级"]
    assert board.active_notices(100 + PUSH_ONLY_SECONDS + 1) == []
    # the server's own connection notices are not the band's
    system = {**notice, "level": "system", "until": 10_000}
    assert not board.event(push("notice", 14, notice=system))
    assert board.active_notices(200) == []
    assert board.seq == 14


def test_a_new_day_clears_calls_and_notices():
    notice = {"text": "n", "level": "info", "at": 0, "until": 10**10}
    board = Board()
    board.snapshot(snapshot(recent=[call("A001", 1)], notices=[notice]))
    assert board.newest and board.active_notices(1)
    change = board.event(push("day", 11, day="2026-12-02"))
    assert "all" in change.parts and change.call is None
    assert board.newest is None and board.calls == [] and board.active_notices(1) == []
    assert board.day == "2026-12-02" and all(z.waiting == 0 for z in board.zones.values())


def test_connection_state_keeps_what_is_shown():
    board = Board()
    board.snapshot(snapshot(recent=[call("A001", 1)]))
    assert board.set_connected(True)
    assert not board.set_connected(True)  # no change, nothing to draw
    assert board.set_connected(False)
    assert board.newest is not None and board.newest.ticket == "A001"


def test_version_grows_only_with_changes():
    board = Board()
    v = board.version
    assert not board.event(push("ticket", 1, ticket={}))  # not a hall board's event
    assert board.version == v
    board.event(push("called", 2, call=call("A001", 1)))
    assert board.version == v + 1


def test_window_board():
    w = WindowBoard(3)
    assert w.topics == ["window:3", "hall"]
    result = snapshot(zones=(("shangshi", 2), ("gongan", 5)))
    result["topics"]["window:3"] = {
        "window": window(3, "idle", staff="s003", staff_name="李娜", zones=["shangshi"]),
        "recent": [],
    }
    w.snapshot(result)
    assert w.status == "idle" and w.ticket is None and w.waiting == 2
    # a call at another window is not this screen's
    assert not w.event(push("called", 11, call=call("A001", 1)))
    change = w.event(push("called", 12, call=call("A002", 3)))
    assert change.call is not None and w.ticket == "A002" and w.status == "calling"
    w.event(push("counts", 13, zones={"shangshi": 1}))
    assert w.waiting == 1
    w.event(push("window", 14, window=window(3, "paused", pause_reason="午休", zones=["shangshi"])))
    assert w.ticket is None and window_state_text(w.window) == "暂停服务：午休"


def test_fold_keeps_one_line_per_ticket():
    a, b = Call.of(call("A001", 1)), Call.of(call("A002", 2))
    again = Call.of(call("A001", 4, 1))
    assert labels(fold([a, b, again], keep=5)) == ["A001*", "A002"]
    assert fold([a, b, again], keep=5)[0].window == 4


@pytest.mark.parametrize(
    ("now", "tz", "date", "clock"),
    [
        # the trial's case: a UTC box showed 08:25 while the hall's tickets said 16:25
        (1_796_113_500.0, "Asia/Shanghai", "2026年12月1日 星期二", "16:25:00"),
        (1_796_113_500.0, "UTC", "2026年12月1日 星期二", "08:25:00"),
        (1_796_140_800.0, "Asia/Shanghai", "2026年12月2日 星期三", "00:00:00"),
    ],
)
def test_clock_is_the_halls(now, tz, date, clock):
    zone = UTC if tz == "UTC" else ZoneInfo(tz)
    assert clock_texts(now, zone) == (date, clock)


@pytest.mark.parametrize(
    ("hours", "zh"),
    [
        (None, ""),
        ([], "今日不办公"),
        (["08:30-12:00", "13:30-17:00"], "今日办公 08:30-12:00 13:30-17:00"),
    ],
)
def test_hours_text(hours, zh):
    assert hours_text(hours) == zh
