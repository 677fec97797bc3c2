"""Every figure of the hand-built day (see conftest.py), worked out by hand."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from reportday import t

from server.hall import Hall, Origin
from server.reports import source
from server.reports.figures import build, rectify_by, stats
from server.reports.periods import GROUPINGS
from shared import commands as c
from shared.errors import Refused

D24 = date(2026, 11, 24)
NOW = t(12, day=30)


@pytest.fixture(scope="module")
def report(day_db):
    db, config = day_db
    conn = source.connect(db)
    try:
        data = source.read_period(conn, D24, D24, config.tz, NOW)
    finally:
        conn.close()
    return build(data, config, GROUPINGS)


def test_counts(report):
    g = report.total
    assert (g.issued, g.called, g.served) == (8, 6, 6)
    assert (g.no_shows, g.requeued) == (1, 1)
    assert (g.transferred_in, g.transferred_out, g.suspended) == (1, 1, 2)
    assert (g.cancelled, g.voided, g.expired, g.open, g.followups) == (1, 1, 0, 0, 1)


def test_waits_past_an_hour(report):
    # A001 600, A002 5100 (its last call, after the no-show), A003 1260 (call backs are not
    # waits), A007 300, A004 1200 (its call at the window it was transferred to), A008 300
    w = report.total.wait()
    assert sorted(report.total.waits) == [300, 300, 600, 1200, 1260, 5100]
    assert w.mean == pytest.approx(8760 / 6)
    assert (w.median, w.p90, w.max) == (900, 5100, 5100)
    assert report.total.over(report.service_level) == 1  # A002, over 30 minutes
    assert report.over_share(report.total) == pytest.approx(1 / 6)


def test_service_times(report):
    # A001 1080, A002 600 (finish − call: never started), A003 480 + 480 + 600 (two suspends),
    # A007 900, A004 240 + 600 (before and after the transfer), A008 720 (across midnight)
    s = report.total.service()
    assert sorted(report.total.services) == [600, 720, 840, 900, 1080, 1560]
    assert s.mean == pytest.approx(950)
    assert (s.median, s.p90, s.max) == (870, 1560, 1560)


def test_ratings(report):
    g = report.total
    assert g.ratings == {5: 1, 4: 1, 3: 1, 2: 0, 1: 1}
    assert g.rated == 4 and g.rating_rate == pytest.approx(4 / 6)
    assert g.satisfaction == pytest.approx(3 / 4) and g.bad == 1
    (bad,) = report.bad_ratings
    assert (bad["label"], bad["level"], bad["window"], bad["staff"]) == ("A002", 1, 2, "s003")
    assert bad["at"] == t(9, 41)


def test_unrated_groups_leave_the_shares_empty(report):
    nobody = report.groups["staff"][None]  # cancelled and voided: never at a window
    assert nobody.rated == 0 and nobody.served == 0
    assert nobody.rating_rate is None and nobody.satisfaction is None


def test_groups_by_zone(report):
    zones = report.groups["zone"]
    assert set(zones) == {"shangshi", "gongjijin"}
    ss, gjj = zones["shangshi"], zones["gongjijin"]
    assert (ss.issued, gjj.issued) == (7, 1)  # A004 ended in 公积金
    assert (ss.transferred_out, ss.transferred_in) == (1, 0)
    assert (gjj.transferred_out, gjj.transferred_in) == (0, 1)
    assert gjj.waits == [1200] and gjj.ratings[3] == 1


def test_groups_by_staff_and_idle_time(report):
    staff = report.groups["staff"]
    s001, s002, s003, s005 = (staff[k] for k in ("s001", "s002", "s003", "s005"))
    assert (s001.issued, s001.suspended, s001.transferred_out) == (2, 2, 1)
    assert (s003.issued, s003.no_shows) == (2, 1)
    assert (s005.transferred_in, s002.followups) == (1, 1)
    # logged in − serving; window 2's login runs past midnight: counted up to it
    assert (s001.logged_in, s001.serving, s001.idle) == (32400, 2880, 29520)
    assert (s003.logged_in, s003.serving, s003.paused, s003.idle) == (57600, 1320, 3600, 56280)
    assert (s005.logged_in, s005.serving, s005.idle) == (3600, 600, 3000)
    assert (s002.logged_in, s002.serving, s002.idle) == (7200, 900, 6300)
    windows = report.groups["window"]
    assert windows[2].paused == 3600 and windows[1].logged_in == 32400


def test_realisation(report):
    # finished on the 24th: A001, A002 (a no-show and re-queue is still one visit), A004 (a
    # transfer is one visit) with one visit; A003+A007 with two. Open at the day's end:
    # A005 (cancelled) and A008 (finished after midnight). A006 was voided: nobody came.
    g = report.total
    assert (g.cases_done, g.cases_one_visit, g.cases_open) == (4, 3, 2)
    assert g.realisation == pytest.approx(0.75)
    staff = report.groups["staff"]
    assert (staff["s002"].cases_done, staff["s002"].realisation) == (1, 0.0)  # the backup
    assert staff["s001"].realisation == 1.0
    assert (staff["s003"].cases_done, staff["s003"].cases_open) == (1, 1)


def test_realisation_over_two_days_counts_the_case_done_after_midnight(day_db):
    db, config = day_db
    conn = source.connect(db)
    try:
        data = source.read_period(conn, D24, date(2026, 11, 25), config.tz, NOW)
    finally:
        conn.close()
    g = build(data, config).total
    assert (g.cases_done, g.cases_one_visit, g.cases_open) == (5, 4, 1)
    assert g.issued == 8  # A008 belongs to the day it was issued on


def test_hourly_arrivals(report):
    cells = {(h["hour"], h["zone"]): h["arrivals"] for h in report.hourly}
    # by the zone issued in (A004 arrived for 商事登记); the voided A006 did not arrive
    assert cells == {(8, "shangshi"): 3, (10, "shangshi"): 1, (11, "shangshi"): 1,
                     (19, "shangshi"): 1, (23, "shangshi"): 1}  # fmt: skip
    assert {h["weekday"] for h in report.hourly} == {1}  # a Tuesday
    eight = next(h for h in report.hourly if h["hour"] == 8)
    assert eight["wait_mean"] == pytest.approx((600 + 5100 + 1260) / 3)


def test_stats_table():
    assert stats([]).mean is None
    assert stats([7200.0]) == stats([7200.0])  # two hours stays two hours
    one = stats([7200.0])
    assert (one.mean, one.median, one.p90, one.max) == (7200, 7200, 7200, 7200)
    ten = stats([float(i) for i in range(1, 11)])
    assert (ten.median, ten.p90) == (5.5, 9)


def test_poor_ratings_get_a_deadline(report):
    # 好差评整改: 5 working days after the 24th (this hall is open every day): the 29th, and
    # the report is made on the 30th
    (bad,) = report.bad_ratings
    assert (bad["deadline"], bad["state"]) == ("2026-11-29", "overdue")


@pytest.mark.parametrize(
    ("rated", "deadline"),
    [
        # 1 October is a holiday, the weekend is closed
        (date(2026, 9, 30), date(2026, 10, 8)),
        # Saturday 10 October is a working day (调休)
        (date(2026, 10, 7), date(2026, 10, 13)),
        (date(2026, 11, 24), date(2026, 12, 1)),
    ],
)
def test_rectify_deadlines_count_the_halls_working_days(config, rated, deadline):
    assert rectify_by(rated, 5, config.hours) == deadline


def test_a_supervisor_closes_the_rectification(day_db, tmp_path):
    """好差评整改 closed through the engine (an admin op, kept as an event), and refused for
    what is not a 差评, without a note, or for no ticket at all."""
    db, config = day_db
    copy = tmp_path / "hall.db"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    hall = Hall(config, copy)
    try:
        admin = Origin("admin")
        when = t(10, day=27)
        for command, code in (
            (c.CloseRectification(ticket="20261124-A002", note="  "), "bad_request"),
            (c.CloseRectification(ticket="A002", note="已回访"), "unknown_ticket"),
        ):
            with pytest.raises(Refused) as info:
                hall.handle(command, admin, when)
            assert info.value.code == code
        label = hall.handle(c.Issue(zone="gongan"), admin, when).reply["ticket"]["id"]
        with pytest.raises(Refused):  # today's ticket, never rated: not a 差评
            hall.handle(c.CloseRectification(ticket=label, note="x"), admin, when)
        hall.handle(
            c.CloseRectification(ticket="20261124-A002", note="已电话回访，致歉"), admin, when
        )
    finally:
        hall.close()
    conn = source.connect(copy)
    try:
        data = source.read_period(conn, D24, D24, config.tz, NOW)
    finally:
        conn.close()
    (bad,) = build(data, config).bad_ratings
    assert (bad["state"], bad["note"], bad["closed_by"]) == ("closed", "已电话回访，致歉", "admin")
    assert bad["closed_at"] == when and bad["deadline"] == "2026-11-29"
