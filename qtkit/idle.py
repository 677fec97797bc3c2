"""Who touched the screen, and when: the input an idle timeout needs.

``ActivityWatch`` filters the application's events and emits ``touched`` on every press (mouse,
touch, pen, key), wherever it lands — on a button, a label or the empty background — so an app
can run its idle timeout only when nobody has touched for a while, never while someone acts.
``idle_for()`` says how long it has been.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication

PRESSES = (
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress,
    QEvent.Type.KeyPress,
)


class ActivityWatch(QObject):
    touched = Signal()

    def __init__(
        self, parent: QObject | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.last = clock()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def idle_for(self) -> float:
        return self._clock() - self.last

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Qt shows one press to the widget and its parents: each sets the same time.
        if event.type() in PRESSES:
            self.last = self._clock()
            self.touched.emit()
        return False
