"""Fixtures of the caller's tests (the helpers live in ``clerk``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apps.caller.clerk import Callers, Kiosk
from hub.conftest import HallFiles, ServerProcess


@pytest.fixture
def callers(app_hall: HallFiles, hall_server: ServerProcess, qtbot: Any) -> Iterator[Callers]:
    made = Callers(app_hall, hall_server, qtbot)
    yield made
    made.close()


@pytest.fixture
def kiosk(app_hall: HallFiles, hall_server: ServerProcess) -> Kiosk:
    return Kiosk(app_hall, hall_server.url)


@pytest.fixture
def hall_server(app_hall: HallFiles, tmp_path: Path) -> Iterator[ServerProcess]:
    """A real server process; the callers' request rate raised, so a hundred presses in a row
    meet the window rules and not the rate limit."""
    proc = ServerProcess(app_hall, tmp_path / "hall.db", extra=("--rate", "caller=100000")).start()
    yield proc
    proc.kill()
