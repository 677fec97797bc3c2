"""Every program runs its event loop through ``shared.eventloop``: uvloop where installed."""

from __future__ import annotations

import asyncio
import importlib.util

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
