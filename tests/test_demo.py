"""The whole demo hall, headless, end to end: every part a real process on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_headless_demo_hall_behaves(tmp_path: Path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "onetrip.cli",
            "demo",
            "--headless",
            "--for",
            "12",
            "--speed",
            "240",
            "--dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the hall behaved" in result.stdout
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["issued"] >= 20 and summary["served"] >= 10
    assert summary["acknowledged"] <= summary["issued"]
    assert all(n == summary["calls"] for n in summary["calls_seen"].values())
    assert summary["problems"] == []
    receipts = sorted((tmp_path / "receipts").glob("*.txt"))
    assert len(receipts) >= 20  # every ticket printed on a virtual printer over TCP
    text = receipts[0].read_text(encoding="utf-8")
    assert "余姚市行政服务中心" in text and "/t/" in text and "?" not in text
