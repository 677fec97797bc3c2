"""Small widgets the boards are made of: a label that elides instead of clipping, a label that
says when it painted, and the notice band (a marquee when the text is longer than the band)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from qtkit.theme import PALETTE

LINE = 1.22  # a line's height, in font sizes


def style(px: int, colour: str = PALETTE.board_text, *, bold: bool = False, bg: str = "") -> str:
    weight = "bold" if bold else "normal"
    back = f"background: {bg};" if bg else "background: transparent;"
    return f"font-size: {px}px; font-weight: {weight}; color: {colour}; {back}"


class Text(QLabel):
    """A one-line label of a fixed pixel size that elides (…) rather than being cut off.

    ``full`` is the whole text; ``text()`` what is shown."""

    painted = Signal(str)

    def __init__(
        self,
        px: int = 20,
        colour: str = PALETTE.board_text,
        *,
        bold: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.full = ""
        self._px, self._colour, self._bold, self._bg = px, colour, bold, ""
        self.setAlignment(align)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.restyle()

    def restyle(
        self, px: int | None = None, colour: str | None = None, bg: str | None = None
    ) -> None:
        new = (px or self._px, colour or self._colour, self._bg if bg is None else bg)
        if new == (self._px, self._colour, self._bg) and self.styleSheet():
            return  # a style sheet costs a style pass: only when it changes
        self._px, self._colour, self._bg = new
        self.setStyleSheet(style(self._px, self._colour, bold=self._bold, bg=self._bg))
        font = QFont(self.font())
        font.setPixelSize(self._px)
        font.setBold(self._bold)
        self.setFont(font)
        # The font's line box (Noto CJK: 1.45 em) is mostly air above and below the glyphs,
        # which span 0.88 em up and 0.12 em down: 1.22 em holds them whole.
        self.setFixedHeight(round(self._px * LINE) + 2)
        self._elide()

    @property
    def px(self) -> int:
        return self._px

    def set(self, text: str) -> None:
        if text != self.full:
            self.full = text
            self._elide()

    def fits(self) -> bool:
        """The whole text is shown."""
        return self.text() == self.full

    def needed_width(self) -> int:
        return QFontMetrics(self.font()).horizontalAdvance(self.full)

    def _elide(self) -> None:
        width = self.contentsRect().width()
        metrics = QFontMetrics(self.font())
        if width <= 0 or metrics.horizontalAdvance(self.full) <= width:
            shown = self.full
        else:
            shown = metrics.elidedText(self.full, Qt.TextElideMode.ElideRight, width)
        if shown != self.text():
            self.setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.emit(self.text())


class NoticeBand(QWidget):
    """The notices, one after another in a band; a text wider than the band scrolls."""

    def __init__(self, px: int = 24, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full = ""
        self._px = px
        self._offset = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._step)
        self.setAutoFillBackground(False)
        self.set_px(px)

    def set_px(self, px: int) -> None:
        self._px = px
        font = QFont(self.font())
        font.setPixelSize(px)
        font.setBold(True)
        self.setFont(font)
        self.setFixedHeight(round(px * LINE * 1.3))
        self._restart()

    def set(self, text: str) -> None:
        if text != self.full:
            self.full = text
            self._offset = 0.0
            self.setVisible(bool(text))
            self._restart()

    @property
    def scrolling(self) -> bool:
        return self._timer.isActive()

    def _restart(self) -> None:
        wide = QFontMetrics(self.font()).horizontalAdvance(self.full) > self.width() > 0
        if wide and not self._timer.isActive():
            self._timer.start()
        elif not wide:
            self._timer.stop()
            self._offset = 0.0
        self.update()

    def _step(self) -> None:
        self._offset += max(1.0, self._px / 12)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._restart()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.transparent)
        painter.fillRect(self.rect(), PALETTE.accent)
        painter.setPen(PALETTE.on_accent)
        painter.setFont(self.font())
        metrics = QFontMetrics(self.font())
        text_w = metrics.horizontalAdvance(self.full)
        pad = self._px
        if not self.scrolling:
            painter.drawText(
                QRectF(pad, 0, self.width() - 2 * pad, self.height()),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                self.full,
            )
            return
        period = text_w + 4 * pad
        x = self.width() - (self._offset % (period + self.width()))
        for start in (x, x + period + self.width()):
            painter.drawText(
                QRectF(start, 0, text_w + pad, self.height()),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                self.full,
            )
