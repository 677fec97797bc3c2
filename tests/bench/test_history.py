"""``onetrip bench history --quick``: the figures' shape, and files built as the docs say."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import subprocess
import sys

from support import ROOT

from server.bench import history
from server.bench.hall import write_big_hall
from server.store import Store
from shared.config import load_config

NAMES = [
    "build",
    "tickets",
    "file",
    "bytes_per_ticket",
    "check",
    "quick_check",
    "backup",
    "start",
    "rss",
    "peak_rss",
    "issue_p50",
    "issue_p95",
    "call_next_p50",
    "call_next_p95",
]


def test_the_quick_history_bench_reports_every_figure_for_every_size(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run(
        [sys.executable, "-m", "onetrip", "bench", "history", "--quick", "--dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    figures = {(x["metric"]): x for x in lines if x.get("bench") == "history"}
    labels = [label for label, _ in history.QUICK.sizes]
    expected = {f"{label}_{name}" for label in labels for name in NAMES}
    first, last = labels[0], labels[-1]
    expected |= {f"{last}_{n}_over_{first}" for n in ("start", "rss", "issue_p50", "call_next_p50")}
    assert set(figures) == expected
    assert all(x["value"] > 0 for x in figures.values())
    assert figures[f"{last}_start"]["unit"] == "s" and figures[f"{last}_rss"]["unit"] == "MiB"
    assert figures[f"{last}_issue_p95"]["unit"] == "ms"
    for label, days in history.QUICK.sizes:  # each size holds its working days' tickets
        assert figures[f"{label}_tickets"]["value"] == days * history.QUICK.tickets
    # the built files are kept where the docs say, and not built again
    kept = sorted(p.name for p in (tmp_path / "cache" / "onetrip" / "bench-history").iterdir())
    assert len(kept) == len(labels) + 1  # and the generated day they are copied from
    assert not [name for name in kept if "partial" in name]


def test_the_copied_days_are_a_history_the_hall_opens_as_one_day(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write_big_hall(tmp_path)
    plan = history.QUICK
    path = history.build(tmp_path, plan, 4)
    assert history.build(tmp_path, plan, 4) == path  # kept: found, not built again
    conn = sqlite3.connect(path)
    days = conn.execute("SELECT day, count(*) FROM tickets GROUP BY day ORDER BY day").fetchall()
    assert [d for d, _ in days] == [
        d.isoformat() for d in history.working_days(history.LAST_DAY, 4)
    ]
    assert {n for _, n in days} == {plan.tickets}
    # the event log runs in time order across the copies, each event naming its day's ticket
    by_day = conn.execute(
        "SELECT substr(ticket, 1, 8), min(seq), max(seq) FROM events WHERE ticket IS NOT NULL "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert all(a[2] < b[1] for a, b in itertools.pairwise(by_day))
    unordered = "SELECT count(*) FROM events a JOIN events b ON b.seq = a.seq + 1 WHERE b.at < a.at"
    assert conn.execute(unordered).fetchone()[0] == 0
    assert (
        conn.execute("SELECT count(DISTINCT code) FROM tickets").fetchone()[0] == 4 * plan.tickets
    )
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    config = load_config(tmp_path / "hall.toml")
    store = Store(path)
    state = store.load_state(config)
    assert len(state.tickets) == plan.tickets  # the last day's, nothing older
    assert {t.day for t in state.tickets.values()} == {history.LAST_DAY.isoformat()}
    # the cards still valid on the last day are open, the older ones closed as expired
    for card in state.cards.values():
        assert card.valid_until >= history.LAST_DAY.isoformat()
    closed = [store.card(n) for n in range(1, state.next_card)]
    assert all(card is not None for card in closed)
    store.close()
