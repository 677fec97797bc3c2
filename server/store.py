"""The hall's SQLite file: an append-only event log beside current-state tables.

One command, one ``BEGIN IMMEDIATE`` transaction: its events, the rows they changed, the
counters and the request id's reply are committed together or not at all. WAL mode with
``synchronous=FULL`` makes an acknowledged commit survive a killed process and a power cut.
"""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from shared import jsoncodec
from shared.domain import FINAL, Status
from shared.hallconfig import HallConfig

from .engine import events as ev
from .engine.state import Card, Case, HallState, Ticket, Window
from .schema import SCHEMA_VERSION

REPLIES_KEPT = 86400.0  # seconds: a request id is remembered for a day (a retry comes sooner)


class StoreError(Exception):
    """The store could not commit; nothing of the command was kept."""


class StaleState(StoreError):
    """Another process wrote to the file since this one loaded it."""


@dataclass(frozen=True)
class Record:
    """An event as stored: its place in the hall-wide sequence, when, and on whose behalf."""

    seq: int
    at: float
    event: ev.Event
    device: str = ""
    actor: str = ""
    request_id: str = ""


@dataclass(frozen=True)
class Reply:
    """The first reply to a request id, kept so that a retry gets it again."""

    device: str
    request_id: str
    op: str
    seq: int
    at: float
    reply: dict[str, Any]


_TABLES: dict[str, tuple[type, str]] = {
    "ticket": (Ticket, "tickets"),
    "window": (Window, "windows"),
    "card": (Card, "cards"),
    "case": (Case, "cases"),
}
_JSON_COLUMNS = {"quota", "suspended", "tips", "tickets"}
_dumps = jsoncodec.dumps


@functools.cache
def _layout(table: str) -> tuple[int, tuple[int, ...]]:
    """A state table's column count and the places of its JSON columns."""
    columns = Store._columns(table)
    return len(columns), tuple(i for i, c in enumerate(columns) if c in _JSON_COLUMNS)


def _migrate_1(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("events").create(
        {
            "seq": int,
            "at": float,
            "type": str,
            "device": str,
            "actor": str,
            "request_id": str,
            "payload": str,
        },
        pk="seq",
    )
    db.table("requests").create(
        {"device": str, "request_id": str, "op": str, "seq": int, "at": float, "reply": str},
        pk=("device", "request_id"),
    )
    db.table("tickets").create(
        {
            "id": str,
            "day": str,
            "zone": str,
            "number": int,
            "label": str,
            "kind": str,
            "status": str,
            "issued_at": float,
            "serial": int,
            "band": int,
            "key": float,
            "case": str,
            "code": str,
            "matter": str,
            "priority_reason": str,
            "appointment_at": float,
            "appointment_ref": str,
            "card": int,
            "quota": str,
            "to_window": int,
            "to_staff": str,
            "window": int,
            "staff": str,
            "first_called_at": float,
            "called_at": float,
            "started_at": float,
            "finished_at": float,
            "recalls": int,
            "requeues": int,
            "transfers": int,
            "rating": int,
            "note": str,
        },
        pk="id",
    )
    db.table("tickets").create_index(["day", "zone"])
    db.table("tickets").create_index(["code"], unique=True)
    db.table("tickets").create_index(["status"])
    db.table("windows").create(
        {
            "number": int,
            "status": str,
            "staff": str,
            "ticket": str,
            "suspended": str,
            "pause_reason": str,
            "priority_run": int,
            "last_finished": str,
        },
        pk="number",
    )
    db.table("cards").create(
        {
            "number": int,
            "case": str,
            "staff": str,
            "window": int,
            "zone": str,
            "matter": str,
            "issued_at": float,
            "valid_until": str,
            "code": str,
            "tips": str,
            "ticket": str,
            "closed_at": float,
            "closed_reason": str,
        },
        pk="number",
    )
    db.table("cases").create(
        {
            "id": str,
            "zone": str,
            "matter": str,
            "opened_at": float,
            "tickets": str,
            "done_at": float,
            "card": int,
            "trips": int,
        },
        pk="id",
    )


def _migrate_2(db: sqlite_utils.Database) -> None:
    """Read by key what used to be scanned: each event's ticket (reports read a ticket's
    life by it), the device that issued each ticket (a kiosk voids only its own), and
    request replies by time (only the last day's are read, and older ones are pruned)."""
    conn = db.conn
    conn.execute("ALTER TABLE events ADD COLUMN ticket TEXT")
    conn.execute(
        "UPDATE events SET ticket = CASE WHEN type = 'issued' "
        "THEN json_extract(payload, '$.ticket.id') ELSE json_extract(payload, '$.ticket') END "
        "WHERE json_type(payload, '$.ticket') IS NOT NULL"
    )
    conn.execute("CREATE INDEX idx_events_ticket ON events (ticket) WHERE ticket IS NOT NULL")
    conn.execute("ALTER TABLE tickets ADD COLUMN issued_by TEXT NOT NULL DEFAULT ''")
    conn.execute(
        "UPDATE tickets SET issued_by = coalesce((SELECT device FROM events WHERE "
        "events.ticket = tickets.id AND events.type = 'issued'), '')"
    )
    conn.execute("CREATE INDEX idx_requests_at ON requests (at)")


def _migrate_3(db: sqlite_utils.Database) -> None:
    """Start-up reads today's and the open work only: the open cards by a partial index (the
    closed ones are read by number when redeemed), and request replies only for as long as a
    retry can come (older ones are pruned here once, then at each new day). Ticket codes are
    no longer unique in the file."""
    conn = db.conn
    conn.execute("CREATE INDEX idx_cards_open ON cards (number) WHERE closed_at IS NULL")
    # A ticket's code is 40 bits of HMAC of its id: over a year's 1.75 million tickets two
    # are likely to share one, and a unique index would then refuse to issue the second for
    # ever. Codes are looked up among the live tickets only (in memory): no index is needed.
    conn.execute("DROP INDEX IF EXISTS idx_tickets_code")
    conn.execute(
        "DELETE FROM requests WHERE at < (SELECT max(at) FROM requests) - ?", (REPLIES_KEPT,)
    )


def _migrate_4(db: sqlite_utils.Database) -> None:
    """Request replies without a unique index on (device, request_id): the hall checks a
    request id against the replies it holds in memory before it writes one, so the index only
    cost a write to a random page of it for every request (a quarter of a commit's pages). And
    a device that reuses an id once its reply is past keeping, before the next day's pruning,
    is no longer refused by it."""
    conn = db.conn
    conn.execute(
        "CREATE TABLE requests_kept (device TEXT, request_id TEXT, op TEXT, seq INTEGER, "
        "at REAL, reply TEXT)"
    )
    conn.execute(
        "INSERT INTO requests_kept SELECT device, request_id, op, seq, at, reply FROM requests "
        "ORDER BY at"
    )
    conn.execute("DROP TABLE requests")  # its indexes with it
    conn.execute("ALTER TABLE requests_kept RENAME TO requests")
    conn.execute("CREATE INDEX idx_requests_at ON requests (at)")


MIGRATIONS = {1: _migrate_1, 2: _migrate_2, 3: _migrate_3, 4: _migrate_4}


class Store:
    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        self.path = Path(path)
        # Autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE.
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        self.conn = conn
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute(f"PRAGMA journal_size_limit={64 * 2**20}")  # the WAL file, once it restarts
        self.migrate()
        self.last_seq = self.max_seq()
        self._written = self.last_seq  # the last seq ``write`` left for ``sync``
        self._checkpointer: sqlite3.Connection | None = None
        self._sql = {table: self._upsert_sql(table) for _, table in _TABLES.values()}
        self._json = {
            table: tuple(c in _JSON_COLUMNS for c in self._columns(table))
            for _, table in _TABLES.values()
        }

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.close()
        self.conn.close()

    # -- checkpoints -------------------------------------------------------------------------
    def checkpoint_elsewhere(self) -> None:
        """Stop SQLite checkpointing inside a commit: the one commit in a thousand WAL pages
        that copies them into the database file and syncs it takes ten times as long as the
        others. Whoever calls this calls ``checkpoint`` instead, off the commit path."""
        self.conn.execute("PRAGMA wal_autocheckpoint=0")

    def checkpoint(self) -> tuple[int, int]:
        """Copy the WAL into the database file (PASSIVE: never waits for a commit nor holds
        one up), on a connection of its own so that it can run on another thread beside
        ``sync``. Returns the WAL's frames and how many of them were copied."""
        if self._checkpointer is None:
            self._checkpointer = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False
            )
        try:
            _, frames, copied = self._checkpointer.execute(
                "PRAGMA wal_checkpoint(PASSIVE)"
            ).fetchone()
        except sqlite3.Error as e:
            raise StoreError(str(e)) from e
        return int(frames), int(copied)

    # -- schema ------------------------------------------------------------------------------
    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        for version in sorted(MIGRATIONS):
            if version <= self.version:
                continue
            with self.transaction():
                MIGRATIONS[version](self.db)
                self.conn.execute(f"PRAGMA user_version={version}")
        if self.version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema {self.version}; this onetrip knows "
                f"{SCHEMA_VERSION}: upgrade onetrip"
            )

    # -- writing -----------------------------------------------------------------------------
    def transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    def write(
        self, state: HallState, records: list[Record], requests: Sequence[Reply] = ()
    ) -> None:
        """Write ``records``, the rows ``state`` marks dirty and the requests' replies in a
        transaction left open, which ``sync`` makes durable (raises ``StaleState`` when
        another writer has been here, ``StoreError`` for any other failure; either way
        nothing of it stays in the file). ``sync`` may run on another thread (the hub's fsync
        does not hold up its event loop); nothing else may use the connection in between."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if self.max_seq() != self.last_seq:
                    raise StaleState(f"{self.path} was changed by another process")
                self._write(state, records, requests)
                opened = [r.at for r in records if isinstance(r.event, ev.DayOpened)]
                if opened:  # a new day: replies older than a retry can come go, in this commit
                    self.prune_replies(before=opened[-1] - REPLIES_KEPT)
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        except StoreError:
            raise
        except sqlite3.Error as e:
            raise StoreError(str(e)) from e
        self._written = records[-1].seq if records else self.last_seq
        state.dirty.clear()
        state.retired.clear()

    def sync(self) -> None:
        """COMMIT what ``write`` left open: durable once this returns (``synchronous=FULL``)."""
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(str(e)) from e
        self.last_seq = self._written

    def _write(self, state: HallState, records: list[Record], requests: Sequence[Reply]) -> None:
        self.conn.executemany(
            "INSERT INTO events (seq, at, type, device, actor, request_id, payload, ticket) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.seq,
                    r.at,
                    (e := r.event).type,
                    r.device,
                    r.actor,
                    r.request_id,
                    _dumps(e.to_json()),
                    ev.ticket_of(e),
                )
                for r in records
            ],
        )
        self._write_dirty(state)
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('state', ?)",
            (_dumps(state.scalars()),),
        )
        if requests:
            self.conn.executemany(
                "INSERT INTO requests (device, request_id, op, seq, at, reply) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(r.device, r.request_id, r.op, r.seq, r.at, _dumps(r.reply)) for r in requests],
            )

    def _write_dirty(self, state: HallState) -> None:
        rows: dict[str, list[list[Any]]] = {}
        sources: dict[str, dict[Any, Any]] = {
            "ticket": state.tickets,
            "window": state.windows,
            "card": state.cards,
            "case": state.cases,
        }
        retired = state.retired
        for kind, key in state.dirty:
            item = sources[kind].get(key)
            if item is None:
                item = retired.get((kind, key))
                if item is None:
                    continue
            table = _TABLES[kind][1]
            # row() gives the columns in table order; which of them are JSON is known per table
            values = list(item.row().values())
            columns, json_at = _layout(table)
            if len(values) != columns:
                raise ValueError(f"a {kind} row of {len(values)} values for {columns} columns")
            for i in json_at:
                values[i] = _dumps(values[i])
            rows.setdefault(table, []).append(values)
        for table, values in rows.items():
            self.conn.executemany(self._sql[table], values)

    @staticmethod
    def _columns(table: str) -> list[str]:
        cls = next(c for c, t in _TABLES.values() if t == table)
        return [f.name for f in dataclasses.fields(cls)] + (["trips"] if table == "cases" else [])

    def _upsert_sql(self, table: str) -> str:
        columns = self._columns(table)
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        return f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})"

    # -- reading -----------------------------------------------------------------------------
    def max_seq(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0])

    def load_state(self, config: HallConfig) -> HallState:
        """The live state as the last commit left it."""
        state = HallState.empty(config)
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'state'").fetchone()
        if row is None:
            return state
        scalars = jsoncodec.loads(row[0])
        state.day, state.serial, state.next_card = (
            scalars["day"],
            scalars["serial"],
            scalars["next_card"],
        )
        state.numbers, state.taken, state.served = (
            scalars["numbers"],
            scalars["taken"],
            scalars["served"],
        )
        open_statuses = tuple(s.value for s in Status if s not in FINAL)
        marks = ", ".join("?" for _ in open_statuses)
        for t in self._rows(
            f"SELECT * FROM tickets WHERE day = ? OR status IN ({marks})",
            (state.day, *open_statuses),
        ):
            state.tickets[t["id"]] = Ticket.from_row(t)
        for w in self._rows("SELECT * FROM windows"):
            if w["number"] in state.windows:
                state.windows[w["number"]] = Window.from_row(w)
        # what a window points at, whatever its day: a visit served across midnight is its
        # window's last finished until the citizen rates it
        pointed = {
            tid
            for w in state.windows.values()
            for tid in (w.ticket, w.last_finished, *w.suspended)
            if tid is not None and tid not in state.tickets
        }
        for t in self._by_key("tickets", "id", sorted(pointed)):
            state.tickets[t["id"]] = Ticket.from_row(t)
        for card in self._rows("SELECT * FROM cards WHERE closed_at IS NULL"):
            state.cards[card["number"]] = Card.from_row(card)
        # the cases the live tickets and open cards belong to, each read by its key
        live = {t.case for t in state.tickets.values()}
        live |= {c.case for c in state.cards.values()}
        for case in self._by_key("cases", "id", sorted(live)):
            state.cases[case["id"]] = Case.from_row(case)
        state.reindex()
        return state

    def _by_key(self, table: str, key: str, values: Sequence[Any]) -> Iterator[dict[str, Any]]:
        """The rows of ``table`` whose ``key`` is one of ``values``, a few hundred at a time
        (SQLite caps the parameters of one statement)."""
        for i in range(0, len(values), 500):
            chunk = values[i : i + 500]
            marks = ", ".join("?" for _ in chunk)
            yield from self._rows(f'SELECT * FROM {table} WHERE "{key}" IN ({marks})', chunk)

    def card(self, number: int) -> Card | None:
        """A card by number, open or closed (a closed one is in the file, not in memory)."""
        for row in self._rows("SELECT * FROM cards WHERE number = ?", (number,)):
            return Card.from_row(row)
        return None

    def prune_replies(self, before: float) -> int:
        """Forget the replies to requests sent before ``before`` (by ``idx_requests_at``): a
        retry comes within seconds, and the day's are what ``Hall`` reads back at start."""
        return self.conn.execute("DELETE FROM requests WHERE at < ?", (before,)).rowcount

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
        cursor = self.conn.execute(sql, tuple(params))
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            for column in _JSON_COLUMNS & row.keys():
                row[column] = jsoncodec.loads(row[column]) if row[column] else []
            yield row

    def records(self, after: int = 0) -> Iterator[Record]:
        for r in self._rows("SELECT * FROM events WHERE seq > ? ORDER BY seq", (after,)):
            yield Record(
                r["seq"],
                r["at"],
                ev.from_json(jsoncodec.loads(r["payload"])),
                r["device"] or "",
                r["actor"] or "",
                r["request_id"] or "",
            )

    def replies(self, since: float) -> Iterator[Reply]:
        """The replies to the requests sent since ``since`` (by ``idx_requests_at``): a busy
        day's are tens of thousands, read back at every start."""
        loads = jsoncodec.loads
        for device, request_id, op, seq, at, reply in self.conn.execute(
            "SELECT device, request_id, op, seq, at, reply FROM requests WHERE at >= ?", (since,)
        ):
            yield Reply(device, request_id, op, seq, at, loads(reply))

    def integrity(self, *, quick: bool = False) -> str:
        """SQLite's check of the whole file; ``quick`` skips matching each index against its
        table (PRAGMA quick_check: linear in the file's size, for big files)."""
        pragma = "quick_check" if quick else "integrity_check"
        return str(self.conn.execute(f"PRAGMA {pragma}").fetchone()[0])

    def backup(self, dest: str | Path) -> None:
        """An online, consistent copy while the server keeps running."""
        target = sqlite3.connect(dest)
        try:
            self.conn.backup(target)
        finally:
            target.close()


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        if kind is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
