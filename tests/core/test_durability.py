"""A kiosk's hall process killed with SIGKILL at random moments loses no acknowledged ticket."""

from __future__ import annotations

import random
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

from shared.sample import write_hall

KILLS = 20


def test_acknowledged_tickets_survive_sigkill(tmp_path: Path):
    config = tmp_path / "hall.toml"
    write_hall(config, pin="123456", fast=True, always_open=True)
    assert "hours" not in tomllib.loads(config.read_text())
    db = tmp_path / "hall.db"
    script = Path(__file__).parents[1] / "issue_forever.py"
    rng = random.Random(2026)
    acked: list[str] = []
    for run in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, str(script), str(config), str(db), f"run{run}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(child.stdout, selectors.EVENT_READ)
        first = child.stdout.readline()  # wait until it is issuing
        assert first.startswith("ACK"), child.stderr.read() if child.stderr else ""
        acked.append(first.split()[1])
        deadline = time.monotonic() + rng.uniform(0.02, 0.4)
        while time.monotonic() < deadline:
            if selector.select(timeout=0.01):
                line = child.stdout.readline()
                if line.startswith("ACK"):
                    acked.append(line.split()[1])
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        acked += [
            line.split()[1] for line in child.stdout.read().splitlines() if line.startswith("ACK")
        ]  # printed before the kill: acknowledged too
        selector.close()
        child.stdout.close()
        if child.stderr:
            child.stderr.close()

        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = Counter(row[0] for row in conn.execute("SELECT id FROM tickets"))
        issued = Counter(
            row[0]
            for row in conn.execute(
                "SELECT json_extract(payload, '$.ticket.id') FROM events WHERE type = 'issued'"
            )
        )
        conn.close()
        missing = [t for t in acked if stored[t] != 1 or issued[t] != 1]
        assert not missing, f"run {run}: acknowledged but not stored exactly once: {missing[:5]}"
        labels = Counter((t[:8], t.split("-")[1]) for t in stored)
        assert max(labels.values()) == 1
    assert len(acked) > KILLS * 5  # the kills landed mid-flow, not between idle runs
