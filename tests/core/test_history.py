"""A hall with years in its file: start-up and a reload read today's and the open work only,
closed cards of past years still answer for themselves, and request replies are kept a day."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support import ROOT, TZ, at

from server.hall import Hall, Origin
from server.store import REPLIES_KEPT
from shared import commands as c
from shared.errors import Refused
from shared.hallconfig import HallConfig
from shared.security import ticket_code

TODAY = at(day=24, hour=9)


def days_before(days: int, hour: int = 9) -> float:
    """Epoch seconds ``days`` hall-local days before the 24th, at ``hour``."""
    when = datetime.fromtimestamp(TODAY, TZ) - timedelta(days=days)
    return when.replace(hour=hour).timestamp()


def refusal(hall: Hall, command: c.Command, now: float) -> str:
    with pytest.raises(Refused) as info:
        hall.handle(command, now=now)
    return info.value.code


def serve_day(hall: Hall, start: float, tickets: int, *, card_every: int = 0) -> list[dict]:
    """``tickets`` issued, called and finished at windows 1 and 2; every ``card_every``-th
    visit gets a 续办 card (its case goes on). Returns the cards."""
    cards = []
    now = start
    hall.handle(c.Login(window=1, staff="s001"), now=now)
    hall.handle(c.Login(window=2, staff="s002"), now=now)
    for i in range(tickets):
        window = 1 + i % 2
        now += 30
        hall.handle(c.Issue(zone="shangshi", matter="qysl"), Origin("kiosk-1", "", f"r{now}"), now)
        hall.handle(c.CallNext(window=window), Origin(f"caller-{window}", "", f"c{now}"), now + 5)
        if card_every and i % card_every == 0:
            cards.append(hall.handle(c.IssueCard(window=window), now=now + 6).reply["card"])
            hall.handle(c.Finish(window=window, case_done=False), now=now + 7)
        else:
            hall.handle(c.Finish(window=window), Origin(f"caller-{window}", "", f"f{now}"), now + 8)
    for window in (1, 2):
        hall.handle(c.Logout(window=window), now=now + 60)
    return cards


# --- a closed card of last year ----------------------------------------------------------------
def test_a_card_closed_or_expired_a_year_ago_still_says_so(open_config: HallConfig, tmp_path):
    db = tmp_path / "hall.db"
    year_ago = days_before(365)
    hall = Hall(open_config, db, clock=lambda: year_ago)
    done, expired, _ = serve_day(hall, year_ago, 6, card_every=2)
    hall.handle(c.Login(window=1, staff="s001"), now=year_ago + 3600)
    hall.handle(c.RedeemCard(code=done["code"]), now=year_ago + 3601)
    hall.handle(c.CallNext(window=1), now=year_ago + 3602)
    hall.handle(c.Finish(window=1, case_done=True), now=year_ago + 3603)  # closes ``done``
    hall.handle(c.Issue(zone="shangshi"), now=days_before(300))  # the day the others expire
    hall.close()

    hall = Hall(open_config, db, clock=lambda: TODAY)  # a year later, a fresh start
    assert hall.state.cards == {}  # nothing closed is loaded
    assert refusal(hall, c.RedeemCard(code=done["code"]), TODAY) == "card_closed"
    assert refusal(hall, c.RedeemCard(code=expired["code"]), TODAY + 1) == "card_expired"
    assert hall.state.cards == {}  # a lookup loads nothing into memory
    hall.close()


def test_a_card_closed_in_the_same_batch_is_refused_as_closed(open_config, tmp_path):
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: TODAY)
    (card,) = serve_day(hall, TODAY, 1, card_every=1)
    hall.handle(c.Login(window=1, staff="s001"), now=TODAY + 600)
    hall.handle(c.RedeemCard(code=card["code"]), now=TODAY + 601)
    hall.handle(c.CallNext(window=1), now=TODAY + 602)
    # its case is finished and the card redeemed again before that commit is in the file
    finished, again = hall.handle_batch(
        [
            (c.Finish(window=1, case_done=True), Origin(), TODAY + 603),
            (c.RedeemCard(code=card["code"]), Origin(), TODAY + 604),
        ]
    )
    assert not isinstance(finished, Exception)
    assert isinstance(again, Refused) and again.code == "card_closed"
    hall.close()


# --- start-up and a reload read today's work, not the history ----------------------------------
def hall_with_days(config: HallConfig, db: Path, old_days: int, tickets: int = 12) -> list[dict]:
    """A file with ``old_days`` past days of ``tickets`` each, then today's ``tickets``. Cards
    are issued on the days more than a card's validity ago (they expire) and on the last past
    day (they stay open): returns those."""
    hall = Hall(config, db, clock=lambda: TODAY, synchronous="OFF")
    valid = config.policy.card_valid_days
    cards: list[dict] = []
    for day in range(old_days, 0, -1):
        cards = serve_day(
            hall,
            days_before(day),
            tickets,
            card_every=5 if day in (1, valid + 1) else 4 if day > valid else 0,
        )
    serve_day(hall, TODAY, tickets)
    hall.close()
    return cards


class Reads:
    """Every statement run on a connection, and how much work SQLite did for them (virtual
    machine steps, counted in tens by a progress handler): a scan grows with the rows."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn, self.statements, self.steps = conn, [], 0

    def __enter__(self) -> Reads:
        self.conn.set_trace_callback(self.statements.append)
        self.conn.set_progress_handler(self._step, 10)
        return self

    def _step(self) -> int:
        self.steps += 1
        return 0

    def __exit__(self, *exc: object) -> None:
        self.conn.set_trace_callback(None)
        self.conn.set_progress_handler(None, 0)

    def plans(self) -> dict[str, str]:
        """Each SELECT with its query plan, one line."""
        return {
            sql: " | ".join(str(r[-1]) for r in self.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for sql in self.statements
            if sql.lstrip().upper().startswith("SELECT")
        }


def scans(plans: dict[str, str]) -> list[str]:
    """The plans that read a whole table the history grows (windows and meta do not grow)."""
    grows = ("tickets", "events", "cases", "cards", "requests")
    return [
        plan
        for plan in plans.values()
        for step in plan.split(" | ")
        if step.startswith("SCAN")
        and step.split()[1] in grows
        and not step.endswith("USING INDEX idx_cards_open")  # holds the open cards only
    ]


def reload_reads(config: HallConfig, db: Path) -> tuple[Reads, Hall]:
    hall = Hall(config, db, clock=lambda: TODAY + 86000)
    with Reads(hall.store.conn) as reads:
        hall._reload()
    return reads, hall


def test_a_reload_mid_day_costs_todays_load_not_the_history(open_config, tmp_path):
    today_only, history = tmp_path / "today.db", tmp_path / "history.db"
    hall_with_days(open_config, today_only, 0)
    cards = hall_with_days(open_config, history, 40)
    small, a = reload_reads(open_config, today_only)
    big, b = reload_reads(open_config, history)
    # the same work is loaded: today's tickets, the windows, the open cards and their cases
    assert len(b.state.tickets) == len(a.state.tickets) == 12
    assert sorted(b.state.cards) == sorted(card["number"] for card in cards)
    closed = "SELECT count(*) FROM cards WHERE closed_reason = 'expired'"
    assert b.store.conn.execute(closed).fetchone()[0] > 20  # the file holds many closed ones
    assert len(b.state.cases) == len(b.state.tickets) + len(cards)
    tickets_in_file = b.store.conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    assert tickets_in_file == 41 * 12
    # and the same SQLite work for it, although the file holds forty times as many tickets
    assert big.steps <= 1.5 * small.steps + 50, (big.steps, small.steps)
    assert scans(big.plans()) == []
    assert b.state.canonical() == Hall(open_config, history).state.canonical()
    # an open card issued yesterday is still redeemed after the restart
    redeemed = b.handle(c.RedeemCard(code=cards[0]["code"]), now=TODAY + 86001)
    assert redeemed.reply["ticket"]["kind"] == "followup"
    a.close()
    b.close()


def test_start_up_reads_by_index(open_config, tmp_path):
    """Every query the hall runs to open its file searches an index; none scans a table that
    grows with the history."""
    db = tmp_path / "hall.db"
    hall_with_days(open_config, db, 3)
    probe = sqlite3.connect(db)
    with Reads(probe) as reads:
        pass
    hall = Hall(open_config, db, clock=lambda: TODAY + 100)
    reads.conn = hall.store.conn
    with Reads(hall.store.conn) as reads:
        hall.store.load_state(open_config)
        list(hall.store.replies(since=TODAY - REPLIES_KEPT))
        hall.store.card(1)
    plans = reads.plans()
    assert scans(plans) == []
    joined = "\n".join(plans.values())
    assert "USING INDEX idx_cards_open" in joined  # open cards
    assert "USING INDEX idx_requests_at (at>?)" in joined  # the replies a retry can ask for
    assert "cases USING INDEX sqlite_autoindex_cases_1 (id=?)" in joined  # cases by key
    assert "cards USING INTEGER PRIMARY KEY (rowid=?)" in joined  # a closed card by number
    ticket_plan = hall.store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM events WHERE ticket = ?", ("20261124-A001",)
    ).fetchall()
    assert "USING INDEX idx_events_ticket (ticket=?)" in str(ticket_plan)  # a ticket's life
    prune_plan = hall.store.conn.execute(
        "EXPLAIN QUERY PLAN DELETE FROM requests WHERE at < ?", (TODAY,)
    ).fetchall()
    assert "USING INDEX idx_requests_at (at<?)" in str(prune_plan)
    probe.close()
    hall.close()


# --- request replies: kept as long as a retry can come -----------------------------------------
def rows(hall: Hall) -> list[str]:
    return [r[0] for r in hall.store.conn.execute("SELECT request_id FROM requests ORDER BY at")]


def test_request_replies_are_kept_a_day_and_pruned_when_the_next_day_opens(open_config, tmp_path):
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: TODAY)
    kiosk: Callable[[str], Origin] = lambda rid: Origin("kiosk-1", "", rid)  # noqa: E731
    first = hall.handle(c.Issue(zone="shangshi"), kiosk("day-1"), TODAY)
    evening = TODAY + 10 * 3600  # 19:00
    hall.handle(c.Issue(zone="shangshi"), kiosk("day-1-evening"), evening)
    # next morning, within a day of the evening request: a retry of it is still answered
    morning = at(day=25, hour=8)
    again = hall.handle(c.Issue(zone="shangshi"), kiosk("day-1-evening"), morning)
    assert again.repeated
    assert rows(hall) == ["day-1", "day-1-evening"]
    hall.handle(c.Issue(zone="shangshi"), kiosk("day-2"), morning + 1)  # opens the 25th
    assert rows(hall) == ["day-1", "day-1-evening", "day-2"]  # 09:00 is less than a day ago
    hall.handle(c.Issue(zone="shangshi"), kiosk("day-3"), at(day=26, hour=8))
    assert rows(hall) == ["day-2", "day-3"]  # the 26th opened: the 24th's are gone
    hall.close()
    # and a restart reads only those back
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: at(day=26, hour=8))
    assert sorted(k[1] for k in hall._replies) == ["day-2", "day-3"]
    retried = hall.handle(c.Issue(zone="shangshi"), kiosk("day-1"), at(day=26, hour=8))
    assert not retried.repeated and retried.reply != first.reply  # a day later: a new request
    hall.close()


def test_upgrading_a_file_prunes_replies_older_than_a_day(open_config, tmp_path):
    db = tmp_path / "hall.db"
    hall = Hall(open_config, db, clock=lambda: TODAY)
    for day in (3, 2, 1):
        hall.handle(
            c.Issue(zone="shangshi"),
            Origin("kiosk-1", "", f"d{day}"),
            days_before(day, 9 + (day == 1)),
        )
    hall.store.conn.executescript(
        "DROP INDEX idx_cards_open; PRAGMA user_version=2;"
        "INSERT INTO requests SELECT device, request_id || '-old', op, seq, at - 86400 * 5, "
        "reply FROM requests;"
    )
    hall.close()
    hall = Hall(open_config, db, clock=lambda: TODAY)
    assert rows(hall) == ["d1"]  # the newest and whatever is less than a day older
    hall.close()


# --- what the file holds -----------------------------------------------------------------------
def test_a_ticket_code_an_old_ticket_had_does_not_stop_the_hall(open_config, tmp_path):
    """A code is 40 bits of the id's HMAC: a year of tickets likely holds two alike, and the
    file must take the second (codes are looked up among the live tickets only)."""
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: TODAY)
    old = hall.handle(c.Issue(zone="shangshi"), now=days_before(200)).reply["ticket"]["id"]
    hall.handle(c.Issue(zone="budongchan"), now=days_before(199))  # the first one expires
    coming = ticket_code(open_config.secret, "20261124-A001")
    hall.store.conn.execute("UPDATE tickets SET code = ? WHERE id = ?", (coming, old))
    reply = hall.handle(c.Issue(zone="shangshi"), now=TODAY).reply
    assert reply["ticket"]["id"] == "20261124-A001"
    assert hall.store.conn.execute(
        "SELECT count(*) FROM tickets WHERE code = ?", (coming,)
    ).fetchone() == (2,)
    hall.close()


def test_an_issued_event_keeps_only_what_differs_from_the_defaults(open_config, tmp_path):
    hall = Hall(open_config, tmp_path / "hall.db", clock=lambda: TODAY)
    ticket = hall.handle(c.Issue(zone="shangshi"), Origin("kiosk-1"), TODAY).reply["ticket"]
    payload = hall.store.conn.execute(
        "SELECT payload FROM events WHERE type = 'issued'"
    ).fetchone()[0]
    assert '"ticket":{"id":"20261124-A001"' in payload and "null" not in payload
    assert len(payload) < 320
    (record,) = [r for r in hall.store.records() if r.event.type == "issued"]
    assert record.event.ticket == hall.state.tickets[ticket["id"]]  # read back whole
    hall.close()


def onetrip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onetrip", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_db_check_quick_on_a_good_and_a_damaged_file(open_config, tmp_path):
    db = tmp_path / "hall.db"
    hall_with_days(open_config, db, 3)
    for flags in ([], ["--quick"]):
        result = onetrip("db", "check", *flags, "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert "完整性：ok" in result.stdout and "integrity: ok" in result.stdout
    # a page of the tickets table overwritten: both checks say so, Chinese first
    conn = sqlite3.connect(db)
    page = conn.execute("SELECT pageno FROM dbstat WHERE name = 'tickets' AND pagetype = 'leaf'")
    number = page.fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with db.open("r+b") as f:
        f.seek((number - 1) * size + 8)
        f.write(b"\xff" * 64)
    for flags in ([], ["--quick"]):
        result = onetrip("db", "check", *flags, "--db", str(db))
        assert result.returncode == 1
        said = result.stdout + result.stderr
        assert ("完整性：" in said and "integrity:" in said and "ok;" not in said) or (
            "不是 SQLite 数据库" in said
        ), said
