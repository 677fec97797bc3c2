"""The connection banner: an honest line when the hall server cannot be reached.

It follows a ``QtHubClient``'s ``connection`` signal; it is hidden while connected and shows
the app's own words when not (the kiosk asks the citizen to wait or go to the desk, a board
shows a small 连接中断 mark and keeps its last state). A banner only says; what the app
disables while offline is the app's business.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from shared.texts import t

from .theme import PALETTE


class ConnectionBanner(QLabel):
    def __init__(
        self,
        text_key: str = "apps.banner.offline",
        lang: str = "zh_CN",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.text_key = text_key
        self.setObjectName("connection-banner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet(
            f"background: {PALETTE.banner_bg}; color: {PALETTE.banner_text};"
            "font-weight: bold; padding: 0.4em;"
        )
        self.set_lang(lang)
        self.hide()

    def set_lang(self, lang: str) -> None:
        self.setText(t(self.text_key, lang))

    def set_connected(self, connected: bool) -> None:
        self.setVisible(not connected)
