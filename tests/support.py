"""Helpers for every test folder: the sample hall, hall-local times, and a hub process
(``server.hub.process.HubProcess``, the one way every program starts a hall server)."""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from server.hub.process import HubProcess, free_port
from shared.config import HallConfig, parse_config

TZ = ZoneInfo("Asia/Shanghai")
SECRET = b"test-secret-0123456789abcdef0123456789"
PIN = "123456"
ROOT = Path(__file__).resolve().parents[1]  # the checkout
__all__ = ["PIN", "ROOT", "SECRET", "TZ", "HubProcess", "at", "free_port", "make_config"]


def at(day: int = 24, hour: int = 9, minute: int = 0, second: float = 0, month: int = 11) -> float:
    """Epoch seconds for a hall-local time in November 2026 (the 24th is a Tuesday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=TZ).timestamp() + second


def make_config(text: str, **changes: object) -> HallConfig:
    """The sample config with top-level tables replaced, e.g. policy={...}; None drops one."""
    raw = tomllib.loads(text)
    for key, value in changes.items():
        if value is None:
            raw.pop(key, None)
        elif isinstance(value, dict) and isinstance(raw.get(key), dict):
            raw[key] = {**raw[key], **value}
        else:
            raw[key] = value
    return parse_config(raw, secret=SECRET)


def until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll ``check`` (a page in a browser, a file) until it gives something true; a check that
    raises counts as not yet (the page is between two states). Its value, or AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except Exception:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not in {timeout} s: {check}")
        time.sleep(0.05)
