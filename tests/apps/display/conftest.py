"""Fixtures for the display's tests: the boards on a real server process, and a driver that
plays the hall's other devices (kiosk, callers, admin) over real websockets."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from support import PIN

from display.app import DisplayApp
from display.config import DisplayConfig
from display.sizes import SCREENS
from qtkit.units import Units
from shared import eventloop
from shared.client import HubClient


class Driver:
    """Protocol clients on an event loop of their own thread; ``request`` blocks the test (not
    the Qt loop: the board's client has its own thread) until the hub answers."""

    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.url, self.tokens = url, tokens
        self.loop = eventloop.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.clients: dict[str, HubClient] = {}

    def _run(self, coro: Any, timeout: float = 15) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def client(self, device: str) -> HubClient:
        if device not in self.clients:
            client = HubClient(
                self.url,
                device=device,
                token=self.tokens[device],
                keep_events=0,
                backoff=(0.05, 0.5),
                request_timeout=5,
            )
            self.clients[device] = self._run(client.connect(10))
        return self.clients[device]

    def request(self, device: str, op: str, **fields: Any) -> dict[str, Any]:
        client = self.client(device)
        return dict(self._run(client.request(op, **fields)))

    def login(self, window: int, staff: str) -> None:
        self.request(f"caller-{window}", "login", window=window, staff=staff, pin=PIN)

    def issue(self, zone: str = "shangshi", n: int = 1) -> list[str]:
        return [self.request("kiosk-1", "issue", zone=zone)["ticket"]["label"] for _ in range(n)]

    def call_next(self, window: int) -> str:
        return str(self.request(f"caller-{window}", "call_next", window=window)["ticket"]["label"])

    def close(self) -> None:
        for client in self.clients.values():
            self._run(client.close())
        self.clients.clear()

    def stop(self) -> None:
        self.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def driver(hall_server, app_hall) -> Iterator[Driver]:
    d = Driver(hall_server.url, app_hall.tokens)
    yield d
    d.stop()


@pytest.fixture
def make_driver(app_hall) -> Iterator[Any]:
    """``make_driver(url)``: a driver for another server of the test's own."""
    made: list[Driver] = []

    def make(url: str) -> Driver:
        made.append(Driver(url, app_hall.tokens))
        return made[-1]

    yield make
    for d in made:
        d.stop()


@pytest.fixture
def displays(qtbot: Any, app_hall: Any) -> Iterator[Any]:
    """``displays(url, mode=…, window=…, size=…)``: a board on the screen, connected; every
    one made is stopped at the end."""
    made: list[DisplayApp] = []

    def make(url: str, tokens: dict[str, str] | None = None, **options: Any) -> DisplayApp:
        app = make_display(qtbot, url, tokens or app_hall.tokens, **options)
        made.append(app)
        return app

    yield make
    for app in made:
        app.stop()


def make_display(
    qtbot: Any,
    url: str,
    tokens: dict[str, str],
    *,
    mode: str = "hall",
    window: int | None = None,
    size: tuple[int, int, float] = SCREENS["1080p"],
    voice: Any = None,
    **config: Any,
) -> DisplayApp:
    device = "display-hall" if mode == "hall" else "display-2f"
    cfg = DisplayConfig(
        hub_url=url, device=device, token=tokens[device], mode=mode, window=window, **config
    )
    width, height, inches = size
    app = DisplayApp(
        cfg,
        Units.from_diagonal(inches, width, height),
        voice=voice,
        client_options={"backoff": (0.05, 0.3)},
    )
    qtbot.addWidget(app.widget)
    app.widget.resize(width, height)
    app.widget.show()
    app.start()
    qtbot.waitUntil(lambda: app.model.connected and app.model.seq >= 0, timeout=10_000)
    return app
