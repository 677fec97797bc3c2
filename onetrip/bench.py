"""``onetrip bench hall``: the whole path through the real apps, in a busy hall.

- ``tap``: a citizen's last tap at the kiosk app (普通 on the 绿色通道 step) → the kiosk shows
  the printed ticket (the reply in, the slip printed on a virtual printer over TCP, the ticket
  screen drawn), p50/p95; ``tap_hub`` is the hub's part of it (the request leaves the kiosk's
  client → its reply arrives), ``tap_app`` the rest (the kiosk app and its printer).
- ``call``: the clerk's click on 呼叫下一位 at window 3's caller bar → the hall board app has
  painted the number, p50/p95; ``call_hub`` is the hub's part (the request leaves the caller's
  client → the push arrives at the board's client), ``call_apps`` the caller's and the board's
  own parts together.
- ``rss``: each app's resident memory after an hour of hall time at 60× (``onetrip demo
  --offscreen --autopilot --for 60``: the apps work through their widgets all the while).

All of it while a busy hall runs on the same server: a second kiosk issuing 不动产登记 tickets
four a second, and five windows calling, serving (1.5 s) and finishing them: about three
calls a second on the board, a peak of a big hall (a round whose call another window's call
overtakes before the board paints it is counted in ``call_overtaken``, not timed). The
apps run offscreen in this process (the RSS part: each in its own, as in the demo).
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared import eventloop
from shared.benchline import emitter, memory_mib, percentile

LOAD_RATE = 4.0  # tickets a second from the busy hall's other kiosk
LOAD_WINDOWS = (5, 6, 7, 8, 9)  # 不动产登记's windows
SERVICE = 1.5  # seconds a load window serves: with five, about three calls a second in all


emit = emitter("hall")


def now_ms() -> float:
    return time.perf_counter_ns() / 1e6


def bench(folder: Path, quick: bool = False) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from display.stage import Stage

    for stale in ("hall-bench", "hall-rss"):  # a kept --dir: each run on a fresh hall
        shutil.rmtree(folder / stale, ignore_errors=True)
    with Stage(folder / "hall-bench") as stage:
        path(stage, 10 if quick else 60)
    rss(folder / "hall-rss", 20 if quick else 60)


class Load:
    """The busy hall around the apps: a kiosk and five windows on a loop of their own."""

    def __init__(self, stage: Any) -> None:
        self.stage = stage
        self.loop = eventloop.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.stopped = False
        self.done = 0

    def start(self) -> Load:
        self.thread.start()
        self.future = asyncio.run_coroutine_threadsafe(self._run(), self.loop)
        return self

    async def _run(self) -> None:
        from display.stage import PIN

        kiosk = await self.stage.client("kiosk-2")
        windows = []
        for n in LOAD_WINDOWS:
            caller = await self.stage.client(f"caller-{n}")
            await caller.request("login", window=n, staff=f"s{n:03d}", pin=PIN)
            windows.append((n, caller))

        async def issue() -> None:
            while not self.stopped:
                await kiosk.request("issue", zone="budongchan")
                await asyncio.sleep(1 / LOAD_RATE)

        async def serve(n: int, caller: Any) -> None:
            from shared.client import HubError

            while not self.stopped:
                try:
                    await caller.request("call_next", window=n)
                except HubError:
                    await asyncio.sleep(0.2)  # nobody waiting
                    continue
                await caller.request("start", window=n)
                await asyncio.sleep(SERVICE)
                await caller.request("finish", window=n, case_done=True)
                self.done += 1

        await asyncio.gather(issue(), *(serve(n, c) for n, c in windows))
        for client in (kiosk, *(c for _, c in windows)):
            await client.close()

    def stop(self) -> None:
        self.stopped = True
        self.future.result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def path(stage: Any, rounds: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from caller.app import build as build_caller
    from caller.config import CallerConfig, EvaluatorConfig
    from display.app import DisplayApp
    from display.config import DisplayConfig
    from hardware.virtual_printer import VirtualPrinter, VirtualPrinterServer
    from kiosk.app import build_kiosk
    from kiosk.config import parse_kiosk_config
    from kiosk.flow import DISMISS_AFTER
    from qtkit.app import start_app
    from qtkit.units import Units

    app = start_app("onetrip-bench")
    printer = VirtualPrinterServer(VirtualPrinter("bench"), host="127.0.0.1", port=0).start()
    raw = {
        "hub": {"url": stage.url, "device": "kiosk-1", "token": stage.tokens["kiosk-1"]},
        "printer": {"url": printer.url, "when_broken": "refuse", "poll_seconds": 1},
        "screen": {"orientation": "landscape", "diagonal_inches": 21.5},
        "hall": {"config": str(stage.config_path)},
    }
    skipped = [0.0]  # seconds the kiosk's clock is put ahead (its double-tap guard)
    kiosk = build_kiosk(
        parse_kiosk_config(raw, file="kiosk.toml", base=stage.folder),
        clock=lambda: time.time() + skipped[0],
    )
    caller = build_caller(
        CallerConfig(
            hub_url=stage.url, device="caller-3", token=stage.tokens["caller-3"], window=3,
            evaluator=EvaluatorConfig(enabled=False), request_timeout=10,
        ),
        app=app,
    )  # fmt: skip
    bar = caller.bar
    assert bar is not None
    board = DisplayApp(
        DisplayConfig(hub_url=stage.url, device="display-hall", token=stage.tokens["display-hall"]),
        Units.from_diagonal(55, 1920, 1080),
    )
    for widget in (kiosk.window, bar, board.widget):
        widget.show()
    board.widget.resize(1920, 1080)
    board.start()

    marks: dict[str, float] = {}
    painted: dict[str, float] = {}

    def timed(hub: Any, name: str) -> None:
        """When ``hub``'s requests leave (the app's thread hands them over)."""
        send = hub.request

        def request(op: str, **fields: Any) -> str:
            marks.setdefault(f"{name}_{op}", now_ms())
            return str(send(op, **fields))

        hub.request = request

    timed(kiosk.hub, "kiosk")
    timed(bar.hub, "bar")
    # when a reply or a push reaches a client, in its own thread (before the app's queue)
    kiosk.hub._incoming.connect(
        lambda kind, _p: kind == "replied" and marks.setdefault("kiosk_reply", now_ms()),
        Qt.ConnectionType.DirectConnection,
    )

    def pushed(kind: str, payload: Any) -> None:
        if kind == "event" and payload.get("event") == "called":
            marks.setdefault(f"push_{payload['call']['ticket_id']}", now_ms())

    board.client._incoming.connect(pushed, Qt.ConnectionType.DirectConnection)
    board.widget.number.painted.connect(lambda text: painted.setdefault(text, now_ms()))

    def wait(check: Callable[[], Any], timeout: float = 20.0, must: bool = True) -> bool:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                if must:
                    raise RuntimeError("the apps did not follow")
                return False
            app.processEvents()
        return True

    def click(widget: Any) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)

    flow, window = kiosk.flow, kiosk.window
    wait(lambda: flow.can_issue and "zone-shangshi" in window.widgets and board.model.connected)
    wait(lambda: bar.login_button.isEnabled())
    bar.staff_edit.setText("s001")
    bar.pin_edit.setText(stage_pin())
    click(bar.login_button)
    wait(lambda: bar.model.status == "idle")
    load = Load(stage).start()
    tap_ms, tap_hub, call_ms, call_hub = [], [], [], []
    overtaken = 0
    try:
        for _ in range(rounds):
            marks.clear()
            wait(lambda: flow.screen.value == "home" and flow.can_issue)
            click(window.widgets["zone-shangshi"])
            wait(lambda: flow.screen.value == "matters")
            click(next(w for n, w in window.widgets.items() if n.startswith("matter-")))
            wait(lambda: flow.screen.value == "priority")
            tapped = now_ms()
            click(window.widgets["priority-none"])
            wait(lambda: flow.screen.value == "ticket")
            shown = now_ms()
            tap_ms.append(shown - tapped)
            tap_hub.append(marks["kiosk_reply"] - marks["kiosk_issue"])
            ticket = flow.shown.ticket if flow.shown else {}
            # the citizen touches the screen to go home, once the ticket has been up a second
            skipped[0] += DISMISS_AFTER
            click(window.page)

            tid, label = str(ticket["id"]), str(ticket["label"])
            wait(functools.partial(_listed, bar, tid))
            wait(lambda: "call_next" in bar.enabled)
            pressed = now_ms()
            click(bar.buttons["call_next"])
            # another window's call may come before the board paints this one (the number
            # shows the newest call): such a round is counted, not timed
            if wait(functools.partial(painted.__contains__, label), 5, must=False):
                call_ms.append(painted[label] - pressed)
                call_hub.append(marks[f"push_{ticket['id']}"] - marks["bar_call_next"])
            else:
                overtaken += 1
            wait(lambda: not bar.gate.busy)
            bar.send("start")
            wait(lambda: bar.model.status == "serving" and not bar.gate.busy)
            bar.send("finish", check=False, case_done=True)
            wait(lambda: bar.model.status == "idle" and not bar.gate.busy)
    finally:
        load.stop()
        caller.stop()
        board.stop()
        kiosk.close()
        printer.stop()
        QApplication.processEvents()
    emit("rounds", rounds, "tickets")
    emit("load_served", load.done, "tickets")
    emit("call_overtaken", overtaken, "calls")
    emit("tap_p50", percentile(tap_ms, 50), "ms")
    emit("tap_p95", percentile(tap_ms, 95), "ms")
    emit("tap_hub_p95", percentile(tap_hub, 95), "ms")
    tap_app = [a - b for a, b in zip(tap_ms, tap_hub, strict=True)]
    emit("tap_app_p95", percentile(tap_app, 95), "ms")
    emit("call_p50", percentile(call_ms, 50), "ms")
    emit("call_p95", percentile(call_ms, 95), "ms")
    emit("call_hub_p95", percentile(call_hub, 95), "ms")
    call_apps = [a - b for a, b in zip(call_ms, call_hub, strict=True)]
    emit("call_apps_p95", percentile(call_apps, 95), "ms")


def _listed(bar: Any, tid: str) -> bool:
    """The caller bar's waiting list shows ticket ``tid``."""
    return any(t.get("id") == tid for t in bar.model.waiting)


def stage_pin() -> str:
    from display.stage import PIN

    return PIN


APPS = {  # each app's process in the demo: its config, and whether it runs --evaluator
    "kiosk": ("kiosk.toml", False),
    "caller": ("caller.toml", False),
    "evaluator": ("caller.toml", True),
    "board": ("board.toml", False),
    "window-screen": ("window-screen.toml", False),
}


def rss(folder: Path, seconds: float) -> None:
    """Each app's resident memory after ``seconds`` of the demo on autopilot, counted from when
    every app is up (60 s: an hour of hall time at 60×); then Ctrl-C, as a visitor would."""
    import signal

    folder.mkdir(parents=True, exist_ok=True)
    demo = subprocess.Popen(
        [sys.executable, "-m", "onetrip.cli", "demo", "--offscreen", "--autopilot",
         "--for", str(seconds + 120), "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(app_rss(folder)) < len(APPS) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(seconds)
        found = app_rss(folder)
        if sys.platform != "win32":
            os.killpg(demo.pid, signal.SIGINT)
        code = demo.wait(120)
    finally:
        if demo.poll() is None:
            demo.kill()
    for name, mib in sorted(found.items()):
        emit(f"rss_{name}", mib, "MiB")
    emit("demo_exit", code, "code")


def app_rss(folder: Path) -> dict[str, float]:
    """The resident memory (MiB) of the demo's app processes now (Linux: /proc)."""
    out: dict[str, float] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return out
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        for name, (config, evaluator) in APPS.items():
            if str(folder / config) in argv and ("--evaluator" in argv) == evaluator:
                out[name] = memory_mib(int(entry.name))
    return out
