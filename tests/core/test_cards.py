"""续办服务卡: issue, redeem to the right person, close with the case, refuse bad cards."""

from __future__ import annotations

import pytest
from desk import Desk
from support import SECRET, at

from shared import commands as c
from shared.domain import Kind
from shared.security import card_code


@pytest.fixture
def desk(open_config):
    d = Desk(open_config, at(day=24, hour=9))
    d.login(1, "s001")  # 王丽; her AB backup is s002 陈建国
    return d


def closed(desk: Desk, number: int):
    """A closed card: gone from the live state, its last row kept for the store."""
    assert number not in desk.state.cards
    return desk.state.retired[("card", number)]


def serve_and_card(desk: Desk, window: int = 1) -> dict:
    desk.issue(matter="qysl")
    desk.call(window)
    card = desk(c.IssueCard(window=window, tips=("请带齐公司章程原件",)))["card"]
    desk(c.Finish(window=window, case_done=False))  # 承诺件: the case goes on
    return card


def test_card_names_the_staff_member_window_phone_and_validity(desk):
    card = serve_and_card(desk)
    assert card["staff_name"] == "王丽" and card["window"] == 1
    assert card["phone"] == "0574-62711001" and card["matter_name"] == "企业设立登记"
    assert card["valid_until"] == "2026-12-24" and card["tips"] == ["请带齐公司章程原件"]
    assert card["code"].startswith("XB1-") and len(card["code"]) <= 40  # small QR


def test_one_open_card_per_case(desk):
    desk.issue()
    desk.call(1)
    desk(c.IssueCard(window=1))
    assert desk.refused(c.IssueCard(window=1)) == "card_exists"
    assert desk.refused(c.IssueCard(window=2)) == "window_logged_out"


def test_redeemed_card_goes_to_the_same_staff_member_before_the_queue(desk):
    card = serve_and_card(desk)
    desk.login(2, "s002")
    desk.now = at(day=27, hour=10)  # days later
    waiting = desk.issue()
    followup = desk(c.RedeemCard(code=card["code"]))["ticket"]
    assert followup["kind"] == "followup" and followup["to_staff"] == "s001"
    assert followup["case"] == card["case"]
    assert desk.call(2) == waiting  # a colleague does not take it
    assert desk.call(1) == followup["label"]


def test_follow_up_goes_to_the_ab_backup_when_the_staff_member_is_away(desk):
    card = serve_and_card(desk)
    desk(c.Logout(window=1))
    desk.login(5, "s002")  # the backup, at a 不动产 window
    desk.issue("budongchan")
    followup = desk(c.RedeemCard(code=card["code"]))["ticket"]["label"]
    assert desk.call(5) == followup  # first, though it is a 商事 ticket


def test_follow_up_goes_to_the_zone_head_when_neither_is_here(desk):
    card = serve_and_card(desk)
    desk(c.Logout(window=1))
    desk.login(2, "s003")
    first = desk.issue()
    followup = desk(c.RedeemCard(code=card["code"]))["ticket"]
    assert followup["to_staff"] is None
    assert desk.call(2) == followup["label"]
    desk(c.Finish(window=2))
    assert desk.call(2) == first


def test_the_case_links_its_visits_and_the_card_closes_when_done(desk):
    card = serve_and_card(desk)
    followup = desk(c.RedeemCard(code=card["code"]))["ticket"]["label"]
    assert desk.refused(c.RedeemCard(code=card["code"])) == "card_in_use"
    desk.call(1)
    desk(c.Finish(window=1, case_done=True))
    case = desk.state.cases[card["case"]]
    assert len(case.tickets) == 2 and case.done_at is not None
    assert closed(desk, card["number"]).closed_reason == "done"
    assert desk.ticket(followup).kind is Kind.FOLLOWUP
    assert desk.refused(c.RedeemCard(code=card["code"])) == "card_closed"


def test_a_pending_follow_up_visit_leaves_the_card_open(desk):
    card = serve_and_card(desk)
    desk(c.RedeemCard(code=card["code"]))
    desk.call(1)
    desk(c.Finish(window=1, case_done=False))  # 补正 again
    second = desk(c.RedeemCard(code=card["code"]))["ticket"]
    assert len(desk.state.cases[card["case"]].tickets) == 3 and second["kind"] == "followup"


def test_a_card_expires(desk):
    card = serve_and_card(desk)
    desk.now = at(month=12, day=25, hour=10)  # valid until 2026-12-24
    assert desk.refused(c.RedeemCard(code=card["code"])) == "card_expired"
    assert closed(desk, card["number"]).closed_reason == "expired"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),  # signature
        lambda code: code.replace("-1-", "-2-"),  # another card's number
        lambda code: code.replace("20261224", "20271224"),  # a longer validity
        lambda code: "hello",
        lambda code: "",
        lambda code: "XB1-1-2026-XXXX",
    ],
)
def test_forged_cards_are_refused(desk, mangle):
    card = serve_and_card(desk)
    assert desk.refused(c.RedeemCard(code=mangle(card["code"]))) == "card_forged"


def test_a_well_signed_card_the_hall_never_issued_is_unknown(desk):
    serve_and_card(desk)
    from datetime import date

    code = card_code(SECRET, 42, date(2026, 12, 24))
    assert desk.refused(c.RedeemCard(code=code)) == "card_unknown"


def test_a_lowercase_scan_still_reads(desk):
    card = serve_and_card(desk)
    assert desk(c.RedeemCard(code=card["code"].lower()))["ticket"]["kind"] == "followup"


def test_a_visit_that_issued_a_card_does_not_close_its_case_by_default(desk):
    desk.issue(matter="qysl")
    desk.call(1)
    card = desk(c.IssueCard(window=1))["card"]
    desk(c.Finish(window=1))  # no case_done: the card says the citizen comes back
    assert desk.state.cases[card["case"]].done_at is None
    assert desk.state.cards[card["number"]].closed_at is None
    followup = desk(c.RedeemCard(code=card["code"]))["ticket"]["label"]
    desk.call(1)
    desk(c.Finish(window=1))  # the return visit issued no card: finishing closes the case
    assert desk.state.cases[card["case"]].done_at is not None
    assert closed(desk, card["number"]).closed_reason == "done"
    assert desk.ticket(followup).status.value == "done"


def test_the_clerk_can_close_the_case_on_the_visit_that_issued_the_card(desk):
    desk.issue()
    desk.call(1)
    card = desk(c.IssueCard(window=1))["card"]
    desk(c.Finish(window=1, case_done=True))
    assert desk.state.cases[card["case"]].done_at is not None
    assert closed(desk, card["number"]).closed_reason == "done"


def test_without_a_card_finish_closes_the_case(desk):
    label = desk.issue()
    desk.call(1)
    desk(c.Finish(window=1))
    assert desk.state.cases[desk.ticket(label).case].done_at is not None
