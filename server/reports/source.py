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

from server.store import SCHEMA_VERSION

from .errors import ReportError

# Columns of a ticket row as the figures read it (index constants in ``figures``).
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
# Events that make a ticket's life more than issue → call → serve (read for those tickets).
DETAIL_TYPES = ("called", "started", "finished", "missed", "requeued", "transferred", "suspended")
SESSION_TYPES = ("logged_in", "logged_out", "paused", "resumed")


@dataclass
class Event:
    at: float
    type: str
    data: dict[str, Any]


@dataclass
class PeriodData:
    """Everything a report of the days ``first``..``last`` needs, as plain rows."""

    first: date
    last: date
    start: float  # epoch seconds of the first day's local midnight
    end: float  # … and of the day after the last
    now: float
    tickets: list[tuple[Any, ...]] = field(default_factory=list)
    # the events of tickets whose life had a no-show, transfer, suspend or call back
    details: dict[str, list[Event]] = field(default_factory=dict)
    sessions: list[Event] = field(default_factory=list)  # log in/out, pause/resume, in order
    bad_ratings: list[Event] = field(default_factory=list)  # rated 1 or 2
    closes: dict[str, Event] = field(default_factory=dict)  # 整改 closed: ticket -> first close
    # cases: id -> (zone, matter, opened_at, done_at, visits, finishing ticket id)
    cases: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # the window and staff of finishing tickets outside the period's tickets
    finishers: dict[str, tuple[Any, Any]] = field(default_factory=dict)


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
    conn: sqlite3.Connection, first: date, last: date, tz: ZoneInfo, now: float
) -> PeriodData:
    """The rows of the hall days ``first``..``last`` (a ticket belongs to the day it was
    issued on, also when it was served after the hall's midnight)."""
    start = local_midnight(first, tz)
    end = local_midnight(last + timedelta(days=1), tz)
    data = PeriodData(first, last, start, end, now)
    conn.execute("BEGIN")  # one snapshot for every query below
    try:
        _read(conn, data)
    finally:
        conn.execute("ROLLBACK")
    return data


def _read(conn: sqlite3.Connection, data: PeriodData) -> None:
    columns = ", ".join(TICKET_COLUMNS)
    data.tickets = conn.execute(
        f"SELECT {columns} FROM tickets WHERE day BETWEEN ? AND ?",
        (data.first.isoformat(), data.last.isoformat()),
    ).fetchall()
    # Events of the period, and a day after it for services that cross the last midnight.
    low = seq_at(conn, data.start - 3600)
    high = seq_at(conn, data.end + 86400)
    loads = orjson.loads
    special = set()
    for _type, payload in conn.execute(
        "SELECT type, payload FROM events WHERE seq >= ? AND seq < ? AND (type IN "
        "('missed', 'transferred', 'suspended') OR (type = 'called' AND payload LIKE "
        '\'%"how":"callback"%\'))',
        (low, high),
    ):
        special.add(loads(payload)["ticket"])
    ids = {row[0] for row in data.tickets}
    special &= ids
    if special:
        marks = ", ".join("?" for _ in DETAIL_TYPES)
        for at, kind, payload in conn.execute(
            f"SELECT at, type, payload FROM events WHERE seq >= ? AND seq < ? AND type IN "
            f"({marks}) AND json_extract(payload, '$.ticket') IN (SELECT value FROM json_each(?))"
            " ORDER BY seq",
            (low, high, *DETAIL_TYPES, orjson.dumps(sorted(special)).decode()),
        ):
            event = loads(payload)
            data.details.setdefault(event["ticket"], []).append(Event(at, kind, event))
    marks = ", ".join("?" for _ in SESSION_TYPES)
    # sessions open before the period started: from the last hall day before it
    session_low = seq_at(conn, data.start - 86400 * 7)
    for at, kind, payload in conn.execute(
        f"SELECT at, type, payload FROM events WHERE seq >= ? AND seq < ? AND type IN ({marks})"
        " ORDER BY seq",
        (session_low, seq_at(conn, data.end), *SESSION_TYPES),
    ):
        data.sessions.append(Event(at, kind, loads(payload)))
    for at, payload in conn.execute(
        "SELECT at, payload FROM events WHERE seq >= ? AND seq < ? AND type = 'rated' "
        "AND json_extract(payload, '$.level') <= 2 ORDER BY seq",
        (low, high),
    ):
        event = loads(payload)
        if event["ticket"] in ids:
            data.bad_ratings.append(Event(at, "rated", event))
    if data.bad_ratings:  # closed by a supervisor, at any time after (up to now)
        for at, device, payload in conn.execute(
            "SELECT at, device, payload FROM events WHERE seq >= ? AND type = "
            "'rectification_closed' ORDER BY seq",
            (low,),
        ):
            event = loads(payload)
            if at <= data.now:
                data.closes.setdefault(
                    event["ticket"], Event(at, "rectification_closed", {**event, "device": device})
                )
    _read_cases(conn, data, ids)


def _read_cases(conn: sqlite3.Connection, data: PeriodData, ids: set[str]) -> None:
    """Cases finished in the period, and those its tickets belong to that were still open."""
    voided = dict(
        conn.execute(
            "SELECT \"case\", count(*) FROM tickets WHERE status = 'voided' AND kind = 'followup'"
            ' GROUP BY "case"'
        ).fetchall()
    )
    own = {row[16] for row in data.tickets}
    rows = conn.execute(
        "SELECT id, zone, matter, opened_at, done_at, trips, tickets FROM cases WHERE "
        "(done_at >= ? AND done_at < ?) OR (opened_at >= ? AND opened_at < ?)",
        (data.start, data.end, data.start - 86400, data.end),
    ).fetchall()
    seen = {r[0] for r in rows}
    older = sorted(own - seen)
    if older:
        rows += conn.execute(
            "SELECT id, zone, matter, opened_at, done_at, trips, tickets FROM cases "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (orjson.dumps(older).decode(),),
        ).fetchall()
    voided_first = {row[0] for row in data.tickets if row[6] == "voided"}
    outside: list[str] = []
    for cid, zone, matter, opened, done, trips, tickets in rows:
        if cid not in own and not (done is not None and data.start <= done < data.end):
            continue  # opened the day before, neither finished nor visited in the period
        visits = int(trips) - voided.get(cid, 0) - (1 if cid in voided_first else 0)
        finisher = cid if int(trips) == 1 else orjson.loads(tickets)[-1]
        data.cases[cid] = (zone, matter, opened, done, visits, finisher)
        if finisher not in ids and done is not None:
            outside.append(finisher)
    if outside:
        for tid, window, staff in conn.execute(
            "SELECT id, window, staff FROM tickets WHERE id IN (SELECT value FROM json_each(?))",
            (orjson.dumps(outside).decode(),),
        ):
            data.finishers[tid] = (window, staff)
