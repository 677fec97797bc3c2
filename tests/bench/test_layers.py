"""``onetrip bench layers``: bare websockets kiosks sending each layer's op to a real server;
what they count is what the server did (nothing written for a ping or a refusal, every
acknowledged ticket in the file)."""

from __future__ import annotations

import sqlite3
import time

import pytest

from server import bench
from server.bench.hall import write_big_hall
from server.bench.load import RAW_OPS


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("layers")
    write_big_hall(path)
    return path


def run(folder, op: str) -> tuple[dict, int]:
    server = bench.Server(folder)
    try:
        proc = bench.load_process(
            folder, server.url, "raw", "--op", op, "--kiosks", "3", "--seconds", "0.5",
            "--start-at", str(time.time()),
        )  # fmt: skip
        counted = bench.result(proc, timeout=60)
        assert server.cpu_seconds() > 0
    finally:
        server.stop()
    db = sqlite3.connect(folder / "hall.db")
    (tickets,) = db.execute("SELECT count(*) FROM tickets").fetchone()
    return counted, tickets


def test_the_layers_are_the_three_ops_in_the_order_each_adds_to_the_last():
    assert list(RAW_OPS) == ["ping", "refused", "issue"]


def test_a_ping_and_a_refused_issue_write_no_ticket(folder):
    counted, tickets = run(folder, "ping")
    assert counted["acked"] > 0 and counted["refused"] == 0 and tickets == 0
    counted, tickets = run(folder, "refused")
    assert counted["refused"] > 0 and counted["acked"] == 0 and tickets == 0


def test_every_acknowledged_issue_is_a_ticket_in_the_file(folder):
    counted, tickets = run(folder, "issue")
    assert counted["acked"] > 0 and counted["acked"] == tickets
