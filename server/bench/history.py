"""``onetrip bench history``: what a hall's history costs, on files of a day, 60 days and a year.

A hall keeps every event it ever had (鄞州: ~7,000 tickets a working day, ~1.75 million a year).
Start-up, memory, a reload and every request must cost today's work, not the history's; the
file's size, a backup and a check grow with it. For each size this reports, with a real
``onetrip server`` process on the file:

- ``start``: from starting the server to its first ``/healthz`` answer, as after a restart at
  the end of a busy day: the file's last day is made today on the copy the server runs on, so
  it loads that day's tickets and the day's request replies (``as_today``);
- ``rss``: the server's resident memory once healthy, and its peak after the requests;
- ``issue_p50``/``p95``, ``call_next_p50``/``p95``: request latency over the protocol (a kiosk
  and a window, each waiting for its reply), going on from that day;
- ``bytes_per_ticket``: the file's size over the tickets it holds;
- ``backup``, ``check``, ``quick_check``: ``onetrip db backup`` and ``db check`` (``--quick``).

The files are built once and kept in ``$XDG_CACHE_HOME/onetrip/bench-history`` (``~/.cache``):
one busy day is generated through the hall (the engine and the store, every command with a
request id as the devices send them: issue, call, start, finish, 好差评, no-shows, 续办 cards),
and the older working days are copies of it made in SQL with their dates, ids, ticket codes and
event sequence shifted (generating a year through the engine would take over half an hour).
Request replies are not copied: a hall keeps them only for a day. The server runs on a copy,
so the kept files never change.
"""

from __future__ import annotations

import asyncio
import heapq
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from server.hall import Hall, Origin
from server.hub.process import HubProcess
from server.schema import SCHEMA_VERSION
from shared import commands as c
from shared import eventloop
from shared.benchline import memory_mib
from shared.client import HubError
from shared.config import load_config
from shared.domain import FINAL, Status
from shared.errors import Refused
from shared.security import ticket_code

from .hall import ZONES

LAST_DAY = date(2026, 11, 27)  # a Friday: the day the files end with, fixed so they are kept
STARTS = 3  # server starts per file: start-up is the median, the last one is measured on
FINALS = (Status.DONE, Status.CANCELLED, Status.VOIDED, Status.EXPIRED)  # expired last
GENERATOR = 2  # bump when the day's shape changes: the kept files are built again


@dataclass(frozen=True)
class Plan:
    tickets: int  # a working day's
    sizes: tuple[tuple[str, int], ...]  # (label, working days)
    windows: int  # staffed windows
    requests: int  # timed issue + call_next pairs per size


FULL = Plan(7000, (("day", 1), ("60days", 60), ("year", 250)), 100, 300)
QUICK = Plan(150, (("day", 1), ("3days", 3), ("10days", 10)), 10, 20)


assert set(FINALS) == FINAL


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "onetrip" / "bench-history"


def working_days(last: date, count: int) -> list[date]:
    """``count`` working days (Monday to Friday) ending with ``last``, oldest first."""
    days: list[date] = []
    day = last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


# --- one day through the hall ------------------------------------------------------------------
def local(day: date, hour: float, tz: Any) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=tz).timestamp() + hour * 3600


def generate_day(folder: Path, db: Path, day: date, tickets: int, windows: int) -> None:
    """A busy day at ``day``, as the hall's devices would send it: kiosks issue from 08:30 to
    16:30, ``windows`` windows call, start (half of them), finish; 3 % do not come, 40 % rate
    the service, 2 % of the visits get a 续办 card. Every command carries a request id."""
    config = load_config(folder / "hall.toml")
    rng = random.Random(day.toordinal())
    opens = local(day, 8.5, config.tz)
    hall = Hall(config, db, clock=lambda: opens, synchronous="OFF")
    zones = [z for z, _, _ in ZONES]
    idle: dict[str, list[int]] = {z: [] for z in zones}  # windows waiting for a ticket
    for n in range(1, windows + 1):
        idle[zones[(n - 1) % len(zones)]].append(n)
    queue: list[tuple[float, int, str, Any]] = []
    order = 0

    def at(when: float, kind: str, data: Any) -> None:
        nonlocal order
        order += 1
        heapq.heappush(queue, (when, order, kind, data))

    def run(command: c.Command, device: str, now: float, actor: str = "") -> dict[str, Any] | None:
        origin = Origin(device, actor, f"{rng.getrandbits(128):032x}")
        try:
            return hall.handle(command, origin, now).reply
        except Refused:
            return None

    for n in range(1, windows + 1):
        run(c.Login(window=n, staff=f"s{n}"), f"caller-{n}", opens - 300, f"s{n}")
    gap = 8 * 3600 / tickets
    for i in range(tickets):
        at(opens + i * gap + rng.uniform(0, gap), "issue", zones[i % len(zones)])
    while queue:
        now, _, kind, data = heapq.heappop(queue)
        if kind == "issue":
            run(c.Issue(zone=data), f"kiosk-{1 + int(now) % 20}", now)
            if idle[data]:
                at(now + 2, "call", idle[data].pop(0))
            continue
        n, device, staff = data, f"caller-{data}", f"s{data}"
        if kind == "call":
            reply = run(c.CallNext(window=n), device, now, staff)
            if reply is None:  # nobody waits: the window waits for the next ticket
                idle[zones[(n - 1) % len(zones)]].append(n)
                continue
            if rng.random() < 0.03:
                at(now + 90, "no_show", n)
                continue
            service = rng.uniform(120, 600)
            if rng.random() < 0.5:
                at(now + 30, "start", n)
            if rng.random() < 0.02:
                at(now + service - 30, "card", n)
            at(now + service, "finish", n)
        elif kind == "start":
            run(c.Start(window=n), device, now, staff)
        elif kind == "card":
            run(c.IssueCard(window=n, tips=("请带齐材料原件",)), device, now, staff)
        elif kind == "no_show":
            run(c.NoShow(window=n), device, now, staff)
            at(now + 5, "call", n)
        elif kind == "finish":
            run(c.Finish(window=n), device, now, staff)
            if rng.random() < 0.4:
                at(now + 8, "rate", n)
            at(now + 15, "call", n)
        elif kind == "rate":  # the citizen at the evaluator
            run(c.Evaluate(level=rng.choice((5, 5, 5, 4, 4, 3, 2)), window=n), device, now)
    closes = max(now, local(day, 17.5, config.tz))
    for n in range(1, windows + 1):
        run(c.Logout(window=n), f"caller-{n}", closes, f"s{n}")
    hall.close()


# --- older days copied in SQL ------------------------------------------------------------------
def _compact(day: date) -> str:
    return day.strftime("%Y%m%d")


def add_past_days(db: Path, last: date, days: list[date], secret: bytes) -> None:
    """Copies of ``db``'s one day (``last``) for each of ``days`` (older than it, oldest
    first): dates, ids, ticket codes, times, card numbers and event seqs shifted. A copied card
    still valid on ``last`` stays open, an older one is closed as expired; request replies are
    not copied (a hall keeps them a day)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-200000")
    conn.create_function("code_of", 1, lambda tid: ticket_code(secret, tid), deterministic=True)
    events = int(conn.execute("SELECT max(seq) FROM events").fetchone()[0])
    tickets = int(conn.execute("SELECT count(*) FROM tickets").fetchone()[0])
    cards = int(conn.execute("SELECT coalesce(max(number), 0) FROM cards").fetchone()[0])
    base = len(days) * events
    conn.execute("BEGIN")
    conn.execute("UPDATE events SET seq = seq + ?", (base,))  # the older days come first
    conn.execute("UPDATE requests SET seq = seq + ?", (base,))
    for table in ("tickets", "events", "cases", "cards"):
        conn.execute(f"CREATE TEMP TABLE t_{table} AS SELECT * FROM {table}")
    conn.execute(
        "UPDATE meta SET value = json_set(value, '$.next_card', ?) WHERE key = 'state'",
        ((len(days) + 1) * cards + 1,),
    )
    conn.execute("COMMIT")
    for i, day in enumerate(days):
        p = {
            "old": last.isoformat(),
            "new": day.isoformat(),
            "oc": _compact(last),
            "nc": _compact(day),
            "s": (day - last).days * 86400.0,
            "days": f"{(day - last).days} days",
            "cs": (i + 1) * cards,  # card numbers after the last day's own
            "seq": i * events - base,
            "serial": (len(days) - i) * tickets,
            # the next day expired what was left (no-shows not re-queued): old days are over
            **{f"f{n}": s.value for n, s in enumerate(FINALS, 1)},
        }
        conn.execute("BEGIN")
        conn.execute(
            """INSERT INTO tickets SELECT replace(id, :oc, :nc), :new, zone, number, label, kind,
            CASE WHEN status IN (:f1, :f2, :f3, :f4) THEN status ELSE :f4 END, issued_at + :s,
            serial - :serial, band, key + :s, replace("case", :oc, :nc),
            code_of(replace(id, :oc, :nc)), matter, priority_reason, appointment_at + :s,
            appointment_ref, card + :cs, quota, to_window, to_staff, window, staff,
            first_called_at + :s, called_at + :s, started_at + :s, finished_at + :s, recalls,
            requeues, transfers, rating, note, issued_by FROM t_tickets""",
            p,
        )
        conn.execute(
            """INSERT INTO events SELECT seq + :seq, at + :s, type, device, actor, request_id,
            replace(replace(payload, :oc, :nc), :old, :new), replace(ticket, :oc, :nc)
            FROM t_events""",
            p,
        )
        conn.execute(
            """INSERT INTO cases SELECT replace(id, :oc, :nc), zone, matter, opened_at + :s,
            replace(tickets, :oc, :nc), done_at + :s, card + :cs, trips FROM t_cases""",
            p,
        )
        conn.execute(
            """INSERT INTO cards SELECT number + :cs, replace("case", :oc, :nc), staff, window,
            zone, matter, issued_at + :s, date(valid_until, :days), code, tips,
            replace(ticket, :oc, :nc),
            CASE WHEN closed_at IS NOT NULL THEN closed_at + :s
                 WHEN date(valid_until, :days) >= :old THEN NULL
                 ELSE unixepoch(date(valid_until, :days), '+1 day', '-8 hours') END,
            CASE WHEN closed_at IS NOT NULL THEN closed_reason
                 WHEN date(valid_until, :days) >= :old THEN NULL ELSE 'expired' END
            FROM t_cards""",
            p,
        )
        conn.execute("COMMIT")
    conn.close()  # left in rollback mode: the read-only checks on it leave no -wal/-shm
    # beside it; the server turns its copy to WAL when it opens it


def build(folder: Path, plan: Plan, days: int) -> Path:
    """The kept file of ``days`` working days at ``plan``'s load, built if missing."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    version = f"v{SCHEMA_VERSION}.{GENERATOR}-"
    for stale in cache.glob("v*"):  # built by another schema or generator: never used again
        if not stale.name.startswith(version):
            stale.unlink()
    stem = f"{version}{plan.tickets}x{plan.windows}"
    path = cache / f"{stem}-{days}d.db"
    if path.exists():
        return path
    template = cache / f"{stem}-template.db"
    if not template.exists():
        partial = template.with_suffix(".partial")
        for leftover in cache.glob(partial.name + "*"):
            leftover.unlink()
        generate_day(folder, partial, LAST_DAY, plan.tickets, plan.windows)
        partial.rename(template)
    partial = path.with_suffix(".partial")
    shutil.copyfile(template, partial)
    secret = load_config(folder / "hall.toml").secret
    add_past_days(partial, LAST_DAY, working_days(LAST_DAY, days)[:-1], secret)
    partial.rename(path)
    return path


# --- measuring ---------------------------------------------------------------------------------
def as_today(db: Path, tz: Any) -> None:
    """Make the last day of the copy ``db`` today, and its request replies the last hours':
    the server starts on it as after a restart at the end of a busy day (today's 7,000
    tickets and the day's replies to load), and the requests measured go on from there."""
    now = time.time()
    today = datetime.fromtimestamp(now, tz).date().isoformat()
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute("UPDATE tickets SET day = ? WHERE day = ?", (today, LAST_DAY.isoformat()))
        conn.execute(
            "UPDATE meta SET value = json_set(value, '$.day', ?) WHERE key = 'state'", (today,)
        )
        (newest,) = conn.execute("SELECT max(at) FROM requests").fetchone()
        conn.execute("UPDATE requests SET at = at + ?", (now - 60 - newest,))
        conn.execute("COMMIT")
    finally:
        conn.close()


def _run(*args: str) -> float:
    """Seconds an ``onetrip`` command takes (it must succeed)."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "onetrip", *args], check=True, capture_output=True)
    return time.perf_counter() - began


def _healthy(port: int, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not answer /healthz")
        time.sleep(0.01)


class _Desk:
    """A kiosk and ``windows`` windows of one server, logged in."""

    def __init__(self, folder: Path, url: str, windows: int) -> None:
        from .load import client

        self.kiosk = client(url, folder, "kiosk-1")
        self.callers = [client(url, folder, f"caller-{n}") for n in range(1, windows + 1)]
        self.times: dict[str, list[float]] = {"issue": [], "call_next": []}

    async def open(self) -> None:
        await asyncio.gather(*(x.connect() for x in [self.kiosk, *self.callers]))
        for n, caller in enumerate(self.callers, 1):
            await caller.request("login", window=n, staff=f"s{n}", pin="123456")

    async def visit(self, i: int, timed: bool) -> None:
        """A ticket issued, called and finished: the issue's and the call's time, in ms."""
        n = 1 + i % len(self.callers)
        zone = ZONES[(n - 1) % len(ZONES)][0]
        began = time.perf_counter()
        await self.kiosk.request("issue", zone=zone)
        issued = time.perf_counter()
        try:
            await self.callers[n - 1].request("call_next", window=n)
        except HubError as e:  # pragma: no cover - the ticket just issued waits in its zone
            raise RuntimeError(f"call_next: {e}") from e
        called = time.perf_counter()
        await self.callers[n - 1].request("finish", window=n)
        if timed:
            self.times["issue"].append((issued - began) * 1000)
            self.times["call_next"].append((called - issued) * 1000)

    async def close(self) -> None:
        await asyncio.gather(*(x.close() for x in [self.kiosk, *self.callers]))


async def _latencies(folder: Path, urls: list[str], count: int) -> list[dict[str, list[float]]]:
    """``count`` visits at each server, taken in turn (one visit at each, then the next), so
    that whatever else loads the machine weighs on every size alike; the first is not timed."""
    desks = [_Desk(folder, url, 4) for url in urls]
    for desk in desks:
        await desk.open()
    for i in range(count + 1):
        for desk in desks:
            await desk.visit(i, timed=i > 0)
    for desk in desks:
        await desk.close()
    return [desk.times for desk in desks]


def _server(folder: Path, db: Path, label: str) -> HubProcess:
    from . import RATES

    server = HubProcess(folder / "hall.toml", db, extra=[f"--rate={r}" for r in RATES])
    server.log_path = folder / f"history-{label}.log"
    return server


def measure_file(folder: Path, label: str, kept: Path, starts: int) -> dict[str, float]:
    """The kept file's size, check and backup times; then, on a copy made today's, the
    server's start (the median of ``starts``) and its memory once healthy."""
    conn = sqlite3.connect(f"{kept.resolve().as_uri()}?mode=ro", uri=True)
    try:
        count = int(conn.execute("SELECT count(*) FROM tickets").fetchone()[0])
    finally:
        conn.close()
    size = kept.stat().st_size
    figures: dict[str, float] = {
        "tickets": count,
        "file": size / 2**20,
        "bytes_per_ticket": size / count,
        "check": _run("db", "check", "--db", str(kept)),
        "quick_check": _run("db", "check", "--quick", "--db", str(kept)),
    }
    backup = folder / "history-backup.db"
    figures["backup"] = _run("db", "backup", "--db", str(kept), str(backup))
    backup.unlink()
    db = folder / f"history-{label}.db"
    shutil.copyfile(kept, db)  # the server writes: the kept file stays as it was
    as_today(db, load_config(folder / "hall.toml").tz)
    os.sync()  # the copy on disk first: its write-back would slow the start measured next
    took, memory = [], []
    for _ in range(starts):
        began = time.monotonic()
        server = _server(folder, db, label).start(timeout=120)
        try:
            assert server.proc is not None
            _healthy(server.port, began + 120)
            took.append(time.monotonic() - began)
            memory.append(memory_mib(server.proc.pid, "VmRSS"))
        finally:
            server.stop()
    figures["start"] = statistics.median(took)  # the machine may be shared: the middle one
    figures["rss"] = statistics.median(memory)
    return figures


UNITS = {"tickets": "tickets", "file": "MiB", "bytes_per_ticket": "B", "rss": "MiB"}
UNITS |= {"peak_rss": "MiB", "start": "s", "check": "s", "quick_check": "s", "backup": "s"}
UNITS |= {"build": "s"}


def bench(folder: Path, quick: bool) -> None:
    from . import emit, percentile

    plan = QUICK if quick else FULL
    results: dict[str, dict[str, float]] = {}
    for label, days in plan.sizes:
        began = time.monotonic()
        kept = build(folder, plan, days)
        built = time.monotonic() - began
        results[label] = {
            "build": built,
            **measure_file(folder, label, kept, 1 if quick else STARTS),
        }
    # the requests: a server on each size at once, visited in turn
    servers = [_server(folder, folder / f"history-{label}.db", label) for label, _ in plan.sizes]
    try:
        for server in servers:
            server.start(timeout=120)
        times = eventloop.run(_latencies(folder, [s.url for s in servers], plan.requests))
        for (label, _), server, measured in zip(plan.sizes, servers, times, strict=True):
            assert server.proc is not None
            results[label]["peak_rss"] = memory_mib(server.proc.pid, "VmHWM")
            for op in ("issue", "call_next"):
                results[label][f"{op}_p50"] = percentile(measured[op], 50)
                results[label][f"{op}_p95"] = percentile(measured[op], 95)
    finally:
        for server in servers:
            server.stop()
        for stale in folder.glob("history-*.db*"):
            stale.unlink()
    for label, figures in results.items():
        for name, value in figures.items():
            emit("history", f"{label}_{name}", value, UNITS.get(name, "ms"))
    first, last = plan.sizes[0][0], plan.sizes[-1][0]
    for name in ("start", "rss", "issue_p50", "call_next_p50"):
        ratio = results[last][name] / results[first][name]
        emit("history", f"{last}_{name}_over_{first}", ratio, "x")
    print(json.dumps({"history_files": str(cache_dir())}), flush=True)
