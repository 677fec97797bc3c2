"""One hall day's facts: what the figures of any period are made of, day by day. Pure, no I/O.

``source`` reads a day's ticket rows and the events of its tickets with more than one stint,
and ``day_facts`` reduces them to counts (a few hundred cells), each ticket's wait and service
(two columns of floats with the ticket's zone, matter, window and staff), the moves (no-shows,
suspends, transfers), the time served per window and staff member, the arrivals by hour, the
logged-in and paused spans cut at the day's midnights and the day's 差评. ``figures.build``
merges the days of a period; ``cache`` keeps the facts of closed days, which do not change.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Columns of a ticket row as the facts read it.
TICKET_COLUMNS = (
    "id",
    "label",
    "day",
    "zone",
    "matter",
    "kind",
    "status",
    "issued_at",
    "called_at",
    "started_at",
    "finished_at",
    "window",
    "staff",
    "requeues",
    "transfers",
    "rating",
    '"case"',
)
(
    I_ID,
    I_LABEL,
    I_DAY,
    I_ZONE,
    I_MATTER,
    I_KIND,
    I_STATUS,
    I_ISSUED,
    I_CALLED,
    I_STARTED,
    I_FINISHED,
    I_WINDOW,
    I_STAFF,
    I_REQUEUES,
    I_TRANSFERS,
    I_RATING,
    I_CASE,
) = range(17)

OPEN = frozenset({"waiting", "called", "serving", "suspended", "missed"})
MOVES = ("no_shows", "suspended", "transferred_out", "transferred_in")
NONE = -1  # a missing window, staff member or matter in the code columns


@dataclass
class Event:
    at: float
    type: str
    data: dict[str, Any]


@dataclass
class DayFacts:
    """The facts of the tickets issued on one hall day (``day``, ISO), and its sessions."""

    day: str
    tickets: int = 0
    names: list[str] = field(default_factory=list)  # the strings the code columns index
    # one entry per ticket: codes into ``names`` (NONE for none), the window number (or NONE),
    # the wait and the service in seconds (NaN: not called / not a served ticket)
    zone: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    matter: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    window: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    staff: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    wait: np.ndarray = field(default_factory=lambda: np.empty(0, np.float64))
    service: np.ndarray = field(default_factory=lambda: np.empty(0, np.float64))
    # [zone, matter, window, staff, status, kind, rating, called (0/1), tickets, requeues]
    counts: list[list[Any]] = field(default_factory=list)
    moves: list[list[Any]] = field(default_factory=list)  # [move, zone, matter, window, staff]
    serving: list[list[Any]] = field(default_factory=list)  # [window, staff, seconds]
    hourly: list[list[Any]] = field(default_factory=list)  # [hour, zone, n, Σ wait, waits]
    spans: list[list[Any]] = field(default_factory=list)  # [logged_in|paused, window, staff, s]
    bad: list[dict[str, Any]] = field(default_factory=list)  # the day's 差评, in order

    ARRAYS = ("zone", "matter", "window", "staff", "wait", "service")
    LISTS = ("counts", "moves", "serving", "hourly", "spans", "bad")


# --- one ticket's life -----------------------------------------------------------------------
@dataclass
class Life:
    wait: float | None
    service: float | None  # done tickets only
    stints: list[tuple[Any, Any, float]]  # (window, staff, seconds being served)
    no_shows: list[tuple[str, Any, Any]] = field(default_factory=list)  # (zone, window, staff)
    suspends: list[tuple[str, Any, Any]] = field(default_factory=list)
    outs: list[tuple[str, Any, Any]] = field(default_factory=list)  # where it was transferred from
    ins: list[tuple[str, Any, Any]] = field(default_factory=list)  # where it arrived


def simple_life(row: Sequence[Any]) -> Life:
    """Issue → call → (start) → finish: all the row says."""
    called, finished = row[I_CALLED], row[I_FINISHED]
    wait = called - row[I_ISSUED] if called is not None else None
    if finished is None:
        return Life(wait, None, [])
    started = row[I_STARTED]
    begin = started if started is not None and started < finished else called
    service = finished - (begin if begin is not None else finished)
    return Life(wait, service, [(row[I_WINDOW], row[I_STAFF], service)])


def detailed_life(row: Sequence[Any], zone: str, events: Iterable[Event]) -> Life:
    """A ticket with no-shows, transfers, suspends or call backs, from its events in order."""
    window = staff = None
    queue_call = called = started = None
    life = Life(None, None, [])
    arriving: tuple[str, Any, Any] | None = None
    for e in events:
        d = e.data
        if e.type == "called":
            window, staff = d["window"], d["staff"]
            if d["how"] != "callback":
                queue_call = e.at
            called, started = e.at, None
            if arriving is not None:
                life.ins.append((arriving[0], window, staff))
                arriving = None
        elif e.type == "started":
            started = e.at
        elif e.type in ("finished", "suspended", "transferred"):
            begin = started if started is not None and started < e.at else called
            if begin is not None:
                life.stints.append((window, staff, e.at - begin))
            called = started = None
            if e.type == "suspended":
                life.suspends.append((zone, window, staff))
            elif e.type == "transferred":
                life.outs.append((zone, d["window"], staff))
                zone = d["zone"]
                arriving = (zone, d["to_window"], d["to_staff"])
        elif e.type == "missed":
            life.no_shows.append((zone, d["window"], staff))
            called = started = None
    if arriving is not None:
        life.ins.append(arriving)
    life.wait = queue_call - row[I_ISSUED] if queue_call is not None else None
    if row[I_STATUS] == "done":
        life.service = math.fsum(s for _, _, s in life.stints)
    return life


def issued_zone(row: Sequence[Any], events: Iterable[Event]) -> str:
    """The zone a ticket was issued for (its ``issued`` event; the row has the last one)."""
    for e in events:
        if e.type == "issued":
            return str(e.data["ticket"].get("zone", row[I_ZONE]))
    return str(row[I_ZONE])


# --- a day -----------------------------------------------------------------------------------
def day_facts(
    day: str,
    midnight: float,
    rows: Sequence[Sequence[Any]],
    details: Mapping[str, list[Event]],
    spans: list[list[Any]] | None = None,
    bad: list[dict[str, Any]] | None = None,
) -> DayFacts:
    """The facts of the tickets ``rows`` issued on ``day`` (whose local midnight is
    ``midnight``); ``details`` holds the events of those with more than one stint."""
    names: dict[str, int] = {}

    def code(value: Any) -> int:
        if value is None:
            return NONE
        found = names.get(value)
        if found is None:
            found = names[value] = len(names)
        return found

    n = len(rows)
    zone = np.empty(n, np.int32)
    matter = np.empty(n, np.int32)
    window = np.empty(n, np.int32)
    staff = np.empty(n, np.int32)
    waits = np.full(n, np.nan)
    services = np.full(n, np.nan)
    counts: dict[tuple[Any, ...], list[int]] = {}
    serving: dict[tuple[Any, Any], float] = {}
    hourly: dict[tuple[int, str], list[float]] = {}
    moves: list[list[Any]] = []
    for i, row in enumerate(rows):
        z, m, w, s, status = row[I_ZONE], row[I_MATTER], row[I_WINDOW], row[I_STAFF], row[I_STATUS]
        zone[i], matter[i], staff[i] = code(z), code(m), code(s)
        window[i] = NONE if w is None else w
        events = details.get(row[I_ID])
        if events is not None:
            first_zone = issued_zone(row, events)
            life = detailed_life(row, first_zone, events)
            wait, service = life.wait, life.service
            for sw, ss, seconds in life.stints:
                serving[(sw, ss)] = serving.get((sw, ss), 0.0) + seconds
            for move, places in zip(
                MOVES, (life.no_shows, life.suspends, life.outs, life.ins), strict=True
            ):
                moves += [[move, pz, m, pw, ps] for pz, pw, ps in places]
        else:
            first_zone = z
            called, finished = row[I_CALLED], row[I_FINISHED]
            wait = called - row[I_ISSUED] if called is not None else None
            service = None
            if finished is not None:
                started = row[I_STARTED]
                begin = started if started is not None and started < finished else called
                service = finished - (begin if begin is not None else finished)
                serving[(w, s)] = serving.get((w, s), 0.0) + service
        if wait is not None:
            waits[i] = wait
        if status == "done" and service is not None:
            services[i] = service
        key = (z, m, w, s, status, row[I_KIND], row[I_RATING], int(row[I_CALLED] is not None))
        cell = counts.get(key)
        if cell is None:
            cell = counts[key] = [0, 0]
        cell[0] += 1
        cell[1] += row[I_REQUEUES] or 0
        if status != "voided":
            hour = min(23, max(0, int((row[I_ISSUED] - midnight) // 3600)))
            arrivals = hourly.get((hour, first_zone))
            if arrivals is None:
                arrivals = hourly[(hour, first_zone)] = [0, 0.0, 0]
            arrivals[0] += 1
            if wait is not None:
                arrivals[1] += wait
                arrivals[2] += 1
    return DayFacts(
        day=day,
        tickets=n,
        names=list(names),
        zone=zone,
        matter=matter,
        window=window,
        staff=staff,
        wait=waits,
        service=services,
        counts=[[*k, *v] for k, v in counts.items()],
        moves=moves,
        serving=[[w, s, seconds] for (w, s), seconds in serving.items()],
        hourly=[[h, z, *v] for (h, z), v in hourly.items()],
        spans=spans or [],
        bad=bad or [],
    )


# --- sessions --------------------------------------------------------------------------------
LOOK_BACK = 7 * 86400.0  # a session counts on a day if it was opened at most a week before


def session_spans(
    events: Iterable[Event], days: Sequence[tuple[str, float, float]], now: float
) -> dict[str, list[list[Any]]]:
    """Logged-in and paused time per window, cut at each of the contiguous hall ``days``
    ((day, start, end), in order) and not after ``now``: a window still logged in counts up to
    the time of the report. ``events`` are the log-ins/outs and pauses from a week before the
    first day to the end of the last, in order. The same on any run of days: what a day gets
    depends only on the week before it and the day itself."""
    out: dict[str, list[list[Any]]] = {d[0]: [] for d in days}
    if not days:
        return out
    starts = [d[1] for d in days]
    low, high = days[0][1], min(days[-1][2], now)
    logins: dict[int, tuple[str, float]] = {}
    pauses: dict[int, tuple[str, float]] = {}

    def close(table: dict[int, tuple[str, float]], kind: str, window: int, at: float) -> None:
        opened = table.pop(window, None)
        if opened is None:
            return
        begin, end = max(opened[1], low), min(at, high)
        i = max(0, bisect_right(starts, begin) - 1)
        while i < len(days) and days[i][1] < end:
            day, start, stop = days[i]
            seconds = min(end, stop) - max(begin, start)
            if seconds > 0 and opened[1] >= start - LOOK_BACK:
                out[day].append([kind, window, opened[0], seconds])
            i += 1

    for e in events:
        window = e.data["window"]
        if e.type == "logged_in":
            close(pauses, "paused", window, e.at)
            close(logins, "logged_in", window, e.at)
            logins[window] = (e.data["staff"], e.at)
        elif e.type == "logged_out":
            close(pauses, "paused", window, e.at)
            close(logins, "logged_in", window, e.at)
        elif e.type == "paused":
            who = logins.get(window)
            pauses[window] = (who[0] if who else "", e.at)
        elif e.type == "resumed":
            close(pauses, "paused", window, e.at)
    for window in list(pauses):
        close(pauses, "paused", window, high)
    for window in list(logins):
        close(logins, "logged_in", window, high)
    return out


def bad_rating(row: Sequence[Any], e: Event) -> dict[str, Any]:
    """A 差评 as the reports list it (the reasons the citizen picked, when the evaluator
    asked for them)."""
    return {
        "ticket": row[I_ID],
        "label": row[I_LABEL],
        "day": row[I_DAY],
        "zone": row[I_ZONE],
        "matter": row[I_MATTER],
        "level": e.data["level"],
        "window": e.data["window"],
        "staff": e.data["staff"],
        "at": e.at,
        "reasons": [str(r) for r in e.data.get("reasons") or []],
    }
