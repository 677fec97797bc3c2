"""Fixtures of the caller's tests (the helpers live in ``clerk``)."""

from __future__ import annotations

from collections.abc import Iterator
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
