"""Fixtures for the kiosk's tests: one real hall server per module (tickets pile up; each test
reads its own), a virtual printer per test, and a kiosk built from a real TOML config."""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hub.conftest import HallFiles, ServerProcess
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from hardware.escpos_parser import Receipt
from hardware.virtual_printer import VirtualPrinter, VirtualPrinterServer
from kiosk.app import Kiosk, build_kiosk
from kiosk.config import parse_kiosk_config
from shared.security import hash_pin

MAINT_PIN = "246810"
PIN_HASH = hash_pin(MAINT_PIN, fast=True)


@pytest.fixture(scope="module")
def kiosk_server(app_hall: HallFiles, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    proc = ServerProcess(app_hall, tmp_path_factory.mktemp("kiosk-db") / "hall.db").start()
    yield proc
    proc.kill()


@pytest.fixture
def vprinter(tmp_path: Path) -> Iterator[VirtualPrinterServer]:
    device = VirtualPrinter("kiosk", out_dir=tmp_path / "receipts", slow_delay=0.6)
    with VirtualPrinterServer(device, host="127.0.0.1", port=0) as server:
        yield server


class Clock:
    """Real time, plus what a test skips ahead (idle and result timeouts without waiting)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class Driver:
    """A finger on a kiosk: finds the widgets by name and clicks them."""

    def __init__(self, qtbot: Any, kiosk: Kiosk, printer: VirtualPrinterServer, clock: Clock):
        self.qtbot, self.kiosk, self.printer, self.clock = qtbot, kiosk, printer, clock

    @property
    def window(self) -> QWidget:
        return self.kiosk.window

    @property
    def flow(self) -> Any:
        return self.kiosk.flow

    def widget(self, name: str) -> QWidget:
        found = self.window.widgets.get(name)
        assert found is not None, f"no {name} on {self.flow.screen}: {sorted(self.window.widgets)}"
        return found

    def text(self, name: str) -> str:
        return self.widget(name).text()  # type: ignore[attr-defined]

    def has(self, name: str) -> bool:
        return name in self.window.widgets

    def click(self, name: str) -> None:
        button = self.widget(name)
        assert isinstance(button, QPushButton)
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def wait_screen(self, screen: str, timeout: int = 8000) -> None:
        self.qtbot.waitUntil(lambda: self.flow.screen.value == screen, timeout=timeout)

    def wait_ready(self, timeout: int = 10000) -> None:
        """Home, connected, the printer asked, the zones shown."""
        self.qtbot.waitUntil(
            lambda: (
                self.flow.screen.value == "home"
                and self.flow.connected
                and self.flow.printer is not None
                and self.has("zone-shangshi")
            ),
            timeout=timeout,
        )

    def enabled(self, name: str) -> bool:
        return self.widget(name).isEnabled()

    def receipts(self) -> list[Receipt]:
        return list(self.printer.printer.receipts)

    def scan(self, code: str) -> None:
        """A keyboard-wedge burst: the code's keys and Enter, into the window with no field."""
        self.window.activateWindow()
        self.qtbot.keyClicks(self.window, code)
        self.qtbot.keyClick(self.window, Qt.Key.Key_Return)

    def issue(self, zone: str = "shangshi", matter: str = "qysl", priority: str = "none") -> None:
        """Tap through a normal ticket: zone, matter, 绿色通道 step."""
        self.click(f"zone-{zone}")
        if self.flow.screen.value == "matters":
            self.click(f"matter-{matter}")
        if self.flow.screen.value == "priority":
            self.click(f"priority-{priority}")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_kiosk(
    qtbot: Any,
    app_hall: HallFiles,
    kiosk_server: Any,
    vprinter: VirtualPrinterServer,
    clock: Clock,
    tmp_path: Path,
) -> Iterator[Callable[..., Driver]]:
    made: list[Kiosk] = []

    def make(
        *,
        device: str = "kiosk-1",
        policy: str = "refuse",
        orientation: str = "landscape",
        hall: bool = True,
        show: bool = True,
        **kiosk: Any,
    ) -> Driver:
        raw: dict[str, Any] = {
            "hub": {
                "url": kiosk_server.url,
                "device": device,
                "token": app_hall.tokens[device],
                "request_timeout": kiosk.pop("request_timeout", 15),
            },
            "printer": {"url": vprinter.url, "when_broken": policy, "poll_seconds": 0.5},
            "screen": {"orientation": orientation, "diagonal_inches": 21.5},
            "kiosk": {"result_seconds": 10, "idle_seconds": 30, **kiosk},
            "maintenance": {"pin_hash": PIN_HASH},
        }
        if hall:
            raw["hall"] = {"config": str(app_hall.config_path)}
        config = parse_kiosk_config(raw, file="kiosk.toml", base=tmp_path)
        built = build_kiosk(config, clock=clock, corner_hold=0.3, backoff=(0.05, 0.5))
        made.append(built)
        if show:
            built.window.show()
            qtbot.waitExposed(built.window)
        driver = Driver(qtbot, built, vprinter, clock)
        driver.wait_ready()
        return driver

    yield make
    for built in made:
        built.close()
    # Delete the windows now, not in some later test's event loop (whose refcounts would move).
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def tickets_of(server: Any, label: str) -> list[tuple[str, str]]:
    """(id, status) of today's ticket ``label`` in the hall database, read-only."""
    with sqlite3.connect(server.db_uri, uri=True) as db:
        return db.execute(
            "SELECT id, status FROM tickets WHERE label = ? ORDER BY issued_at", (label,)
        ).fetchall()


class Desk:
    """Window staff and the hall's admin, as real protocol clients on a loop of their own, so a
    test can call, mark as missed and issue a 续办服务卡 while the kiosk's Qt loop runs."""

    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        import asyncio
        import threading

        from shared.client import HubClient

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.clients: dict[str, HubClient] = {}
        self._make = lambda device: HubClient(
            url, device=device, token=tokens[device], backoff=(0.05, 0.5), request_timeout=10
        )

    def _run(self, coro: Any) -> Any:
        import asyncio

        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(20)

    def request(self, device: str, op: str, **fields: Any) -> dict[str, Any]:
        if device not in self.clients:
            self.clients[device] = self._make(device)
            self._run(self.clients[device].connect(10))
        return self._run(self.clients[device].request(op, **fields))

    def at(self, window: int) -> Callable[..., dict[str, Any]]:
        """The caller of ``window``: ``desk.at(3)("call_next")``."""
        return lambda op, **fields: self.request(f"caller-{window}", op, window=window, **fields)

    def close(self) -> None:
        for client in self.clients.values():
            self._run(client.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def desk(kiosk_server: Any, app_hall: HallFiles) -> Iterator[Desk]:
    made = Desk(kiosk_server.url, app_hall.tokens)
    yield made
    made.close()
