"""The lifecycle table is what the rules do: every op on a ticket in every status."""

from __future__ import annotations

import pytest
from desk import Desk

from server.engine.lifecycle import LIFECYCLE
from shared import commands as c
from shared.domain import Status
from shared.errors import Refused


def ticket_in(desk: Desk, status: Status) -> str:
    """A ticket brought to ``status`` the way a hall does it; window 1 is left free."""
    label = desk.issue()
    if status is Status.WAITING:
        return label
    if status is Status.VOIDED:
        desk(c.Void(ticket=label))
        return label
    if status is Status.CANCELLED:
        desk(c.Cancel(ticket=label))
        return label
    desk(c.CallTicket(window=2, ticket=label))
    then = {
        Status.CALLED: None,
        Status.SERVING: c.Start(window=2),
        Status.SUSPENDED: c.Suspend(window=2),
        Status.MISSED: c.NoShow(window=2),
        Status.DONE: c.Finish(window=2),
    }[status]
    if then is not None:
        desk(then)
    return label


BY_TICKET = {
    c.CallTicket: lambda label: c.CallTicket(window=1, ticket=label),
    c.Cancel: lambda label: c.Cancel(ticket=label),
    c.Requeue: lambda label: c.Requeue(ticket=label),
    c.Void: lambda label: c.Void(ticket=label),
    c.Evaluate: lambda label: c.Evaluate(level=5, ticket=label),
    c.CallBack: lambda label: c.CallBack(window=2, ticket=label),  # where it was suspended
}
STATUSES = [s for s in Status if s is not Status.EXPIRED]  # expiring takes a new day


@pytest.mark.parametrize("command", BY_TICKET, ids=lambda cls: cls.op)
@pytest.mark.parametrize("status", STATUSES, ids=str)
def test_an_op_accepts_exactly_the_statuses_of_its_row(open_config, command, status):
    desk = Desk(open_config)
    desk.login(1, "s001")
    desk.login(2, "s002")
    label = ticket_in(desk, status)
    assert desk.ticket(label).status is status
    accepted = status in LIFECYCLE[command].accepts
    try:
        if command is c.CallBack and status is not Status.SUSPENDED:  # window 2 is busy
            desk(c.CallBack(window=1, ticket=label))
        else:
            desk(BY_TICKET[command](label))
    except Refused as refused:
        assert not accepted, refused.code
        assert refused.code == "bad_state"
    else:
        assert accepted
        to = LIFECYCLE[command].to
        assert desk.ticket(label).status is (to or status)
