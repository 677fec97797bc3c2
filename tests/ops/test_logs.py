"""What an operator sees of a running server: the start banner, one log line per meaningful
thing (none per ``/healthz`` hit), and the same as JSON for a hall that ships its logs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ops.opskit import Hall
from support import ROOT


def start(hall: Hall, db: Path, *top: str) -> tuple[subprocess.Popen[str], list[str], Path]:
    """``onetrip [TOP…] server`` on a free port: the process, its stdout to the banner's end,
    and the file its log goes to."""
    log = db.with_name(db.name + ".log")
    with log.open("w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "onetrip", *top, "server", "--config", str(hall.config),
             "--db", str(db), "--host", "127.0.0.1", "--port", "0"],
            cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, text=True, encoding="utf-8",
            stdout=subprocess.PIPE, stderr=err,
        )  # fmt: skip
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(6)]
    return proc, [line.rstrip("\n") for line in lines], log


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    assert proc.wait(10) == 0


def wait_for(log: Path, text: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        content = log.read_text(encoding="utf-8")
        if text in content:
            return content
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not in {log.read_text(encoding='utf-8')!r}")


def test_the_banner_says_the_hall_urls_database_and_counts(hall: Hall, tmp_path):
    proc, lines, _ = start(hall, tmp_path / "hall.db")
    try:
        port = re.search(r"listening on ws://127\.0\.0\.1:(\d+)/ws", lines[0]).group(1)  # type: ignore[union-attr]
        http = f"http://127.0.0.1:{port}"
        assert lines[1] == "  大厅：余姚市行政服务中心 / hall: 余姚市行政服务中心"
        assert lines[2] == f"  大厅显示屏：{http}/display / hall board: {http}/display"
        assert lines[3] == f"  健康检查：{http}/healthz / health check: {http}/healthz"
        assert re.fullmatch(
            rf"  数据库：{re.escape(str(tmp_path / 'hall.db'))}（[\d.]+ KiB，0 条事件） / "
            r"database: .+ \([\d.]+ KiB, 0 events\)",
            lines[4],
        ), lines[4]
        assert lines[5] == (
            "  已配置 20 个窗口、26 台设备、12 名工作人员 / "
            "configured: 20 windows, 26 devices, 12 staff"
        )
        with urllib.request.urlopen(f"{http}/healthz", timeout=5) as r:
            assert json.load(r)["ok"] is True
    finally:
        stop(proc)


def test_health_checks_add_no_log_lines(hall: Hall, tmp_path):
    proc, lines, log = start(hall, tmp_path / "hall.db")
    try:
        port = re.search(r":(\d+)/ws", lines[0]).group(1)  # type: ignore[union-attr]
        before = wait_for(log, "started:").splitlines()
        for _ in range(20):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                assert r.status == 200
    finally:
        stop(proc)
    after = log.read_text(encoding="utf-8").splitlines()
    assert after[: len(before)] == before
    assert [line.split(" INFO ", 1)[-1] for line in after[len(before) :]] == [
        "onetrip.hub: stopping"
    ]


def test_json_logs_are_one_object_a_line(hall: Hall, tmp_path):
    proc, _, log = start(hall, tmp_path / "hall.db", "--log-format", "json")
    try:
        wait_for(log, "started:")
    finally:
        stop(proc)
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["message"].split(":")[0] for r in records] == ["started", "stopping"]
    first = records[0]
    assert first["level"] == "INFO" and first["logger"] == "onetrip.hub"
    assert "余姚市行政服务中心" in first["message"]  # Chinese as it is, not \\u escapes
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", first["time"])
