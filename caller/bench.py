"""``onetrip bench caller``: the caller bar's own figures, against a real hall server process.

- ``click_p50`` / ``click_p95`` / ``click_max``: a click on 呼叫下一位 until its reply is on
  the bar (the ticket number and the line under it), over 500 calls (100 with ``--quick``);
  the goal is p95 ≤ 50 ms.
- ``protocol_p50`` / ``protocol_p95``: the same ``call_next`` from the client library alone
  (no Qt), on the same server: the floor under the bar's figure.
- ``cold_start``: a new ``onetrip caller`` process until the login screen shows the window's
  state from the server (the goal: ≤ 2 s), the median of three starts; ``cold_start_max``.

Everything Qt runs in child processes (offscreen), so ``onetrip bench`` itself loads no Qt.
Prints one JSON object per line, ``{"bench", "metric", "value", "unit"}``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from shared.benchline import emitter, percentile

CALLS, QUICK_CALLS = 500, 100


emit = emitter("caller")


def bench(folder: Path, quick: bool) -> None:
    """The bench as ``onetrip bench`` runs it: its measures come from a child process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = [sys.executable, "-m", "caller.bench", "clicks", str(folder / "caller")]
    proc = subprocess.run(
        [*args, *(["--quick"] if quick else [])], env=env, capture_output=True, text=True
    )
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            print(line, flush=True)
    if proc.returncode != 0:
        raise RuntimeError(f"the caller bench failed: {proc.stderr[-2000:]}")


# --- in the child process ----------------------------------------------------------------
def _clicks(folder: Path, quick: bool) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from shared import eventloop
    from shared.client import HubClient

    from .app import build
    from .config import CallerConfig
    from .screenshots import PIN, start_sample_server

    folder.mkdir(parents=True, exist_ok=True)
    calls = QUICK_CALLS if quick else CALLS
    proc, url, tokens = start_sample_server(
        folder, "--rate", "caller=100000", "--rate", "admin=100000"
    )
    try:

        async def issue() -> None:
            async with HubClient(url, device="admin", token=tokens["admin"]) as client:
                await client.wait_connected(10)
                for _ in range(2 * calls):
                    await client.request("issue", zone="shangshi")

        eventloop.run(issue())
        config = CallerConfig(hub_url=url, device="caller-1", token=tokens["caller-1"], window=1)
        made = build(config)
        bar = made.bar
        assert bar is not None
        bar.show()

        wait = QEventLoop.ProcessEventsFlag.WaitForMoreEvents
        ticker = QTimer()  # wakes the wait now and then, for the deadline
        ticker.start(50)

        def until(cond: Any, timeout: float = 10) -> None:
            """Run Qt's loop as the app does (asleep until an event comes) until ``cond``."""
            deadline = time.monotonic() + timeout
            while not cond():
                if time.monotonic() > deadline:
                    raise TimeoutError("the bar did not get there")
                QApplication.processEvents(wait)

        until(lambda: bar.hub.is_connected and bar.model.window is not None)
        bar.staff_edit.setText("s001")
        bar.pin_edit.setText(PIN)
        bar.login()
        until(lambda: bar.model.status == "idle" and not bar.gate.busy)
        shown: list[str] = []
        bar.shown.connect(shown.append)
        took = []
        for _ in range(calls):
            until(lambda: "call_next" in bar.enabled)
            shown.clear()
            began = time.perf_counter()
            bar.buttons["call_next"].click()
            until(lambda: shown == ["call_next"])
            took.append((time.perf_counter() - began) * 1000)
            assert bar.ticket.text().startswith("A"), bar.message.text()
            bar.press("no_show")
            until(lambda: not bar.gate.busy)
        ticker.stop()
        made.stop()
        emit("calls", len(took), "calls")
        for name, p in (("click_p50", 50), ("click_p95", 95)):
            emit(name, percentile(took, p), "ms")
        emit("click_max", max(took), "ms")
        floor = eventloop.run(_bare(url, tokens["caller-2"], calls))
        for name, p in (("protocol_p50", 50), ("protocol_p95", 95)):
            emit(name, percentile(floor, p), "ms")
        starts = [_cold_start(folder, url, tokens["caller-2"]) for _ in range(3)]
        emit("cold_start", sorted(starts)[1], "s")
        emit("cold_start_max", max(starts), "s")
    finally:
        proc.terminate()
        proc.wait(10)


async def _bare(url: str, token: str, calls: int) -> list[float]:
    """The same calls from the client library alone, no Qt: the floor under the bar."""
    from shared.client import HubClient

    from .screenshots import PIN

    async with HubClient(url, device="caller-2", token=token) as client:
        await client.wait_connected(10)
        await client.request("login", window=2, staff="s002", pin=PIN)
        took = []
        for _ in range(calls):
            began = time.perf_counter()
            await client.request("call_next", window=2)
            took.append((time.perf_counter() - began) * 1000)
            await client.request("no_show", window=2)
        await client.request("logout", window=2)
    return took


def _cold_start(folder: Path, url: str, token: str) -> float:
    config = folder / "caller-2.toml"
    (folder / "caller-2.token").write_text(token, encoding="utf-8")
    config.write_text(
        f'[hub]\nurl = "{url}"\ndevice = "caller-2"\ntoken_file = "caller-2.token"\n'
        "[caller]\nwindow = 2\n",
        encoding="utf-8",
    )
    began = time.time()
    out = subprocess.run(
        [sys.executable, "-m", "caller.bench", "coldstart", str(config), str(began)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if out.returncode != 0:
        raise RuntimeError(f"the cold start failed: {out.stderr[-2000:]}")
    return float(out.stdout.strip().splitlines()[-1])


def _coldstart(config_path: Path, began: float) -> None:
    """As ``onetrip caller --config`` starts: until the login screen shows the server's state."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from .app import build
    from .config import load_caller_config

    made = build(load_caller_config(config_path))
    bar = made.bar
    assert bar is not None
    bar.show()
    ticker = QTimer()
    ticker.start(20)
    while not (bar.hub.is_connected and bar.model.window is not None and bar.state.text()):
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        if time.time() - began > 30:
            raise TimeoutError("no login screen")
    assert bar.body.currentWidget() is bar.login_page
    took = time.time() - began
    made.stop()
    print(took, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m caller.bench")
    sub = parser.add_subparsers(dest="what", required=True)
    clicks = sub.add_parser("clicks")
    clicks.add_argument("folder", type=Path)
    clicks.add_argument("--quick", action="store_true")
    cold = sub.add_parser("coldstart")
    cold.add_argument("config", type=Path)
    cold.add_argument("began", type=float)
    args = parser.parse_args()
    if args.what == "clicks":
        _clicks(args.folder, args.quick)
    else:
        _coldstart(args.config, args.began)


if __name__ == "__main__":
    main()
