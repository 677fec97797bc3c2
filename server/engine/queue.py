"""Who is called next at a window, and how many wait ahead of a ticket.

The order (DESIGN §3): follow-ups for the window's staff member (and for colleagues they back
up who are away) → tickets transferred to this window or staff member → appointments due →
priority tickets, at most ``priority_run`` in a row while normal tickets wait → the normal
ticket that has waited longest, its wait weighted by the window's weight for its zone.
Within each group a ticket at the head (band 0) goes before those in turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import HallConfig
from shared.domain import Kind

from .state import HallState, Ticket, Window, line_of


@dataclass(frozen=True)
class Choice:
    ticket: Ticket
    priority_run: int  # the window's run of priority calls after this one


def _order(t: Ticket) -> tuple[int, float, int]:
    return (t.band, t.key, t.serial)


def away_colleagues(state: HallState, config: HallConfig, staff: str) -> set[str]:
    """Colleagues whose AB backup is ``staff`` and who are not logged in anywhere."""
    present = {w.staff for w in state.windows.values() if w.staff}
    return {s.id for s in config.staff.values() if s.backup == staff and s.id not in present}


def choose_next(state: HallState, config: HallConfig, window: Window, now: float) -> Choice | None:
    staff = window.staff
    mine = {staff} | away_colleagues(state, config, staff) if staff else set()
    zones = config.windows[window.number].zones
    early = config.policy.appointment_early_minutes * 60

    followups: list[Ticket] = []
    directed: list[Ticket] = []
    appointments: list[Ticket] = []
    priority: list[Ticket] = []
    normal: list[Ticket] = []
    for tid in state.routed:
        t = state.tickets[tid]
        if t.kind is Kind.FOLLOWUP and t.to_staff in mine:
            followups.append(t)
        elif t.to_window == window.number or (t.to_staff is not None and t.to_staff == staff):
            directed.append(t)
    for tid in (tid for zone in zones for tid in state.queues.get(zone, ())):
        t = state.tickets[tid]
        if t.kind is Kind.APPOINTMENT and t.appointment_at is not None:
            if t.appointment_at - early <= now:
                appointments.append(t)
        elif t.kind is Kind.PRIORITY:
            priority.append(t)
        else:
            normal.append(t)

    for group in (followups, directed, appointments):
        if group:
            return Choice(min(group, key=_order), 0)
    if priority and (not normal or window.priority_run < config.policy.priority_run):
        return Choice(min(priority, key=_order), window.priority_run + 1)
    if normal:
        head = [t for t in normal if t.band == 0]
        if head:
            return Choice(min(head, key=_order), 0)
        # Longest weighted wait first; equal weights make this plain first come, first served.
        best = max(normal, key=lambda t: ((now - t.key) * zones[t.zone], -t.serial))
        return Choice(best, 0)
    return None


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
        return sum(_order(t) < _order(ticket) for t in same)
    line = line_of(ticket)
    counts = state.counts
    if newest and line != "appointment":
        before = counts.get((ticket.zone, "priority"), 0)
        if line == "turn":
            before += counts.get((ticket.zone, "turn"), 0)
        return before - 1  # less the ticket itself
    mine, count = _order(ticket), 0
    for tid in state.queues.get(ticket.zone, ()):
        t = state.tickets[tid]
        other = line_of(t)
        if line == "appointment":
            count += other == line and (t.appointment_at or 0, t.serial) < (
                ticket.appointment_at or 0,
                ticket.serial,
            )
        elif other == line:
            count += _order(t) < mine
        else:
            count += other == "priority" and line == "turn"
    return count


def wait_minutes(state: HallState, config: HallConfig, ticket: Ticket, ahead: int) -> int:
    """A plain estimate: people ahead × the day's mean service time ÷ windows open for the zone."""
    count, seconds = state.served.get(ticket.zone, [0, 0.0])
    zone = config.zones[ticket.zone]
    if count >= 5:
        mean = seconds / count / 60
    elif ticket.matter and ticket.matter in zone.matters:
        mean = zone.matters[ticket.matter].service_minutes
    else:
        mean = sum(m.service_minutes for m in zone.matters.values()) / max(1, len(zone.matters))
    windows = state.windows
    open_windows = sum(
        1
        for n in config.zone_windows.get(ticket.zone, ())
        if (w := windows.get(n)) is not None and w.staff and w.status.value != "paused"
    )
    return round(ahead * mean / max(1, open_windows))
