"""The customer-facing 好差评 screen of one window: a thin Qt pump around ``caller.rating``.

It follows the window's topic (on the caller's own hub client, or its own when it runs alone
with ``onetrip caller --evaluator``). While idle it shows the window, the staff member and the
number being served; when a ticket is finished there it asks "请对本次服务进行评价" with the
five national levels, none preselected. Only a touch or a click on the screen rates: the
buttons take no keyboard focus and keys are ignored, so nothing typed at the window's PC can
rate for the citizen (GB/T 39734 §4.1). One ``evaluate`` per ticket; no press before the timeout
is 未评价 and sends nothing. After 不满意 / 非常不满意 it offers the hall's reasons
(``policy.rating_reasons``, from the hall snapshot): tick any, 提交, 跳过 or 重新选择. A 续办服务卡
issued without a window printer is shown here as a QR.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qtkit.banner import ConnectionBanner
from qtkit.hubclient import QtHubClient
from qtkit.qr import QrWidget
from qtkit.theme import PALETTE
from shared.domain import RATING_LEVELS
from shared.texts import t

from .config import EvaluatorConfig
from .core import WindowModel
from .rating import ASKING, IDLE, REASONS, SENDING, STARS, THANKS, RatingFlow


class EvaluatorWindow(QWidget):
    def __init__(
        self,
        hub: QtHubClient,
        window: int,
        config: EvaluatorConfig | None = None,
        lang: str = "zh_CN",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.config = config or EvaluatorConfig(enabled=True)
        self.lang = lang
        self.model = WindowModel(window)
        self.flow = RatingFlow()
        self.sent: list[dict[str, Any]] = []  # every evaluate sent (for the log and tests)
        self._rid: str | None = None
        self._hall_rid: str | None = None
        self.setObjectName("evaluator")
        self.setWindowTitle(t("caller.eval.title", lang))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)

        self.banner = ConnectionBanner("apps.banner.lost", lang)
        self.stack = QStackedWidget()
        root = QVBoxLayout(self)
        root.addWidget(self.banner)
        root.addWidget(self.stack, 1)

        # idle
        self.idle = QWidget()
        il = QVBoxLayout(self.idle)
        self.idle_window = self._label("", "title")
        self.idle_staff = self._label("", "heading")
        self.idle_photo = QLabel()
        self.idle_photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.idle_ticket = self._label("", "heading")
        for w in (self.idle_window, self.idle_photo, self.idle_staff, self.idle_ticket):
            il.addWidget(w)
        self.stack.addWidget(self.idle)

        # asking
        self.asking = QWidget()
        al = QVBoxLayout(self.asking)
        top = QHBoxLayout()
        self.photo = QLabel()
        top.addWidget(self.photo)
        who = QVBoxLayout()
        self.staff = self._label("", "heading")
        self.ticket_label = self._label("", "muted")
        who.addWidget(self.staff)
        who.addWidget(self.ticket_label)
        top.addLayout(who, 1)
        al.addLayout(top)
        self.question = self._label(t("caller.eval.ask", lang), "title")
        al.addWidget(self.question)
        self.levels: dict[int, QPushButton] = {}
        for level in RATING_LEVELS:
            button = QPushButton(f"{t(f'rating.{level}', lang)}   {STARS[level]}")
            button.setObjectName(f"rate-{level}")
            button.setProperty("role", "tile")
            button.setCheckable(False)
            button.setAutoDefault(False)
            button.setDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch or click only, never a key
            button.clicked.connect(lambda _=False, lv=level: self.rate(lv))
            self.levels[level] = button
            al.addWidget(button)
        self.card_box = QWidget()
        cl = QHBoxLayout(self.card_box)
        self.card_qr = QrWidget()
        self.card_qr.setMinimumSize(220, 220)
        self.card_text = self._label("", "")
        self.card_text.setWordWrap(True)
        cl.addWidget(self.card_qr)
        cl.addWidget(self.card_text, 1)
        self.card_box.hide()
        al.addWidget(self.card_box)
        self.countdown = self._label("", "muted")
        al.addWidget(self.countdown)
        self.stack.addWidget(self.asking)

        # the reasons of a 差评
        self.reasons_page = QWidget()
        rl = QVBoxLayout(self.reasons_page)
        self.reasons_level = self._label("", "heading")
        self.reasons_question = self._label(t("caller.eval.reasons_ask", lang), "title")
        rl.addWidget(self.reasons_level)
        rl.addWidget(self.reasons_question)
        self.reasons_grid = QGridLayout()
        rl.addLayout(self.reasons_grid, 3)
        self.reason_buttons: dict[str, QPushButton] = {}
        rl.addStretch(1)
        row = QHBoxLayout()
        self.back_button = self._touch_button(t("caller.eval.back", lang), "reasons-back", "")
        self.skip_button = self._touch_button(t("caller.eval.skip", lang), "reasons-skip", "")
        self.submit_button = self._touch_button(
            t("caller.eval.submit", lang), "reasons-submit", "primary"
        )
        self.back_button.clicked.connect(self.back)
        self.skip_button.clicked.connect(self.skip)
        self.submit_button.clicked.connect(self.submit)
        for button in (self.back_button, self.skip_button, self.submit_button):
            row.addWidget(button)
        rl.addLayout(row)
        self.reasons_countdown = self._label("", "muted")
        rl.addWidget(self.reasons_countdown)
        self.stack.addWidget(self.reasons_page)

        # thanks
        self.thanks = self._label(t("caller.eval.thanks", lang), "title")
        self.stack.addWidget(self.thanks)

        self.timeout = QTimer(self)
        self.timeout.setSingleShot(True)
        self.timeout.timeout.connect(self._expired)
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.timeout.connect(self._thanked)
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._count)

        hub.event.connect(self._on_event)
        hub.snapshot.connect(self._on_snapshot)
        hub.connection.connect(self.banner.set_connected)
        hub.connection.connect(self._on_connection)
        hub.replied.connect(self._on_reply)
        hub.failed.connect(self._on_failed)
        self.banner.set_connected(hub.is_connected)
        self._ask_hall()
        self.show_state()

    def shutdown(self) -> None:
        for timer in (self.timeout, self.thanks_timer, self.tick):
            timer.stop()
        for signal, slot in (
            (self.hub.event, self._on_event),
            (self.hub.snapshot, self._on_snapshot),
            (self.hub.connection, self._on_connection),
            (self.hub.replied, self._on_reply),
            (self.hub.failed, self._on_failed),
        ):
            signal.disconnect(slot)

    def _touch_button(self, text: str, name: str, role: str) -> QPushButton:
        """A button only a touch or a click presses (never a key, never by default)."""
        button = QPushButton(text)
        button.setObjectName(name)
        button.setProperty("role", role)
        button.setAutoDefault(False)
        button.setDefault(False)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def set_reasons(self, reasons: list[str] | tuple[str, ...]) -> None:
        """The hall's reasons for a 差评 (from its snapshot): the buttons of the reasons page."""
        reasons = tuple(reasons)
        if reasons == self.flow.reasons and len(self.reason_buttons) == len(reasons):
            return
        if self.flow.state == REASONS:
            return  # not under the citizen's finger: the next question takes the new list
        self.flow.reasons = reasons
        for button in self.reason_buttons.values():
            self.reasons_grid.removeWidget(button)
            button.deleteLater()
        self.reason_buttons = {}
        for i, reason in enumerate(reasons):
            button = self._touch_button(reason, f"reason-{i}", "tile")
            button.setCheckable(True)
            # unticked: an outline; ticked: filled and marked ✓ (not by colour alone)
            button.setStyleSheet(
                f"QPushButton {{ background: {PALETTE.surface}; color: {PALETTE.primary};"
                f" border: 3px solid {PALETTE.primary}; }}"
                f" QPushButton:checked {{ background: {PALETTE.primary};"
                f" color: {PALETTE.on_primary}; }}"
            )
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
            button.clicked.connect(lambda _=False, r=reason: self.toggle(r))
            self.reason_buttons[reason] = button
            self.reasons_grid.addWidget(button, i // 2, i % 2)

    def _label(self, text: str, role: str) -> QLabel:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        if role:
            label.setProperty("role", role)
        return label

    # -- what the screen shows -------------------------------------------------------------
    @property
    def state(self) -> str:
        return self.flow.state

    def show_state(self) -> None:
        state = self.flow.state
        if state in (ASKING, SENDING):
            self.stack.setCurrentWidget(self.asking)
            ticket = self.flow.ticket or {}
            self.staff.setText(
                t(
                    "caller.eval.staff",
                    self.lang,
                    name=ticket.get("staff_name") or "",
                    id=ticket.get("staff") or "",
                )
            )
            self.ticket_label.setText(
                t("caller.eval.ticket", self.lang, ticket=ticket.get("label"))
            )
            self._set_photo(self.photo, ticket.get("staff"))
            for button in self.levels.values():
                button.setEnabled(state == ASKING)
            card = self.flow.card
            self.card_box.setVisible(card is not None)
            if card:
                self.card_qr.set_payload(str(card["code"]))
                self.card_text.setText(
                    t("caller.eval.card", self.lang)
                    + "\n"
                    + t(
                        "caller.eval.card_staff",
                        self.lang,
                        name=card.get("staff_name", ""),
                        phone=card.get("phone", ""),
                    )
                )
        elif state == REASONS:
            self.stack.setCurrentWidget(self.reasons_page)
            level = self.flow.level or 0
            self.reasons_level.setText(
                t(
                    "caller.eval.reasons_level",
                    self.lang,
                    level=f"{t(f'rating.{level}', self.lang)} {STARS.get(level, '')}",
                )
            )
            for reason, button in self.reason_buttons.items():
                ticked = reason in self.flow.picked
                button.setChecked(ticked)
                button.setText(f"✓ {reason}" if ticked else reason)
        elif state == THANKS:
            self.stack.setCurrentWidget(self.thanks)
        else:
            self.stack.setCurrentWidget(self.idle)
            self._show_idle()

    def _show_idle(self) -> None:
        w = self.model.window or {}
        number = self.model.number
        name = w.get("name") or ""
        self.idle_window.setText(
            t("caller.header.nobody", self.lang, window=number) + (f" {name}" if name else "")
        )
        status = w.get("status", "logged_out")
        if status == "logged_out":
            self.idle_staff.setText(t("caller.eval.closed", self.lang))
            self.idle_ticket.setText("")
            self.idle_photo.clear()
            return
        self.idle_staff.setText(
            t("caller.eval.staff", self.lang, name=w.get("staff_name") or "", id=w.get("staff"))
        )
        self._set_photo(self.idle_photo, w.get("staff"))
        if status == "paused":
            self.idle_ticket.setText(
                t("caller.eval.paused", self.lang, reason=w.get("pause_reason") or "")
            )
        elif w.get("ticket"):
            self.idle_ticket.setText(t("caller.eval.idle_serving", self.lang, ticket=w["ticket"]))
        else:
            self.idle_ticket.setText(t("caller.eval.idle_none", self.lang))

    def _set_photo(self, label: QLabel, staff: str | None) -> None:
        label.clear()
        if not staff or not self.config.photos:
            return
        for ext in (".png", ".jpg", ".jpeg"):
            path = Path(self.config.photos) / f"{staff}{ext}"
            if path.is_file():
                pixmap = QPixmap(str(path))
                if not pixmap.isNull():
                    label.setPixmap(
                        pixmap.scaledToHeight(160, Qt.TransformationMode.SmoothTransformation)
                    )
                return

    # -- the citizen -------------------------------------------------------------------------
    def rate(self, level: int) -> None:
        fields = self.flow.choose(level)
        if fields is None:
            if self.flow.state == REASONS:  # a 差评: its reasons, with a fresh timeout
                self._start_timeout()
                self.show_state()
            return
        self._send(fields)

    def toggle(self, reason: str) -> None:
        self.flow.toggle(reason)
        self.show_state()

    def submit(self) -> None:
        self._send(self.flow.submit())

    def skip(self) -> None:
        self._send(self.flow.skip())

    def back(self) -> None:
        if self.flow.state == REASONS:
            self.flow.back()
            self._start_timeout()
            self.show_state()

    def _send(self, fields: dict[str, Any] | None) -> None:
        if fields is None:
            return
        self.timeout.stop()
        self.tick.stop()
        self.sent.append(fields)
        self._rid = self.hub.request("evaluate", **fields)
        self.show_state()

    def show_card(self, card: dict[str, Any]) -> None:
        """The caller issued a card it could not print: show its QR with the question."""
        self.flow.show_card(card)
        self.show_state()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()  # keys never rate: the clerk's keyboard is not the citizen's hand

    # -- the server ------------------------------------------------------------------------
    def _on_connection(self, up: bool) -> None:
        if up:
            self._hall_rid = None
            self._ask_hall()

    def _ask_hall(self) -> None:
        """The hall's reasons for a 差评 come with its snapshot: on connecting, and before each
        question (a reload may have changed them)."""
        if self.hub.is_connected and self._hall_rid is None:
            self._hall_rid = self.hub.request("snapshot", topics=["hall"])

    def _take_hall(self, topics: dict[str, Any]) -> None:
        hall = (topics.get("hall") or {}).get("hall")
        if isinstance(hall, dict):
            self.set_reasons([str(r) for r in hall.get("rating_reasons") or ()])

    def _on_snapshot(self, result: dict[str, Any], _why: str) -> None:
        topics = result.get("topics") or {}
        self._take_hall(topics)
        self.model.take_snapshot(topics)
        if self.flow.state == IDLE:
            self.show_state()

    def _on_event(self, event: dict[str, Any]) -> None:
        self.model.take_event(event)
        if (
            event.get("event") == "ticket"
            and event.get("change") == "finished"
            and (event.get("ticket") or {}).get("window") == self.model.number
            and self.flow.finished(event["ticket"])
        ):
            self.thanks_timer.stop()
            self._start_timeout()
            self._ask_hall()
        self.show_state()

    def _start_timeout(self) -> None:
        self._left = int(self.config.timeout)
        self.timeout.start(int(self.config.timeout * 1000))
        self.tick.start()
        self._count_text()

    def _on_reply(self, rid: str, body: dict[str, Any]) -> None:
        if rid == self._hall_rid:
            self._hall_rid = None
            self._take_hall(body.get("topics") or {})
            return
        if rid != self._rid:
            return
        self._rid = None
        self.flow.replied()
        self.thanks_timer.start(int(self.config.thanks * 1000))
        self.show_state()

    def _on_failed(self, rid: str, error: dict[str, Any]) -> None:
        if rid == self._hall_rid:
            self._hall_rid = None
            return
        if rid == self._rid and error.get("code") in ("unknown_reason", "reasons_not_poor"):
            again = self.flow.reasons_refused()  # the level alone: the rating is not lost
            if again is not None:
                self.sent.append(again)
                self._rid = self.hub.request("evaluate", **again)
                return
        self._on_reply(rid, {})

    def _expired(self) -> None:
        self.tick.stop()
        fields = self.flow.expired()
        if fields is not None:
            self._send(fields)  # the level pressed, with the reasons ticked so far
            return
        self.show_state()

    def _thanked(self) -> None:
        self.flow.thanked()
        self.show_state()

    def _count(self) -> None:
        self._left = max(0, self._left - 1)
        self._count_text()

    def _count_text(self) -> None:
        self.countdown.setText(t("caller.eval.timeout_note", self.lang, seconds=self._left))
        self.reasons_countdown.setText(
            t("caller.eval.reasons_timeout", self.lang, seconds=self._left)
        )
