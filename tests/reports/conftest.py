"""The hand-built day of ``reportday`` in a database file, once per test module."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportday import build_day, hall_files

from server.hall import Hall
from shared.config import HallConfig


@pytest.fixture(scope="module")
def day_db(tmp_path_factory) -> tuple[Path, HallConfig]:
    folder = tmp_path_factory.mktemp("day")
    _, config = hall_files(folder)
    hall = Hall(config, folder / "hall.db", synchronous="OFF")
    try:
        build_day(hall)
    finally:
        hall.close()
    return folder / "hall.db", config


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch) -> None:
    """Reports keep closed days under $XDG_CACHE_HOME: the tests' own folder, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
