"""What the hub shows per topic: call entries, topic snapshots and a ticket's public status.

Built on the engine's views (``server.engine.views``); nothing here changes the state.
"""

from __future__ import annotations

from typing import Any

from server.engine.queue import order_key
from server.engine.state import HallState, Ticket
from server.engine.views import (
    queue_view,
    staff_followups,
    ticket_view,
    waiting_view,
    window_view,
    zone_counts,
)
from shared.domain import Status
from shared.hallconfig import HallConfig
from shared.protocol import Topic
from shared.texts import both


def announce(label: str, window: int) -> dict[str, str]:
    """What the hall hears and the boards show, in every language."""
    return both("announce.call", ticket=label, window=window)


def call_entry(
    config: HallConfig,
    ticket: Ticket,
    window: int,
    staff: str | None,
    at: float,
    how: str = "next",
    recall: int = 0,
) -> dict[str, Any]:
    """One line of the recent-calls list, and the body of ``called``/``recalled`` pushes."""
    person = config.staff.get(staff) if staff else None
    zone = config.zones[ticket.zone]
    return {
        "ticket": ticket.label,
        "ticket_id": ticket.id,
        "kind": ticket.kind.value,
        "zone": zone.id,
        "zone_name": zone.name,
        "window": window,
        "window_name": config.windows[window].name if window in config.windows else "",
        "staff": staff,
        "staff_name": person.name if person else None,
        "how": how,
        "recall": recall,
        "at": at,
        "announce": announce(ticket.label, window),
    }


def recent_calls(config: HallConfig, state: HallState, limit: int) -> list[dict[str, Any]]:
    """The day's latest calls, newest first, as the state holds them (after a restart too)."""
    called = sorted(
        (
            t
            for t in state.tickets.values()
            if t.called_at is not None and t.window is not None and t.day == state.day
        ),
        key=lambda t: t.called_at or 0.0,
        reverse=True,
    )[:limit]
    return [
        call_entry(config, t, t.window or 0, t.staff, t.called_at or 0.0, recall=t.recalls)
        for t in called
    ]


def counts(config: HallConfig, state: HallState) -> dict[str, int]:
    waiting = zone_counts(state)
    return {zone: waiting.get(zone, 0) for zone in config.zones}


def zones_view(config: HallConfig, waiting: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "id": z.id,
            "name": z.name,
            "name_en": z.name_en,
            "prefix": z.prefix,
            "waiting": waiting.get(z.id, 0),
            "matters": [
                {
                    "id": m.id,
                    "name": m.name,
                    "name_en": m.name_en,
                    "service_minutes": m.service_minutes,
                    "tips": list(m.tips),
                }
                for m in z.matters.values()
            ],
        }
        for z in config.zones.values()
    ]


def ticket_status(config: HallConfig, state: HallState, ticket: Ticket) -> dict[str, Any]:
    """A ticket as its holder sees it: number, people ahead, estimated wait, the window, and
    ``say``: the sentence to show them, in every language."""
    view = (
        queue_view(state, config, ticket)
        if ticket.status is Status.WAITING
        else {**ticket_view(config, ticket), "ahead": 0, "wait_minutes": 0}
    )
    out = {
        k: view[k]
        for k in (
            "label",
            "kind",
            "status",
            "zone",
            "zone_name",
            "matter_name",
            "window",
            "issued_at",
            "called_at",
            "ahead",
            "wait_minutes",
            "code",
            "recalls",
        )
    }
    out["status_name"] = both(f"status.{ticket.status.value}")
    out["say"] = _say(out)
    return out


def _say(view: dict[str, Any]) -> list[dict[str, str]]:
    status, window = view["status"], view["window"]
    if status == "waiting":
        return [
            both("hub.ticket.ahead", ahead=view["ahead"]),
            both("hub.ticket.wait", minutes=view["wait_minutes"]),
        ]
    if status == "called":
        return [both("hub.ticket.called", window=window)]
    if status == "serving":
        return [both("hub.ticket.serving", window=window)]
    if status == "suspended":
        return [both("hub.ticket.suspended", window=window)]
    if status == "done":
        return [both("hub.ticket.done")]
    if status == "missed":
        return [both("hub.ticket.missed")]
    return [both("hub.ticket.ended")]


def topic_snapshot(
    config: HallConfig,
    state: HallState,
    topic: Topic,
    *,
    recent: list[dict[str, Any]],
    notices: list[dict[str, Any]],
    now: float,
) -> dict[str, Any]:
    """What a client needs to show ``topic`` right now."""
    waiting = counts(config, state)
    if topic.kind == "hall":
        return {
            "hall": {
                "name": config.name,
                "name_en": config.name_en,
                "day": state.day,
                "timezone": config.timezone,
                "priority_kinds": list(config.policy.priority_kinds),
                "requeue_penalty": config.policy.requeue_penalty,
                "rating_reasons": list(config.policy.rating_reasons),
                "demo_speed": config.policy.demo_speed,
            },
            "zones": zones_view(config, waiting),
            "windows": [window_view(state, config, w) for w in state.windows.values()],
            "recent": recent,
            "notices": notices,
        }
    if topic.kind == "zone":
        zone = config.zones[topic.key]
        mine = sorted(
            (state.tickets[t] for t in state.waiting if state.tickets[t].zone == zone.id),
            key=order_key,
        )
        return {
            "zone": zones_view(config, waiting)[list(config.zones).index(zone.id)],
            "counts": waiting,
            "queue": [t.label for t in mine[:200]],
            "windows": [
                window_view(state, config, state.windows[n])
                for n, w in config.windows.items()
                if zone.id in w.zones
            ],
            "recent": [c for c in recent if c["zone"] == zone.id],
        }
    if topic.kind == "window":
        number = int(topic.key)
        window = state.windows[number]
        current = state.tickets.get(window.ticket) if window.ticket else None
        return {
            "window": window_view(state, config, window),
            "ticket": ticket_view(config, current) if current else None,
            "waiting": sum(waiting.get(z, 0) for z in config.windows[number].zones),
            "followups": waiting_view(state, config, number, now)["followups"],
            "recent": [c for c in recent if c["window"] == number],
        }
    if topic.kind == "staff":
        staff = config.staff[topic.key]
        at = next((w.number for w in state.windows.values() if w.staff == staff.id), None)
        return {
            "staff": {"id": staff.id, "name": staff.name, "backup": staff.backup},
            "window": at,
            "followups": staff_followups(state, config, staff.id),
        }
    # ticket:<code>
    tid = state.by_code.get(topic.key)
    ticket = state.tickets.get(tid) if tid else None
    return {"ticket": ticket_status(config, state, ticket) if ticket else None}
