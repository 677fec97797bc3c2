"""The whole demo hall, headless, end to end: every part a real process on loopback."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from support import ROOT

DEMO = [sys.executable, "-m", "onetrip.cli", "demo", "--speed", "240"]


def _start(
    *args: str, env: dict[str, str] | None = None, headless: bool = True
) -> subprocess.Popen[str]:
    # A session of its own, as a terminal's foreground job: Ctrl-C goes to its whole group.
    return subprocess.Popen(
        [*DEMO, *(["--headless"] if headless else []), *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, env=env,
    )  # fmt: skip


def _wait_for_line(proc: subprocess.Popen[str], text: str, timeout: float = 60) -> list[str]:
    assert proc.stdout is not None
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if text in line or not line:
            return lines
    raise AssertionError(f"no {text!r} in {lines}")


def test_ctrl_c_stops_the_hall_cleanly_and_it_behaved(tmp_path: Path):
    proc = _start("--dir", str(tmp_path))
    try:
        _wait_for_line(proc, "arrivals an hour")
        _wait_for_line(proc, "issued")  # the first progress line, 10 s in
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out + err
    assert "the hall behaved" in out and "PROBLEM" not in out
    assert "every call on every board" in out  # the simulated boards log what they saw
    for log in (tmp_path / "logs").glob("*.log"):
        assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace"), log.name
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["issued"] >= 20 and summary["served"] >= 10
    assert summary["acknowledged"] <= summary["issued"]
    assert all(n == summary["calls"] for n in summary["calls_seen"].values())
    assert summary["problems"] == []
    receipts = sorted((tmp_path / "receipts").glob("*.txt"))
    assert len(receipts) >= 20  # every ticket printed on a virtual printer over TCP
    text = receipts[0].read_text(encoding="utf-8")
    assert "余姚市行政服务中心" in text and "/t/" in text and "?" not in text


def _server_pid(folder: Path) -> int:
    config = str(folder / "hall.toml")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"server.hub" in argv and config.encode() in argv:  # HubProcess
                return int(entry.name)
    raise AssertionError("no hall server process")


def test_the_demo_stops_when_the_server_dies_and_leaves_no_folder(tmp_path: Path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = _start(env=env)
    try:
        lines = _wait_for_line(proc, "arrivals an hour")
        folder = Path(next(x for x in lines if "demo hall in" in x).split(" in ")[1].strip())
        os.kill(_server_pid(folder), signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 1
    assert "大厅服务器已退出" in err and "the hall server stopped" in err
    assert not folder.exists() and not list(tmp_path.glob("onetrip-demo-*"))
    assert "removed" in out


def test_the_real_apps_run_in_the_demo_hall_offscreen(tmp_path: Path):
    """The kiosk, window 3's caller and evaluator, the board and window 3's screen start in
    the demo hall and run to the end; the rest of the hall stays simulated around them."""
    proc = _start("--offscreen", "--for", "15", "--dir", str(tmp_path), headless=False)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err
    assert "the hall behaved" in out and "PROBLEM" not in out
    # the boards are the real apps, which keep no log: the summary claims nothing of them
    assert "not counted" in out and "every call on every board" not in out
    assert "window 3's caller: staff s001" in out
    for app in ("kiosk", "caller", "evaluator", "board", "window-screen"):
        log = (tmp_path / "logs" / f"{app}.log").read_text(encoding="utf-8", errors="replace")
        assert "Traceback" not in log, (app, log[-2000:])
    assert "kiosk-1" not in {r.get("device") for r in _summaries(tmp_path)}  # the app, not a sim


def test_on_autopilot_the_apps_issue_call_serve_and_rate_through_their_widgets(tmp_path: Path):
    """``--autopilot``: citizens take tickets at the kiosk app (kiosk-1) by clicking its tiles,
    window 3's clerk calls and serves them by clicking the caller bar, and citizens rate on the
    evaluator; the hall around them stays simulated, and the demo stops clean."""
    proc = _start(
        "--offscreen", "--autopilot", "--for", "45", "--dir", str(tmp_path), headless=False
    )
    out, err = proc.communicate(timeout=150)
    assert proc.returncode == 0, out + err
    assert "the hall behaved" in out and "autopilot" in out
    for app in ("kiosk", "caller", "evaluator"):
        log = (tmp_path / "logs" / f"{app}.log").read_text(encoding="utf-8", errors="replace")
        assert "Traceback" not in log, (app, log[-2000:])
    db = sqlite3.connect(f"file:{tmp_path / 'hall.db'}?mode=ro", uri=True)
    try:
        by_kiosk = db.execute(
            "SELECT count(*) FROM tickets WHERE issued_by = 'kiosk-1' AND status = 'done'"
        ).fetchone()[0]
        called = dict(
            db.execute(
                "SELECT e.device, count(*) FROM events e JOIN tickets t ON t.id = e.ticket "
                "WHERE e.type = 'called' AND t.issued_by = 'kiosk-1' GROUP BY e.device"
            )
        )
        window3 = dict(db.execute("SELECT type, count(*) FROM events WHERE device = 'caller-3' "
                                  "GROUP BY type"))  # fmt: skip
    finally:
        db.close()
    assert by_kiosk >= 1  # tapped through the kiosk app, printed, called and served
    assert called and all(device.startswith("caller-") for device in called)
    assert window3.get("logged_in") == 1  # the clerk typed the 工号 and PIN into the bar
    assert window3.get("called", 0) >= 1 and window3.get("started", 0) >= 1
    assert window3.get("finished", 0) >= 1
    # every ticket the kiosk app gave was printed on its own printer, with its number
    slips = [p.read_text(encoding="utf-8") for p in (tmp_path / "receipts").glob("kiosk-1-*.txt")]
    assert len(slips) >= by_kiosk and all("/t/" in slip for slip in slips)
    assert not _left_running(tmp_path)


def _left_running(folder: Path) -> list[int]:
    """Processes still running with ``folder`` on their command line."""
    left = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                argv = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(folder).encode() in argv:
                left.append(int(entry.name))
    return left


def _summaries(folder: Path) -> list[dict]:
    path = folder / "summary.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines]
