"""Start-up and shut-down, the same for every onetrip app.

    app = start_app("onetrip-kiosk", argv)        # QApplication, CJK font, high-DPI policy
    units = units_for_screen(dpi=config.dpi)       # physical sizes for this screen
    apply_theme(app, Sizes.for_units(units, elderly=False))
    return run(app, window, fullscreen=not args.windowed)

``run`` shows the window (full screen, without cursor, for a kiosk or a board), lets Ctrl-C and
SIGTERM end the app cleanly (Qt's loop otherwise never gives Python a chance to see them), and
returns the exit code. ``no_display`` says in one line why an app cannot open a window.
``ONETRIP_WINDOW_GEOMETRY=X,Y,W,H`` places the window (the demo lays its apps out with it).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from shared.eventloop import stop_signals
from shared.texts import t

from .fonts import install_cjk_font
from .theme import Sizes, style_sheet


def no_display() -> str | None:
    """Why no window can open here (an SSH session, CI), in both languages; None if one can."""
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return f"{t('apps.no_display', 'zh_CN')} / {t('apps.no_display', 'en')}"


def start_app(name: str, argv: Sequence[str] = ()) -> QApplication:
    """The QApplication (made once), with the CJK font installed as its font."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough  # 125 % and 150 % exactly
        )
        app = QApplication([name, *argv])
    app.setApplicationName(name)
    app.setOrganizationName("onetrip")
    install_cjk_font(app)
    return app


def apply_theme(app: QApplication, sizes: Sizes) -> None:
    app.setStyleSheet(style_sheet(sizes))


def run(
    app: QApplication,
    window: QWidget,
    *,
    fullscreen: bool = False,
    on_quit: Callable[[], None] | None = None,
) -> int:
    """Show ``window`` and run the event loop until the window closes or a signal arrives."""

    def stop(*_: object) -> None:
        app.quit()

    previous = {sig: signal.signal(sig, stop) for sig in stop_signals()}
    ticker = QTimer()  # wakes the loop now and then, so Python can run the signal handler
    ticker.start(200)
    ticker.timeout.connect(lambda: None)
    if on_quit is not None:
        app.aboutToQuit.connect(on_quit)
    placed = placement()
    if placed is not None:
        window.setGeometry(*placed)
        window.show()
    elif fullscreen:
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        app.setOverrideCursor(Qt.CursorShape.BlankCursor)
        window.showFullScreen()
    else:
        window.show()
    try:
        return app.exec()
    finally:
        ticker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


GEOMETRY_ENV = "ONETRIP_WINDOW_GEOMETRY"


def placement() -> tuple[int, int, int, int] | None:
    """Where ``ONETRIP_WINDOW_GEOMETRY`` (``X,Y,W,H``) puts the window; None if unset or not
    four whole numbers with a positive size."""
    raw = os.environ.get(GEOMETRY_ENV, "")
    try:
        x, y, w, h = (int(part) for part in raw.split(","))
    except ValueError:
        return None
    return (x, y, w, h) if w > 0 and h > 0 else None
