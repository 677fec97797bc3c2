"""The live hall monitor (大厅经理): what the hall looks like right now, for the admin role.

``monitor_view`` is pure: the hall's live state, the time, when each window's pause began and
which devices are connected in; a dict out. ``Pauses`` keeps the pause start times, read
incrementally from the event log on a read-only connection of its own (never the server's).
The page (``pages``) follows the hall over the websocket and asks for this view when a push
says something changed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import orjson

from server.engine.state import HallState
from server.engine.views import window_view
from shared.config import HallConfig
from shared.domain import Status, WindowStatus
from shared.texts import both

from .figures import SATISFIED
from .source import seq_at

WATCHED_ROLES = ("kiosk", "display", "bridge")  # always on; a caller is on when staffed
PRINTER_ALARMS = ("paper_out", "paper_low", "offline", "error")  # a kiosk printer's states


class Pauses:
    """When each window's pause (or login) began, from the event log, followed as it grows."""

    def __init__(self, db: Path, now: float) -> None:
        self.conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
        self.cursor = seq_at(self.conn, now - 86400) - 1
        self.paused: dict[int, float] = {}
        self.logged_in: dict[int, float] = {}

    def update(self) -> None:
        rows = self.conn.execute(
            "SELECT seq, at, type, payload FROM events WHERE seq > ? AND type IN "
            "('paused', 'resumed', 'logged_in', 'logged_out') ORDER BY seq",
            (self.cursor,),
        ).fetchall()
        for seq, at, kind, payload in rows:
            window = orjson.loads(payload)["window"]
            if kind == "paused":
                self.paused[window] = at
            elif kind == "logged_in":
                self.logged_in[window] = at
                self.paused.pop(window, None)
            else:
                self.paused.pop(window, None)
                if kind == "logged_out":
                    self.logged_in.pop(window, None)
            self.cursor = seq
        if not rows:
            last = self.conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
            self.cursor = max(self.cursor, int(last))

    def close(self) -> None:
        self.conn.close()


def _alarm(kind: str, **params: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        **{k: v for k, v in params.items()},
        "text": both(f"report.alarm.{kind}", **params),
    }


def monitor_view(
    config: HallConfig,
    state: HallState,
    now: float,
    *,
    paused_since: dict[int, float],
    online: set[str],
    devices: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``devices``: what devices reported of themselves (the hub's ``device_states``: a
    kiosk's printer), by device id."""
    policy = config.policy
    waiting: dict[str, list[float]] = {z: [] for z in config.zones}
    for tid in state.waiting:
        t = state.tickets[tid]
        waiting.setdefault(t.zone, []).append(t.issued_at)
    zones = []
    alarms: list[dict[str, Any]] = []
    for zid, zone in config.zones.items():
        oldest = min(waiting[zid]) if waiting[zid] else None
        longest = now - oldest if oldest is not None else 0.0
        zones.append(
            {
                "id": zid,
                "name": zone.name,
                "prefix": zone.prefix,
                "waiting": len(waiting[zid]),
                "oldest_issued_at": oldest,
                "longest_wait": longest,
            }
        )
        if len(waiting[zid]) > policy.alarm_queue_length:
            alarms.append(_alarm("queue", zone=zone.name, count=len(waiting[zid])))
    windows = []
    for number, w in sorted(state.windows.items()):
        view = window_view(state, config, w)
        ticket = state.tickets.get(w.ticket) if w.ticket else None
        view["service_since"] = (
            (ticket.started_at if ticket.started_at is not None else ticket.called_at)
            if ticket is not None
            else None
        )
        view["paused_since"] = paused_since.get(number) if w.status is WindowStatus.PAUSED else None
        windows.append(view)
    today = [t for t in state.tickets.values() if t.day == state.day]
    called = [t for t in today if t.called_at is not None]
    rated = [t.rating for t in today if t.rating is not None]
    statuses = [t.status for t in today]
    totals = {
        "issued": len(today),
        "called": len(called),
        "served": statuses.count(Status.DONE),
        "waiting": len(state.waiting),
        "no_shows": statuses.count(Status.MISSED),
        "cancelled": statuses.count(Status.CANCELLED) + statuses.count(Status.VOIDED),
        "rated": len(rated),
        "satisfaction": sum(1 for r in rated if r in SATISFIED) / len(rated) if rated else None,
        "bad": sum(1 for r in rated if r not in SATISFIED),
        "wait_mean": (
            sum((t.first_called_at or t.called_at or 0) - t.issued_at for t in called) / len(called)
            if called
            else None
        ),
    }
    reported = devices or {}
    for device in config.devices.values():
        if device.role in WATCHED_ROLES and device.id not in online:
            # what it last said of its printer is stale: the one alarm is that it is gone
            alarms.append(_alarm("offline", device=device.id))
            continue
        printer = reported.get(device.id, {}).get("printer")
        if device.role == "kiosk" and printer in PRINTER_ALARMS:
            alarms.append(_alarm(f"printer.{printer}", device=device.id))
    return {
        "hall": config.name,
        "day": state.day,
        "now": now,
        "thresholds": {
            "wait": policy.alarm_wait_minutes * 60,
            "queue": policy.alarm_queue_length,
            "pause": policy.alarm_pause_minutes * 60,
        },
        "zones": zones,
        "windows": windows,
        "totals": totals,
        "devices": [reported[d] for d in sorted(reported) if d in config.devices],
        "alarms": alarms,
    }
