"""``onetrip bench reports``: the reports over a month of 200,000 tickets and a year of 1.75 M.

Generating: one hall day of ``PER_DAY`` tickets is simulated through the real engine and store
(``Hall``: windows calling, serving, no-shows and re-queues, transfers, suspends, 续办 cards and
their follow-ups, ratings, pauses), then its rows and events are copied into the big files
day after day, times shifted by whole days and ids re-dated (``20261124-A001`` →
``20261005-A001``): the store's real schema and real events, written in bulk. The files are
kept in a cache folder (not in the repository) and made again only when missing.

Timed: ``onetrip report`` as a user runs it (a new process, so imports included): the month's
report (bar 1 s), the year's (bar 10 s), the month's workbook with its charts (bar 3 s), each
uncached, cold (filling the cache of closed days) and warm, and their peak memory.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

from server.bench.hall import write_big_hall
from server.hall import Hall, Origin
from server.schema import SCHEMA_VERSION
from server.store import Store
from shared import commands as c
from shared.config import load_config
from shared.errors import Refused

from .cache import DayCache
from .source import local_midnight

PER_DAY = 6500  # 31 days: 201,500 tickets; 270 days: 1,755,000
TEMPLATE_DAY = date(2026, 11, 24)
WINDOWS = 60
FORMAT = "2"  # of the generated files: made again when it changes (or the schema does)
LEFT_OVER = ("waiting", "called", "missed", "suspended")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "onetrip" / "bench-reports"


# --- one simulated day ---------------------------------------------------------------------
def simulate_day(folder: Path, tickets: int = PER_DAY, seed: int = 1) -> Path:
    """A day of ``tickets`` through the real hall, in ``folder/template.db``."""
    config = load_config(folder / "hall.toml")
    path = folder / "template.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    hall = Hall(config, path, synchronous="OFF")
    rnd = random.Random(seed)
    tz = config.tz
    start = local_midnight(TEMPLATE_DAY, tz) + 8.5 * 3600
    step = 20.0
    steps = int(9 * 3600 / step)
    zones = list(config.zones)
    busy: dict[int, float] = {}  # window -> when its current service ends
    cards: list[str] = []
    todo: list[tuple[c.Command, float]] = []

    def run(cmd: c.Command, now: float) -> dict[str, Any] | None:
        try:
            return hall.handle(cmd, Origin("bench"), now).reply
        except Refused:
            return None

    for n in config.windows:
        if n <= WINDOWS:
            run(c.Login(window=n, staff=f"s{n}"), start)
    issued = 0
    for i in range(steps):
        now = start + i * step
        # arrivals: a morning and an afternoon peak
        hour = i * step / 3600
        shape = 1.6 if 1 <= hour < 3 or 5.5 <= hour < 7.5 else 0.6
        want = min(tickets - issued, int(rnd.expovariate(1) * shape * tickets / steps * 1.0 + 0.5))
        for _ in range(want):
            if cards and rnd.random() < 0.04:
                run(c.RedeemCard(code=cards.pop(rnd.randrange(len(cards)))), now)
            run(c.Issue(zone=rnd.choice(zones), matter=None), now)
            issued += 1
        for cmd, when in [x for x in todo if x[1] <= now]:
            todo.remove((cmd, when))
            run(cmd, now)
        for n in range(1, WINDOWS + 1):
            w = hall.state.windows[n]
            if w.status.value == "paused":
                if rnd.random() < 0.05:
                    run(c.Resume(window=n), now)
                continue
            if w.ticket is None:
                if rnd.random() < 0.002:
                    run(c.Pause(window=n, reason=rnd.choice(("午休", "会议", "系统故障"))), now)
                elif w.suspended and rnd.random() < 0.3:
                    run(c.CallBack(window=n, ticket=w.suspended[0]), now)
                else:
                    run(c.CallNext(window=n), now)
                continue
            ticket = hall.state.tickets[w.ticket]
            if ticket.status.value == "called":
                r = rnd.random()
                if r < 0.03:
                    run(c.NoShow(window=n), now)
                    if rnd.random() < 0.5:
                        todo.append((c.Requeue(ticket=ticket.id), now + 300))
                elif r < 0.5:
                    run(c.Start(window=n), now)
                    busy[n] = now + rnd.lognormvariate(5.6, 0.5)
                continue
            if now < busy.get(n, 0):
                continue
            r = rnd.random()
            if r < 0.01:
                run(c.Transfer(window=n, to_zone=rnd.choice(zones)), now)
            elif r < 0.02:
                run(c.Suspend(window=n, note="补材料"), now)
            else:
                if r < 0.06:
                    reply = run(c.IssueCard(window=n), now)
                    if reply:
                        cards.append(reply["card"]["code"])
                run(c.Finish(window=n, case_done=r >= 0.06), now)
                if rnd.random() < 0.8:
                    level = rnd.choices((5, 4, 3, 2, 1), (80, 12, 5, 2, 1))[0]
                    run(c.Evaluate(window=n, level=level), now + 5)
    end = start + steps * step
    for extra in range(2000):  # the queue is served to its end
        now = end + extra * 60
        if not hall.state.waiting and all(w.ticket is None for w in hall.state.windows.values()):
            break
        for n in range(1, WINDOWS + 1):
            w = hall.state.windows[n]
            if w.ticket is not None:
                run(c.Finish(window=n), now)
            elif w.status.value != "paused":
                run(c.CallNext(window=n), now)
    for n in range(1, WINDOWS + 1):
        w = hall.state.windows[n]
        if w.status.value == "paused":
            run(c.Resume(window=n), now)
        run(c.Logout(window=n), now + 60)
    hall.close()
    return path


# --- copying it into a month or a year -------------------------------------------------------
_SHIFTED = ("issued", "card_issued", "transferred", "requeued")
_TIMES = ("issued_at", "key", "appointment_at", "first_called_at", "called_at", "started_at",
          "finished_at")  # fmt: skip


def build_file(template: Path, target: Path, days: list[date], tz: Any) -> int:
    """Copy the template day onto each of ``days``; the number of tickets written."""
    src = sqlite3.connect(template)
    tickets = src.execute("SELECT * FROM tickets").fetchall()
    tcols = [d[1] for d in src.execute("PRAGMA table_info(tickets)")]
    cases = src.execute("SELECT * FROM cases").fetchall()
    ccols = [d[1] for d in src.execute("PRAGMA table_info(cases)")]
    events = src.execute(
        "SELECT at, type, device, actor, request_id, payload, ticket FROM events"
    ).fetchall()
    src.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    Store(target).close()  # the real schema, at its version
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    base = local_midnight(TEMPLATE_DAY, tz)
    old_prefix = TEMPLATE_DAY.strftime("%Y%m%d-")
    ti = {name: i for i, name in enumerate(tcols)}
    times_t = [ti[n] for n in _TIMES if n in ti]
    ci = {name: i for i, name in enumerate(ccols)}
    seq = 0
    tmarks = ", ".join("?" for _ in tcols)
    cmarks = ", ".join("?" for _ in ccols)
    names_t = ", ".join(f'"{n}"' for n in tcols)
    names_c = ", ".join(f'"{n}"' for n in ccols)
    # As in a hall: the next day's opening expires what was left waiting (no-shows never
    # re-queued, suspended tickets never called back), so that a past day is closed.
    left = sorted(row[ti["id"]] for row in tickets if row[ti["status"]] in LEFT_OVER)
    for n, day in enumerate(days):
        dt = local_midnight(day, tz) - base
        prefix, iso = day.strftime("%Y%m%d-"), day.isoformat()
        expired = (
            [] if n == 0 else [i.replace(old_prefix, days[n - 1].strftime("%Y%m%d-")) for i in left]
        )
        rows = []
        for row in tickets:
            r = list(row)
            if n < len(days) - 1 and r[ti["status"]] in LEFT_OVER:
                r[ti["status"]] = "expired"
            r[ti["id"]] = r[ti["id"]].replace(old_prefix, prefix)
            r[ti["case"]] = r[ti["case"]].replace(old_prefix, prefix)
            r[ti["day"]] = iso
            r[ti["code"]] = f"{r[ti['code']]}{n:04d}"
            r[ti["serial"]] += n * len(tickets)
            for i in times_t:
                if r[i] is not None:
                    r[i] += dt
            rows.append(r)
        conn.executemany(f"INSERT INTO tickets ({names_t}) VALUES ({tmarks})", rows)
        rows = []
        for row in cases:
            r = list(row)
            r[ci["id"]] = r[ci["id"]].replace(old_prefix, prefix)
            r[ci["tickets"]] = r[ci["tickets"]].replace(old_prefix, prefix)
            r[ci["opened_at"]] += dt
            if r[ci["done_at"]] is not None:
                r[ci["done_at"]] += dt
            rows.append(r)
        conn.executemany(f"INSERT INTO cases ({names_c}) VALUES ({cmarks})", rows)
        out = []
        for at, kind, device, actor, rid, payload, ticket in events:
            seq += 1
            if kind in _SHIFTED:
                data = orjson.loads(payload)
                inner = data.get("ticket") if kind == "issued" else data.get("card")
                if isinstance(inner, dict):
                    for k in (*_TIMES, "issued_at", "closed_at"):
                        if inner.get(k) is not None:
                            inner[k] += dt
                    if "day" in inner:
                        inner["day"] = iso
                    if "valid_until" in inner:
                        inner["valid_until"] = (
                            date.fromisoformat(inner["valid_until"]) + (day - TEMPLATE_DAY)
                        ).isoformat()
                if kind in ("transferred", "requeued"):
                    data["key"] += dt
                payload = orjson.dumps(data).decode()
            elif kind == "day_opened":
                data = orjson.loads(payload)
                data["day"], data["expired"] = iso, expired
                payload = orjson.dumps(data).decode()
            payload = payload.replace(old_prefix, prefix)
            if ticket is not None:
                ticket = ticket.replace(old_prefix, prefix)
            rid = f"{rid}{n}" if rid else rid
            out.append((seq, at + dt, kind, device, actor, rid, payload, ticket))
        conn.executemany(
            "INSERT INTO events (seq, at, type, device, actor, request_id, payload, ticket) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            out,
        )
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('bench_reports', ?)", (FORMAT,))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return len(tickets) * len(days)


def month_days() -> list[date]:
    return [date(2026, 10, 1) + timedelta(days=i) for i in range(31)]


def year_days() -> list[date]:
    days, d = [], date(2026, 1, 1)
    while len(days) < 270:
        if d.weekday() < 6:
            days.append(d)
        d += timedelta(days=1)
    return days


def _current(path: Path, template: bool) -> bool:
    """The file is of this schema (and, unless the template, of this generator's format)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if int(conn.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
            return False
        row = conn.execute("SELECT value FROM meta WHERE key = 'bench_reports'").fetchone()
        return template or (row is not None and row[0] == FORMAT)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def prepare(folder: Path, emit: Any, quick: bool) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "hall.toml").exists():
        write_big_hall(folder, windows=WINDOWS, kiosks=2, boards=1)
    config = load_config(folder / "hall.toml")
    per_day = 1000 if quick else PER_DAY
    tag = "quick" if quick else "full"
    template = folder / f"template-{tag}.db"
    month, year = folder / f"month-{tag}.db", folder / f"year-{tag}.db"
    for made in (template, month, year):  # files of an older schema are made again
        if made.exists() and not _current(made, made is template):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{made}{suffix}").unlink(missing_ok=True)
    if not template.exists():
        began = time.perf_counter()
        made = simulate_day(folder, per_day)
        made.rename(template)
        emit("reports", "simulate_day", time.perf_counter() - began, "s")
    for target, days in ((month, month_days()), (year, year_days()[: 20 if quick else None])):
        if not target.exists():
            began = time.perf_counter()
            partial = target.with_suffix(".part")
            n = build_file(template, partial, days, config.tz)
            partial.rename(target)
            emit(
                "reports", f"generate_{target.stem.split('-')[0]}", time.perf_counter() - began, "s"
            )
            emit("reports", f"{target.stem.split('-')[0]}_tickets_generated", n, "tickets")
    return month, year


def timed(args: list[str], config: Path, env: dict[str, str]) -> float:
    """Wall time of ``onetrip report ARGS`` in a new process (imports included)."""
    began = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "onetrip.cli", "report", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    took = time.perf_counter() - began
    if proc.returncode != 0:
        raise RuntimeError(f"report failed: {proc.stderr}")
    return took


def peak(args: list[str], config: Path, env: dict[str, str]) -> tuple[float, float]:
    """Peak memory (MiB) of one report in a process of its own, and the report's own time
    (the process started and ``onetrip``'s parts imported)."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args, "--config", str(config)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    memory, took = proc.stdout.split()
    return float(memory), float(took)


def run_bench(folder: Path, quick: bool, emit: Any) -> None:
    """Each report three ways: ``uncached`` (``--no-cache``: every day read from the file),
    ``cold`` (the first run, which fills the cache of closed days) and ``warm`` (the cache
    filled: what a hall sees every time after the first). The cache's entries for the two
    files are removed first."""
    cache = cache_dir()
    month, year = prepare(cache, emit, quick)
    config = cache / "hall.toml"
    for name, db in (("month", month), ("year", year)):
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            n = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
            m = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        emit("reports", f"{name}_tickets", n, "tickets")
        emit("reports", f"{name}_events", m, "events")
    for db in (month, year):  # the report cache's entries for these files: cold again
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            entries = DayCache.for_db(conn, db)
        if entries is not None:
            shutil.rmtree(entries.folder, ignore_errors=True)
    env = dict(os.environ)  # (not another $XDG_CACHE_HOME: matplotlib keeps its fonts there)
    runs = [
        ("month_report_table", ["month", "2026-10", "--db", str(month)]),
        ("month_report", ["month", "2026-10", "--db", str(month), "--format", "json"]),
        ("month_seed_table", ["month", "2026-10", "--db", str(month), "--seed-table"]),
        ("year_report", ["range", "--from", "2026-01-01", "--to", "2026-12-31", "--db",
                         str(year), "--format", "json"]),
        ("month_xlsx_with_charts", ["month", "2026-10", "--db", str(month), "--format", "xlsx",
                                    "--out", str(folder / "month.xlsx"), "--charts",
                                    str(folder / "charts")]),
    ]  # fmt: skip
    for name, args in runs:
        args = [*args, "--today", "2026-12-31"]
        emit("reports", f"{name}_wall_uncached", timed([*args, "--no-cache"], config, env), "s")
        emit("reports", f"{name}_wall_cold", timed(args, config, env), "s")
        emit("reports", f"{name}_wall_warm", timed(args, config, env), "s")
    for name, args in runs:
        args = [*args, "--today", "2026-12-31"]
        memory, took = peak(args, config, env)
        emit("reports", f"{name}_peak_memory_warm", memory, "MiB")
        emit("reports", f"{name}_in_process_warm", took, "s")
        memory, took = peak([*args, "--no-cache"], config, env)
        emit("reports", f"{name}_peak_memory_uncached", memory, "MiB")
        emit("reports", f"{name}_in_process_uncached", took, "s")


# One report in a process of its own: its peak memory (ru_maxrss, Linux: KiB) and its time.
_MEASURE = """
import resource, sys, io, contextlib, time
from onetrip.cli import build_parser, main
build_parser()  # every part imported: what follows is the report's own time
began = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["report", *sys.argv[1:]])
took = time.perf_counter() - began
assert code == 0
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, took)
"""


def bench(folder: Path, quick: bool) -> None:
    """The entry ``onetrip bench reports`` calls."""
    from server.bench import emit

    run_bench(folder, quick, emit)
