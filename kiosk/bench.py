"""``onetrip bench kiosk``: the kiosk's own figures, on this machine, against a trial hall (a real
server process, the virtual printer over TCP, the kiosk's Qt window offscreen).

- ``tap_to_print``: from the tap on the last choice (the 绿色通道 step's 不需要) to the ticket's
  last byte — its cut — at the virtual printer, p50 and p95 over 200 tickets (bar: p95 ≤ 300 ms;
  the goal is 150 ms). It holds the request to the server, its durable commit and reply, the
  printer's status before, the ticket's bytes and the status after.
- ``cold_start``: from starting a new kiosk process to a usable home screen (connected, the
  printer asked, the tiles enabled) (bar: ≤ 3 s), and that process's resident memory then.
- ``resident_memory``: the kiosk process after the 200 tickets.

Prints one JSON object per line, ``{"bench", "metric", "value", "unit"}``, like the server's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from shared.benchline import emitter, memory_mib, percentile

TICKETS, QUICK_TICKETS = 200, 30


emit = emitter("kiosk")


def bench(folder: Path, quick: bool) -> None:
    """The ``onetrip bench`` entry: the trial hall lives in ``folder``."""
    run(folder, quick)


def run(folder: Path, quick: bool = False) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtTest import QTest

    from qtkit.app import start_app

    from .app import build_kiosk
    from .flow import Screen
    from .trial import TrialHall

    app = start_app("onetrip-kiosk-bench")
    with TrialHall(folder / "kiosk-bench", rates=("kiosk=100000",)) as hall:
        assert hall.printer is not None
        printed: list[float] = []
        done = threading.Event()

        def on_receipt(_receipt: Any) -> None:
            printed.append(time.perf_counter())
            done.set()

        hall.printer.printer.on_receipt = on_receipt
        hall.printer.printer.out_dir = None  # no .txt/.png per receipt: not the kiosk's cost
        config = hall.kiosk_config()
        cold = cold_start(config)
        kiosk = build_kiosk(config)
        window, flow = kiosk.window, kiosk.flow
        window.show()

        def wait(check: Any, timeout: float = 10.0) -> None:
            deadline = time.monotonic() + timeout
            while not check():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"kiosk stuck on {flow.screen}")
                app.processEvents()
                # what a running event loop does between events: delete the pages drawn over
                app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
                time.sleep(0.0005)

        def click(name: str) -> None:
            QTest.mouseClick(window.widgets[name], Qt.MouseButton.LeftButton)

        took: list[float] = []
        try:
            for _ in range(QUICK_TICKETS if quick else TICKETS):
                wait(lambda: flow.screen is Screen.HOME and flow.can_issue)
                click("zone-shangshi")
                click("matter-qysl")
                done.clear()
                began = time.perf_counter()
                click("priority-none")
                wait(done.is_set)
                took.append((printed[-1] - began) * 1000)
                wait(lambda: flow.screen is Screen.TICKET)
                window.tap("home")
            memory = memory_mib()
        finally:
            kiosk.close()
    emit("tickets", len(took), "tickets")
    emit("tap_to_print_p50", percentile(took, 50), "ms")
    emit("tap_to_print_p95", percentile(took, 95), "ms")
    emit("tap_to_print_max", max(took), "ms")
    emit("cold_start", cold["ready_ms"], "ms")
    emit("cold_start_memory", cold["rss_mib"], "MiB")
    emit("resident_memory", memory, "MiB")


def cold_start(config: Any) -> dict[str, float]:
    """A new kiosk process, from its start to a usable home screen."""
    spec = {
        "url": config.hub.url,
        "device": config.hub.device,
        "token": config.hub.token,
        "printer": config.printer_url,
    }
    began = time.time_ns()
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk.bench", "child", json.dumps(spec), str(began)],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"the cold-start kiosk failed: {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def child(spec: dict[str, str], began_ns: int) -> None:
    """The cold-start kiosk: everything from the imports on, then report and quit."""
    from qtkit.app import start_app

    from .app import build_kiosk
    from .config import parse_kiosk_config
    from .flow import Screen

    app = start_app("onetrip-kiosk")
    config = parse_kiosk_config(
        {
            "hub": {"url": spec["url"], "device": spec["device"], "token": spec["token"]},
            "printer": {"url": spec["printer"]},
            "screen": {"diagonal_inches": 21.5},
        }
    )
    kiosk = build_kiosk(config)
    kiosk.window.show()
    flow = kiosk.flow
    deadline = time.monotonic() + 30
    while not (
        flow.screen is Screen.HOME
        and flow.can_issue
        and "zone-shangshi" in kiosk.window.widgets
        and kiosk.window.widgets["zone-shangshi"].isEnabled()
    ):
        if time.monotonic() > deadline:
            raise TimeoutError("no usable home screen in 30 s")
        app.processEvents()
        time.sleep(0.001)
    ready_ms = (time.time_ns() - began_ns) / 1e6
    print(json.dumps({"ready_ms": ready_ms, "rss_mib": memory_mib()}), flush=True)
    kiosk.close()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "child":
        child(json.loads(sys.argv[2]), int(sys.argv[3]))
    else:
        print("usage: onetrip bench kiosk", file=sys.stderr)
        sys.exit(2)
