"""The hall board (综合屏): QtWidgets rendering a ``model.Board``.

    board = HallBoard(BoardSizes.for_units(units), english=True)
    board.render(model)           # after every snapshot or change
    board.highlight()             # a new call: flash the number for a few seconds

Landscape: the newest call large on the left with the recent calls under it; waiting per zone
and the windows on the right. Portrait: the same parts in one column. The widgets hold no state
of their own beyond what ``render`` last drew; every rule of what to show is in the model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import tzinfo
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from qtkit.banner import ConnectionBanner
from qtkit.theme import PALETTE
from shared.texts import t

from .model import Board, Call, WindowState, clock_texts, hours_text, window_state_text
from .sizes import BoardSizes
from .widgets import LINE, NoticeBand, Text

P = PALETTE
PANEL = "#0E2A4D"  # a panel on the board's background
RULE = "#24476B"
STATE_BG = {
    "logged_out": "#2A3A50",
    "idle": "#14507F",
    "calling": "#8A5A00",
    "serving": "#1E6B3A",
    "paused": "#7A1F1A",
}
CENTER = Qt.AlignmentFlag.AlignCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _frame(name: str, bg: str = PANEL) -> QFrame:
    f = QFrame()
    f.setObjectName(name)
    f.setStyleSheet(f"QFrame#{name} {{ background: {bg}; border-radius: 6px; }}")
    return f


class RecentRow:
    def __init__(self, grid: QGridLayout, row: int, s: BoardSizes) -> None:
        self.number = Text(s.recent, P.board_text, bold=True)
        self.window = Text(s.recent, P.board_text)
        self.zone = Text(round(s.recent * 0.8), "#CFE0F5")
        self.mark = Text(round(s.recent * 0.7), P.board_call, bold=True, align=RIGHT)
        for col, w in enumerate((self.number, self.window, self.zone, self.mark)):
            grid.addWidget(w, row, col)

    def set_px(self, px: int) -> None:
        self.number.restyle(px)
        self.window.restyle(px)
        self.zone.restyle(round(px * 0.8))
        self.mark.restyle(round(px * 0.7))

    def show(self, call: Call | None, lang_en: bool) -> None:
        if call is None:
            for w in (self.number, self.window, self.zone, self.mark):
                w.set("")
            return
        self.number.set(call.ticket)
        self.window.set(t("display.window_n", "zh_CN", n=call.window))
        self.zone.set(call.zone_name)
        self.mark.set(t("display.recall_short", "zh_CN") if call.is_recall else "")


class WindowChip(QLabel):
    """One window: its number and state, coloured by state."""

    def __init__(self, px: int) -> None:
        super().__init__()
        self.px = px
        self.state = ""
        self.full = ""
        self.setAlignment(CENTER)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(round(px * LINE * 2) + 6)

    def show_window(self, w: WindowState) -> None:
        head = t("display.window_n", "zh_CN", n=w.number)
        full = f"{head}\n{window_state_text(w)}"
        if (full, w.status) == (self.full, self.state):
            return
        restyle = w.status != self.state or not self.styleSheet()
        self.full, self.state = full, w.status
        if restyle:
            self._restyle()
        else:
            self._elide()

    def set_px(self, px: int) -> None:
        if px != self.px:
            self.px = px
            self._restyle()

    def _restyle(self) -> None:
        self.setStyleSheet(
            f"font-size: {self.px}px; color: {P.board_text}; background: "
            f"{STATE_BG.get(self.state, PANEL)}; border-radius: 4px; padding: 0 2px;"
        )
        font = QFont(self.font())
        font.setPixelSize(self.px)
        self.setFont(font)
        self.setFixedHeight(round(self.px * LINE * 2) + 6)
        self._elide()

    def _elide(self) -> None:
        metrics = QFontMetrics(self.font())
        width = self.contentsRect().width() - 6
        shown = "\n".join(
            line
            if width <= 0 or metrics.horizontalAdvance(line) <= width
            else metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
            for line in self.full.split("\n")
        )
        if shown != self.text():
            self.setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def fits(self) -> bool:
        return self.text() == self.full


class HallBoard(QWidget):
    def __init__(
        self,
        sizes: BoardSizes,
        *,
        recent: int = 8,
        english: bool = True,
        highlight_seconds: float = 6.0,
        tz: tzinfo | None = None,
        clock: Callable[[], float] = time.time,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hall-board")
        self.sizes = sizes
        self.english = english
        self.tz: tzinfo = tz or ZoneInfo("Asia/Shanghai")
        self.clock = clock
        self.highlight_seconds = highlight_seconds
        self.hours: list[str] | None = None
        self.model: Board | None = None
        self._drawn_windows: tuple[int, ...] = ()
        self.scale = 1.0  # of the lists, when a big hall needs them smaller to fit
        self.chip_px = sizes.body
        self.setStyleSheet(f"QWidget#hall-board {{ background: {P.board_bg}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.resize(sizes.width, sizes.height)
        s = sizes

        # header: the hall's name, the date and the clock
        self.name = Text(round(s.body * 1.3), P.board_text, bold=True)
        self.name_en = Text(s.small, "#CFE0F5")
        self.date = Text(s.body, P.board_text, align=RIGHT)
        self.time = Text(round(s.body * 1.3), P.board_call, bold=True, align=RIGHT)
        header = _frame("header", "#0B3C7D")
        hl = QGridLayout(header)
        hl.setContentsMargins(s.gap * 2, s.gap, s.gap * 2, s.gap)
        hl.addWidget(self.name, 0, 0)
        hl.addWidget(self.name_en, 1, 0)
        hl.addWidget(self.time, 0, 1)
        hl.addWidget(self.date, 1, 1)
        hl.setColumnStretch(0, 3)
        hl.setColumnStretch(1, 2)

        self.notice = NoticeBand(s.body)
        self.notice.hide()

        # the newest call
        self.newest = _frame("newest")
        nl = QVBoxLayout(self.newest)
        nl.setContentsMargins(s.gap * 2, s.gap, s.gap * 2, s.gap)
        nl.setSpacing(0)
        self.newest_title = Text(s.body, "#CFE0F5", align=CENTER)
        self.number = Text(s.number, P.board_call, bold=True, align=CENTER)
        self.number.setObjectName("call-number")
        self.call_line = Text(s.call_line, P.board_text, bold=True, align=CENTER)
        self.call_line_en = Text(s.small, "#CFE0F5", align=CENTER)
        self.recall = Text(s.body, P.board_call, bold=True, align=CENTER)
        for w in (self.newest_title, self.number, self.call_line, self.call_line_en, self.recall):
            nl.addWidget(w)
        self.call_line_en.setVisible(english)

        # the recent calls
        self.recent_panel = _frame("recent")
        rl = QVBoxLayout(self.recent_panel)
        rl.setContentsMargins(s.gap * 2, s.gap, s.gap * 2, s.gap)
        rl.setSpacing(s.gap // 2)
        self.recent_title = Text(s.body, "#CFE0F5", bold=True)
        rl.addWidget(self.recent_title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(s.gap * 2)
        grid.setVerticalSpacing(0)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 3)
        grid.setColumnStretch(3, 1)
        self.rows = [RecentRow(grid, i, s) for i in range(recent)]
        rl.addLayout(grid)
        rl.addStretch(1)

        # waiting per zone
        self.zones_panel = _frame("zones")
        self.zones_layout = QGridLayout(self.zones_panel)
        self.zones_layout.setContentsMargins(s.gap * 2, s.gap, s.gap * 2, s.gap)
        self.zones_layout.setVerticalSpacing(0)
        self.zones_title = Text(s.body, "#CFE0F5", bold=True)
        self.zones_layout.addWidget(self.zones_title, 0, 0, 1, 2)
        self.zone_rows: list[tuple[Text, Text]] = []

        # the windows
        self.windows_panel = _frame("windows")
        wl = QVBoxLayout(self.windows_panel)
        wl.setContentsMargins(s.gap * 2, s.gap, s.gap * 2, s.gap)
        self.windows_title = Text(s.body, "#CFE0F5", bold=True)
        wl.addWidget(self.windows_title)
        self.windows_grid = QGridLayout()
        self.windows_grid.setSpacing(max(2, s.gap // 2))
        wl.addLayout(self.windows_grid)
        wl.addStretch(1)
        self.chips: dict[int, WindowChip] = {}

        # footer: the hours and the connection mark
        self.hours_label = Text(s.small, "#CFE0F5")
        self.offline = ConnectionBanner("display.offline")
        self.offline.setStyleSheet(
            f"background: {P.banner_bg}; color: {P.banner_text}; font-size: {s.small}px;"
            "font-weight: bold; padding: 2px 12px; border-radius: 4px;"
        )
        self.offline.setWordWrap(False)
        footer = QHBoxLayout()
        footer.setContentsMargins(s.gap * 2, 0, s.gap * 2, 0)
        footer.addWidget(self.hours_label, 1)
        footer.addWidget(self.offline, 0)

        root = QVBoxLayout(self)
        root.setContentsMargins(s.gap, s.gap, s.gap, s.gap)
        root.setSpacing(s.gap)
        root.addWidget(header)
        root.addWidget(self.notice)
        self._nested: list[QVBoxLayout | QHBoxLayout] = []
        if s.portrait:
            root.addWidget(self.newest)
            root.addWidget(self.recent_panel, 1)
            root.addWidget(self.zones_panel)
            root.addWidget(self.windows_panel)
        else:
            body = QHBoxLayout()
            body.setSpacing(s.gap)
            left = QVBoxLayout()
            left.setSpacing(s.gap)
            left.addWidget(self.newest)
            left.addWidget(self.recent_panel, 1)
            right = QVBoxLayout()
            right.setSpacing(s.gap)
            right.addWidget(self.zones_panel)
            right.addWidget(self.windows_panel, 1)
            body.addLayout(left, 11)
            body.addLayout(right, 9)
            root.addLayout(body, 1)
            self._nested = [left, right, body]
        root.addLayout(footer)

        self._flash_on = False
        self._flash_until = 0.0
        self._flash = QTimer(self)
        self._flash.setInterval(450)
        self._flash.timeout.connect(self._blink)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.tick)
        self._ticker.start()
        self._static_texts()
        self.tick()

    # -- drawing ----------------------------------------------------------------------------
    def _static_texts(self) -> None:
        self.newest_title.set(self._both("display.now_calling"))
        self.recent_title.set(self._both("display.recent"))
        self.zones_title.set(self._both("display.waiting"))
        self.windows_title.set(self._both("display.windows"))

    def _both(self, key: str, **params: object) -> str:
        zh = t(key, "zh_CN", **params)
        return f"{zh}  {t(key, 'en', **params)}" if self.english else zh

    def set_timezone(self, tz: tzinfo) -> None:
        self.tz = tz
        self.tick()

    def set_hours(self, hours: list[str] | None) -> None:
        self.hours = hours
        self.hours_label.set(hours_text(hours))

    def tick(self) -> None:
        now = self.clock()
        date, clock = clock_texts(now, self.tz)
        self.date.set(date)
        self.time.set(clock)
        if self.model is not None:
            self._notices(now)

    def render(self, model: Board, parts: frozenset[str] = frozenset({"all"})) -> None:
        """Draw ``model``; ``parts`` (from a ``Change``) limits it to what a push changed."""
        self.model = model
        every = "all" in parts
        grew = False
        if every:
            self.name.set(model.hall_name)
            self.name_en.set(model.hall_name_en if self.english else "")
            self.name_en.setVisible(self.english)
        if every or "calls" in parts:
            self._newest(model.newest)
            recent = model.recent
            for i, row in enumerate(self.rows):
                row.show(recent[i] if i < len(recent) else None, self.english)
        if every or "zones" in parts:
            grew = self._zones(model)
        if every or "windows" in parts:
            grew = self._windows(model.window_list()) or grew
        if every or "notices" in parts:
            banded = not self.notice.isHidden()
            self._notices(self.clock())
            grew = grew or banded != (not self.notice.isHidden())
        self.offline.set_connected(model.connected)
        if grew:
            self.fit()

    def fit(self) -> None:
        """Shrink the lists (never the number being called) until the board fits its screen:
        a hall with many zones or windows gets smaller lines, never parts off the screen."""
        for _ in range(40):
            if self._needed_height() <= self.sizes.height or self.scale <= 0.5:
                break
            self.scale *= 0.96
            self._apply_scale()
        if self.isWindow() and not self.isFullScreen():
            self._needed_height()
            self.resize(self.sizes.width, self.sizes.height)  # a desk trial's window

    def _needed_height(self) -> int:
        """The least height the board's parts take, from their layouts made afresh now (Qt
        otherwise updates them only on the next turn of the event loop)."""
        for panel in (self.newest, self.recent_panel, self.zones_panel, self.windows_panel):
            panel.layout().invalidate()
            panel.layout().activate()
        for nested in self._nested:
            nested.invalidate()
        layout = self.layout()
        layout.invalidate()
        layout.activate()
        return layout.totalMinimumSize().height()

    def _apply_scale(self) -> None:
        s = self.sizes
        for row in self.rows:
            row.set_px(round(s.recent * self.scale))
        for name, count in self.zone_rows:
            name.restyle(round(s.body * self.scale))
            count.restyle(round(s.body * self.scale))
        for chip in self.chips.values():
            chip.set_px(round(self.chip_px * self.scale))

    def _newest(self, call: Call | None) -> None:
        if call is None:
            self.number.set(t("display.no_calls", "zh_CN"))
            self.number.restyle(self.sizes.call_line)
            self.call_line.set("")
            self.call_line_en.set("")
            self.recall.set("")
            self.stop_highlight()
            return
        self.number.restyle(self.sizes.number)
        self.number.set(call.ticket)
        self.call_line.set(call.announce or t("display.go_to", "zh_CN", window=call.window))
        self.call_line_en.set(call.announce_en if self.english else "")
        if call.is_recall:
            self.recall.set(self._both("display.recall", n=call.recall + 1))
        else:
            self.recall.set(f"{call.window_name or call.zone_name}")

    def _zones(self, model: Board) -> bool:
        zones = list(model.zones.values())
        grew = len(self.zone_rows) < len(zones)
        px = round(self.sizes.body * self.scale)
        while len(self.zone_rows) < len(zones):
            i = len(self.zone_rows) + 1
            name = Text(px, P.board_text)
            count = Text(px, P.board_call, bold=True, align=RIGHT)
            self.zones_layout.addWidget(name, i, 0)
            self.zones_layout.addWidget(count, i, 1)
            name.show()
            count.show()
            self.zone_rows.append((name, count))
        for i, (name, count) in enumerate(self.zone_rows):
            if i < len(zones):
                name.set(zones[i].name)
                count.set(t("display.waiting_n", "zh_CN", n=zones[i].waiting))
            name.setVisible(i < len(zones))
            count.setVisible(i < len(zones))
        return grew

    def window_columns(self, n: int) -> int:
        if self.sizes.portrait:
            return 3 if n <= 9 else 5 if n <= 25 else 6
        return 3 if n <= 9 else 4 if n <= 24 else 5

    def _windows(self, windows: list[WindowState]) -> bool:
        numbers = tuple(w.number for w in windows)
        grew = numbers != self._drawn_windows
        if grew:
            for chip in self.chips.values():
                chip.setParent(None)
            self.chips = {}
            cols = self.window_columns(len(numbers))
            rows = max(1, math.ceil(len(numbers) / cols))
            # the chips share what is left of the panel: two lines each
            share = 0.26 if self.sizes.portrait else 0.46
            px = min(self.sizes.body, round(self.sizes.height * share / (rows * 2.8)))
            self.chip_px = max(10, px)
            for i, number in enumerate(numbers):
                chip = WindowChip(max(10, round(self.chip_px * self.scale)))
                self.windows_grid.addWidget(chip, i // cols, i % cols)
                chip.show()  # now, not on the loop's next turn: fit() measures it
                self.chips[number] = chip
            for c in range(cols):
                self.windows_grid.setColumnStretch(c, 1)
            self._drawn_windows = numbers
        for w in windows:
            self.chips[w.number].show_window(w)
        return grew

    def _notices(self, now: float) -> None:
        if self.model is None:
            return
        notices = self.model.active_notices(now)
        text = "　　".join(n.text for n in notices)
        self.notice.set(text)

    # -- the highlight: the number's colours swap for a few seconds, it never disappears -----
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
