"""The kiosk's screens: a thin pump around ``KioskFlow``.

Every touch becomes ``flow.tap(name)``, every scan ``flow.scan(code)``, every reply, push,
connection change and printer answer the flow's matching input; the effects the flow returns
are carried out (a request to the hub, a slip to the printer worker) and the current screen is
drawn again from the flow's state. Nothing here decides anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hardware.status import PrinterStatus
from qtkit.banner import ConnectionBanner
from qtkit.gesture import CornerPress
from qtkit.idle import ActivityWatch
from qtkit.keypad import Keypad
from qtkit.qr import QrWidget
from qtkit.scanner import WedgeScanner
from qtkit.theme import PALETTE, Sizes, style_sheet
from qtkit.units import Units
from shared.texts import t

from .flow import Effect, KioskFlow, Print, PrintTestPage, Quit, Screen, Send

WEEKDAYS_ZH = "一二三四五六日"


def kiosk_style(sizes: Sizes) -> str:
    """The theme's style sheet and the kiosk's own: the big number, tiles with two lines."""
    p = PALETTE
    return (
        style_sheet(sizes)
        + f"""
QLabel#number {{ font-size: {sizes.title * 3}px; font-weight: bold; color: {p.accent}; }}
QLabel#clock {{ font-size: {sizes.body}px; color: {p.muted}; }}
QLabel[role="notice"] {{ font-size: {sizes.body}px; font-weight: bold; color: {p.accent};
    background: {p.surface}; border: 2px solid {p.accent}; border-radius: {sizes.radius}px;
    padding: {sizes.gap // 2}px; }}
QLabel[role="staff"] {{ font-size: {sizes.small}px; color: {p.muted}; }}
QPushButton[role="tile"] QLabel {{ color: {p.on_primary}; background: transparent; }}
QPushButton[role="tile"] QLabel:disabled {{ color: {p.disabled_text}; }}
QLabel[role="tile-name"] {{ font-size: {sizes.heading}px; font-weight: bold; }}
QLabel[role="tile-info"] {{ font-size: {sizes.body}px; }}
QWidget#header {{ background: {p.surface}; }}
"""
    )


class ResultPage(QWidget):
    """A result screen: a touch anywhere on it goes home."""

    def __init__(self, on_touch: Callable[[], None]) -> None:
        super().__init__()
        self._on_touch = on_touch

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._on_touch()
        event.accept()


class KioskWindow(QWidget):
    def __init__(
        self,
        flow: KioskFlow,
        units: Units,
        *,
        hub: Any = None,  # QtHubClient (or anything with request(op, request_id=, **fields))
        printer: Any = None,  # PrinterWorker
        clock: Callable[[], float] = time.time,
        corner_hold: float = 3.0,
        poll_seconds: float = 3.0,
        scanner: WedgeScanner | None = None,
        on_quit: Callable[[], None] | None = None,
        device: str = "",
        hub_url: str = "",
    ) -> None:
        super().__init__()
        self.setObjectName("kiosk")
        self.flow, self.units, self.hub, self.printer = flow, units, hub, printer
        self.clock = clock
        self.on_quit = on_quit
        self.device, self.hub_url = device, hub_url
        self.portrait = units.portrait
        self.sizes = {
            False: Sizes.for_units(units, elderly=False),
            True: Sizes.for_units(units, elderly=True),
        }
        self._styled: bool | None = None
        self.resize(units.width_px, units.height_px)
        self.setAutoFillBackground(True)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        header = QWidget()
        header.setObjectName("header")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(header)
        self.hall_label = QLabel()
        self.hall_label.setObjectName("hall")
        self.hall_label.setProperty("role", "title")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clock")
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.hall_label, 1)
        row.addWidget(self.clock_label)
        outer.addWidget(header)
        self.banner = ConnectionBanner("apps.banner.offline", flow.lang)
        self.banner.setObjectName("banner")
        self.banner.set_connected(flow.connected)
        outer.addWidget(self.banner)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        outer.addWidget(self.body, 1)
        self.page: QWidget | None = None
        self.widgets: dict[str, QWidget] = {}  # what the current page shows, by name

        self.activity = ActivityWatch(self, clock=clock)
        self.activity.touched.connect(self._touched)
        self.corner = CornerPress(self, corner="top_left", size=units.mm(25), hold=corner_hold)
        self.corner.triggered.connect(lambda: self.tap("corner"))
        self.scanner = scanner
        if scanner is not None:
            scanner.scanned.connect(self.scan)
        if hub is not None:
            hub.event.connect(self._event)
            hub.snapshot.connect(self._snapshot)
            hub.connection.connect(self._connection)
            hub.replied.connect(
                lambda rid, result: self._run(self.flow.reply(rid, result, self.now()))
            )
            hub.failed.connect(
                lambda rid, error: self._run(self.flow.failed(rid, error, self.now()))
            )
        if printer is not None:
            printer.status.connect(self._printer_status)
            printer.printed.connect(
                lambda job, ok, reason: self._run(self.flow.printed(job, ok, reason, self.now()))
            )
        self.ticker = QTimer(self)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start(500)
        self.poller = QTimer(self)
        if printer is not None:
            self.poller.timeout.connect(printer.poll)
            self.poller.start(round(poll_seconds * 1000))
            printer.poll()
        self._minute = -1
        self.render()

    # -- inputs --------------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock()

    def tap(self, what: str) -> None:
        self._run(self.flow.tap(what, self.now()))

    def scan(self, code: str) -> None:
        self._run(self.flow.scan(code, self.now()))

    def _touched(self) -> None:
        self.flow.touched = self.now()

    def _event(self, push: dict[str, Any]) -> None:
        if self.flow.catalog.take_event(push) and self.flow.screen in (Screen.HOME, Screen.MATTERS):
            self.render()

    def _snapshot(self, result: dict[str, Any], why: str) -> None:
        self.flow.catalog.take_snapshot(result.get("topics") or {})
        if self.flow.screen in (Screen.HOME, Screen.MATTERS):
            self.render()
        else:
            self._header()

    def _connection(self, up: bool) -> None:
        self.banner.set_connected(up)
        self._run(self.flow.connection(up, self.now()))

    def _printer_status(self, status: PrinterStatus) -> None:
        before = (self.flow.printer, self.flow.can_issue)
        self._run(self.flow.printer_status(status, self.now()), render=False)
        if (self.flow.printer, self.flow.can_issue) != before:
            self.render()

    def _tick(self) -> None:
        screen = self.flow.screen
        self._run(self.flow.tick(self.now()), render=False)
        minute = int(self.now() // 60)
        if self.flow.screen is not screen or (screen is Screen.HOME and minute != self._minute):
            self._minute = minute
            self.render()
        self._clock()

    def _run(self, effects: list[Effect], *, render: bool = True) -> None:
        for effect in effects:
            if isinstance(effect, Send):
                if self.hub is not None:
                    timeout = self.flow.settings.request_timeout
                    self.hub.request(
                        effect.op, request_id=effect.rid, timeout=timeout, **effect.fields
                    )
            elif isinstance(effect, Print | PrintTestPage):
                if self.printer is not None:
                    self.printer.print_slip(effect.job, effect.slip)
            elif isinstance(effect, Quit):
                if self.on_quit is not None:
                    self.on_quit()
                else:
                    QApplication.quit()
        if render:
            self.render()

    # -- drawing --------------------------------------------------------------------------------
    def tr(self, key: str, **params: Any) -> str:  # type: ignore[override]
        return t(key, self.flow.lang, **params)

    def render(self) -> None:
        flow = self.flow
        if self._styled is not flow.elderly:
            self._styled = flow.elderly
            self.setStyleSheet(kiosk_style(self.sizes[flow.elderly]))
        self.banner.set_lang(flow.lang)
        self._header()
        if self.page is not None:
            self.body_layout.removeWidget(self.page)
            self.page.hide()
            self.page.deleteLater()
        self.widgets = {}
        builder = getattr(self, f"_page_{flow.screen.value}")
        page = builder()
        page.setObjectName(f"page-{flow.screen.value}")
        self.page = page
        self.body_layout.addWidget(page)
        page.show()

    @property
    def size_now(self) -> Sizes:
        return self.sizes[self.flow.elderly]

    def _header(self) -> None:
        catalog = self.flow.catalog
        self.hall_label.setText(catalog.name_en if self.flow.lang == "en" else catalog.name)
        self._clock()

    def _clock(self) -> None:
        now = datetime.fromtimestamp(self.now(), self.flow.catalog.tz)
        if self.flow.lang == "en":
            text = now.strftime("%a %d %b %Y  %H:%M:%S")
        else:
            text = (
                f"{now.year}年{now.month}月{now.day}日 星期{WEEKDAYS_ZH[now.weekday()]}  "
                f"{now:%H:%M:%S}"
            )
        self.clock_label.setText(text)

    # helpers to build pages
    def _label(self, text: str, role: str = "", name: str = "", wrap: bool = True) -> QLabel:
        label = QLabel(text)
        if role:
            label.setProperty("role", role)
        if name:
            label.setObjectName(name)
            self.widgets[name] = label
        label.setWordWrap(wrap)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def _button(self, text: str, tap: str, role: str = "", name: str = "") -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name or tap.replace(":", "-"))
        if role:
            button.setProperty("role", role)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda: self.tap(tap))
        self.widgets[button.objectName()] = button
        return button

    def _tile(self, name: str, info: str, tap: str, enabled: bool) -> QPushButton:
        button = self._button("", tap, "tile")
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        inner = QVBoxLayout(button)
        gap = self.size_now.gap
        inner.setContentsMargins(gap, gap, gap, gap)
        inner.addStretch(1)
        for text, role in ((name, "tile-name"), (info, "tile-info")):
            if not text:
                continue
            label = QLabel(text)
            label.setProperty("role", role)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            inner.addWidget(label)
        inner.addStretch(1)
        button.setMinimumHeight(max(self.size_now.target * 2, button.minimumHeight()))
        button.setEnabled(enabled)
        return button

    def _grid(self, tiles: list[QWidget], columns: int) -> QWidget:
        holder = QWidget()
        grid = QGridLayout(holder)
        gap = self.size_now.gap
        grid.setSpacing(gap)
        for i, tile in enumerate(tiles):
            grid.addWidget(tile, i // columns, i % columns)
        return holder

    def _page(self, cls: type[QWidget] = QWidget) -> tuple[QWidget, QVBoxLayout]:
        page = cls(self.tap_dismiss) if cls is ResultPage else cls()
        layout = QVBoxLayout(page)
        gap = self.size_now.gap
        layout.setContentsMargins(gap * 2, gap, gap * 2, gap)
        layout.setSpacing(gap)
        return page, layout

    def tap_dismiss(self) -> None:
        self.tap("dismiss")

    def _row(self, *buttons: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(self.size_now.gap)
        for b in buttons:
            row.addWidget(b)
        return row

    def _columns(self, many: int) -> int:
        if self.flow.elderly:
            return 1 if self.portrait else 2
        return 2 if self.portrait else 3

    # -- the pages ------------------------------------------------------------------------------
    def _page_home(self) -> QWidget:
        flow, now = self.flow, self.now()
        page, layout = self._page()
        layout.addWidget(self._label(self.tr("kiosk.home.choose"), "heading", "prompt"))
        notice = flow.notice()
        if not flow.connected:
            notice = None  # the banner says it
        if notice is not None:
            layout.addWidget(self._label(notice.text(flow.lang), "notice", "printer-notice"))
        tiles = []
        for zone in flow.zone_views(now):
            name = zone.name_en if flow.lang == "en" else zone.name
            if zone.closed:
                info = self._closed_text(zone)
            else:
                info = self.tr("kiosk.home.waiting", n=zone.waiting)
                if zone.wait_minutes is not None:
                    info += "\n" + self.tr("kiosk.home.wait", minutes=zone.wait_minutes)
            tiles.append(
                self._tile(name, info, f"zone:{zone.id}", flow.can_issue and not zone.closed)
            )
        if not tiles:
            layout.addWidget(self._label(self.tr("kiosk.home.loading"), "muted", "loading"))
        layout.addWidget(self._grid(tiles, self._columns(len(tiles))), 1)
        buttons = [
            self._button(self.tr("kiosk.home.card"), "card", "primary"),
            self._button(
                self.tr("kiosk.home.elderly_on" if not flow.elderly else "kiosk.home.elderly_off"),
                "elderly",
            ),
            self._button(self.tr("kiosk.home.lang"), "lang"),
        ]
        buttons[0].setEnabled(flow.connected)
        if flow.can_reprint(now):
            buttons.append(self._button(self.tr("kiosk.home.reprint"), "reprint"))
        if self.portrait:
            grid = self._grid(buttons, 2)
            layout.addWidget(grid)
        else:
            layout.addLayout(self._row(*buttons))
        staff = flow.staff_notice()
        lines = [staff.text(flow.lang)] if staff else []
        for n in flow.catalog.notices[:1]:
            lines.append(
                str(
                    n.get("text_en")
                    if flow.lang == "en" and n.get("text_en")
                    else n.get("text", "")
                )
            )
        if lines:
            layout.addWidget(self._label("  ·  ".join(lines), "staff", "staff-notice"))
        return page

    def _closed_text(self, zone: Any) -> str:
        if zone.closed_message:
            text = zone.closed_message.get(self.flow.lang) or zone.closed_message.get("zh_CN", "")
        else:
            text = self.tr(f"kiosk.closed.{zone.closed}")
        if zone.hours:
            text += "\n" + self.tr("kiosk.closed.hours", hours=zone.hours)
        return text

    def _page_matters(self) -> QWidget:
        flow, now = self.flow, self.now()
        page, layout = self._page()
        zone = flow.catalog.zone_view(flow.zone, now) if flow.zone else None
        zname = (zone.name_en if flow.lang == "en" else zone.name) if zone else ""
        layout.addWidget(
            self._label(self.tr("kiosk.matters.title", zone=zname), "heading", "prompt")
        )
        shown, pages = flow.page_of_matters(now)
        tiles = [
            self._tile(
                m.name_en if flow.lang == "en" and m.name_en else m.name,
                "",
                f"matter:{m.id}",
                flow.can_issue,
            )
            for m in shown
        ]
        layout.addWidget(self._grid(tiles, self._columns(len(tiles))), 1)
        controls = [self._button(self.tr("kiosk.back"), "back")]
        if pages > 1:
            prev = self._button(self.tr("kiosk.matters.prev"), "prev")
            prev.setEnabled(flow.page > 0)
            nxt = self._button(self.tr("kiosk.matters.next"), "next", "primary")
            nxt.setEnabled(flow.page < pages - 1)
            controls += [
                prev,
                self._label(
                    self.tr("kiosk.matters.page", page=min(flow.page, pages - 1) + 1, pages=pages),
                    "",
                    "page-label",
                ),
                nxt,
            ]
        layout.addLayout(self._row(*controls))
        return page

    def _page_priority(self) -> QWidget:
        flow = self.flow
        page, layout = self._page()
        layout.addWidget(self._label(self.tr("kiosk.priority.title"), "heading", "prompt"))
        layout.addWidget(self._label(self.tr("kiosk.priority.show_id"), "", "show-id"))
        tiles = [
            self._tile(self.tr(f"priority.{kind}"), "", f"priority:{kind}", flow.can_issue)
            for kind in flow.catalog.priority_kinds
        ]
        layout.addWidget(self._grid(tiles, 2), 1)
        none = self._button(self.tr("kiosk.priority.none"), "priority:none", "primary")
        none.setEnabled(flow.can_issue)
        none.setMinimumHeight(self.size_now.target * 2)
        layout.addWidget(none)
        layout.addLayout(self._row(self._button(self.tr("kiosk.back"), "back")))
        return page

    def _page_card_hint(self) -> QWidget:
        page, layout = self._page()
        layout.addStretch(1)
        layout.addWidget(self._label(self.tr("kiosk.card.scan"), "heading", "prompt"))
        layout.addWidget(self._label(self.tr("kiosk.card.scan_hint"), "", "hint"))
        layout.addStretch(1)
        layout.addLayout(self._row(self._button(self.tr("kiosk.back"), "back")))
        return page

    def _page_wait(self) -> QWidget:
        page, layout = self._page()
        layout.addStretch(1)
        layout.addWidget(self._label(self.tr("kiosk.wait"), "heading", "prompt"))
        if not self.flow.connected:
            layout.addWidget(self._label(self.tr("kiosk.wait.retrying"), "muted", "retrying"))
        layout.addStretch(1)
        return page

    def _page_printing(self) -> QWidget:
        page, layout = self._page()
        layout.addStretch(1)
        layout.addWidget(self._label(self.tr("kiosk.printing"), "heading", "prompt"))
        layout.addStretch(1)
        return page

    def _ticket_block(self, layout: QVBoxLayout, ticket: dict[str, Any]) -> None:
        flow = self.flow
        shown = flow.shown
        layout.addWidget(self._label(self.tr("kiosk.ticket.your_number"), "heading"))
        layout.addWidget(self._label(str(ticket["label"]), "", "number"))
        place, matter = self._names(ticket)
        if matter:
            place += " · " + matter
        layout.addWidget(self._label(place, "heading", "matter"))
        kind = ticket.get("kind")
        if kind == "priority" and ticket.get("priority_reason"):
            reason = self.tr(f"priority.{ticket['priority_reason']}")
            layout.addWidget(
                self._label(self.tr("kiosk.ticket.priority", reason=reason), "", "kind")
            )
        middle = QHBoxLayout()
        words = QVBoxLayout()
        if kind != "followup":
            words.addWidget(
                self._label(
                    self.tr("kiosk.ticket.ahead", n=ticket.get("ahead", 0)), "heading", "ahead"
                )
            )
            if ticket.get("wait_minutes") is not None:
                words.addWidget(
                    self._label(
                        self.tr("kiosk.ticket.wait", minutes=ticket["wait_minutes"]), "", "wait"
                    )
                )
        for i, line in enumerate(shown.route if shown else []):
            words.addWidget(
                self._label(line.text(flow.lang), "heading" if i == 0 else "", f"route-{i}")
            )
        qr = QrWidget(str(ticket.get("status_url", "")))
        qr.setObjectName("qr")
        side = self.units.mm(55) if not flow.elderly else self.units.mm(60)
        qr.setFixedSize(side, side)
        self.widgets["qr"] = qr
        qbox = QVBoxLayout()
        qbox.addWidget(qr, 0, Qt.AlignmentFlag.AlignCenter)
        qbox.addWidget(self._label(self.tr("kiosk.ticket.qr"), "muted", "qr-hint"))
        if self.portrait:  # one above the other: a layout has one parent
            layout.addLayout(words)
            layout.addLayout(qbox)
        else:
            middle.addLayout(words, 2)
            middle.addLayout(qbox, 1)
            layout.addLayout(middle)
        if shown is not None and (shown.on_screen_only or shown.print_failed):
            problem = (
                self.tr(f"print.fail.{shown.print_failed}", detail="")
                if shown.print_failed
                else (flow.printer.message(flow.lang) if flow.printer else "")
            )
            layout.addWidget(
                self._label(self.tr("kiosk.ticket.photo", problem=problem), "notice", "take")
            )
        else:
            layout.addWidget(self._label(self.tr("kiosk.ticket.take"), "heading", "take"))
        layout.addWidget(self._label(self.tr("kiosk.touch_home"), "muted", "touch-home"))

    def _names(self, ticket: dict[str, Any]) -> tuple[str, str]:
        """The ticket's zone and matter in the citizen's language (the ticket has Chinese)."""
        zone, matter = str(ticket.get("zone_name") or ""), str(ticket.get("matter_name") or "")
        if self.flow.lang != "en" or ticket.get("zone") not in self.flow.catalog.zones:
            return zone, matter
        view = self.flow.catalog.zone_view(str(ticket["zone"]), self.now())
        for m in view.matters:
            if m.id == ticket.get("matter") and m.name_en:
                matter = m.name_en
        return view.name_en or zone, matter

    def _page_ticket(self) -> QWidget:
        page, layout = self._page(ResultPage)
        if self.flow.shown is not None:
            self._ticket_block(layout, self.flow.shown.ticket)
        return page

    def _page_card(self) -> QWidget:
        page, layout = self._page(ResultPage)
        layout.addWidget(self._label(self.tr("kiosk.card.title"), "title", "prompt"))
        if self.flow.shown is not None:
            self._ticket_block(layout, self.flow.shown.ticket)
        return page

    def _page_status(self) -> QWidget:
        flow = self.flow
        page, layout = self._page(ResultPage)
        status = flow.status or {}
        layout.addStretch(1)
        if status.get("requeued"):
            layout.addWidget(
                self._label(
                    self.tr("kiosk.requeue.done", ticket=status.get("label", "")),
                    "heading",
                    "prompt",
                )
            )
        else:
            layout.addWidget(self._label(self.tr("kiosk.status.title"), "heading", "prompt"))
        layout.addWidget(self._label(str(status.get("label", "")), "", "number"))
        name = status.get("status_name") or {}
        if isinstance(name, dict) and name:
            layout.addWidget(
                self._label(name.get(flow.lang) or name.get("zh_CN", ""), "heading", "status")
            )
        for i, line in enumerate(status.get("say") or []):
            layout.addWidget(
                self._label(line.get(flow.lang) or line.get("zh_CN", ""), "", f"say-{i}")
            )
        layout.addStretch(1)
        layout.addWidget(self._label(self.tr("kiosk.touch_home"), "muted", "touch-home"))
        return page

    def _page_requeue(self) -> QWidget:
        flow = self.flow
        page, layout = self._page()
        status = flow.status or {}
        layout.addStretch(1)
        layout.addWidget(
            self._label(
                self.tr("kiosk.requeue.title", ticket=status.get("label", "")), "heading", "prompt"
            )
        )
        penalty = flow.catalog.requeue_penalty
        text = (
            self.tr("kiosk.requeue.penalty", n=penalty)
            if penalty
            else self.tr("kiosk.requeue.penalty_unknown")
        )
        layout.addWidget(self._label(text, "", "penalty"))
        layout.addWidget(self._label(self.tr("kiosk.requeue.once"), "muted", "once"))
        layout.addStretch(1)
        layout.addLayout(
            self._row(
                self._button(self.tr("kiosk.back"), "back"),
                self._button(self.tr("kiosk.requeue.confirm"), "confirm", "primary"),
            )
        )
        return page

    def _page_reprint(self) -> QWidget:
        flow = self.flow
        page, layout = self._page()
        label = flow.last.ticket["label"] if flow.last else ""
        layout.addStretch(1)
        layout.addWidget(
            self._label(self.tr("kiosk.reprint.title", ticket=label), "heading", "prompt")
        )
        layout.addWidget(self._label(self.tr("kiosk.reprint.copy"), "", "copy"))
        layout.addStretch(1)
        layout.addLayout(
            self._row(
                self._button(self.tr("kiosk.back"), "back"),
                self._button(self.tr("kiosk.reprint.confirm"), "confirm", "primary"),
            )
        )
        return page

    def _page_message(self) -> QWidget:
        flow = self.flow
        page, layout = self._page(ResultPage)
        layout.addStretch(1)
        if flow.message is not None:
            layout.addWidget(self._label(flow.message.text(flow.lang), "heading", "message"))
        if flow.hint is not None:
            layout.addWidget(self._label(flow.hint.text(flow.lang), "", "hint"))
        layout.addStretch(1)
        layout.addLayout(self._row(self._button(self.tr("kiosk.home"), "home", "primary")))
        return page

    def _page_pin(self) -> QWidget:
        flow = self.flow
        page, layout = self._page()
        layout.addWidget(self._label(self.tr("kiosk.pin.title"), "heading", "prompt"))
        if flow.pin_error is not None:
            layout.addWidget(self._label(flow.pin_error.text(flow.lang), "error", "pin-error"))
        pad = Keypad(masked=True, max_length=12, lang=flow.lang)
        pad.setObjectName("pin-pad")
        pad.accepted.connect(lambda entry: self.tap(f"pin:{entry}"))
        self.widgets["pin-pad"] = pad
        width = self.size_now.target * 3 + self.size_now.gap * 4
        pad.setMaximumWidth(max(width * 2, self.units.mm(120)))
        layout.addWidget(pad, 1, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(self._row(self._button(self.tr("kiosk.back"), "home")))
        return page

    def _page_maintenance(self) -> QWidget:
        flow = self.flow
        page, layout = self._page()
        layout.addWidget(self._label(self.tr("kiosk.maint.title"), "heading", "prompt"))
        printer = (
            flow.printer.message(flow.lang) if flow.printer else self.tr("kiosk.printer.checking")
        )
        layout.addWidget(
            self._label(self.tr("kiosk.maint.printer", status=printer), "", "m-printer")
        )
        if flow.printer is not None and flow.printer.paper == "near_end":
            ack = (
                self.tr("kiosk.maint.acked")
                if flow.paper_acknowledged
                else self.tr("kiosk.printer.near_end")
            )
            layout.addWidget(self._label(ack, "error", "m-paper"))
        link = self.tr("kiosk.maint.online") if flow.connected else self.tr("kiosk.maint.offline")
        layout.addWidget(
            self._label(
                self.tr("kiosk.maint.server", url=self.hub_url, device=self.device, state=link),
                "",
                "m-server",
            )
        )
        layout.addWidget(
            self._label(
                self.tr("kiosk.maint.counts", issued=flow.issued, prints=flow.prints),
                "muted",
                "m-counts",
            )
        )
        lang = self.tr(
            "kiosk.maint.lang", language="中文" if flow.default_lang == "zh_CN" else "English"
        )
        layout.addWidget(self._label(lang, "", "m-lang"))
        if flow.test_result is not None:
            layout.addWidget(self._label(flow.test_result.text(flow.lang), "error", "m-test"))
        layout.addStretch(1)
        buttons = [
            self._button(self.tr("kiosk.maint.test"), "maint:test", "primary"),
            self._button(self.tr("kiosk.maint.ack"), "maint:ack"),
            self._button(self.tr("kiosk.maint.switch_lang"), "maint:lang"),
            self._button(self.tr("kiosk.maint.exit"), "maint:exit", "danger"),
            self._button(self.tr("kiosk.maint.close"), "maint:close"),
        ]
        layout.addWidget(self._grid(buttons, 2 if self.portrait else 3))
        return page
