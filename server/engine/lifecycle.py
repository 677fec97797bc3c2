"""The ticket's life in one table: which statuses each command accepts, and where it leads.

The rules check a ticket's status against ``LIFECYCLE`` (``check``) and nowhere else, and
``docs/protocol.md`` holds the table ``markdown()`` renders (``tests/test_docs.py`` keeps the
two equal and shows the table when they differ). Like h11's transition table: the
shape of the machine is data, the rules only pick the row.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared import commands as c
from shared.domain import FINAL, Status
from shared.errors import Refused
from shared.texts import Text

from .state import Ticket

S = Status
LIVE = frozenset(Status) - FINAL
AT_WINDOW = frozenset({S.CALLED, S.SERVING})


@dataclass(frozen=True)
class Transition:
    accepts: frozenset[Status]  # statuses of the ticket the command acts on
    to: Status | None  # its status afterwards (None: unchanged)
    note: str = ""


LIFECYCLE: dict[type[c.Command], Transition] = {
    c.Issue: Transition(frozenset(), S.WAITING, "a new ticket"),
    c.RedeemCard: Transition(frozenset(), S.WAITING, "a new follow-up ticket"),
    c.CallNext: Transition(frozenset({S.WAITING}), S.CALLED, "the head of the call order"),
    c.CallTicket: Transition(frozenset({S.WAITING, S.MISSED}), S.CALLED),
    c.CallBack: Transition(frozenset({S.SUSPENDED}), S.CALLED, "suspended at this window"),
    c.Recall: Transition(frozenset({S.CALLED}), S.CALLED, "up to `recall_limit` times"),
    c.NoShow: Transition(frozenset({S.CALLED}), S.MISSED),
    c.Start: Transition(frozenset({S.CALLED}), S.SERVING),
    c.Finish: Transition(AT_WINDOW, S.DONE, "from called: started and finished at once"),
    c.Transfer: Transition(AT_WINDOW, S.WAITING, "in the target's line"),
    c.Suspend: Transition(AT_WINDOW, S.SUSPENDED, "held by the window"),
    c.IssueCard: Transition(AT_WINDOW, None, "the case gets a 续办服务卡"),
    c.Requeue: Transition(frozenset({S.MISSED}), S.WAITING, "the same day, behind the penalty"),
    c.Void: Transition(frozenset({S.WAITING}), S.VOIDED, "never called"),
    c.Cancel: Transition(LIVE, S.CANCELLED),
    c.Evaluate: Transition(frozenset({S.DONE}), None, "once"),
}


def check(ticket: Ticket, command: type[c.Command]) -> None:
    """Refuse with ``bad_state`` unless ``command`` accepts ``ticket``'s status."""
    if ticket.status not in LIFECYCLE[command].accepts:
        raise refuse_state(ticket, command.op)


def refuse_state(ticket: Ticket, action: str) -> Refused:
    return Refused(
        "bad_state",
        ticket=ticket.label,
        state=Text(f"status.{ticket.status.value}"),
        action=Text(f"action.{action}"),
    )


def markdown() -> str:
    """The table as docs/protocol.md shows it: one row per op that touches a ticket."""
    order = list(Status)
    rows = [
        "| op | accepts a ticket that is | leads to | |",
        "|---|---|---|---|",
    ]
    for command, step in LIFECYCLE.items():
        accepts = ", ".join(f"`{s.value}`" for s in order if s in step.accepts) or "—"
        to = f"`{step.to.value}`" if step.to else "(unchanged)"
        rows.append(f"| `{command.op}` | {accepts} | {to} | {step.note} |")
    return "\n".join(rows) + "\n"
