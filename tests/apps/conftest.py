"""Fixtures for the Qt apps' tests: the sample hall, a real ``onetrip server`` process, a
virtual printer on a loopback port, and the apps' Qt start-up (CJK font, theme)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hub.conftest import HallFiles, ServerProcess, _write

from hardware.virtual_printer import VirtualPrinter, VirtualPrinterServer


@pytest.fixture(scope="session")
def app_hall(tmp_path_factory: pytest.TempPathFactory) -> HallFiles:
    """The sample hall, open day and night, with its device tokens."""
    return _write(tmp_path_factory.mktemp("app-hall"))


@pytest.fixture
def hall_server(app_hall: HallFiles, tmp_path: Path) -> Iterator[ServerProcess]:
    """A real hall server process of the test's own, on a new database."""
    proc = ServerProcess(app_hall, tmp_path / "hall.db").start()
    yield proc
    proc.kill()


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[VirtualPrinterServer]:
    """A virtual ESC/POS printer on a loopback TCP port; its receipts as .txt and .png."""
    device = VirtualPrinter("kiosk-test", out_dir=tmp_path / "receipts", slow_delay=0.6)
    with VirtualPrinterServer(device, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["onetrip-test"]


@pytest.fixture(scope="session")
def qapp_cls() -> type:
    from PySide6.QtWidgets import QApplication

    return QApplication


@pytest.fixture(scope="session", autouse=True)
def _app_font(qapp: object) -> str:
    """Every app test runs with the CJK font installed, as the apps start."""
    from qtkit.app import start_app

    start_app("onetrip-test")
    from PySide6.QtWidgets import QApplication

    return QApplication.font().family()
