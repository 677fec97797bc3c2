"""A hidden gesture for staff: a long press in a corner of a widget.

A kiosk shows citizens no way out; staff open its maintenance screen by holding a finger on
one corner (``corner``: top_left, top_right, bottom_left, bottom_right) for ``hold`` seconds.
A press that moves out of the corner or lifts early does nothing. Presses anywhere else pass
through untouched, so the widgets under the corner still work for a quick tap.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget


class CornerPress(QObject):
    triggered = Signal()

    def __init__(
        self,
        widget: QWidget,
        *,
        corner: str = "top_left",
        size: int = 120,
        hold: float = 3.0,
    ) -> None:
        super().__init__(widget)
        if corner not in ("top_left", "top_right", "bottom_left", "bottom_right"):
            raise ValueError(f"unknown corner {corner!r}")
        self.widget, self.corner, self.size = widget, corner, size
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(round(hold * 1000))
        self._timer.timeout.connect(self.triggered)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def in_corner(self, point: QPoint) -> bool:
        w, h, s = self.widget.width(), self.widget.height(), self.size
        x_ok = point.x() < s if self.corner.endswith("left") else point.x() >= w - s
        y_ok = point.y() < s if self.corner.startswith("top") else point.y() >= h - s
        return x_ok and y_ok

    def close(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not isinstance(event, QMouseEvent) or kind not in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.MouseButtonRelease,
        ):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.widget.window():
            return False
        point = self.widget.mapFromGlobal(event.globalPosition().toPoint())
        if kind == QEvent.Type.MouseButtonPress:
            if self.in_corner(point) and not self._timer.isActive():
                self._timer.start()
        elif kind == QEvent.Type.MouseMove:
            if self._timer.isActive() and not self.in_corner(point):
                self._timer.stop()
        elif self._timer.isActive():
            self._timer.stop()  # lifted too early
        return False
