"""Issuing: numbering, kinds, limits, opening hours and the day's reset."""

from __future__ import annotations

import pytest
from desk import Desk
from support import at, make_config

from shared import commands as c


def test_numbers_run_per_zone_and_carry_the_zone_prefix(open_config):
    desk = Desk(open_config)
    assert [desk.issue("shangshi") for _ in range(3)] == ["A001", "A002", "A003"]
    assert desk.issue("budongchan") == "B001"
    assert desk.issue("shangshi") == "A004"


def test_issue_reply_says_people_ahead_and_a_wait(open_config):
    desk = Desk(open_config)
    desk.issue(matter="qysl")
    reply = desk(c.Issue(zone="shangshi", matter="qysl"))["ticket"]
    assert reply["ahead"] == 1 and reply["wait_minutes"] == 15  # one 15-minute matter ahead
    assert reply["zone_name"] == "商事登记" and reply["matter_name"] == "企业设立登记"
    assert reply["status_url"].endswith("/t/" + reply["code"])


def test_the_wait_follows_the_windows_staffed_and_open(open_config):
    """Each window that logs in, pauses or resumes changes the estimate of the next ticket."""
    desk = Desk(open_config)
    for _ in range(3):
        desk.issue(matter="qysl")  # three 15-minute matters ahead

    def wait() -> int:
        return int(desk(c.Issue(zone="shangshi", matter="qysl"))["ticket"]["wait_minutes"])

    assert wait() == 45  # no window staffed: counted as one
    desk.login(1, "s001")
    desk.login(2, "s002")
    assert wait() == 4 * 15 // 2
    desk(c.Pause(window=2, reason="break"))
    assert wait() == 5 * 15
    desk(c.Resume(window=2))
    assert wait() == 6 * 15 // 2


def test_priority_and_appointment_kinds(open_config):
    desk = Desk(open_config)
    assert desk(c.Issue(zone="gongan", priority_reason="elderly"))["ticket"]["kind"] == "priority"
    reply = desk(c.Issue(zone="gongan", appointment_at=desk.now + 600, appointment_ref="YY1"))
    assert reply["ticket"]["kind"] == "appointment"
    assert desk.refused(c.Issue(zone="gongan", priority_reason="vip")) == "bad_priority"


@pytest.mark.parametrize("booked", [0, -86400, 2**39, "yesterday", "tomorrow"])
def test_an_appointment_of_another_day_is_refused(open_config, booked):
    desk = Desk(open_config)
    at = {"yesterday": desk.now - 86400, "tomorrow": desk.now + 86400}.get(booked, booked)
    assert desk.refused(c.Issue(zone="gongan", appointment_at=at)) == "appointment_not_today"


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (c.Issue(zone="nowhere"), "unknown_zone"),
        (c.Issue(zone="shangshi", matter="zydj"), "unknown_matter"),  # a 不动产 matter
    ],
)
def test_unknown_zone_or_matter_is_refused(open_config, command, code):
    desk = Desk(open_config)
    desk.issue()
    assert desk.refused(command) == code


def test_daily_limit(sample_toml):
    config = make_config(
        sample_toml,
        hours=None,
        zones=[
            {
                "id": "z",
                "name": "公积金",
                "prefix": "E",
                "matters": [{"id": "loan", "name": "公积金贷款", "daily_limit": 2}],
            }
        ],
        windows=[{"number": 1, "zones": {"z": 1}}],
        devices=[],
    )
    desk = Desk(config)
    desk.issue("z", matter="loan")
    desk.issue("z", matter="loan")
    assert desk.refused(c.Issue(zone="z", matter="loan")) == "daily_limit"
    assert desk.issue("z") == "E003"  # the zone still issues for other matters
    desk(c.Issue(zone="z", matter="loan"), step=86400)  # a new day, a new quota


def test_slot_limit_and_a_voided_ticket_gives_its_quota_back(sample_toml):
    config = make_config(
        sample_toml,
        hours=None,
        zones=[
            {
                "id": "z",
                "name": "不动产登记",
                "prefix": "B",
                "matters": [{"id": "dy", "name": "抵押登记", "slot_limit": 1}],
            }
        ],
        windows=[{"number": 1, "zones": {"z": 1}}],
        devices=[],
        policy={"slot_minutes": 60},
    )
    desk = Desk(config, at(hour=9))
    first = desk.issue("z", matter="dy")
    assert desk.refused(c.Issue(zone="z", matter="dy")) == "slot_limit"
    desk(c.Void(ticket=first, reason="缺纸"))
    assert desk.issue("z", matter="dy") == "B002"  # the number is never reused
    assert desk.refused(c.Issue(zone="z", matter="dy")) == "slot_limit"
    desk(c.Issue(zone="z", matter="dy"), step=3600)  # the next hour is a new slot


@pytest.mark.parametrize(
    ("when", "zone", "code"),
    [
        (at(day=24, hour=7, minute=59), "shangshi", "closed"),  # before opening
        (at(day=24, hour=11, minute=40), "shangshi", None),  # noon duty joins the morning
        (at(day=24, hour=11, minute=40), "budongchan", "issuing_closed"),  # 20 min before noon
        (at(day=24, hour=12, minute=30), "budongchan", "zone_closed"),  # no noon duty
        (at(day=24, hour=12, minute=30), "shangshi", None),  # noon duty
        (at(day=24, hour=18, minute=30), "budongchan", None),  # Tuesday night market
        (at(day=24, hour=19, minute=10), "budongchan", "issuing_closed"),  # cut-off
        (at(day=23, hour=18, minute=30), "budongchan", "closed"),  # Monday closes at 17:00
        (at(day=22, hour=10), "budongchan", "closed"),  # Sunday
    ],
)
def test_opening_hours(config, when, zone, code):
    desk = Desk(config, when - 1)
    if code is None:
        assert desk.issue(zone)
    else:
        assert desk.refused(c.Issue(zone=zone)) == code


def test_date_overrides_close_holidays_and_open_swapped_weekends(config):
    assert Desk(config, at(month=10, day=1, hour=10)).refused(c.Issue(zone="gongan")) == "closed"
    assert Desk(config, at(month=10, day=10, hour=10)).issue("gongan") == "C001"  # a Saturday


def test_numbering_restarts_at_local_midnight_and_keeps_history(open_config):
    desk = Desk(open_config, at(hour=23, minute=59))
    assert desk.issue() == "A001"
    first_id = desk.state.by_label["A001"]
    desk.issue()
    desk.now = at(day=25, hour=0, minute=0) - 1  # 00:00 Beijing time, 16:00 UTC
    assert desk.issue() == "A001"
    assert desk.state.by_label["A001"] != first_id
    assert first_id.startswith("20261124-") and desk.state.by_label["A001"].startswith("20261125-")


def test_yesterdays_waiting_tickets_expire_at_the_new_day(open_config):
    desk = Desk(open_config, at(hour=16))
    desk.issue()
    desk.login(1, "s001")
    desk.call(1)
    desk.issue()
    desk.now = at(day=25, hour=8)
    desk.issue()
    assert desk.state.windows[1].ticket is None  # yesterday's call is gone with the day
    assert [t.label for t in desk.state.tickets.values()] == ["A001"]


@pytest.mark.parametrize(("speed", "minutes"), [(1, 1), (60, 40)])
def test_a_demo_halls_estimate_is_in_hall_minutes(sample_toml, speed, minutes):
    """Services measured at 20 real seconds: in a real hall a third of a minute each; in a
    demo hall at 60× speed (``policy.demo_speed``) twenty hall minutes each, as its receipts
    must say (two ahead, one window open)."""
    desk = Desk(make_config(sample_toml, hours=None, policy={"demo_speed": speed}))
    desk.login(1, "s001")
    for _ in range(5):
        desk.issue(matter="qysl")
        desk.call(1)
        desk(c.Start(window=1))
        desk(c.Finish(window=1), step=20)
    desk.issue(matter="qysl")
    desk.issue(matter="qysl")
    reply = desk(c.Issue(zone="shangshi", matter="qysl"))["ticket"]
    assert reply["ahead"] == 2 and reply["wait_minutes"] == minutes


@pytest.mark.parametrize(
    "zone", ["Asia/Shanghai", "America/Sao_Paulo", "America/Havana", "Europe/Berlin"]
)
def test_the_day_of_a_time_is_its_local_date_through_clock_changes(zone):
    """``day_of`` keeps the span of the day it last answered; in zones whose clocks jump at
    or near midnight it must still give the local date of every instant."""
    from datetime import datetime
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from server.engine.rules import day_of

    config = SimpleNamespace(tz=ZoneInfo(zone))
    start = datetime(2018, 10, 1, tzinfo=config.tz).timestamp()  # Sao Paulo jumped at 00:00
    for step in range(0, 86400 * 200, 1799):
        now = start + step
        assert day_of(config, now) == datetime.fromtimestamp(now, config.tz).date().isoformat()
