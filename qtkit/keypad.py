"""The on-screen keypad: digits for PINs and numbers on a touch screen with no keyboard.

Qt Virtual Keyboard is GPLv3 or commercial, and a kiosk needs only digits: twelve large keys
(1–9, 删除 / ⌫, 0, 确定) under a display of what was typed, masked for a PIN. Each key is a
real button of the theme's touch size; ``accepted`` carries the entry when 确定 is pressed.
A physical keyboard's digits, Backspace and Enter work too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from shared.texts import t


class Keypad(QWidget):
    accepted = Signal(str)
    changed = Signal(str)

    def __init__(
        self,
        *,
        masked: bool = False,
        max_length: int = 12,
        lang: str = "zh_CN",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keypad")
        self.masked = masked
        self.max_length = max_length
        self._entry = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        self.display = QLabel()
        self.display.setObjectName("keypad-display")
        self.display.setProperty("role", "heading")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.display)
        grid = QGridLayout()
        layout.addLayout(grid)
        self.keys: dict[str, QPushButton] = {}
        for i, digit in enumerate("123456789"):
            self._key(grid, digit, digit, i // 3, i % 3)
        self._key(grid, "back", "", 3, 0)
        self._key(grid, "0", "0", 3, 1)
        self._key(grid, "ok", "", 3, 2)
        self.keys["ok"].setProperty("role", "primary")
        self.set_lang(lang)
        self._show()

    def _key(self, grid: QGridLayout, name: str, label: str, row: int, col: int) -> None:
        button = QPushButton(label)
        button.setObjectName(f"key-{name}")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keypad keeps the focus
        button.clicked.connect(lambda: self.press(name))
        grid.addWidget(button, row, col)
        self.keys[name] = button

    def set_lang(self, lang: str) -> None:
        self.keys["back"].setText(t("apps.keypad.back", lang))
        self.keys["ok"].setText(t("apps.keypad.ok", lang))

    @property
    def entry(self) -> str:
        return self._entry

    def clear(self) -> None:
        self._entry = ""
        self._show()

    def press(self, name: str) -> None:
        if name == "ok":
            if self._entry:
                self.accepted.emit(self._entry)
            return
        if name == "back":
            self._entry = self._entry[:-1]
        elif name.isdigit() and len(self._entry) < self.max_length:
            self._entry += name
        else:
            return
        self._show()
        self.changed.emit(self._entry)

    def _show(self) -> None:
        self.display.setText("●" * len(self._entry) if self.masked else self._entry)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9:
            self.press(chr(key))
        elif key == Qt.Key.Key_Backspace:
            self.press("back")
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.press("ok")
        else:
            super().keyPressEvent(event)
