"""Plain-data views of tickets, windows and cards, as replies and events carry them."""

from __future__ import annotations

from itertools import islice
from typing import Any

from shared.hallconfig import HallConfig

from .queue import ahead_of, call_order, later_appointments, order_key, wait_minutes
from .state import Card, HallState, Ticket, Window


def ticket_view(config: HallConfig, ticket: Ticket) -> dict[str, Any]:
    zone = config.zones[ticket.zone]
    matter = zone.matters.get(ticket.matter) if ticket.matter else None
    staff = config.staff.get(ticket.staff) if ticket.staff else None
    return {
        "id": ticket.id,
        "label": ticket.label,
        "kind": ticket.kind.value,
        "status": ticket.status.value,
        "zone": zone.id,
        "zone_name": zone.name,
        "matter": ticket.matter,
        "matter_name": matter.name if matter else None,
        "window": ticket.window,
        "staff": ticket.staff,
        "staff_name": staff.name if staff else None,
        "issued_at": ticket.issued_at,
        "called_at": ticket.called_at,
        "priority_reason": ticket.priority_reason,
        "appointment_at": ticket.appointment_at,
        "to_staff": ticket.to_staff,
        "to_window": ticket.to_window,
        "recalls": ticket.recalls,
        "code": ticket.code,
        "status_url": f"{config.public_url}/t/{ticket.code}",
        "case": ticket.case,
        "rating": ticket.rating,
        "note": ticket.note,
    }


def queue_view(
    state: HallState, config: HallConfig, ticket: Ticket, *, newest: bool = False
) -> dict[str, Any]:
    """A ticket with its place: people ahead and the estimated wait, as the kiosk prints."""
    ahead = ahead_of(state, ticket, newest=newest)
    return {
        **ticket_view(config, ticket),
        "ahead": ahead,
        "wait_minutes": wait_minutes(state, config, ticket, ahead),
    }


def window_view(state: HallState, config: HallConfig, window: Window) -> dict[str, Any]:
    staff = config.staff.get(window.staff) if window.staff else None
    current = state.tickets.get(window.ticket) if window.ticket else None
    return {
        "number": window.number,
        "name": config.windows[window.number].name,
        "status": window.status.value,
        "staff": window.staff,
        "staff_name": staff.name if staff else None,
        "ticket": current.label if current else None,
        "ticket_id": current.id if current else None,
        "suspended": [state.tickets[t].label for t in window.suspended if t in state.tickets],
        "pause_reason": window.pause_reason,
        "zones": sorted(config.windows[window.number].zones),
    }


def card_view(config: HallConfig, card: Card) -> dict[str, Any]:
    staff = config.staff.get(card.staff)
    zone = config.zones[card.zone]
    matter = zone.matters.get(card.matter) if card.matter else None
    return {
        "number": card.number,
        "label": card.label,
        "code": card.code,
        "staff": card.staff,
        "staff_name": staff.name if staff else card.staff,
        "phone": staff.phone if staff else "",
        "window": card.window,
        "zone": zone.id,
        "zone_name": zone.name,
        "matter": card.matter,
        "matter_name": matter.name if matter else None,
        "tips": list(card.tips),
        "valid_until": card.valid_until,
        "closed": card.closed_at is not None,
        "closed_reason": card.closed_reason,
        "case": card.case,
    }


def zone_counts(state: HallState) -> dict[str, int]:
    """Tickets waiting per zone (follow-ups and transfers counted in their zone)."""
    counts = {zone: len(queue) for zone, queue in state.queues.items() if queue}
    for tid in state.routed:  # few: the indexes make the rest a count
        zone = state.tickets[tid].zone
        counts[zone] = counts.get(zone, 0) + 1
    return counts


WAITING_LIMIT = 200  # the longest list the ``waiting`` reply carries


def waiting_view(state: HallState, config: HallConfig, number: int, now: float) -> dict[str, Any]:
    """What window ``number`` would call, in the order successive "call next" presses take it.

    ``tickets``: the call order itself (its head is the next call; at most ``WAITING_LIMIT``);
    ``followups``: those of ``tickets`` routed to a person (follow-ups of the staff member and
    of away colleagues they back up, transfers to the staff member), in the same order;
    ``later``: appointments in the window's zones not yet due, by appointment time.
    """
    window = state.windows[number]
    order = [
        choice.ticket for choice in islice(call_order(state, config, window, now), WAITING_LIMIT)
    ]
    return {
        "window": number,
        "tickets": [ticket_view(config, t) for t in order],
        "followups": [ticket_view(config, t) for t in order if t.to_staff is not None],
        "later": [ticket_view(config, t) for t in later_appointments(state, config, window, now)],
    }


def staff_followups(state: HallState, config: HallConfig, staff: str) -> list[dict[str, Any]]:
    """Follow-ups and transfers waiting for ``staff`` themself, in their order."""
    mine = [state.tickets[tid] for tid in state.routed if state.tickets[tid].to_staff == staff]
    return [ticket_view(config, t) for t in sorted(mine, key=order_key)]
