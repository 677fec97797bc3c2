"""The bar's small dialogs: 办结 (case done or another visit + card tips), 转移, 暂停服务, and a
pick list for 选呼 and 回呼. Each opens without blocking (``open()``) and says what was chosen
with its ``chosen`` signal; the bar sends the request. None of them talks to the server."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from shared.texts import t


def _button(text: str, name: str, role: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.setAutoDefault(False)
    if role:
        b.setProperty("role", role)
    return b


def _ok_cancel(dialog: QDialog, layout: QVBoxLayout, lang: str, name: str) -> QPushButton:
    """The 取消 / 确定 row at the foot of a dialog (``<name>-cancel``, ``<name>-ok``); cancel
    rejects the dialog, and the 确定 button is returned for the dialog to connect."""
    buttons = QHBoxLayout()
    ok = _button(t("caller.dialog.ok", lang), f"{name}-ok", "primary")
    cancel = _button(t("caller.dialog.cancel", lang), f"{name}-cancel", "quiet")
    buttons.addWidget(cancel)
    buttons.addWidget(ok)
    layout.addLayout(buttons)
    cancel.clicked.connect(dialog.reject)
    return ok


class FinishDialog(QDialog):
    """办结: 已办结, or 需再次前来 with the card's tips (the matter's list, and free text)."""

    chosen = Signal(bool, object)  # case_done, tips (a list)

    def __init__(
        self, ticket: dict[str, Any], tips: list[str], lang: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("finish-dialog")
        self.setWindowTitle(t("caller.finish.title", lang, ticket=ticket.get("label", "")))
        layout = QVBoxLayout(self)
        question = QLabel(t("caller.finish.question", lang))
        question.setProperty("role", "heading")
        layout.addWidget(question)
        row = QHBoxLayout()
        self.done_button = _button(t("caller.finish.done", lang), "finish-done", "primary")
        self.again_button = _button(t("caller.finish.again", lang), "finish-again")
        row.addWidget(self.done_button)
        row.addWidget(self.again_button)
        layout.addLayout(row)
        self.card = QWidget()
        cl = QVBoxLayout(self.card)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(QLabel(t("caller.finish.tips", lang)))
        self.tips: list[QCheckBox] = []
        for tip in tips:
            box = QCheckBox(tip)
            box.setChecked(True)
            self.tips.append(box)
            cl.addWidget(box)
        self.free = QLineEdit()
        self.free.setObjectName("finish-free")
        self.free.setPlaceholderText(t("caller.finish.free", lang))
        self.free.setMaxLength(200)
        cl.addWidget(self.free)
        self.issue = _button(t("caller.finish.issue", lang), "finish-issue", "primary")
        cl.addWidget(self.issue)
        self.card.hide()
        layout.addWidget(self.card)
        cancel = _button(t("caller.dialog.cancel", lang), "finish-cancel", "quiet")
        layout.addWidget(cancel)
        self.done_button.clicked.connect(lambda: self._choose(True))
        self.again_button.clicked.connect(self._show_card)
        self.issue.clicked.connect(lambda: self._choose(False))
        cancel.clicked.connect(self.reject)

    def _show_card(self) -> None:
        self.card.show()
        self.again_button.setEnabled(False)
        self.adjustSize()

    def selected_tips(self) -> list[str]:
        tips = [box.text() for box in self.tips if box.isChecked()]
        extra = self.free.text().strip()
        return tips + ([extra] if extra else [])

    def _choose(self, case_done: bool) -> None:
        self.chosen.emit(case_done, [] if case_done else self.selected_tips())
        self.accept()


class TransferDialog(QDialog):
    """转移: to a zone, a window or a staff member; at the head or the tail; a note."""

    chosen = Signal(dict)  # the transfer op's fields

    def __init__(
        self,
        ticket: dict[str, Any],
        zones: list[tuple[str, str]],
        windows: list[tuple[int, str]],
        staff: list[tuple[str, str]],
        lang: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transfer-dialog")
        self.setWindowTitle(t("caller.transfer.title", lang, ticket=ticket.get("label", "")))
        layout = QVBoxLayout(self)
        heading = QLabel(self.windowTitle())
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        self.kind = QButtonGroup(self)
        self.to_zone = QRadioButton(t("caller.transfer.to_zone", lang))
        self.to_window = QRadioButton(t("caller.transfer.to_window", lang))
        self.to_staff = QRadioButton(t("caller.transfer.to_staff", lang))
        self.zone_box = QComboBox()
        self.zone_box.setObjectName("transfer-zone")
        self.window_box = QComboBox()
        self.window_box.setObjectName("transfer-window")
        self.staff_box = QComboBox()
        self.staff_box.setObjectName("transfer-staff")
        self.staff_box.setEditable(True)  # a colleague not logged in: type the 工号
        self.set_targets(zones, windows, staff)
        for radio, combo in (
            (self.to_zone, self.zone_box),
            (self.to_window, self.window_box),
            (self.to_staff, self.staff_box),
        ):
            self.kind.addButton(radio)
            row = QHBoxLayout()
            row.addWidget(radio)
            row.addWidget(combo, 1)
            layout.addLayout(row)
            combo.activated.connect(lambda _i, r=radio: r.setChecked(True))
        self.to_zone.setChecked(True)
        self.place = QButtonGroup(self)
        place = QHBoxLayout()
        self.at_head = QRadioButton(t("caller.transfer.at_head", lang))
        self.at_tail = QRadioButton(t("caller.transfer.at_tail", lang))
        self.at_head.setChecked(True)
        for radio in (self.at_head, self.at_tail):
            self.place.addButton(radio)
            place.addWidget(radio)
        layout.addLayout(place)
        self.note = QLineEdit()
        self.note.setObjectName("transfer-note")
        self.note.setPlaceholderText(t("caller.transfer.note", lang))
        self.note.setMaxLength(200)
        layout.addWidget(self.note)
        self.ok = _ok_cancel(self, layout, lang, "transfer")
        self.ok.clicked.connect(self._choose)

    def set_targets(
        self,
        zones: list[tuple[str, str]],
        windows: list[tuple[int, str]],
        staff: list[tuple[str, str]],
    ) -> None:
        """Fill (or refill, when the hall's latest state arrives) the three lists, keeping
        what is picked."""
        for box, items in (
            (self.zone_box, zones),
            (self.window_box, windows),
            (self.staff_box, staff),
        ):
            keep = box.currentData()
            typed = box.currentText() if box.isEditable() else ""
            box.clear()
            for data, text in items:
                box.addItem(text, data)
            if keep is not None and box.findData(keep) >= 0:
                box.setCurrentIndex(box.findData(keep))
            elif typed:
                box.setEditText(typed)

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {"at_head": self.at_head.isChecked()}
        if self.to_zone.isChecked():
            out["to_zone"] = self.zone_box.currentData()
        elif self.to_window.isChecked():
            out["to_window"] = self.window_box.currentData()
        else:
            data = self.staff_box.currentData()
            text = self.staff_box.currentText().strip()
            # a typed 工号 has no data, or the text no longer matches the item picked
            picked = self.staff_box.itemText(self.staff_box.currentIndex()) == text
            out["to_staff"] = data if data and picked else text
        note = self.note.text().strip()
        if note:
            out["note"] = note
        return out

    def _choose(self) -> None:
        self.chosen.emit(self.fields())
        self.accept()


class PauseDialog(QDialog):
    """暂停服务: a reason from the configured list, or one typed."""

    chosen = Signal(str)

    def __init__(self, reasons: list[str], lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pause-dialog")
        self.setWindowTitle(t("caller.pause.title", lang))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(t("caller.pause.reason", lang)))
        self.reasons: list[QPushButton] = []
        for i, reason in enumerate(reasons):
            b = _button(reason, f"pause-reason-{i}")
            b.clicked.connect(lambda _=False, r=reason: self._choose(r))
            self.reasons.append(b)
            layout.addWidget(b)
        self.other = QLineEdit()
        self.other.setObjectName("pause-other")
        self.other.setPlaceholderText(t("caller.pause.other", lang))
        self.other.setMaxLength(100)
        self.other.returnPressed.connect(lambda: self._choose(self.other.text().strip()))
        layout.addWidget(self.other)
        cancel = _button(t("caller.dialog.cancel", lang), "pause-cancel", "quiet")
        cancel.clicked.connect(self.reject)
        layout.addWidget(cancel)

    def _choose(self, reason: str) -> None:
        if reason:
            self.chosen.emit(reason)
            self.accept()


class PickDialog(QDialog):
    """A list to pick one ticket from (选呼 the waiting, 回呼 the suspended)."""

    chosen = Signal(str)  # the ticket's id or label

    def __init__(
        self, title: str, items: list[tuple[str, str]], lang: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pick-dialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        self.list = QListWidget()
        self.list.setObjectName("pick-list")
        for ref, text in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, ref)
            self.list.addItem(item)
        if items:
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self._choose())
        layout.addWidget(self.list)
        self.ok = _ok_cancel(self, layout, lang, "pick")
        self.ok.clicked.connect(self._choose)

    def pick(self, row: int) -> None:
        self.list.setCurrentRow(row)

    def _choose(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
            self.accept()
