"""An app that works itself, for a demo: presses on its own widgets, paced, out of the way of a
person.

``Pilot`` steps a generator on a timer: ``begin()`` (each app's own) returns the next thing to
do as a generator that clicks and types on the real widgets (``QTest``: a real press and release,
real key events, so every signal, style and focus rule runs as for a person) and yields the
seconds to wait before its next step. A press or key on the pilot's widget (or a dialog it
opened) that the pilot did not make itself is a person: the walk in progress stops where it is
and the pilot waits until nobody has touched for ``pause_seconds``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from .idle import PRESSES

TICK = 0.25  # seconds between the pilot's looks at its app


class Pilot(QObject):
    def __init__(
        self,
        widget: QWidget,
        *,
        pause_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(widget)
        self.widget = widget
        self.clock = clock
        self.pause_seconds = pause_seconds
        self.human_at = float("-inf")
        self.touches = 0  # a person's presses seen
        self.walk: Iterator[float] | None = None
        self._own = False
        self._wake = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(round(TICK * 1000))
        self.timer.timeout.connect(self.step)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def start(self) -> Pilot:
        self.timer.start()
        return self

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # -- a person -----------------------------------------------------------------------------
    @property
    def paused(self) -> bool:
        return self.clock() - self.human_at < self.pause_seconds

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._own and event.type() in PRESSES and self._mine(watched):
            if not self.paused:
                self.touches += 1
            self.human_at = self.clock()
            self.walk = None  # whatever the pilot was doing, the person takes over
        return False

    def _mine(self, watched: QObject) -> bool:
        """``watched`` is the pilot's widget or inside it (a dialog it opened counts)."""
        node: QObject | None = watched
        while node is not None:
            if node is self.widget:
                return True
            node = node.parent()
        return False

    # -- its own hands ------------------------------------------------------------------------
    def click(self, widget: QWidget | None) -> bool:
        """A press and release in the middle of ``widget``, if it is shown and enabled."""
        if widget is None or not widget.isEnabled() or not widget.isVisible():
            return False
        self._own = True
        try:
            QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
        finally:
            self._own = False
        return True

    def type(self, widget: QWidget, text: str, enter: bool = False) -> None:
        """Key presses into ``widget`` (a field, or a window a keyboard-wedge scanner types
        into), at machine speed; ``enter`` ends with Return."""
        self._own = True
        try:
            QTest.keyClicks(widget, text)
            if enter:
                QTest.keyClick(widget, Qt.Key.Key_Return)
        finally:
            self._own = False

    # -- the steps ----------------------------------------------------------------------------
    def step(self) -> None:
        now = self.clock()
        if self.paused or now < self._wake:
            return
        if self.walk is None:
            self.walk = self.begin()
            if self.walk is None:
                return
        try:
            self._wake = now + next(self.walk)
        except StopIteration:
            self.walk = None

    def begin(self) -> Iterator[float] | None:
        """The next thing to do, or None for nothing now (asked again on the next tick)."""
        raise NotImplementedError

    def sleep(self, seconds: float) -> Iterator[float]:
        end = self.clock() + seconds
        while (left := end - self.clock()) > 0:
            yield min(TICK, left)

    def until(self, done: Callable[[], bool], seconds: float = 10.0) -> Iterator[float]:
        end = self.clock() + seconds
        while not done() and self.clock() < end:
            yield TICK
