"""Putting the caller together: the hub client, the bar, the evaluator screen.

onetrip caller --config caller.toml               # the bar (and the evaluator if enabled)
onetrip caller --config caller.toml --evaluator   # only the 好差评 screen, on its own device
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from qtkit.app import apply_theme, start_app
from qtkit.hubclient import QtHubClient
from qtkit.theme import Sizes, style_sheet
from qtkit.units import Units, units_for_screen

from .bar import CallerBar
from .config import CallerConfig
from .evaluator import EvaluatorWindow

DESKTOP_DPI = 96.0  # the logical pixels per inch of a desktop at 100 %


@dataclass
class CallerApp:
    app: QApplication
    hub: QtHubClient
    bar: CallerBar | None
    evaluator: EvaluatorWindow | None

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.shutdown()
        if self.evaluator is not None:
            self.evaluator.shutdown()
        self.hub.stop()


def make_hub(config: CallerConfig) -> QtHubClient:
    return QtHubClient(
        config.hub_url,
        device=config.device,
        token=config.token,
        topics=[f"window:{config.window}"],
        request_timeout=config.request_timeout,
        name=f"caller-{config.window}",
    )


def build(
    config: CallerConfig,
    *,
    evaluator_only: bool = False,
    app: QApplication | None = None,
    start: bool = True,
) -> CallerApp:
    """The app's windows on a started hub client (not shown yet)."""
    app = app or start_app("onetrip-caller")
    # The bar is a desktop window beside the business system: it follows the OS scaling (a
    # clerk who sets Windows to 150 % wants it 1.5 times as large), in logical pixels at the
    # desktop's 96 per inch. The evaluator is a touch screen: sized from its glass.
    apply_theme(app, Sizes.for_units(Units(DESKTOP_DPI), touch=False))
    hub = make_hub(config)
    bar = None if evaluator_only else CallerBar(config, hub)
    evaluator = None
    if evaluator_only or config.evaluator.enabled:
        evaluator = EvaluatorWindow(hub, config.window, config.evaluator, config.lang)
        screens = QGuiApplication.screens()
        screen = (
            screens[config.evaluator.screen] if config.evaluator.screen < len(screens) else None
        )
        if screen is not None:
            evaluator.setScreen(screen)
            evaluator.move(screen.geometry().topLeft())
        units = units_for_screen(screen)
        evaluator.setStyleSheet(style_sheet(Sizes.for_units(units, touch=True)))
        if bar is not None:
            bar.card_issued.connect(evaluator.show_card)
    if start:
        hub.start()
    return CallerApp(app, hub, bar, evaluator)
