"""What committed records mean for each topic: records in, pushes out, no sockets.

``pushes`` is pure over its inputs: the configuration, the state the records left, what was
pushed before (``Memory``, which it updates) and which topics anyone follows (so that nothing
is built for nobody). ``Fanout`` is the pump that writes what it returns.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from server.engine import events as ev
from server.engine.state import HallState, Ticket
from server.engine.views import staff_followups, ticket_view, window_view
from server.store import Record
from shared.domain import Status
from shared.hallconfig import HallConfig
from shared.protocol import HALL, Events, staff_topic, ticket_topic, window_topic, zone_topic

from .topics import call_entry, recent_calls, ticket_status

RECENT = 20  # calls kept for the boards' recent list
EVERYONE = None  # a push's topics: every connection


@dataclass(frozen=True)
class Push:
    topics: tuple[str, ...] | None  # None: every connection
    event: str
    seq: int
    payload: dict[str, Any]


@dataclass
class Memory:
    """What the pushes have said so far: the recent calls, whose follow-up list each routed
    ticket is in, each window's last view and each followed ticket's last status."""

    recent: deque[dict[str, Any]]
    routed: dict[str, str]  # waiting ticket -> the staff member it is routed to
    windows: dict[int, dict[str, Any]]
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)  # ticket topic -> view

    @classmethod
    def of(cls, config: HallConfig, state: HallState) -> Memory:
        return cls(
            recent=deque(recent_calls(config, state, RECENT), maxlen=RECENT),
            routed=routed(state),
            windows={n: window_view(state, config, w) for n, w in state.windows.items()},
        )


@dataclass
class Outcome:
    pushes: list[Push]
    queues_changed: bool  # the counts and the places in line are due


def pushes(
    config: HallConfig,
    state: HallState,
    memory: Memory,
    records: list[Record],
    followed: Container[str],
    seq: int,
) -> Outcome:
    """The pushes ``records`` (just committed, in order) make; ``seq``: the last one's, or the
    store's when there are none."""
    out: list[Push] = []
    windows: set[int] = set()
    followups: set[str] = set()  # staff whose list of follow-ups may have changed
    queues_changed = False

    def push(topics: list[str] | None, event: str, at: int, payload: dict[str, Any]) -> None:
        out.append(Push(None if topics is None else tuple(topics), event, at, payload))

    def heard(topics: list[str]) -> bool:
        """Whether anyone follows one of ``topics``: a push nobody gets is not built."""
        return any(topic in followed for topic in topics)

    for record in records:
        e, at = record.event, record.seq
        if isinstance(e, ev.DayOpened):
            memory.recent.clear()
            followups |= set(memory.routed.values())
            memory.routed = routed(state)
            followups |= set(memory.routed.values())
            push(EVERYONE, Events.DAY, at, {"day": e.day})
            windows |= set(state.windows)
            queues_changed = True
            continue
        if isinstance(e, ev.Issued):
            t = state.tickets[e.ticket.id]
            topics = [zone_topic(t.zone)]
            if t.to_staff:
                topics.append(staff_topic(t.to_staff))
            if heard(topics):
                push(topics, Events.ISSUED, at, {"ticket": ticket_view(config, t)})
            _reroute(memory, t, followups)
            out.extend(status(config, state, memory, t.code, at, followed))
            queues_changed = True
            continue
        tid = getattr(e, "ticket", None)
        window = getattr(e, "window", None)
        if isinstance(window, int):
            windows.add(window)
        if not isinstance(tid, str) or tid not in state.tickets:
            if isinstance(tid, str) and tid in memory.routed:  # yesterday's, now gone
                followups.add(memory.routed.pop(tid))
            continue
        t = state.tickets[tid]
        if t.window is not None:
            windows.add(t.window)
        if isinstance(e, ev.Called | ev.Recalled):
            recall = e.count if isinstance(e, ev.Recalled) else 0
            how = e.how if isinstance(e, ev.Called) else "recall"
            entry = call_entry(config, t, e.window, t.staff, record.at, how, recall)
            memory.recent.appendleft(entry)
            topics = [HALL, zone_topic(t.zone), window_topic(e.window)]
            if t.staff:
                topics.append(staff_topic(t.staff))
            kind = Events.CALLED if isinstance(e, ev.Called) else Events.RECALLED
            if heard(topics):
                push(topics, kind, at, {"call": entry, "ticket": ticket_view(config, t)})
        else:
            topics = [zone_topic(t.zone)]
            if t.window is not None:
                topics.append(window_topic(t.window))
            if heard(topics):
                payload = {"change": e.type, "ticket": ticket_view(config, t)}
                push(topics, Events.TICKET, at, payload)
        _reroute(memory, t, followups)
        out.extend(status(config, state, memory, t.code, at, followed))
        queues_changed = True
    seq = records[-1].seq if records else seq
    for number in sorted(windows):
        if number not in state.windows:
            continue
        view = window_view(state, config, state.windows[number])
        if view != memory.windows.get(number):
            memory.windows[number] = view
            topics = [HALL, window_topic(number)]
            if heard(topics):
                push(topics, Events.WINDOW, seq, {"window": view})
    for staff in sorted(followups):
        topic = staff_topic(staff)
        if topic in followed:
            lists = {"staff": staff, "followups": staff_followups(state, config, staff)}
            push([topic], Events.FOLLOWUP, seq, lists)
    return Outcome(out, queues_changed)


def status(
    config: HallConfig,
    state: HallState,
    memory: Memory,
    code: str,
    seq: int,
    followed: Container[str],
) -> list[Push]:
    """The ``status`` push of the ticket with ``code``, if followed and changed."""
    topic = ticket_topic(code)
    if topic not in followed:
        return []
    tid = state.by_code.get(code)
    ticket = state.tickets.get(tid) if tid else None
    if ticket is None:
        return []
    view = ticket_status(config, state, ticket)
    if view == memory.statuses.get(topic):
        return []
    memory.statuses[topic] = view
    return [Push((topic,), Events.STATUS, seq, {"ticket": view})]


def _reroute(memory: Memory, t: Ticket, followups: set[str]) -> None:
    """Note whose follow-up lists ``t`` left or joined (a call, a transfer, a cancel…)."""
    before = memory.routed.pop(t.id, None)
    now = t.to_staff if t.status is Status.WAITING else None
    if now is not None:
        memory.routed[t.id] = now
    if before != now:
        followups.update(s for s in (before, now) if s is not None)


def routed(state: HallState) -> dict[str, str]:
    return {
        tid: staff for tid in state.waiting if (staff := state.tickets[tid].to_staff) is not None
    }
