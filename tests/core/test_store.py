"""The store: idempotent retries, failures that keep nothing, reload and replay, backup."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support import at

from server.engine import Engine
from server.engine import events as ev
from server.hall import Hall, Origin
from server.schema import SCHEMA_VERSION
from server.store import StoreError
from shared import commands as c
from shared.errors import Refused


@pytest.fixture
def hall(open_config, tmp_path: Path):
    h = Hall(open_config, tmp_path / "hall.db", clock=lambda: at())
    yield h
    h.close()


def replayed(hall: Hall) -> dict:
    engine = Engine(hall.config)
    for record in hall.store.records():
        record.event.apply(engine.state, record.at)
    return engine.state.canonical()


def test_a_retried_request_returns_the_first_reply_and_changes_nothing(hall):
    kiosk = Origin("kiosk-1", request_id="r-1")
    first = hall.handle(c.Issue(zone="shangshi"), kiosk, at())
    events = hall.store.max_seq()
    again = hall.handle(c.Issue(zone="shangshi"), kiosk, at(second=5))
    assert again.repeated and again.reply == first.reply and again.records == []
    assert hall.store.max_seq() == events
    assert (
        hall.handle(
            c.Issue(zone="shangshi"), Origin("kiosk-2", request_id="r-1"), at(second=6)
        ).reply["ticket"]["label"]
        == "A002"
    )  # ids are per device


def test_a_request_id_reused_for_another_op_is_a_conflict(hall):
    hall.handle(c.Issue(zone="shangshi"), Origin("kiosk-1", request_id="r-1"), at())
    with pytest.raises(Refused) as info:
        hall.handle(c.Void(ticket="A001"), Origin("kiosk-1", request_id="r-1"), at())
    assert info.value.code == "conflict"


def test_retries_are_remembered_across_a_restart(open_config, tmp_path: Path):
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: at())
    first = hall.handle(c.Issue(zone="gongan"), Origin("kiosk-1", request_id="x"), at())
    hall.close()
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: at(second=30))
    again = hall.handle(c.Issue(zone="gongan"), Origin("kiosk-1", request_id="x"), at(second=30))
    assert again.repeated and again.reply == first.reply
    assert len(hall.state.tickets) == 1
    hall.close()


def test_a_failed_write_keeps_nothing_and_the_hall_goes_on(hall):
    hall.handle(c.Login(window=1, staff="s001"), now=at())
    hall.handle(c.Issue(zone="shangshi"), now=at())
    before = hall.state.canonical()
    seq = hall.store.max_seq()
    hall.store.conn.execute(
        "CREATE TRIGGER full BEFORE INSERT ON events WHEN NEW.type = 'called' "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    )
    with pytest.raises(StoreError, match="disk is full"):
        hall.handle(c.CallNext(window=1), Origin("caller-1", request_id="q"), at(second=1))
    assert hall.state.canonical() == before and hall.store.max_seq() == seq
    hall.store.conn.execute("DROP TRIGGER full")
    reply = hall.handle(c.CallNext(window=1), Origin("caller-1", request_id="q"), at(second=2))
    assert not reply.repeated and reply.reply["ticket"]["label"] == "A001"


def test_another_writer_is_noticed_and_nothing_is_numbered_twice(open_config, tmp_path: Path):
    one = Hall(open_config, tmp_path / "hall.db", clock=lambda: at())
    two = Hall(open_config, tmp_path / "hall.db", clock=lambda: at())
    labels = [
        one.handle(c.Issue(zone="shangshi"), now=at()).reply["ticket"]["label"],
        two.handle(c.Issue(zone="shangshi"), now=at()).reply["ticket"]["label"],
        one.handle(c.Issue(zone="shangshi"), now=at()).reply["ticket"]["label"],
    ]
    assert labels == ["A001", "A002", "A003"]
    assert one.state.canonical() == Hall(open_config, tmp_path / "hall.db").state.canonical()
    one.close()
    two.close()


def test_reload_and_replay_rebuild_the_live_state(open_config, tmp_path: Path):
    hall = Hall(open_config, tmp_path / "hall.db")
    t = at(hour=9)
    hall.handle(c.Login(window=1, staff="s001"), now=t)
    for i in range(4):
        hall.handle(c.Issue(zone="shangshi", matter="qysl"), now=t + i)
    hall.handle(c.CallNext(window=1), now=t + 10)
    card = hall.handle(c.IssueCard(window=1), now=t + 11).reply["card"]
    hall.handle(c.Finish(window=1, case_done=False), now=t + 12)
    hall.handle(c.CallNext(window=1), now=t + 13)
    hall.handle(c.Suspend(window=1), now=t + 14)
    hall.handle(c.Pause(window=1, reason="会议"), now=t + 15)
    t2 = at(day=26, hour=9)
    hall.handle(c.Issue(zone="shangshi"), now=t2)
    hall.handle(c.RedeemCard(code=card["code"]), now=t2 + 1)
    live = hall.state.canonical()
    assert replayed(hall) == live
    for record in hall.store.records():  # each event stored as all its fields, and only them
        e = record.event
        if not isinstance(e, ev.Issued | ev.CardIssued):  # those store their row
            assert e.to_json() == {"type": e.type, **dataclasses.asdict(e)}
    hall.close()
    again = Hall(open_config, tmp_path / "hall.db")
    assert again.state.canonical() == live
    assert again.store.integrity() == "ok"
    again.close()


def test_history_stays_in_the_file(hall):
    hall.handle(c.Issue(zone="shangshi"), now=at(day=24))
    hall.handle(c.Issue(zone="shangshi"), now=at(day=25))
    rows = hall.store.conn.execute("SELECT id, status FROM tickets ORDER BY id").fetchall()
    assert rows == [("20261124-A001", "expired"), ("20261125-A001", "waiting")]


def test_schema_version_and_a_newer_file(tmp_path: Path, open_config):
    hall = Hall(open_config, tmp_path / "hall.db")
    assert hall.store.version == SCHEMA_VERSION
    hall.store.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    hall.close()
    with pytest.raises(StoreError, match="upgrade onetrip"):
        Hall(open_config, tmp_path / "hall.db")


def test_a_schema_1_file_is_migrated_with_what_it_held(open_config, tmp_path: Path):
    """Version 2 indexes each event's ticket and keeps the issuing device on the ticket; a
    file written by version 1 gets both from its event log."""
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: at())
    hall.handle(c.Issue(zone="shangshi"), Origin("kiosk-1", request_id="r-1"), at())
    hall.handle(c.Issue(zone="shangshi"), Origin("kiosk-2", request_id="r-1"), at(second=1))
    hall.store.conn.executescript(  # back to what version 1 wrote
        "DROP INDEX idx_cards_open;"
        "DROP INDEX idx_events_ticket; ALTER TABLE events DROP COLUMN ticket;"
        "DROP INDEX idx_requests_at; ALTER TABLE tickets DROP COLUMN issued_by;"
        "PRAGMA user_version=1;"
    )
    hall.close()
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: at(second=2))
    assert hall.store.version == SCHEMA_VERSION == 4
    assert hall.store.conn.execute(
        "SELECT type, ticket FROM events WHERE ticket IS NOT NULL ORDER BY seq"
    ).fetchall() == [("issued", "20261124-A001"), ("issued", "20261124-A002")]
    assert hall.store.conn.execute("SELECT id, issued_by FROM tickets ORDER BY id").fetchall() == [
        ("20261124-A001", "kiosk-1"),
        ("20261124-A002", "kiosk-2"),
    ]
    assert [t.issued_by for _, t in sorted(hall.state.tickets.items())] == ["kiosk-1", "kiosk-2"]
    hall.close()


def test_a_schema_3_file_keeps_its_replies_and_loses_their_unique_index(open_config, tmp_path):
    """Version 4 keeps request replies in a plain table: the hall checks ids in memory."""
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: at())
    first = hall.handle(c.Issue(zone="shangshi"), Origin("kiosk-1", request_id="r-1"), at())
    hall.store.conn.executescript(  # back to what version 3 wrote
        "CREATE TABLE old (device TEXT, request_id TEXT, op TEXT, seq INTEGER, at FLOAT, "
        "reply TEXT, PRIMARY KEY (device, request_id));"
        "INSERT INTO old SELECT * FROM requests; DROP TABLE requests;"
        "ALTER TABLE old RENAME TO requests; CREATE INDEX idx_requests_at ON requests (at);"
        "PRAGMA user_version=3;"
    )
    hall.close()
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: at(second=5))
    assert hall.store.version == 4
    indexes = hall.store.conn.execute("PRAGMA index_list(requests)").fetchall()
    assert [(i[1], i[2]) for i in indexes] == [("idx_requests_at", 0)]  # not unique, no other
    again = hall.handle(c.Issue(zone="shangshi"), Origin("kiosk-1", request_id="r-1"), at(second=5))
    assert again.repeated and again.reply == first.reply
    hall.close()


def test_a_request_id_reused_after_its_reply_is_past_keeping_is_a_new_request(
    open_config, tmp_path: Path
):
    """A reply older than a day is not read back at start, and its row goes with the next
    day's first commit: a device that sends that id again asks for something new (with a
    unique index on the ids, its commit failed as a storage error)."""
    db = tmp_path / "hall.db"
    hall = Hall(open_config, db, clock=lambda: at())
    hall.handle(c.Issue(zone="shangshi"), Origin("kiosk-1", request_id="x"), at())
    hall.close()
    later = at() + 86400 + 3600
    hall = Hall(open_config, db, clock=lambda: later)
    again = hall.handle(c.Issue(zone="gongan"), Origin("kiosk-1", request_id="x"), later)
    assert not again.repeated and again.reply["ticket"]["label"] == "C001"
    assert hall.store.conn.execute("SELECT count(*) FROM requests").fetchone() == (1,)
    hall.close()


def test_the_issuing_device_is_kept_on_the_ticket_and_each_event_names_its_ticket(hall):
    hall.handle(c.Issue(zone="shangshi"), Origin("kiosk-1"), at())
    hall.handle(c.Issue(zone="shangshi"), now=at(second=1))  # from the CLI: no device
    assert [t.issued_by for _, t in sorted(hall.state.tickets.items())] == ["kiosk-1", ""]
    assert hall.store.conn.execute("SELECT issued_by FROM tickets ORDER BY id").fetchall() == [
        ("kiosk-1",),
        ("",),
    ]
    plan = " ".join(
        str(r[-1])
        for r in hall.store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM events WHERE ticket = '20261125-A001'"
        )
    )
    assert "idx_events_ticket" in plan


def test_online_backup_command(hall, tmp_path: Path):
    hall.handle(c.Issue(zone="shangshi"), now=at())
    dest = tmp_path / "backup.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "onetrip.cli",
            "db",
            "backup",
            "--db",
            str(hall.store.path),
            str(dest),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(dest)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT label FROM tickets").fetchall() == [("A001",)]
    copy.close()


def test_a_batch_is_decided_in_order_and_committed_once(hall):
    commits = []
    hall.store.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else 0)
    t = at()
    outcomes = hall.handle_batch(
        [
            (c.Issue(zone="shangshi"), Origin("kiosk-1", request_id="a"), t),
            (c.Issue(zone="nowhere"), Origin("kiosk-1", request_id="b"), t),
            (c.Issue(zone="shangshi"), Origin("kiosk-2", request_id="a"), t),
            (c.Issue(zone="shangshi"), Origin("kiosk-1", request_id="a"), t),  # a quick retry
        ]
    )
    hall.store.conn.set_trace_callback(None)
    assert len(commits) == 1
    assert [o.reply["ticket"]["label"] for o in outcomes if not isinstance(o, Exception)] == [
        "A001",
        "A002",
        "A001",
    ]
    assert isinstance(outcomes[1], Refused) and outcomes[1].code == "unknown_zone"
    assert outcomes[3].repeated


def test_a_failed_batch_keeps_nothing_and_tells_everyone(hall):
    hall.handle(c.Issue(zone="shangshi"), now=at())
    before, seq = hall.state.canonical(), hall.store.max_seq()
    hall.store.conn.execute(
        "CREATE TRIGGER full BEFORE INSERT ON requests "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    )
    outcomes = hall.handle_batch(
        [
            (c.Issue(zone="shangshi"), Origin("kiosk-1", request_id="x"), at()),
            (c.Issue(zone="gongan"), Origin("kiosk-2", request_id="y"), at()),
            # a quick resend of the first: it repeats a reply that was never kept
            (c.Issue(zone="shangshi"), Origin("kiosk-1", request_id="x"), at()),
        ]
    )
    assert len(outcomes) == 3 and all(isinstance(o, StoreError) for o in outcomes)
    assert hall.state.canonical() == before and hall.store.max_seq() == seq


def test_a_bug_half_way_through_a_batch_leaves_memory_as_the_file_is(hall, monkeypatch):
    """The first command is applied in memory when the second one hits a bug: the batch is
    dropped and memory goes back to the file, or the next commit would write the first
    ticket without its request ever having been answered."""
    hall.handle(c.Issue(zone="shangshi"), now=at())
    before, seq = hall.state.canonical(), hall.store.max_seq()
    real = hall.engine.decide

    def buggy(command: c.Command, now: float):
        if isinstance(command, c.Issue) and command.zone == "gongan":
            raise RuntimeError("a bug")
        return real(command, now)

    monkeypatch.setattr(hall.engine, "decide", buggy)
    with pytest.raises(RuntimeError):
        hall.handle_batch(
            [
                (c.Issue(zone="shangshi"), Origin("kiosk-1", request_id="x"), at()),
                (c.Issue(zone="gongan"), Origin("kiosk-2", request_id="y"), at()),
            ]
        )
    assert hall.state.canonical() == before and hall.store.max_seq() == seq
    monkeypatch.setattr(hall.engine, "decide", real)
    again = hall.handle(c.Issue(zone="shangshi"), now=at())
    assert again.reply["ticket"]["label"] == "A002"


def test_rows_and_copies_share_no_lists(hall):
    """What the store writes and what events carry never alias the live state's lists."""
    hall.handle(c.Issue(zone="shangshi"), now=at())
    ticket = next(iter(hall.state.tickets.values()))
    case = hall.state.cases[ticket.case]
    row, copy = ticket.row(), ticket.copy()
    assert row == {name: getattr(ticket, name) for name in type(ticket).__dataclass_fields__}
    assert copy == ticket and copy is not ticket
    for other in (row["quota"], copy.quota):
        assert other == ticket.quota and other is not ticket.quota
    assert case.row()["trips"] == 1 and case.row()["tickets"] is not case.tickets
    window = hall.state.windows[1]
    assert window.copy().suspended is not window.suspended


def test_a_visit_served_across_midnight_is_rated_after_a_restart(open_config, tmp_path: Path):
    """Yesterday's ticket finished after the hall's midnight is the window's last finished:
    a restart must still find it to take the citizen's rating (the live state loads the
    tickets the windows point at, whatever their day)."""
    db = tmp_path / "hall.db"
    hall = Hall(open_config, db, clock=lambda: at(hour=23))
    window = Origin("caller-1")
    hall.handle(c.Login(window=1, staff="s001"), window, at(hour=23))
    hall.handle(c.Issue(zone="shangshi"), Origin("kiosk-1"), at(hour=23, minute=10))
    hall.handle(c.CallNext(window=1), window, at(hour=23, minute=20))
    hall.handle(c.Start(window=1), window, at(hour=23, minute=21))
    hall.handle(c.Issue(zone="gongan"), Origin("kiosk-1"), at(day=25, minute=5))  # a new day
    hall.handle(c.Finish(window=1), window, at(day=25, hour=0, minute=10))
    hall.close()
    hall = Hall(open_config, db, clock=lambda: at(day=25, hour=0, minute=11))
    hall.handle(c.Evaluate(window=1, level=5), window, at(day=25, hour=0, minute=11))
    (rating,) = hall.store.conn.execute(
        "SELECT rating FROM tickets WHERE id = '20261124-A001'"
    ).fetchone()
    assert rating == 5
    hall.close()
