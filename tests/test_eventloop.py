"""Every program runs its event loop through ``shared.eventloop``: uvloop where installed."""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any

import pytest

from shared import eventloop


async def _loop_type() -> str:
    return type(asyncio.get_running_loop()).__module__


@pytest.mark.skipif(importlib.util.find_spec("uvloop") is None, reason="uvloop not installed")
def test_uvloop_where_installed(monkeypatch):
    monkeypatch.delenv("ONETRIP_LOOP", raising=False)
    assert eventloop.loop_name() == "uvloop"
    assert eventloop.run(_loop_type()).startswith("uvloop")


def test_asyncio_on_request(monkeypatch):
    monkeypatch.setenv("ONETRIP_LOOP", "asyncio")
    assert eventloop.loop_name() == "asyncio"
    assert eventloop.run(_loop_type()).startswith("asyncio")
    loop = eventloop.new_event_loop()
    try:
        assert loop.run_until_complete(asyncio.sleep(0, "done")) == "done"
    finally:
        loop.close()


def test_stop_signals_reach_the_loop_where_it_cannot_take_them(monkeypatch):
    """Windows' loops lack ``add_signal_handler``: ``onetrip server`` then stops through a
    plain ``signal.signal`` handler that hands the stop to the loop."""
    import signal

    installed: dict[int, Any] = {}

    def refuse(*_args: object) -> None:
        raise NotImplementedError  # what asyncio's Windows loops do

    async def main() -> tuple[str, bool]:
        loop = asyncio.get_running_loop()
        monkeypatch.setattr(loop, "add_signal_handler", refuse)
        # (asyncio.Runner installs its own SIGINT handler before: only ours are recorded)
        monkeypatch.setattr(signal, "signal", lambda sig, handler: installed.update({sig: handler}))
        stop = asyncio.Event()
        way = eventloop.on_stop_signals(loop, stop.set)
        monkeypatch.undo()
        installed[signal.SIGINT](signal.SIGINT, None)  # Ctrl-C arrives
        await asyncio.wait_for(stop.wait(), 5)
        return way, stop.is_set()

    monkeypatch.setenv("ONETRIP_LOOP", "asyncio")
    assert eventloop.run(main()) == ("signal", True)
    assert set(installed) == set(eventloop.stop_signals())


def test_stop_signals_use_the_loop_where_it_can(monkeypatch):
    import os
    import signal

    if not hasattr(signal, "SIGTERM") or os.name == "nt":
        pytest.skip("POSIX signals")

    async def main() -> tuple[str, bool]:
        stop = asyncio.Event()
        way = eventloop.on_stop_signals(asyncio.get_running_loop(), stop.set)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(stop.wait(), 5)
        for sig in eventloop.stop_signals():
            asyncio.get_running_loop().remove_signal_handler(sig)
        return way, stop.is_set()

    assert eventloop.run(main()) == ("loop", True)
