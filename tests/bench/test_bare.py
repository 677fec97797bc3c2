"""The bare-stack limits the bench divides onetrip's figures by: each part really runs."""

from __future__ import annotations

import sqlite3

import orjson
import pytest

from server import bench
from server.bench import bare
from shared import benchline


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


def test_ratios_pair_each_figure_with_its_limit_round_by_round(capsys, monkeypatch):
    monkeypatch.setattr(bench, "RESULTS", {})  # what this test emits, alone
    monkeypatch.setattr(benchline, "RESULTS", bench.RESULTS)
    ran: list[str] = []
    ours = iter([2000, 1500, 3000])
    limits = iter([5000, 5000, 6000])

    def throughput(folder, quick):
        ran.append("onetrip")
        bench.emit("throughput", "tickets_per_second", next(ours), "tickets/s")

    def limit(folder, quick):
        ran.append("bare")
        bench.emit("bare", "ws_sqlite_per_second", next(limits), "requests/s")

    monkeypatch.setitem(bench.PAIRS, "throughput", limit)
    rounds: list[dict[str, float]] = []
    bench.paired(None, True, "throughput", throughput, 3, rounds)
    assert ran == ["bare", "onetrip", "onetrip", "bare", "bare", "onetrip"]  # ABBA
    assert [r["throughput_over_bare_ws_sqlite"] for r in rounds] == [0.4, 0.3, 0.5]
    bench.ratios(rounds)
    out = capsys.readouterr().out
    assert '"metric": "throughput_over_bare_ws_sqlite_round2", "value": 0.3' in out
    assert '"metric": "throughput_over_bare_ws_sqlite", "value": 0.4' in out  # the median
    assert '"metric": "throughput_over_bare_ws_sqlite_min", "value": 0.3' in out
    assert '"metric": "throughput_over_bare_ws_sqlite_max", "value": 0.5' in out
    assert "board_p99_over_bare_broadcast_p99" not in out  # not measured: no ratio
    assert "throughput_over_bare_sqlite" not in out


@pytest.mark.parametrize("which", ["nothing"])
def test_an_unknown_bench_is_refused(which, capsys):
    import argparse

    args = argparse.Namespace(which=[which], quick=True, dir=None, rounds=None)
    assert bench.cmd_bench(args) == 2
    assert "bare, fanout, throughput, busyday" in capsys.readouterr().err
