"""The window screen (窗口屏): a small screen above or at one window.

The window's number and name, the staff member on duty (name, 工号 and photo when the display
has a photo folder — the 好差评 rules want staff identifiable), the number called or served
(flashing on a new call) and the state: 空闲, 暂停服务 with its reason, 未登录.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from qtkit.banner import ConnectionBanner
from qtkit.theme import PALETTE
from shared.texts import t

from .model import WindowBoard, window_state_text
from .sizes import WindowSizes
from .widgets import Text

P = PALETTE
CENTER = Qt.AlignmentFlag.AlignCenter
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


def photo_for(folder: Path | None, staff: str | None) -> Path | None:
    if folder is None or not staff:
        return None
    for suffix in PHOTO_SUFFIXES:
        path = folder / f"{staff}{suffix}"
        if path.is_file():
            return path
    return None


class WindowScreen(QWidget):
    def __init__(
        self,
        sizes: WindowSizes,
        *,
        english: bool = True,
        highlight_seconds: float = 6.0,
        photos: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("window-screen")
        self.setStyleSheet(f"QWidget#window-screen {{ background: {P.board_bg}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.sizes = sizes
        self.english = english
        self.photos = photos
        self.highlight_seconds = highlight_seconds
        self.resize(sizes.width, sizes.height)
        s = sizes

        self.title = Text(s.title, P.board_text, bold=True, align=CENTER)
        self.subtitle = Text(s.small, "#CFE0F5", align=CENTER)
        self.photo = QLabel()
        self.photo.setFixedSize(round(s.body * 2.4), round(s.body * 3.0))
        self.photo.setScaledContents(True)
        self.photo.hide()
        self.staff_name = Text(s.body, P.board_text, bold=True, align=CENTER)
        self.staff_id = Text(s.small, "#CFE0F5", align=CENTER)
        staff_text = QVBoxLayout()
        staff_text.addWidget(self.staff_name)
        staff_text.addWidget(self.staff_id)
        staff = QHBoxLayout()
        staff.addWidget(self.photo)
        staff.addLayout(staff_text, 1)

        self.number = Text(s.number, P.board_call, bold=True, align=CENTER)
        self.number.setObjectName("window-number")
        self.state = Text(s.body, P.board_text, bold=True, align=CENTER)
        self.state_en = Text(s.small, "#CFE0F5", align=CENTER)
        self.state_en.setVisible(english)
        self.waiting = Text(s.small, "#CFE0F5")
        self.offline = ConnectionBanner("display.offline")
        self.offline.setStyleSheet(
            f"background: {P.banner_bg}; color: {P.banner_text}; font-size: {s.small}px;"
            "font-weight: bold; padding: 2px 10px; border-radius: 4px;"
        )
        footer = QHBoxLayout()
        footer.addWidget(self.waiting, 1)
        footer.addWidget(self.offline)

        root = QVBoxLayout(self)
        root.setContentsMargins(s.gap * 2, s.gap, s.gap * 2, s.gap)
        root.setSpacing(s.gap)
        root.addWidget(self.title)
        root.addWidget(self.subtitle)
        root.addLayout(staff)
        root.addStretch(1)
        root.addWidget(self.number)
        root.addWidget(self.state)
        root.addWidget(self.state_en)
        root.addStretch(1)
        root.addLayout(footer)

        self.model: WindowBoard | None = None
        self._flash_on = False
        self._flash_until = 0.0
        self._flash = QTimer(self)
        self._flash.setInterval(450)
        self._flash.timeout.connect(self._blink)

    def render(self, model: WindowBoard, parts: frozenset[str] = frozenset({"all"})) -> None:
        self.model = model
        w = model.window
        self.title.set(t("display.window_n", "zh_CN", n=model.number))
        name = w.name if w and w.name else ""
        en = t("display.window_n", "en", n=model.number) if self.english else ""
        self.subtitle.set("  ".join(x for x in (name, en) if x))
        on_duty = w is not None and w.status != "logged_out" and w.staff
        self.staff_name.set(w.staff_name or "" if on_duty and w else "")
        self.staff_id.set(t("display.staff", "zh_CN", id=w.staff) if on_duty and w else "")
        photo = photo_for(self.photos, w.staff if on_duty and w else None)
        if photo is not None:
            self.photo.setPixmap(QPixmap(str(photo)))
        self.photo.setVisible(photo is not None)
        ticket = model.ticket
        self.number.set(ticket or ("—" if model.status != "paused" else ""))
        self.state.set(window_state_text(w))
        self.state_en.set(window_state_text(w, "en") if self.english else "")
        self.waiting.set(t("display.window_waiting", "zh_CN", n=model.waiting))
        self.offline.set_connected(model.connected)
        if ticket is None:
            self.stop_highlight()

    def highlight(self) -> None:
        if self.highlight_seconds <= 0:
            return
        self._flash_until = time.monotonic() + self.highlight_seconds
        self._flash_on = True
        self._paint_flash()
        self._flash.start()

    @property
    def highlighted(self) -> bool:
        return self._flash.isActive()

    def stop_highlight(self) -> None:
        self._flash.stop()
        self._flash_on = False
        self._paint_flash()

    def _blink(self) -> None:
        if time.monotonic() >= self._flash_until:
            self.stop_highlight()
            return
        self._flash_on = not self._flash_on
        self._paint_flash()

    def _paint_flash(self) -> None:
        if self._flash_on:
            self.number.restyle(colour=P.board_bg, bg=P.board_call)
        else:
            self.number.restyle(colour=P.board_call, bg="")
