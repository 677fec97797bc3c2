"""Who is called next at a window, and how many wait ahead of a ticket.

The order (DESIGN §3): follow-ups for the window's staff member (and for colleagues they back
up who are away) → tickets transferred to this window or staff member → appointments due →
priority tickets, at most ``priority_run`` in a row while normal tickets wait → the normal
ticket that has waited longest, its wait weighted by the window's weight for its zone.
Within each group a ticket at the head (band 0) goes before those in turn.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

from shared.domain import Kind, WindowStatus
from shared.hallconfig import HallConfig

from .state import HallState, Ticket, Window, line_of


@dataclass(frozen=True)
class Choice:
    ticket: Ticket
    priority_run: int  # the window's run of priority calls after this one


def order_key(t: Ticket) -> tuple[int, float, int]:
    """A ticket's place in its own line: the head (band 0) first, then by when it joined."""
    return (t.band, t.key, t.serial)


def present_staff(state: HallState) -> set[str]:
    """Staff members logged in at some window."""
    return {w.staff for w in state.windows.values() if w.staff}


def away_colleagues(state: HallState, config: HallConfig, staff: str) -> set[str]:
    """Colleagues whose AB backup is ``staff`` and who are not logged in anywhere."""
    present = present_staff(state)
    return {s.id for s in config.staff.values() if s.backup == staff and s.id not in present}


Heap = list[tuple[tuple[int, float, int], Ticket]]


def _heap(items: Heap) -> Heap:
    heapq.heapify(items)  # the keys end in the unique serial: tickets are never compared
    return items


def call_order(
    state: HallState, config: HallConfig, window: Window, now: float
) -> Iterator[Choice]:
    """The tickets successive "call next" presses at ``window`` take, in order, from now.

    The one ordering of the hall: ``choose_next`` is its head and the ``waiting`` list is its
    first tickets. Appointments not yet due are not in it (see ``later_appointments``). Lazy:
    the head costs one pass over who waits, every further ticket a heap pop.
    """
    staff = window.staff
    mine = ({staff} | away_colleagues(state, config, staff)) if staff else set()
    zones = config.windows[window.number].zones
    early = config.policy.appointment_early_minutes * 60

    followups: Heap = []
    directed: Heap = []
    appointments: Heap = []
    priority: Heap = []
    normal: Heap = []
    for tid in state.routed:
        t = state.tickets[tid]
        if t.kind is Kind.FOLLOWUP and t.to_staff in mine:
            followups.append((order_key(t), t))
        elif t.to_window == window.number or (t.to_staff is not None and t.to_staff == staff):
            directed.append((order_key(t), t))
    for tid in (tid for zone in zones for tid in state.queues.get(zone, ())):
        t = state.tickets[tid]
        if t.kind is Kind.APPOINTMENT and t.appointment_at is not None:
            if t.appointment_at - early <= now:
                appointments.append((order_key(t), t))
        elif t.kind is Kind.PRIORITY:
            priority.append((order_key(t), t))
        elif t.band == 0:
            normal.append((order_key(t), t))
        else:
            # Longest weighted wait first; equal weights make this plain first come, first served.
            normal.append(((1, -((now - t.key) * zones[t.zone]), t.serial), t))

    run, limit = window.priority_run, config.policy.priority_run
    for group in (followups, directed, appointments):
        _heap(group)
        while group:
            run = 0  # any call but a priority one ends the run
            yield Choice(heapq.heappop(group)[1], 0)
    _heap(priority)
    _heap(normal)
    while priority or normal:
        if priority and (not normal or run < limit):
            run += 1
            yield Choice(heapq.heappop(priority)[1], run)
        else:
            run = 0
            yield Choice(heapq.heappop(normal)[1], 0)


def choose_next(state: HallState, config: HallConfig, window: Window, now: float) -> Choice | None:
    """Who "call next" at ``window`` takes now: the head of ``call_order``."""
    return next(call_order(state, config, window, now), None)


def later_appointments(
    state: HallState, config: HallConfig, window: Window, now: float
) -> list[Ticket]:
    """Appointments in the window's zones not yet due, by their time: called once due."""
    early = config.policy.appointment_early_minutes * 60
    later = [
        t
        for zone in config.windows[window.number].zones
        for tid in state.queues.get(zone, ())
        if (t := state.tickets[tid]).kind is Kind.APPOINTMENT
        and t.appointment_at is not None
        and t.appointment_at - early > now
    ]
    return sorted(later, key=lambda t: (t.appointment_at or 0.0, t.serial))


def ahead_of(state: HallState, ticket: Ticket, *, newest: bool = False) -> int:
    """How many are called before ``ticket`` in its own queue (its zone, or its routing).

    ``newest`` says the ticket was just issued, so it stands last in its line and the
    zone's counts answer at once (the kiosk asks this for every ticket it prints).
    """
    if ticket.to_staff is not None or ticket.to_window is not None:
        same = [
            state.tickets[i]
            for i in state.routed
            if state.tickets[i].to_staff == ticket.to_staff
            and state.tickets[i].to_window == ticket.to_window
        ]
        return sum(order_key(t) < order_key(ticket) for t in same)
    line = line_of(ticket)
    counts = state.counts
    if newest and line != "appointment":
        before = counts.get((ticket.zone, "priority"), 0)
        if line == "turn":
            before += counts.get((ticket.zone, "turn"), 0)
        return before - 1  # less the ticket itself
    mine, count = order_key(ticket), 0
    for tid in state.queues.get(ticket.zone, ()):
        t = state.tickets[tid]
        other = line_of(t)
        if line == "appointment":
            count += other == line and (t.appointment_at or 0, t.serial) < (
                ticket.appointment_at or 0,
                ticket.serial,
            )
        elif other == line:
            count += order_key(t) < mine
        else:
            count += other == "priority" and line == "turn"
    return count


def wait_minutes(state: HallState, config: HallConfig, ticket: Ticket, ahead: int) -> int:
    """A plain estimate: people ahead × the day's mean service time ÷ windows open for the zone,
    in hall minutes (a demo hall's measured seconds run ``policy.demo_speed`` times faster)."""
    count, seconds = state.served.get(ticket.zone, [0, 0.0])
    zone = config.zones[ticket.zone]
    if count >= 5:
        mean = seconds * config.policy.demo_speed / count / 60
    elif ticket.matter and ticket.matter in zone.matters:
        mean = zone.matters[ticket.matter].service_minutes
    else:
        mean = sum(m.service_minutes for m in zone.matters.values()) / max(1, len(zone.matters))
    key = (id(config), ticket.zone)  # a reloaded config may give the zone other windows
    open_windows = state.staffed.get(key)
    if open_windows is None:
        windows, paused = state.windows, WindowStatus.PAUSED
        open_windows = 0
        for n in config.zone_windows.get(ticket.zone, ()):
            w = windows.get(n)
            if w is not None and w.staff and w.status is not paused:
                open_windows += 1
        state.staffed[key] = open_windows
    return round(ahead * mean / max(1, open_windows))
