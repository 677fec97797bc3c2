"""Codes from a QR scanner, whichever way it is wired.

A keyboard-wedge scanner (the usual USB one) types the code and Enter into whatever has the
focus, at machine speed. ``WedgeScanner`` filters the application's key presses: a burst of
printable keys, each within ``max_gap`` seconds of the one before and ended by Enter, is a scan
— taken out of the key stream and emitted as ``scanned``, on any screen, with no visible text
field. Slower typing is a person and is left alone (or dropped, where the screen has no field to
type in). A serial scanner comes through ``hardware.scanner`` and is emitted the same way, in
the UI thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from hardware.port import SerialPortReader
from hardware.scanner import MAX_CODE, serial_scanner


def _takes_typing(widget: QWidget) -> bool:
    return isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit)


class WedgeScanner(QObject):
    scanned = Signal(str)
    _from_serial = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_gap: float = 0.06,
        min_length: int = 6,
        swallow: Callable[[], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``swallow()`` says whether keys go to the scanner only (true where no field takes
        typing: the default is "no text field has the focus")."""
        super().__init__(parent)
        self.max_gap = max_gap
        self.min_length = min_length
        self._swallow = swallow
        self._clock = clock
        self._buffer: list[str] = []
        self._last = 0.0
        self._serial: SerialPortReader | None = None
        self._from_serial.connect(self.scanned, Qt.ConnectionType.QueuedConnection)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def use_serial(self, url: str, baudrate: int = 9600) -> SerialPortReader:
        """Read codes from a serial scanner as well (its own thread, reconnecting)."""
        self._serial = serial_scanner(url, self._from_serial.emit, baudrate=baudrate).start()
        return self._serial

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self._serial is not None:
            self._serial.stop()
            self._serial = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        # Qt shows one key press to the window, the focus widget and its parents: take it once,
        # where it is first delivered to a widget.
        focus = QApplication.focusWidget()
        if not isinstance(watched, QWidget) or watched is not (focus or watched.window()):
            return False
        swallow = self._swallow() if self._swallow else not _takes_typing(watched)
        now = self._clock()
        if self._buffer and now - self._last > self.max_gap:
            self._buffer.clear()  # too slow for a scanner: a person, start again
        self._last = now
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            code = "".join(self._buffer)
            self._buffer.clear()
            if len(code) >= self.min_length:
                self.scanned.emit(code)
                return True
            return False
        text = event.text()
        if text and text.isprintable() and len(self._buffer) < MAX_CODE:
            self._buffer.append(text)
            return swallow
        return False
