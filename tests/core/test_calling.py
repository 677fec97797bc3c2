"""Calling: the order of call next, and every window action with its refusals."""

from __future__ import annotations

import pytest
from desk import Desk

from server.engine.views import waiting_view
from shared import commands as c
from shared.domain import Status, WindowStatus


@pytest.fixture
def desk(open_config):
    d = Desk(open_config)
    d.login(1, "s001")  # window 1 serves 商事登记 only
    return d


def test_call_next_takes_the_oldest(desk):
    labels = [desk.issue() for _ in range(3)]
    called = []
    for _ in labels:
        called.append(desk.call(1))
        desk(c.Finish(window=1))
    assert called == labels


def test_priority_goes_first_but_at_most_priority_run_in_a_row(desk):
    normal = [desk.issue() for _ in range(2)]
    priority = [
        desk(c.Issue(zone="shangshi", priority_reason="elderly"))["ticket"]["label"]
        for _ in range(3)
    ]
    order = []
    for _ in range(5):
        order.append(desk.call(1))
        desk(c.Finish(window=1))
    # priority_run = 2: two priority, then a normal one that was waiting, then priority again
    assert order == [priority[0], priority[1], normal[0], priority[2], normal[1]]


def test_priority_runs_on_when_nobody_normal_waits(desk):
    labels = [
        desk(c.Issue(zone="shangshi", priority_reason="disabled"))["ticket"]["label"]
        for _ in range(3)
    ]
    order = []
    for _ in labels:
        order.append(desk.call(1))
        desk(c.Finish(window=1))
    assert order == labels


def test_appointments_are_called_when_due_and_before_walk_ins(desk):
    walk_in = desk.issue()
    later = desk(c.Issue(zone="shangshi", appointment_at=desk.now + 3600))["ticket"]["label"]
    soon = desk(c.Issue(zone="shangshi", appointment_at=desk.now + 600))["ticket"]["label"]
    assert desk.call(1) == soon  # within 15 minutes of its time
    desk(c.Finish(window=1))
    assert desk.call(1) == walk_in  # the other is not due yet
    desk(c.Finish(window=1))
    assert desk.refused(c.CallNext(window=1)) == "queue_empty"
    desk.now += 3600
    assert desk.call(1) == later


def test_weighted_zones(open_config):
    desk = Desk(open_config)
    desk.login(4, "s001")  # window 4: shangshi weight 2, gongjijin weight 1
    gjj = desk.issue("gongjijin")
    desk.now += 60
    ss = desk.issue("shangshi")
    desk.now += 40
    # E001 waited 101 s × 1, A001 waited 41 s × 2 = 82: E001 first
    assert desk.call(4) == gjj
    desk(c.Finish(window=4))
    assert desk.call(4) == ss


def test_weights_favour_the_heavier_zone(open_config):
    desk = Desk(open_config)
    desk.login(4, "s001")
    gjj = desk.issue("gongjijin")
    desk.now += 10
    ss = desk.issue("shangshi")
    desk.now += 20  # E001 waited 31 s × 1, A001 20 s × 2 = 40: A001 first
    assert desk.call(4) == ss
    desk(c.Finish(window=4))
    assert desk.call(4) == gjj


def test_a_window_calls_only_its_zones(desk):
    desk.issue("budongchan")
    assert desk.refused(c.CallNext(window=1)) == "queue_empty"


def test_two_windows_never_get_the_same_ticket(desk):
    desk.login(2, "s002")
    desk.issue()
    desk.issue()
    assert desk.call(1) != desk.call(2)
    assert desk.refused(c.CallNext(window=3)) == "window_logged_out"


def test_call_a_chosen_ticket(desk):
    desk.issue()
    second = desk.issue()
    assert desk(c.CallTicket(window=1, ticket=second))["ticket"]["label"] == second
    desk(c.Finish(window=1))
    assert desk.refused(c.CallTicket(window=1, ticket=second)) == "bad_state"
    assert desk.refused(c.CallTicket(window=1, ticket="Z999")) == "unknown_ticket"


def test_recall_up_to_the_limit(desk):
    desk.issue()
    desk.call(1)
    for n in (1, 2, 3):
        assert desk(c.Recall(window=1))["ticket"]["recalls"] == n
    assert desk.refused(c.Recall(window=1)) == "recall_limit"
    desk(c.Start(window=1))
    assert desk.refused(c.Recall(window=1)) == "bad_state"  # serving: nobody to call


def test_no_show_then_requeue_behind_the_penalty(desk):
    missed = desk.issue()
    others = [desk.issue() for _ in range(5)]
    desk.call(1)
    desk(c.NoShow(window=1))
    assert desk.ticket(missed).status is Status.MISSED
    assert desk.state.windows[1].status is WindowStatus.IDLE
    desk(c.Requeue(ticket=missed))
    order = []
    for _ in range(6):
        order.append(desk.call(1))
        desk(c.Finish(window=1))
    assert order == [*others[:3], missed, *others[3:]]  # requeue_penalty = 3


def test_requeue_refusals(desk):
    label = desk.issue()
    assert desk.refused(c.Requeue(ticket=label)) == "bad_state"  # not missed
    desk.call(1)
    desk(c.NoShow(window=1))
    desk(c.Requeue(ticket=label))
    desk.call(1)
    desk(c.NoShow(window=1))
    assert desk.refused(c.Requeue(ticket=label)) == "requeue_limit"  # requeue_limit = 1


def test_a_missed_ticket_can_be_called_directly_when_the_citizen_comes_back(desk):
    label = desk.issue()
    desk.call(1)
    desk(c.NoShow(window=1))
    assert desk(c.CallTicket(window=1, ticket=label))["ticket"]["status"] == "called"


def test_start_and_finish_record_wait_and_service_time_past_an_hour(desk):
    label = desk.issue()
    desk.now += 2 * 3600  # a long wait
    desk.call(1)
    desk(c.Start(window=1))
    desk.now += 75 * 60
    desk(c.Finish(window=1))
    t = desk.ticket(label)
    assert t.first_called_at - t.issued_at == pytest.approx(2 * 3600 + 1)
    assert t.finished_at - t.started_at == pytest.approx(75 * 60 + 1)


def test_finish_without_start_counts_service_from_the_call(desk):
    desk.issue()
    desk.call(1)
    reply = desk(c.Finish(window=1))
    assert reply["ticket"]["status"] == "done"
    assert desk.refused(c.Finish(window=1)) == "no_ticket_at_window"
    assert desk.refused(c.Start(window=1)) == "no_ticket_at_window"


def test_the_window_must_finish_before_calling_again(desk):
    desk.issue()
    desk.issue()
    first = desk.call(1)
    assert desk.refused(c.CallNext(window=1)) == "window_busy"
    desk(c.Start(window=1))
    assert desk.refused(c.Start(window=1)) == "bad_state"
    assert desk.ticket(first).status is Status.SERVING


def test_transfer_to_a_zone_at_the_head(open_config):
    desk = Desk(open_config)
    desk.login(1, "s001")
    desk.login(5, "s002")  # 不动产
    waiting = desk.issue("budongchan")
    moved = desk.issue("shangshi")
    desk.call(1)
    desk(c.Transfer(window=1, to_zone="budongchan", at_head=True, note="需不动产窗口"))
    t = desk.ticket(moved)
    assert t.zone == "budongchan" and t.status is Status.WAITING and t.note == "需不动产窗口"
    assert desk.call(5) == moved  # at the head, before the ticket already waiting
    desk(c.Finish(window=5))
    assert desk.call(5) == waiting


def test_transfer_to_the_tail(open_config):
    desk = Desk(open_config)
    desk.login(1, "s001")
    desk.login(5, "s002")
    waiting = desk.issue("budongchan")
    moved = desk.issue("shangshi")
    desk.call(1)
    desk(c.Transfer(window=1, to_zone="budongchan"))
    assert desk.call(5) == waiting
    desk(c.Finish(window=5))
    assert desk.call(5) == moved


def test_transfer_to_a_window_and_to_a_staff_member(open_config):
    desk = Desk(open_config)
    for window, staff in ((1, "s001"), (2, "s002"), (3, "s003")):
        desk.login(window, staff)
    a, b = desk.issue(), desk.issue()
    other = desk.issue()
    desk.call(1)
    desk(c.Transfer(window=1, to_window=3))
    assert desk.call(2) == b  # window 2 does not get what was sent to window 3
    desk(c.Transfer(window=2, to_staff="s001"))
    assert desk.call(3) == a
    assert desk.call(1) == b
    desk(c.Finish(window=1))
    assert desk.call(1) == other


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "bad_transfer"),
        ({"to_zone": "gongan", "to_window": 3}, "bad_transfer"),
        ({"to_zone": "nowhere"}, "unknown_zone"),
        ({"to_window": 99}, "unknown_window"),
        ({"to_staff": "nobody"}, "unknown_staff"),
    ],
)
def test_transfer_refusals(desk, fields, code):
    desk.issue()
    desk.call(1)
    assert desk.refused(c.Transfer(window=1, **fields)) == code


def test_suspend_several_and_call_back(desk):
    a, b, d = desk.issue(), desk.issue(), desk.issue()
    desk.call(1)
    desk(c.Suspend(window=1, note="回去取身份证"))
    desk.call(1)
    desk(c.Suspend(window=1))
    assert [desk.state.tickets[t].label for t in desk.state.windows[1].suspended] == [a, b]
    assert desk.call(1) == d
    assert desk.refused(c.CallBack(window=1, ticket=a)) == "window_busy"
    desk(c.Finish(window=1))
    assert desk(c.CallBack(window=1, ticket=b))["ticket"]["status"] == "called"
    assert desk.state.windows[1].suspended == [desk.state.by_label[a]]
    desk(c.Finish(window=1))
    desk.login(2, "s002")
    assert desk.refused(c.CallBack(window=2, ticket=a)) == "bad_state"  # not window 2's
    assert desk(c.CallBack(window=1, ticket=a))["ticket"]["label"] == a


def test_cancel_from_anywhere_but_a_final_state(desk):
    waiting, suspended, called = desk.issue(), desk.issue(), desk.issue()
    desk(c.CallTicket(window=1, ticket=suspended))
    desk(c.Suspend(window=1))
    desk(c.CallTicket(window=1, ticket=called))
    for label in (waiting, suspended, called):
        desk(c.Cancel(ticket=label, reason="群众放弃"))
        assert desk.ticket(label).status is Status.CANCELLED
        assert desk.refused(c.Cancel(ticket=label)) == "bad_state"
    assert desk.state.windows[1].ticket is None and desk.state.windows[1].suspended == []
    assert not desk.state.waiting


def test_void_only_a_ticket_nobody_called(desk):
    label = desk.issue()
    desk.call(1)
    assert desk.refused(c.Void(ticket=label)) == "bad_state"


def test_pause_and_resume(desk):
    desk.issue()
    desk(c.Pause(window=1, reason="午休"))
    assert desk.state.windows[1].pause_reason == "午休"
    assert desk.refused(c.CallNext(window=1)) == "window_paused"
    assert desk.refused(c.Pause(window=1, reason="again")) == "window_paused"
    desk(c.Resume(window=1))
    assert desk.refused(c.Resume(window=1)) == "window_not_paused"
    desk.call(1)
    assert desk.refused(c.Pause(window=1, reason="x")) == "window_busy"


def test_login_and_logout(desk):
    assert desk.refused(c.Login(window=1, staff="s002")) == "window_taken"
    assert desk.refused(c.Login(window=2, staff="s001")) == "staff_elsewhere"
    assert desk.refused(c.Login(window=99, staff="s002")) == "unknown_window"
    assert desk.refused(c.Login(window=2, staff="nobody")) == "unknown_staff"
    desk.issue()
    desk.call(1)
    assert desk.refused(c.Logout(window=1)) == "window_busy"
    desk(c.Finish(window=1))
    desk(c.Logout(window=1))
    assert desk.state.windows[1].status is WindowStatus.LOGGED_OUT
    assert desk.refused(c.Logout(window=1)) == "window_logged_out"
    desk.login(2, "s001")


def test_evaluation_once_per_finished_ticket(desk):
    label = desk.issue()
    desk.call(1)
    assert desk.refused(c.Evaluate(level=5, window=1)) == "no_ticket_at_window"
    assert desk.refused(c.Evaluate(level=5, ticket=label)) == "bad_state"  # not finished
    desk(c.Finish(window=1))
    assert desk.refused(c.Evaluate(level=6, window=1)) == "bad_rating"
    assert desk.refused(c.Evaluate(level=0, window=1)) == "bad_rating"
    assert desk(c.Evaluate(level=4, window=1))["ticket"]["rating"] == 4
    assert desk.refused(c.Evaluate(level=5, ticket=label)) == "already_rated"
    assert desk.refused(c.Evaluate(level=5, window=1)) == "no_ticket_at_window"


def test_the_waiting_list_is_the_order_call_next_takes(open_config):
    """Every group of the order at once: the list a window shows is what its presses take."""
    desk = Desk(open_config)
    desk.login(2, "s002")  # s002 accepts a case, gives a 续办 card and leaves
    desk.issue()
    desk.call(2)
    code = desk(c.IssueCard(window=2))["card"]["code"]
    desk(c.Finish(window=2, case_done=False))
    desk(c.Logout(window=2))
    desk.login(4, "s001")  # s001 backs s002 up; window 4 weighs shangshi 2, gongjijin 1
    normal = [desk.issue("gongjijin"), desk.issue("shangshi")]
    priority = [desk.issue(priority_reason="elderly") for _ in range(3)]
    due = desk.issue(appointment_at=desk.now + 600)
    later = desk.issue(appointment_at=desk.now + 7200)
    followup = desk(c.RedeemCard(code=code))["ticket"]["label"]
    assert desk.ticket(followup).to_staff == "s002"
    desk.now += 30
    view = waiting_view(desk.state, open_config, 4, desk.now)
    listed = [t["label"] for t in view["tickets"]]
    assert [t["label"] for t in view["followups"]] == [followup]
    assert [t["label"] for t in view["later"]] == [later]
    # follow-up of the away colleague, the due appointment, two priority (priority_run = 2),
    # the heavier-weighted normal, priority again, then the rest
    expected = [followup, due, priority[0], priority[1], normal[1], priority[2], normal[0]]
    assert listed == expected
    taken = []
    for _ in expected:
        taken.append(desk.call(4))
        desk(c.Finish(window=4), step=0)
    assert taken == expected
    assert waiting_view(desk.state, open_config, 4, desk.now)["tickets"] == []
