"""差评 reasons and per-matter card tips: the hall config's lists, the ``evaluate`` command's
bounds, the rule (a 差评 only, the hall's reasons only), the ``rated`` event (an old one without
reasons still loads) and what the hall snapshot gives the apps."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from desk import Desk
from support import SECRET

from server.engine import events as e
from server.hub.topics import topic_snapshot
from shared import commands as c
from shared.config import ConfigError, parse_config
from shared.errors import Refused
from shared.protocol import parse_topic

REASONS = (
    "等候时间长",
    "服务态度不好",
    "办事效率低",
    "政策解释不清楚",
    "需要多次跑动",
    "材料要求不明确",
)


@pytest.fixture
def desk(open_config):
    d = Desk(open_config)
    d.login(1, "s001")
    return d


def finished(desk: Desk) -> str:
    label = desk.issue()
    desk.call(1)
    desk(c.Finish(window=1))
    return label


def test_the_sample_hall_has_reasons_and_tips(open_config):
    assert open_config.policy.rating_reasons == REASONS
    tips = open_config.zones["shangshi"].matters["qysl"].tips
    assert tips[0] == "请带齐补正材料原件" and len(tips) == 3
    assert open_config.zones["shangshi"].matters["gtgsh"].tips == ()  # a matter without any


def test_a_poor_rating_carries_the_reasons_chosen(desk):
    label = finished(desk)
    desk.now += 1
    events, reply = desk.engine.execute(
        c.Evaluate(level=1, window=1, reasons=("等候时间长", "办事效率低")), desk.now
    )
    assert reply["ticket"]["rating"] == 1 and desk.ticket(label).rating == 1
    rated = [ev for ev in events if isinstance(ev, e.Rated)]
    assert [ev.reasons for ev in rated] == [["等候时间长", "办事效率低"]]
    assert rated[0].to_json()["reasons"] == ["等候时间长", "办事效率低"]


@pytest.mark.parametrize(
    ("level", "reasons", "code"),
    [
        (4, ("等候时间长",), "reasons_not_poor"),
        (3, ("等候时间长",), "reasons_not_poor"),
        (2, ("排队的人太多",), "unknown_reason"),
        (1, ("等候时间长", "不在列表里"), "unknown_reason"),
    ],
)
def test_reasons_refused_by_the_rule(desk, level: int, reasons: tuple[str, ...], code: str):
    label = finished(desk)
    assert desk.refused(c.Evaluate(level=level, window=1, reasons=reasons)) == code
    assert desk.ticket(label).rating is None  # nothing lost: the level alone still goes
    assert desk(c.Evaluate(level=level, window=1))["ticket"]["rating"] == level


@pytest.mark.parametrize(
    "reasons",
    [
        ["等候时间长"] * 2,  # twice
        [""],
        ["  "],
        ["长" * 31],
        [f"原因{i}" for i in range(9)],
    ],
)
def test_reasons_out_of_bounds_are_a_bad_request(reasons: list[str]):
    with pytest.raises(Refused) as info:
        c.from_json("evaluate", {"level": 1, "window": 1, "reasons": reasons})
    assert info.value.code == "bad_reasons"
    assert info.value.message().startswith("评价原因最多8条")


def test_the_rated_event_keeps_the_reasons_and_an_old_one_loads():
    event = e.Rated("20261124-A001", 2, 3, "s001", ["服务态度不好"])
    data = event.to_json()
    assert data["reasons"] == ["服务态度不好"] and e.from_json(data) == event
    old = {"type": "rated", "ticket": "20261124-A001", "level": 5, "window": 3, "staff": "s001"}
    assert e.from_json(old) == e.Rated("20261124-A001", 5, 3, "s001", [])


def _raw(sample_toml: str) -> dict[str, Any]:
    return tomllib.loads(sample_toml)


@pytest.mark.parametrize(
    ("where", "value", "key"),
    [
        ("reasons", ["等候时间长", "等候时间长"], "policy.rating_reasons[1]"),
        ("reasons", [""], "policy.rating_reasons[0]"),
        ("reasons", ["长" * 31], "policy.rating_reasons[0]"),
        ("reasons", [f"原因{i}" for i in range(9)], "policy.rating_reasons"),
        ("reasons", [3], "policy.rating_reasons[0]"),
        ("tips", ["请带齐材料", "请带齐材料"], "zones[0].matters[0].tips[1]"),
        ("tips", ["长" * 61], "zones[0].matters[0].tips[0]"),
        ("tips", [f"提示{i}" for i in range(9)], "zones[0].matters[0].tips"),
        ("tips", "请带齐材料", "zones[0].matters[0].tips"),
    ],
)
def test_bad_lists_in_the_hall_config(sample_toml: str, where: str, value: Any, key: str):
    raw = _raw(sample_toml)
    if where == "reasons":
        raw["policy"]["rating_reasons"] = value
    else:
        raw["zones"][0]["matters"][0]["tips"] = value
    with pytest.raises(ConfigError) as info:
        parse_config(raw, secret=SECRET)
    assert key in [i.key for i in info.value.issues], info.value.issues


def test_the_hall_snapshot_gives_the_tips_and_the_reasons(open_config):
    desk = Desk(open_config)
    snap = topic_snapshot(
        open_config, desk.state, parse_topic("hall"), recent=[], notices=[], now=desk.now
    )
    assert snap["hall"]["rating_reasons"] == list(REASONS)
    matters = {m["id"]: m for z in snap["zones"] for m in z["matters"]}
    assert matters["zydj"]["tips"][0] == "请买卖双方本人到场"
    assert matters["cxzm"]["tips"] == []
