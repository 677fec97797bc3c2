"""Fixtures for the hardware tests: sample slips, a virtual printer on a loopback port, and for
the bridge the sample hall with a real hall server process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO

import pytest
from support import PIN, HubProcess

from hardware.layouts import CardSlip, TicketSlip
from hardware.virtual_printer import VirtualPrinter, VirtualPrinterServer
from shared.sample import write_hall

CST = timezone(timedelta(hours=8))


@pytest.fixture
def ticket() -> TicketSlip:
    return TicketSlip(
        hall="余姚市行政服务中心",
        zone="商事登记",
        matter="企业设立登记",
        number="A001",
        kind="priority",
        ahead=3,
        wait_minutes=12,
        issued_at=datetime(2026, 11, 22, 9, 31, 5, tzinfo=CST),
        status_url="https://hall.example/t/ABCD2345",
        tips=("请携带：身份证、营业执照（原件）。",),
    )


@pytest.fixture
def card() -> CardSlip:
    return CardSlip(
        hall="余姚市行政服务中心",
        card_no="XB20261122-0007",
        staff_name="王芳",
        window="3",
        phone="0574-62712345",
        zone="商事登记",
        matter="企业设立登记",
        tips=("下次请带齐股东会决议原件。", "如需补正材料，可先电话联系。"),
        code="OT1.XB20261122-0007.1767052800.3f9a1c0d5e7b2a4c6e8f0a1b2c3d4e5f",
        valid_until=date(2026, 12, 22),
    )


@pytest.fixture
def virtual_server(tmp_path) -> Iterator[VirtualPrinterServer]:
    printer = VirtualPrinter("test", out_dir=tmp_path / "receipts", slow_delay=0.6)
    with VirtualPrinterServer(printer, host="127.0.0.1", port=0) as server:
        yield server


# --- the bridge: a real hall server process and the sample hall --------------------------------


@dataclass
class SampleHall:
    """The sample hall on disk (open at any hour, every PIN 123456) and its device tokens."""

    config_path: Path
    tokens: dict[str, str]


@pytest.fixture(scope="session")
def sample_hall(tmp_path_factory: pytest.TempPathFactory) -> SampleHall:
    path = tmp_path_factory.mktemp("hall") / "hall.toml"
    creds = write_hall(path, pin=PIN, fast=True, always_open=True)
    return SampleHall(path, creds.tokens)


class HallServer(HubProcess):
    """The hall server for the bridge tests; its log goes to ``log_path``."""

    def __init__(self, hall: SampleHall, db: Path, log_path: Path) -> None:
        super().__init__(hall.config_path, db)
        self.hall, self.log_path = hall, log_path

    def _stderr(self) -> IO[str]:
        return self.log_path.open("a", encoding="utf-8")  # appended to across restarts

    def _exit_report(self) -> str:
        return self.log_path.read_text()[-2000:]


@pytest.fixture
def hall_server(sample_hall: SampleHall, tmp_path: Path) -> Iterator[HallServer]:
    server = HallServer(sample_hall, tmp_path / "hall.db", tmp_path / "server.log").start()
    yield server
    server.stop()
