"""Reading a hall database for reports: read-only, on the WAL, never in the server's way.

The file is opened with ``mode=ro`` (a missing file is an error, never a new empty database),
so the running server keeps writing while a report reads a consistent snapshot: one read
transaction for the whole report. Everything here is I/O; the figures are computed by the pure
functions of ``figures`` over the ``PeriodData`` this returns.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from server.schema import SCHEMA_VERSION

from .cache import DayCache
from .errors import ReportError
from .facts import (
    I_DAY,
    I_ID,
    LOOK_BACK,
    OPEN,
    TICKET_COLUMNS,
    DayFacts,
    Event,
    bad_rating,
    day_facts,
    session_spans,
)

# Events read for the tickets with more than one stint (no-shows, transfers, suspends, call
# backs), by the ticket's key; ``issued`` tells the zone the ticket was issued for.
DETAIL_TYPES = (
    "issued", "called", "started", "finished", "missed", "requeued", "transferred", "suspended"
)  # fmt: skip
SESSION_TYPES = ("logged_in", "logged_out", "paused", "resumed")
RUN_DAYS = 31  # days read from the file at once (what is held in memory while reading)


@dataclass
class PeriodData:
    """Everything a report of the days ``first``..``last`` needs: the facts of each day and
    what is read for the period as a whole (cases, and the 整改 of its 差评)."""

    first: date
    last: date
    start: float  # epoch seconds of the first day's local midnight
    end: float  # … and of the day after the last
    now: float
    days: list[DayFacts] = field(default_factory=list)
    closes: dict[str, Event] = field(default_factory=dict)  # 整改 closed: ticket -> first close
    # cases finished in the period, and open at its end, counted by where they are reported:
    # (done|open, zone, matter, window, staff, one visit, cases)
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    cached: int = 0  # how many of the days came from the cache

    @property
    def tickets(self) -> int:
        return sum(d.tickets for d in self.days)


def local_midnight(day: date, tz: ZoneInfo) -> float:
    return datetime.combine(day, time(0), tz).timestamp()


def connect(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to a hall database of this onetrip's schema, or ``ReportError``."""
    path = Path(path)
    if not path.is_file():
        raise ReportError("report.no_db", path=str(path))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as e:
        raise ReportError("report.bad_db", path=str(path), detail=str(e)) from e
    if version != SCHEMA_VERSION or not {"events", "tickets", "cases"} <= tables:
        conn.close()
        raise ReportError("report.schema", path=str(path), found=version, known=SCHEMA_VERSION)
    return conn


def _at(conn: sqlite3.Connection, seq: int) -> float:
    row = conn.execute("SELECT at FROM events WHERE seq = ?", (seq,)).fetchone()
    return float(row[0]) if row else float("inf")


def seq_at(conn: sqlite3.Connection, when: float) -> int:
    """The first seq whose event happened at or after ``when`` (events are appended in time
    order by one writer: a binary search over the primary key, not a scan)."""
    low, high = 1, int(conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]) + 1
    while low < high:
        mid = (low + high) // 2
        if _at(conn, mid) < when:
            low = mid + 1
        else:
            high = mid
    return low


def last_event_at(conn: sqlite3.Connection) -> float | None:
    row = conn.execute("SELECT at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return float(row[0]) if row else None


def read_period(
    conn: sqlite3.Connection,
    first: date,
    last: date,
    tz: ZoneInfo,
    now: float,
    *,
    cache: DayCache | None = None,
    finishers: bool = True,
) -> PeriodData:
    """The facts of the hall days ``first``..``last`` (a ticket belongs to the day it was
    issued on, also when it was served after the hall's midnight). Days that are closed come
    from ``cache`` when it has them, and go into it when it has not. ``finishers``: the window
    and staff member who finished each case are wanted (the window and staff groupings)."""
    start = local_midnight(first, tz)
    end = local_midnight(last + timedelta(days=1), tz)
    data = PeriodData(first, last, start, end, now)
    conn.execute("BEGIN")  # one snapshot for every query below
    try:
        _read(conn, data, tz, cache)
        _read_cases(conn, data, finishers)
        _read_closes(conn, data)
    finally:
        conn.execute("ROLLBACK")
    return data


def _bounds(first: date, last: date, tz: ZoneInfo) -> list[tuple[str, float, float]]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [
        (d.isoformat(), local_midnight(d, tz), local_midnight(d + timedelta(1), tz)) for d in days
    ]


def closed_days(
    conn: sqlite3.Connection, bounds: list[tuple[str, float, float]], now: float
) -> set[str]:
    """The days among ``bounds`` whose facts can no longer change: the log has gone on a day
    past them (their tickets' events are read up to a day after midnight, and no ticket is
    issued on a day gone by) and none of their tickets is still open."""
    settled = min(last_event_at(conn) or 0.0, now)
    first, last = bounds[0][0], bounds[-1][0]
    marks = ", ".join("?" for _ in OPEN)
    still_open = {  # by the status index: open tickets are few
        r[0]
        for r in conn.execute(
            # (named: by its statistics SQLite would read every row instead)
            f"SELECT day FROM tickets INDEXED BY idx_tickets_status WHERE status IN ({marks})",
            tuple(sorted(OPEN)),
        )
        if first <= r[0] <= last
    }
    return {day for day, _, stop in bounds if stop + 86400 <= settled and day not in still_open}


def _read(conn: sqlite3.Connection, data: PeriodData, tz: ZoneInfo, cache: DayCache | None) -> None:
    bounds = _bounds(data.first, data.last, tz)
    got: dict[str, DayFacts] = {}
    closed: set[str] = set()
    if cache is not None:
        closed = closed_days(conn, bounds, data.now)
        for day in sorted(closed):
            facts = cache.load(day)
            if facts is not None:
                got[day] = facts
    data.cached = len(got)
    run: list[tuple[str, float, float]] = []
    for bound in [*bounds, None]:  # contiguous runs of the days still to read
        if bound is not None and bound[0] not in got and len(run) < RUN_DAYS:
            run.append(bound)
            continue
        if run:
            fresh = read_days(conn, run, data.now)
            got.update(fresh)
            if cache is not None:
                for day, facts in fresh.items():
                    if day in closed:
                        cache.save(facts)
            run = [] if bound is None or bound[0] in got else [bound]
    data.days = [got[day] for day, _, _ in bounds]


def read_days(
    conn: sqlite3.Connection, run: list[tuple[str, float, float]], now: float
) -> dict[str, DayFacts]:
    """The facts of the contiguous days ``run`` ((day, start, end) each), from the file."""
    columns = ", ".join(TICKET_COLUMNS)
    rows = conn.execute(
        f"SELECT {columns} FROM tickets WHERE day BETWEEN ? AND ?", (run[0][0], run[-1][0])
    ).fetchall()
    ids = {row[I_ID]: row for row in rows}
    # One pass over the events of the run (and a week before it for the sessions open at its
    # start, a day after it for services that cross its last midnight): the tickets with more
    # than one stint, the 差评 and the sessions.
    low = seq_at(conn, run[0][1] - LOOK_BACK)
    ticket_low = seq_at(conn, run[0][1] - 3600)
    session_high = seq_at(conn, run[-1][2])
    high = seq_at(conn, run[-1][2] + 86400)
    loads = orjson.loads
    special: set[str] = set()
    bad: dict[str, list[dict[str, Any]]] = {}
    sessions: list[Event] = []
    marks = ", ".join("?" for _ in SESSION_TYPES)
    for seq, at, kind, ticket, payload in conn.execute(
        "SELECT seq, at, type, ticket, payload FROM events WHERE seq >= ? AND seq < ? AND "
        f"(type IN ({marks}) OR (seq >= ? AND (type IN ('missed', 'transferred', 'suspended') "
        "OR (type = 'called' AND payload LIKE '%\"how\":\"callback\"%') "
        "OR (type = 'rated' AND json_extract(payload, '$.level') <= 2)))) ORDER BY seq",
        (low, high, *SESSION_TYPES, ticket_low),
    ):
        if kind in SESSION_TYPES:
            if seq < session_high:
                sessions.append(Event(at, kind, loads(payload)))
            continue
        if seq < ticket_low or ticket not in ids:
            continue
        if kind != "rated":
            special.add(ticket)
            continue
        row = ids[ticket]
        bad.setdefault(row[I_DAY], []).append(bad_rating(row, Event(at, kind, loads(payload))))
    details: dict[str, list[Event]] = {}
    if special:
        marks = ", ".join("?" for _ in DETAIL_TYPES)
        for at, kind, ticket, payload in conn.execute(
            "SELECT at, type, ticket, payload FROM events WHERE ticket IN (SELECT value FROM "
            f"json_each(?)) AND type IN ({marks}) ORDER BY seq",
            (orjson.dumps(sorted(special)).decode(), *DETAIL_TYPES),
        ):
            details.setdefault(ticket, []).append(Event(at, kind, loads(payload)))
    spans = session_spans(sessions, run, now)
    by_day: dict[str, list[Any]] = {day: [] for day, _, _ in run}
    for row in rows:
        by_day[row[I_DAY]].append(row)
    return {
        day: day_facts(day, start, by_day[day], details, spans[day], bad.get(day))
        for day, start, _ in run
    }


def _read_cases(conn: sqlite3.Connection, data: PeriodData, finishers: bool) -> None:
    """Cases finished in the period, and those its tickets belong to that were still open at
    its end, counted by where they are reported (aggregated in SQLite). A case's visits are its
    trips less its voided follow-ups (and its first ticket, when that was voided in the
    period); a case whose tickets were all voided is nobody's visit and is left out. It is
    reported where its last ticket was finished (for a case not finished at all whose last
    ticket is not a ticket of the period: nowhere)."""
    first, last = data.first.isoformat(), data.last.isoformat()
    span = {"first": first, "last": last, "start": data.start, "end": data.end}
    voided_followups: dict[str, int] = {}
    voided_first: set[str] = set()
    for tid, case, kind, day in conn.execute(
        "SELECT id, \"case\", kind, day FROM tickets WHERE status = 'voided'"
    ):
        if kind == "followup":
            voided_followups[case] = voided_followups.get(case, 0) + 1
        if first <= day <= last:
            voided_first.add(tid)
    if finishers:
        who = "f.window, f.staff, f.day"
        join = (
            "LEFT JOIN tickets f ON f.id = CASE WHEN c.trips = 1 THEN c.id "
            "ELSE c.tickets ->> '$[#-1]' END"
        )
    else:
        who, join = "NULL, NULL, NULL", ""
    done = "c.done_at >= :start AND c.done_at < :end"
    cells: dict[tuple[Any, ...], int] = {}

    def count(kind: str, zone: Any, matter: Any, window: Any, staff: Any, visits: int, n: int):
        if visits > 0:
            key = (kind, zone, matter, window, staff, visits == 1)
            cells[key] = cells.get(key, 0) + n

    # finished in the period: most cases, counted by SQLite as if nothing had been voided…
    for zone, matter, window, staff, one, n in conn.execute(
        f"SELECT c.zone, c.matter, {who.rsplit(',', 1)[0]}, c.trips = 1, count(*) FROM cases c "
        f"{join} WHERE {done} GROUP BY 1, 2, 3, 4, 5",
        span,
    ):
        count("done", zone, matter, window, staff, 1 if one else 2, n)
    # … then the few with voided tickets put right, one by one
    affected = sorted(set(voided_followups) | voided_first)
    if affected:
        for cid, zone, matter, trips, window, staff, _ in conn.execute(
            f"SELECT c.id, c.zone, c.matter, c.trips, {who} FROM cases c {join} WHERE {done} "
            "AND c.id IN (SELECT value FROM json_each(:ids))",
            {**span, "ids": orjson.dumps(affected).decode()},
        ):
            count("done", zone, matter, window, staff, 1 if trips == 1 else 2, -1)
            visits = trips - voided_followups.get(cid, 0) - (cid in voided_first)
            count("done", zone, matter, window, staff, visits, 1)
    # open at the end of the period, with a ticket in it
    for cid, zone, matter, trips, done_at, window, staff, day in conn.execute(
        f"SELECT c.id, c.zone, c.matter, c.trips, c.done_at, {who} FROM cases c {join} "
        "WHERE (c.done_at IS NULL OR c.done_at >= :end) AND c.opened_at < :end "
        # opened in the period: its first ticket is one of the period's (issued then)
        "AND (c.opened_at >= :start OR EXISTS ("
        "SELECT 1 FROM json_each(c.tickets) j JOIN tickets t ON t.id = j.value "
        "WHERE t.day BETWEEN :first AND :last))",
        span,
    ):
        if done_at is None and (day is None or not first <= day <= last):
            window = staff = None  # not finished, and its last ticket is not the period's
        visits = trips - voided_followups.get(cid, 0) - (cid in voided_first)
        count("open", zone, matter, window, staff, visits, 1)
    data.cases = [(*key, n) for key, n in cells.items() if n]


def _read_closes(conn: sqlite3.Connection, data: PeriodData) -> None:
    """好差评整改 closed by a supervisor, at any time after the 差评 (up to now)."""
    bad = sorted({b["ticket"] for d in data.days for b in d.bad})
    if not bad:
        return
    for at, device, ticket, payload in conn.execute(
        "SELECT at, device, ticket, payload FROM events WHERE ticket IN (SELECT value FROM "
        "json_each(?)) AND type = 'rectification_closed' ORDER BY seq",
        (orjson.dumps(bad).decode(),),
    ):
        if at <= data.now:
            event = orjson.loads(payload)
            data.closes.setdefault(
                ticket, Event(at, "rectification_closed", {**event, "device": device})
            )
