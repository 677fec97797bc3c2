"""The facts of closed days, kept outside the hall file: a report made from the cache is the
report made from the file, figure for figure; an entry that no longer fits is read again."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import numpy as np
from reportday import t

from server.hall import Hall, Origin
from server.reports import cache as cache_module
from server.reports import source, tables
from server.reports.cache import DayCache
from server.reports.figures import build
from server.reports.periods import GROUPINGS
from shared import commands as c

D24, D28 = date(2026, 11, 24), date(2026, 11, 28)
NOW = t(12, day=30)


def later_days(day_db, tmp_path: Path) -> tuple[Path, object]:
    """The hand-built day, then a ticket on the 28th: the 24th–26th are closed."""
    db, config = day_db
    copy = tmp_path / "hall.db"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    hall = Hall(config, copy, synchronous="OFF")
    try:
        admin = Origin("admin")
        hall.handle(c.Login(window=1, staff="s001"), admin, t(9, day=28))
        hall.handle(c.Issue(zone="shangshi"), admin, t(9, 1, day=28))
        hall.handle(c.CallNext(window=1), admin, t(9, 5, day=28))
        hall.handle(c.Finish(window=1), admin, t(9, 20, day=28))
    finally:
        hall.close()
    return copy, config


def report_of(db: Path, config, cache: DayCache | None) -> tuple[dict, int]:
    conn = source.connect(db)
    try:
        data = source.read_period(conn, D24, D28, config.tz, NOW, cache=cache)
    finally:
        conn.close()
    report = build(data, config, GROUPINGS, generated_at=NOW)
    return tables.to_json(report, config), data.cached


def test_a_cached_run_gives_the_same_figures(day_db, tmp_path):
    db, config = later_days(day_db, tmp_path)
    uncached, _ = report_of(db, config, None)
    conn = source.connect(db)
    cache = DayCache.for_db(conn, db, tmp_path / "cache")
    conn.close()
    assert cache is not None
    first, cached = report_of(db, config, cache)
    assert cached == 0 and cache.saved == 3  # the 24th, 25th and 26th; not the 27th or 28th
    assert sorted(p.name for p in cache.folder.iterdir()) == [
        "2026-11-24.npz", "2026-11-25.npz", "2026-11-26.npz"
    ]  # fmt: skip
    second, cached = report_of(db, config, cache)
    assert cached == 3
    assert first == uncached and second == uncached
    assert second["total"]["issued"] == 9 and second["total"]["wait_max"] == 5100
    assert second["total"]["logged_in"] == uncached["total"]["logged_in"] > 0


def test_an_unreadable_entry_is_read_again(day_db, tmp_path, monkeypatch):
    db, config = later_days(day_db, tmp_path)
    conn = source.connect(db)
    cache = DayCache.for_db(conn, db, tmp_path / "cache")
    conn.close()
    report_of(db, config, cache)
    entry = cache.folder / "2026-11-24.npz"
    assert cache.load("2026-11-24") is not None
    with np.load(entry) as z:
        assert z["wait"].dtype == np.float64 and len(z["wait"]) == 8
    entry.write_bytes(b"not a cache entry")
    assert cache.load("2026-11-24") is None
    again, cached = report_of(db, config, cache)
    assert cached == 2 and again == report_of(db, config, None)[0]
    assert cache.load("2026-11-24") is not None  # written again
    monkeypatch.setattr(cache_module, "FORMAT", cache_module.FORMAT + 1)
    assert cache.load("2026-11-24") is None  # made by another version of the facts


def test_each_hall_file_has_its_own_entries(day_db, tmp_path):
    db, _ = later_days(day_db, tmp_path)
    other = tmp_path / "other.db"
    with sqlite3.connect(db) as src, sqlite3.connect(other) as dst:
        src.backup(dst)
    keys = []
    for path in (db, other):
        conn = source.connect(path)
        keys.append(DayCache.for_db(conn, path, tmp_path / "cache").folder)
        conn.close()
    assert keys[0] != keys[1] and keys[0].parent == keys[1].parent
