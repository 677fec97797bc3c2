"""One way to run a program's event loop: uvloop where it is installed, asyncio's own otherwise.

uvloop (libuv) does the same work as asyncio's default loop with far less Python per socket
event: the hub answers more requests per core and pushes reach boards sooner. It is optional —
Windows has none — and ``ONETRIP_LOOP=asyncio`` turns it off to compare or to debug.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_name() -> str:
    """``uvloop`` or ``asyncio``: the loop ``run`` will use."""
    if os.environ.get("ONETRIP_LOOP", "").lower() == "asyncio":
        return "asyncio"
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def new_event_loop() -> asyncio.AbstractEventLoop:
    if loop_name() == "uvloop":
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on the loop ``loop_name`` names."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(main)


def stop_signals() -> list[signal.Signals]:
    """The signals that ask a program to stop: Ctrl-C, ``kill``, and Windows' Ctrl-Break."""
    found = [signal.SIGINT, signal.SIGTERM]
    if hasattr(signal, "SIGBREAK"):
        found.append(signal.SIGBREAK)
    return found


def on_stop_signals(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> str:
    """Call ``stop`` in ``loop`` when a stop signal arrives. Unix loops take the handler
    themselves (``add_signal_handler``); Windows' loops have none, so there it is a plain
    ``signal.signal`` handler that hands over to the loop. Returns which way was used."""
    try:
        for sig in stop_signals():
            loop.add_signal_handler(sig, stop)
    except (NotImplementedError, RuntimeError):

        def handler(_sig: int, _frame: object) -> None:
            loop.call_soon_threadsafe(stop)

        for sig in stop_signals():
            signal.signal(sig, handler)
        return "signal"
    return "loop"
