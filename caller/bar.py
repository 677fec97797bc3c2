"""The caller bar (软件呼叫器): a small always-on-top strip beside the business system,
expandable to a panel. A thin Qt pump: the window's state comes from the server (snapshots and
pushes of ``window:<n>``, ``zone:<z>``, ``staff:<id>``; the ``waiting`` op), the rules from
``caller.core``, the requests go through ``QtHubClient`` — one in flight at a time, each sent
with one request id that the client resends unchanged after a lost reply.

It never takes the keyboard from the business system by itself: it shows without activating,
and takes the focus only when clicked (or when the OS hands it a shortcut key). Configured
system-wide shortcuts (``[shortcuts] global_call_next``, ``qtkit.hotkey``) act while the
business system keeps the keyboard; a held one is one action, as a held bar key is.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hardware.layouts import CardSlip
from hardware.printer import Printer, PrintFailed
from qtkit.banner import ConnectionBanner
from qtkit.hotkey import GlobalHotkeys, parse_hotkey
from qtkit.hubclient import QtHubClient
from qtkit.scanner import WedgeScanner
from shared.texts import t

from .config import CallerConfig
from .core import (
    OPS,
    Gate,
    KeyGate,
    Outcome,
    WindowModel,
    can_login,
    can_redeem,
    card_tips,
    enabled_actions,
    kind_line,
    minutes_seconds,
    outcome,
    service_started,
    state_line,
    waited,
)
from .dialogs import FinishDialog, PauseDialog, PickDialog, TransferDialog

log = logging.getLogger("onetrip.caller")

BAR_ACTIONS = ("call_next", "recall", "no_show", "finish")  # on the bar itself
PANEL_ACTIONS = ("start", "choose", "transfer", "suspend", "call_back", "pause", "resume", "logout")


def key_name(event: QKeyEvent) -> str:
    """The key as the config names it: F1, Ctrl+1, Num+1 …"""
    return QKeySequence(event.keyCombination()).toString()


class _CardPrinter(QObject):
    """Prints a 续办服务卡 off the UI thread; ``done(card label, failure reason or "")``."""

    done = Signal(str, str)

    def __init__(self, url: str) -> None:
        super().__init__()
        self.printer = Printer(url) if url else None

    def print_card(self, slip: CardSlip, lang: str) -> None:
        printer = self.printer
        assert printer is not None

        def work() -> None:
            try:
                printer.print_card(slip, lang)
            except PrintFailed as e:
                self.done.emit(slip.card_no, e.message(lang))
            except Exception as e:  # a printer fault is reported, never raised into Qt
                log.exception("card print failed")
                self.done.emit(slip.card_no, str(e))
            else:
                self.done.emit(slip.card_no, "")

        threading.Thread(target=work, name="onetrip-card-print", daemon=True).start()


class CallerBar(QWidget):
    shown = Signal(str)  # an action's reply (or refusal) is on the bar: its action name
    card_issued = Signal(dict)  # a 续办服务卡 was issued (the evaluator shows it if unprinted)

    def __init__(
        self, config: CallerConfig, hub: QtHubClient, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.config = config
        self.hub = hub
        self.lang = config.lang
        self.model = WindowModel(config.window)
        self.gate = Gate()
        self.keys = KeyGate(config.keys)
        self.global_keys = KeyGate(config.global_keys)
        self.hall: dict[str, Any] = {}  # hall name, zones, windows: for transfers and cards
        self.dialog: QWidget | None = None
        self.message_level = ""
        self._followed: set[str] = {self.model.topic}
        self._waiting_rid: str | None = None
        self._waiting_stale = False
        self._hall_rid: str | None = None
        self._cards: dict[str, dict[str, Any]] = {}  # card label -> card, issued here
        self._card_for_finish: str | None = None
        self._redeeming = False
        self._listed: tuple[Any, ...] | None = None
        self._expanded = False
        self.printer = _CardPrinter(config.printer)
        self.printer.done.connect(self._printed)

        self.setObjectName("caller-bar")
        self.setWindowTitle(t("caller.title", self.lang, window=config.window))
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowTitleHint
            | Qt.WindowType.WindowCloseButtonHint
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._build()
        self.waiting_timer = QTimer(self)
        self.waiting_timer.setSingleShot(True)
        self.waiting_timer.setInterval(60)
        self.waiting_timer.timeout.connect(self._ask_waiting)
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self._tick)
        self.clock.start()

        self.hotkeys = GlobalHotkeys(
            [parse_hotkey(k) for k in config.global_keys.values()], parent=self
        )
        self.hotkeys.pressed.connect(self._global_pressed)
        self.hotkeys.released.connect(self._global_released)  # a method: run on this thread
        self.hotkeys.failed.connect(self._global_failed)
        self.hotkeys.start()

        self.scanner = WedgeScanner(
            self, swallow=lambda: not isinstance(QGuiApplication.focusObject(), QLineEdit)
        )
        self.scanner.scanned.connect(self.scan)
        if config.scanner:
            self.scanner.use_serial(config.scanner)

        hub.snapshot.connect(self._on_snapshot)
        hub.event.connect(self._on_event)
        hub.connection.connect(self._on_connection)
        hub.replied.connect(self._on_replied)
        hub.failed.connect(self._on_failed)
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _label(self, name: str, role: str = "") -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        if role:
            label.setProperty("role", role)
        return label

    def _button(self, action: str, role: str = "") -> QPushButton:
        button = QPushButton()
        button.setObjectName(f"action-{action}")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays where it was
        button.setAutoDefault(False)
        if role:
            button.setProperty("role", role)
        key = " / ".join(
            k for k in (self.config.keys.get(action), self.config.global_keys.get(action)) if k
        )
        label = t(f"caller.action.{action}", self.lang)
        button.setText(label)
        button.setToolTip(
            t("caller.key_hint", self.lang, label=label, shortcut=key) if key else label
        )
        button.clicked.connect(lambda _=False, a=action: self.press(a))
        return button

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(6, 4, 6, 4)
        root.setSpacing(3)
        self.banner = ConnectionBanner("caller.banner.offline", self.lang)
        root.addWidget(self.banner)

        head = QHBoxLayout()
        self.header = self._label("header", "muted")
        self.state = self._label("state")
        self.state.setStyleSheet("font-weight: bold;")
        head.addWidget(self.header)
        head.addStretch(1)
        head.addWidget(self.state)
        root.addLayout(head)

        self.body = QStackedWidget()
        root.addWidget(self.body)

        # login
        self.login_page = QWidget()
        ll = QHBoxLayout(self.login_page)
        ll.setContentsMargins(0, 0, 0, 0)
        self.staff_edit = QLineEdit()
        self.staff_edit.setObjectName("login-staff")
        self.staff_edit.setPlaceholderText(t("caller.login.staff", self.lang))
        self.staff_edit.setMaxLength(32)
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("login-pin")
        self.pin_edit.setPlaceholderText(t("caller.login.pin", self.lang))
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(32)
        for edit in (self.staff_edit, self.pin_edit):
            edit.setStyleSheet("font-size: inherit; min-height: 0;")
            edit.returnPressed.connect(self.login)
        self.login_button = QPushButton(t("caller.action.login", self.lang))
        self.login_button.setObjectName("action-login")
        self.login_button.setProperty("role", "primary")
        self.login_button.setAutoDefault(False)
        self.login_button.clicked.connect(self.login)
        ll.addWidget(self.staff_edit, 2)
        ll.addWidget(self.pin_edit, 2)
        ll.addWidget(self.login_button, 1)
        self.body.addWidget(self.login_page)

        # the ticket and the bar's own buttons
        self.work_page = QWidget()
        wl = QVBoxLayout(self.work_page)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.setSpacing(2)
        line = QHBoxLayout()
        self.ticket = self._label("ticket", "heading")
        self.ticket.setMinimumWidth(64)
        info = QVBoxLayout()
        info.setSpacing(0)
        self.kind = self._label("kind")
        self.where = self._label("where", "muted")
        info.addWidget(self.kind)
        info.addWidget(self.where)
        times = QVBoxLayout()
        times.setSpacing(0)
        self.waited = self._label("waited", "muted")
        self.timer = self._label("timer")
        self.recalls = self._label("recalls", "muted")
        for w in (self.timer, self.waited, self.recalls):
            w.setAlignment(Qt.AlignmentFlag.AlignRight)
            times.addWidget(w)
        line.addWidget(self.ticket)
        line.addLayout(info, 1)
        line.addLayout(times)
        wl.addLayout(line)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for action in BAR_ACTIONS:
            role = "primary" if action == "call_next" else ""
            self.buttons[action] = self._button(action, role)
            buttons.addWidget(self.buttons[action], 2 if action == "call_next" else 1)
        self.expand = QPushButton(t("caller.action.expand", self.lang))
        self.expand.setObjectName("action-expand")
        self.expand.setProperty("role", "quiet")
        self.expand.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.expand.clicked.connect(self.toggle_panel)
        buttons.addWidget(self.expand)
        wl.addLayout(buttons)
        self.body.addWidget(self.work_page)

        self.message = self._label("message")
        self.message.setWordWrap(True)
        root.addWidget(self.message)

        # the panel
        self.panel = QWidget()
        self.panel.setObjectName("panel")
        pl = QVBoxLayout(self.panel)
        pl.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.setSpacing(4)
        for i, action in enumerate(PANEL_ACTIONS):
            role = "danger" if action == "logout" else ""
            self.buttons[action] = self._button(action, role)
            grid.addWidget(self.buttons[action], i // 4, i % 4)
        pl.addLayout(grid)
        self.counts = self._label("counts", "muted")
        self.counts.setWordWrap(True)
        pl.addWidget(self._label_text("caller.waiting.title"))
        pl.addWidget(self.counts)
        self.waiting_list = QListWidget()
        self.waiting_list.setObjectName("waiting-list")
        self.waiting_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.waiting_list.setMinimumHeight(120)
        pl.addWidget(self.waiting_list, 1)
        self.day = self._label("day", "muted")
        self.day.setWordWrap(True)
        pl.addWidget(self.day)
        self.panel.hide()
        root.addWidget(self.panel, 1)

    def _label_text(self, key: str) -> QLabel:
        label = QLabel(t(key, self.lang))
        label.setStyleSheet("font-weight: bold;")
        return label

    # -- placement ------------------------------------------------------------------------------
    def dock(self) -> None:
        """Put the bar at the configured edge of the screen it is on."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None or self.config.dock == "none":
            return
        area: QRect = screen.availableGeometry()
        size = self.frameGeometry().size()
        x = {"left": area.left(), "right": area.right() - size.width() + 1}.get(
            self.config.dock, area.center().x() - size.width() // 2
        )
        y = area.bottom() - size.height() + 1 if self.config.dock == "bottom" else area.top()
        self.move(x, y)

    def toggle_panel(self) -> None:
        self._expanded = not self._expanded
        self.panel.setVisible(self._expanded)
        self.expand.setText(
            t("caller.action.collapse" if self._expanded else "caller.action.expand", self.lang)
        )
        self.adjustSize()
        if self._expanded:
            self._schedule_waiting()

    # -- what the bar shows ---------------------------------------------------------------------
    @property
    def enabled(self) -> frozenset[str]:
        return enabled_actions(
            self.model.window,
            self.model.ticket,
            connected=self.hub.is_connected,
            busy=self.gate.busy,
            waiting=len(self.model.waiting),
            recall_limit=self.config.recall_limit,
        )

    def refresh(self) -> None:
        m, lang = self.model, self.lang
        w = m.window
        self.banner.set_connected(self.hub.is_connected)
        staff = (w or {}).get("staff_name")
        self.header.setText(
            t("caller.header", lang, window=m.number, staff=staff)
            if staff
            else t("caller.header.nobody", lang, window=m.number)
        )
        self.state.setText(state_line(w, lang))
        logged_out = m.status in ("logged_out", "unknown")
        self.body.setCurrentWidget(self.login_page if logged_out else self.work_page)
        self.login_button.setEnabled(
            can_login(w, connected=self.hub.is_connected, busy=self.gate.busy)
        )
        enabled = self.enabled
        for action, button in self.buttons.items():
            button.setEnabled(action in enabled)
        ticket = m.ticket
        if ticket:
            self.ticket.setText(str(ticket.get("label", "")))
            self.kind.setText(kind_line(ticket, lang))
            self.where.setText(
                t(
                    "caller.ticket.where",
                    lang,
                    zone=ticket.get("zone_name") or "",
                    matter=ticket.get("matter_name") or "—",
                )
            )
            self.recalls.setText(
                t(
                    "caller.ticket.recalls",
                    lang,
                    n=ticket.get("recalls", 0),
                    limit=self.config.recall_limit,
                )
            )
        else:
            self.ticket.setText(t("caller.ticket.none", lang))
            for label in (self.kind, self.where, self.recalls):
                label.setText("")
        self._tick()
        self._show_lists()

    def _tick(self) -> None:
        ticket, now = self.model.ticket, time.time()
        if not ticket:
            self.waited.setText("")
            self.timer.setText("")
            return
        speed = self._speed()  # both clocks in hall time, like the day's mean below them
        self.waited.setText(
            t("caller.ticket.waited", self.lang, time=minutes_seconds(waited(ticket, now) * speed))
        )
        began = service_started(ticket, self.model.started_local)
        if self.model.status == "serving" and began:
            served = (now - float(began)) * speed
            self.timer.setText(t("caller.ticket.timer", self.lang, time=minutes_seconds(served)))
        else:
            self.timer.setText("")

    def _show_lists(self) -> None:
        m, lang = self.model, self.lang
        self.counts.setText(
            "  ".join(t("caller.waiting.counts", lang, zone=z, n=n) for z, n in m.zone_counts())
        )
        mine = {f.get("id") for f in m.followups}
        key = tuple((x.get("id"), x.get("id") in mine) for x in m.waiting)
        if key != self._listed:  # rebuilt only when it changed: refresh runs on every push
            self._listed = key
            self._fill_waiting(mine)
        self._show_day()

    def _fill_waiting(self, mine: set[Any]) -> None:
        m, lang = self.model, self.lang
        self.waiting_list.clear()
        if not m.waiting:
            self.waiting_list.addItem(t("caller.waiting.empty", lang))
        for ticket in m.waiting:
            star = t("caller.waiting.mine", lang) if ticket.get("id") in mine else ""
            item = QListWidgetItem(
                f"{star}{ticket.get('label')}  {kind_line(ticket, lang)}  "
                f"{ticket.get('matter_name') or ticket.get('zone_name') or ''}"
            )
            self.waiting_list.addItem(item)

    def _speed(self) -> float:
        """Hall time per real time: 1 but in a demo hall, whose minutes run faster."""
        speed = (self.hall.get("hall") or {}).get("demo_speed", 1)
        return float(speed) if isinstance(speed, int | float) and speed > 0 else 1.0

    def _show_day(self) -> None:
        d, lang = self.model.day, self.lang
        text = t(
            "caller.day.figures",
            lang,
            served=d.served,
            minutes=f"{d.mean_minutes * self._speed():.1f}",
            rated=sum(d.ratings.values()),
        )
        share = d.satisfied_share
        if share is not None:
            text += " · " + t("caller.day.satisfied", lang, share=f"{share:.0%}")
        self.day.setText(text)

    def say(self, text: str, level: str) -> None:
        self.message_level = level
        self.message.setProperty("role", "error" if level == "error" else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def waiting_labels(self) -> list[str]:
        return [str(t.get("label")) for t in self.model.waiting]

    # -- pressing -------------------------------------------------------------------------------
    def press(self, action: str) -> bool:
        """A button or its key: open the action's dialog, or send it. False if it does not apply."""
        if action not in self.enabled:
            return False
        ticket = self.model.ticket or {}
        if action == "finish":
            tips = card_tips(self.hall, self.config.tips, ticket.get("zone"), ticket.get("matter"))
            dialog: Any = FinishDialog(ticket, tips, self.lang, self)
            dialog.chosen.connect(self._finish_chosen)
        elif action == "transfer":
            dialog = TransferDialog(ticket, *self._targets(), self.lang, self)
            dialog.chosen.connect(lambda fields: self.send("transfer", **fields))
            self._ask_hall()  # who is at which window now
        elif action == "pause":
            dialog = PauseDialog(list(self.config.pause_reasons), self.lang, self)
            dialog.chosen.connect(lambda reason: self.send("pause", reason=reason))
        elif action == "choose":
            items = [
                (str(x["id"]), f"{x['label']}  {kind_line(x, self.lang)}")
                for x in self.model.waiting
            ]
            dialog = PickDialog(t("caller.choose.title", self.lang), items, self.lang, self)
            dialog.chosen.connect(lambda ref: self.send("choose", ticket=ref))
        elif action == "call_back":
            labels = list((self.model.window or {}).get("suspended") or [])
            items = [(label, label) for label in labels]
            dialog = PickDialog(t("caller.callback.title", self.lang), items, self.lang, self)
            dialog.chosen.connect(lambda ref: self.send("call_back", ticket=ref))
        else:
            return self.send(action)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return True

    def _targets(
        self,
    ) -> tuple[list[tuple[str, str]], list[tuple[int, str]], list[tuple[str, str]]]:
        """Zones, windows and staff at work, from the hall's latest snapshot, for 转移."""
        lang, windows = self.lang, self.hall.get("windows", [])
        zones = [(z["id"], z["name"]) for z in self.hall.get("zones", [])]
        others = [
            (w["number"], t("caller.transfer.window_item", lang, window=w["number"],
                            name=w.get("staff_name") or w.get("name") or ""))
            for w in windows
            if w["number"] != self.model.number
        ]  # fmt: skip
        staff = sorted(
            {
                (w["staff"], t("caller.transfer.staff_item", lang,
                               name=w.get("staff_name") or w["staff"], id=w["staff"]))
                for w in windows
                if w.get("staff") and w.get("staff") != self.model.staff
            }
        )  # fmt: skip
        return zones, others, staff

    def _ask_hall(self) -> None:
        if self.hub.is_connected and self._hall_rid is None:
            self._hall_rid = self.hub.request("snapshot", topics=["hall"])

    def _dialog_closed(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def send(self, action: str, *, check: bool = True, **fields: Any) -> bool:
        """Send one action's request, unless another is in flight or (``check``) it does not
        apply to the window's state; ``check=False`` for the second step of a chain."""
        if check and action not in self.enabled:
            return False
        if not self.hub.is_connected:
            self.say(t("caller.error.offline", self.lang), "error")
            return False
        if not self.gate.begin(action):
            return False
        op = OPS.get(action, action)
        if op == "redeem":
            op = "redeem_card"
        rid = uuid.uuid4().hex
        self.gate.sent(rid)
        if op not in ("redeem_card",):
            fields["window"] = self.model.number
        self.hub.request(op, request_id=rid, **fields)
        self.refresh()
        return True

    def login(self) -> None:
        staff, pin = self.staff_edit.text().strip(), self.pin_edit.text().strip()
        if not can_login(self.model.window, connected=self.hub.is_connected, busy=self.gate.busy):
            return
        if not staff or not pin:
            self.say(t("caller.login.empty", self.lang), "error")
            return
        self.send("login", check=False, staff=staff, pin=pin)

    def scan(self, code: str) -> None:
        """A 续办服务卡 scanned at the window: redeemed and called here, in one go."""
        if not can_redeem(self.model.window, connected=self.hub.is_connected, busy=self.gate.busy):
            if self.model.status in ("calling", "serving"):
                self.say(t("caller.error.scan_busy", self.lang), "error")
            return
        self.send("redeem", check=False, code=code.strip())

    def _finish_chosen(self, case_done: bool, tips: list[str]) -> None:
        if case_done:
            self.send("finish", case_done=True)
        else:
            self.send("issue_card", check=False, tips=tips)

    # -- keys -------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.keys.press(key_name(event), event.isAutoRepeat())
        if action is None:
            if self.keys.by_key.get(key_name(event)):
                event.accept()  # a held shortcut: swallowed, not passed on
                return
            super().keyPressEvent(event)
            return
        event.accept()
        if self.dialog is not None and self.dialog.isVisible():
            return
        self.press(action)

    def _global_pressed(self, name: str, auto_repeat: bool) -> None:
        """A system-wide shortcut, pressed while any program has the keyboard."""
        action = self.global_keys.press(name, auto_repeat)
        if action is None or (self.dialog is not None and self.dialog.isVisible()):
            return
        self.press(action)

    def _global_released(self, name: str) -> None:
        self.global_keys.release(name)

    def _global_failed(self, name: str, reason: str) -> None:
        log.warning("global shortcut %s not available: %s", name or "-", reason)
        self.say(
            t("caller.hotkey.failed", self.lang, combo=name or ", ".join(self.global_keys.by_key))
            + t(f"caller.hotkey.{reason}", self.lang),
            "error",
        )

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        self.keys.release(key_name(event), event.isAutoRepeat())
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.keys.clear()
        super().focusOutEvent(event)

    # -- the server -------------------------------------------------------------------------------
    def _on_connection(self, up: bool) -> None:
        if up:
            self._hall_rid = None
            self._ask_hall()
        self.refresh()

    def _on_snapshot(self, result: dict[str, Any], _why: str) -> None:
        topics = result.get("topics") or {}
        if "hall" in topics:
            self.hall = topics["hall"] or {}
            self.model.zone_names.update({z["id"]: z["name"] for z in self.hall.get("zones", [])})
            if isinstance(self.dialog, TransferDialog):
                self.dialog.set_targets(*self._targets())
        if self.model.take_snapshot(topics):
            self._schedule_waiting()
        self._follow()
        self.refresh()

    def _on_event(self, event: dict[str, Any]) -> None:
        if self.model.take_event(event):
            self._schedule_waiting()
        if event.get("event") == "window":
            self._follow()
        self.refresh()

    def _follow(self) -> None:
        """Follow the window's zones and its staff member as soon as they are known."""
        wanted = set(self.model.topics()) - self._followed
        if wanted:
            self._followed |= wanted
            self.hub.subscribe(*sorted(wanted))

    def _schedule_waiting(self) -> None:
        if self._waiting_rid is not None:
            self._waiting_stale = True
        elif not self.waiting_timer.isActive():
            self.waiting_timer.start()

    def _ask_waiting(self) -> None:
        if not self.hub.is_connected:
            return
        self._waiting_stale = False
        self._waiting_rid = self.hub.request("waiting", window=self.model.number)

    def _on_replied(self, rid: str, result: dict[str, Any]) -> None:
        if rid == self._waiting_rid:
            self._waiting_rid = None
            self.model.take_waiting(result)
            if self._waiting_stale:
                self._schedule_waiting()
            self.refresh()
            return
        if rid == self._hall_rid:
            self._hall_rid = None
            return
        action = self.gate.done(rid)
        if action is None:
            return
        self.model.take_reply(result)
        if action == "issue_card":
            self._card_issued(result.get("card") or {})
            return
        if action == "redeem":
            ticket = result.get("ticket") or {}
            if ticket.get("id"):
                self._redeeming = True
                self.send("choose", check=False, ticket=str(ticket["id"]))
                return
        if action == "login":
            self.pin_edit.clear()
        self._schedule_waiting()
        if action == "choose" and self._redeeming:
            self._redeeming = False
            action = "redeem"
        done = outcome(action, True, result, self.lang)
        card = self._cards.get(self._card_for_finish or "")
        if action == "finish" and card is not None:
            key = "caller.card.printed" if self.printer.printer else "caller.card.on_screen"
            done = Outcome(f"{done.text} · {t(key, self.lang, card=card['label'])}", "ok")
        self._card_for_finish = None
        if done.text:
            self.say(done.text, done.level)
        self.refresh()
        self.shown.emit(action)

    def _on_failed(self, rid: str, error: dict[str, Any]) -> None:
        if rid == self._waiting_rid:
            self._waiting_rid = None
            return
        if rid == self._hall_rid:
            self._hall_rid = None
            return
        action = self.gate.done(rid)
        if action is None:
            return
        self._redeeming = False
        if action == "issue_card" and error.get("code") == "card_exists":
            # the case already has a card: it goes on; finish without closing it
            self.say(outcome(action, False, error, self.lang).text, "info")
            self.send("finish", check=False, case_done=False)
            return
        if action == "login":
            self.pin_edit.clear()
        shown = outcome(action, False, error, self.lang)
        self.say(shown.text, shown.level)
        self.refresh()
        self.shown.emit(action)

    # -- the 续办服务卡 ---------------------------------------------------------------------------
    def _card_issued(self, card: dict[str, Any]) -> None:
        self._cards[str(card.get("label", ""))] = card
        self._card_for_finish = str(card.get("label", ""))
        if self.printer.printer is not None:
            self.printer.print_card(self.card_slip(card), self.lang)
        else:
            self.card_issued.emit(card)
        self.send("finish", check=False, case_done=False)

    def card_slip(self, card: dict[str, Any]) -> CardSlip:
        until = card.get("valid_until")
        return CardSlip(
            hall=str((self.hall.get("hall") or {}).get("name", "")),
            card_no=str(card.get("label", "")),
            staff_name=str(card.get("staff_name", "")),
            window=str(card.get("window", self.model.number)),
            phone=str(card.get("phone", "")),
            zone=str(card.get("zone_name", "")),
            matter=card.get("matter_name"),
            tips=tuple(card.get("tips") or ()),
            code=str(card.get("code", "")),
            valid_until=date.fromisoformat(until) if until else date.today(),
        )

    def _printed(self, label: str, failure: str) -> None:
        if failure:
            self.say(t("caller.card.print_failed", self.lang, reason=failure), "error")
            card = self._cards.get(label)
            if card:
                self.card_issued.emit(card)
        else:
            self.say(t("caller.card.printed", self.lang, card=label), "ok")

    def shutdown(self) -> None:
        """Before the hub client stops: no more timers, scans or requests."""
        self.waiting_timer.stop()
        self.clock.stop()
        self.scanner.close()
        self.hotkeys.stop()
        for signal, slot in (
            (self.hub.snapshot, self._on_snapshot),
            (self.hub.event, self._on_event),
            (self.hub.connection, self._on_connection),
            (self.hub.replied, self._on_replied),
            (self.hub.failed, self._on_failed),
        ):
            signal.disconnect(slot)

    def closeEvent(self, event: Any) -> None:
        self.scanner.close()
        self.hotkeys.stop()
        super().closeEvent(event)
