"""A QR code drawn by Qt, sharp at any size: the same payload the printer prints.

The modules come from the ``qrcode`` package (error correction M, as on the receipts) and are
painted as whole-pixel squares with a four-module quiet zone, so a phone can read it off the
screen when the paper jams.
"""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET = 4  # modules of white around the code, as the standard asks


def qr_matrix(payload: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


class QrWidget(QWidget):
    def __init__(self, payload: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qr")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._payload = ""
        self._matrix: list[list[bool]] = []
        self.set_payload(payload)

    @property
    def payload(self) -> str:
        return self._payload

    @property
    def matrix(self) -> list[list[bool]]:
        return self._matrix

    def set_payload(self, payload: str) -> None:
        self._payload = payload
        self._matrix = qr_matrix(payload) if payload else []
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(240, 240)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def module_rect(self) -> tuple[int, int, int]:
        """(left, top, module size in pixels) of the code as painted now."""
        count = len(self._matrix) + 2 * QUIET
        side = min(self.width(), self.height())
        module = max(1, side // count) if count else 1
        left = (self.width() - module * count) // 2 + QUIET * module
        top = (self.height() - module * count) // 2 + QUIET * module
        return left, top, module

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._matrix:
            return
        painter = QPainter(self)
        left, top, module = self.module_rect()
        count = len(self._matrix)
        quiet = QUIET * module
        side = module * count + 2 * quiet
        painter.fillRect(QRect(left - quiet, top - quiet, side, side), Qt.GlobalColor.white)
        black = QColor("#000000")
        for y, row in enumerate(self._matrix):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(left + x * module, top + y * module, module, module, black)
        painter.end()
