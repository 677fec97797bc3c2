"""The bare-stack limits the bench divides onetrip's figures by: each part really runs."""

from __future__ import annotations

import sqlite3

import orjson
import pytest

from server import bench
from server.bench import bare


def test_the_bare_writer_commits_durably(tmp_path):
    rate = bare.sqlite_rows_per_second(tmp_path, 0.2)
    assert rate > 0
    db = sqlite3.connect(tmp_path / "bare.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = db.execute("SELECT count(*) FROM events").fetchone()[0]
    assert rows > 0 and rows % bare.CLIENTS == 0  # whole group commits only


def test_the_bare_server_answers_every_request_after_its_commit(tmp_path):
    rate = bare.ws_sqlite(tmp_path, 0.5)
    rows = sqlite3.connect(tmp_path / "bare-server.db").execute("SELECT count(*) FROM events")
    assert rate > 0 and rows.fetchone()[0] >= rate * 0.5 * 0.5


def test_the_bare_broadcast_reaches_every_board(tmp_path):
    arrivals = bare.bare_broadcast(tmp_path, 0.5, bench.percentile)
    calls = len(orjson.loads((tmp_path / "bare-sent.json").read_bytes()))
    assert len(arrivals) == calls * bare.BOARDS and min(arrivals) > 0


def test_ratios_put_onetrip_beside_the_bare_stack(capsys, monkeypatch):
    monkeypatch.setattr(bench, "RESULTS", {})
    bench.emit("throughput", "tickets_per_second", 2000, "tickets/s")
    bench.emit("bare", "ws_sqlite_per_second", 5000, "requests/s")
    bench.emit("fanout", "board_p99", 6.0, "ms")
    bench.emit("bare", "broadcast_p99", 3.0, "ms")
    bench.ratios()
    out = capsys.readouterr().out
    assert '"metric": "throughput_over_bare_ws_sqlite", "value": 0.4' in out
    assert '"metric": "board_p99_over_bare_broadcast_p99", "value": 2.0' in out
    assert "throughput_over_bare_sqlite" not in out  # not measured: no ratio


@pytest.mark.parametrize("which", ["nothing"])
def test_an_unknown_bench_is_refused(which, capsys):
    import argparse

    args = argparse.Namespace(which=[which], quick=True, dir=None)
    assert bench.cmd_bench(args) == 2
    assert "bare, fanout, throughput, busyday" in capsys.readouterr().err
