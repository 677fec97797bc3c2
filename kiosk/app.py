"""A kiosk put together from its configuration: the flow, the hub client, the printer worker,
the scanner and the window. ``onetrip kiosk``, the tests, the benchmark and the screenshots all
build it here, the same way."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from hardware.printer import Printer
from qtkit.hubclient import QtHubClient
from qtkit.scanner import WedgeScanner
from qtkit.units import Units, units_for_screen
from shared.protocol import HALL

from .catalog import Catalog
from .config import KioskConfig
from .flow import KioskFlow, Settings
from .printing import PrinterWorker
from .window import KioskWindow


def settings_of(config: KioskConfig) -> Settings:
    return Settings(
        policy="screen" if config.printer_policy == "screen" else "refuse",
        result_seconds=config.result_seconds,
        idle_seconds=config.idle_seconds,
        reprint_seconds=config.reprint_seconds,
        lang=config.lang,
        request_timeout=config.hub.request_timeout,
        pin_hash=config.pin_hash,
    )


def units_of(config: KioskConfig) -> Units:
    """Physical units for the configured screen: its orientation's size at its real density."""
    width, height = config.size
    if config.dpi:
        return Units(config.dpi, width, height)
    if config.diagonal_inches:
        return Units.from_diagonal(config.diagonal_inches, width, height)
    return units_for_screen(size=(width, height))


@dataclass
class Kiosk:
    config: KioskConfig
    flow: KioskFlow
    window: KioskWindow
    hub: QtHubClient
    printer: PrinterWorker
    scanner: WedgeScanner

    def close(self) -> None:
        self.window.ticker.stop()
        self.window.poller.stop()
        self.window.activity.close()
        self.window.corner.close()
        self.scanner.close()
        self.hub.stop()
        self.printer.stop()
        self.window.close()
        self.window.deleteLater()


def build_kiosk(
    config: KioskConfig,
    *,
    clock: Callable[[], float] = time.time,
    corner_hold: float = 3.0,
    on_quit: Callable[[], None] | None = None,
    backoff: tuple[float, float] = (0.2, 3.0),
) -> Kiosk:
    catalog = Catalog(public=config.public, timezone=config.timezone)
    flow = KioskFlow(catalog, settings_of(config))
    hub = QtHubClient(
        config.hub.url,
        device=config.hub.device,
        token=config.hub.token,
        topics=[HALL],
        request_timeout=config.hub.request_timeout,
        backoff=backoff,
        name=config.hub.device,
    )
    printer = PrinterWorker(Printer(config.printer_url, width=config.paper_width, qr=config.qr))
    scanner = WedgeScanner()
    if config.scanner != "wedge":
        scanner.use_serial(config.scanner)
    window = KioskWindow(
        flow,
        units_of(config),
        hub=hub,
        printer=printer,
        clock=clock,
        corner_hold=corner_hold,
        poll_seconds=config.printer_poll_seconds,
        scanner=scanner,
        on_quit=on_quit,
        device=config.hub.device,
        hub_url=config.hub.url,
    )
    hub.start()
    return Kiosk(config, flow, window, hub, printer, scanner)
