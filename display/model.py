"""What a hall board or a window screen shows, from the hub's snapshot and pushes. No Qt.

    board = Board(recent_size=8)                  # a hall board (topic ``hall``)
    board.snapshot(result)                        # the subscribe/snapshot reply
    change = board.event(push)                    # every push, in order
    board.connected = False                       # keeps the last state, says so

A ``Board`` folds the calls: one line per ticket, the newest first; a recall moves its ticket's
line to the top marked as a recall (第 2 次呼叫) instead of adding a second identical line.
Waiting per zone, the windows' states and the notices follow their events; a new hall day clears
the calls and notices (the hub's snapshot follows and fills in the rest). ``WindowBoard`` is the
same for one window (topic ``window:<n>``). The widgets only render these values; every rule of
what is shown lives here and is tested with tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import Any

from shared.protocol import Events
from shared.texts import t

# A notice pushed with ``minutes = 0`` (push only) stays this long on the band.
PUSH_ONLY_SECONDS = 60.0
# Connection notices (the server restarting) are the banner's business, not the band's.
SYSTEM_LEVEL = "system"
# A notice of this level (``onetrip admin notice clear``) takes every notice off the band.
CLEAR_LEVEL = "clear"
WEEKDAYS_ZH = "一二三四五六日"


@dataclass(frozen=True)
class Call:
    ticket: str  # the label, A001
    ticket_id: str
    window: int
    window_name: str
    zone: str
    zone_name: str
    staff_name: str
    recall: int  # 0 for the first call, then 1, 2, … (再次呼叫)
    at: float
    announce: str
    announce_en: str

    @classmethod
    def of(cls, call: dict[str, Any]) -> Call:
        announce = call.get("announce") or {}
        return cls(
            ticket=str(call.get("ticket") or ""),
            ticket_id=str(call.get("ticket_id") or call.get("ticket") or ""),
            window=int(call.get("window") or 0),
            window_name=str(call.get("window_name") or ""),
            zone=str(call.get("zone") or ""),
            zone_name=str(call.get("zone_name") or ""),
            staff_name=str(call.get("staff_name") or ""),
            recall=int(call.get("recall") or 0) if call.get("how") == "recall" else 0,
            at=float(call.get("at") or 0.0),
            announce=str(announce.get("zh_CN") or ""),
            announce_en=str(announce.get("en") or ""),
        )

    @property
    def is_recall(self) -> bool:
        return self.recall > 0


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    name_en: str
    waiting: int


@dataclass(frozen=True)
class WindowState:
    number: int
    name: str
    status: str  # logged_out, idle, calling, serving, paused
    ticket: str | None
    staff: str | None
    staff_name: str | None
    pause_reason: str | None
    zones: tuple[str, ...] = ()

    @classmethod
    def of(cls, view: dict[str, Any]) -> WindowState:
        return cls(
            number=int(view["number"]),
            name=str(view.get("name") or ""),
            status=str(view.get("status") or "logged_out"),
            ticket=view.get("ticket"),
            staff=view.get("staff"),
            staff_name=view.get("staff_name"),
            pause_reason=view.get("pause_reason"),
            zones=tuple(view.get("zones") or ()),
        )


@dataclass(frozen=True)
class Notice:
    text: str
    text_en: str
    level: str
    at: float
    until: float

    @classmethod
    def of(cls, notice: dict[str, Any]) -> Notice:
        at = float(notice.get("at") or 0.0)
        until = float(notice.get("until") or at)
        return cls(
            text=str(notice.get("text") or ""),
            text_en=str(notice.get("text_en") or notice.get("text") or ""),
            level=str(notice.get("level") or "info"),
            at=at,
            until=max(until, at + PUSH_ONLY_SECONDS),
        )


@dataclass(frozen=True)
class Change:
    """What one push changed, for the widgets: which parts to draw again, and whether to
    highlight (and announce) a call."""

    parts: frozenset[str] = frozenset()
    call: Call | None = None  # a new call or a recall to highlight and announce

    def __bool__(self) -> bool:
        return bool(self.parts)


NOTHING = Change()


@dataclass
class Board:
    """The hall board's state (topic ``hall``)."""

    recent_size: int = 8
    topic: str = "hall"
    hall_name: str = ""
    hall_name_en: str = ""
    day: str = ""
    calls: list[Call] = field(default_factory=list)  # newest first, one per ticket
    zones: dict[str, Zone] = field(default_factory=dict)
    windows: dict[int, WindowState] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    connected: bool = False
    seq: int = 0
    version: int = 0  # grows with every change: a widget draws again when it moved

    # -- what is shown --------------------------------------------------------------------
    @property
    def newest(self) -> Call | None:
        return self.calls[0] if self.calls else None

    @property
    def recent(self) -> list[Call]:
        """The calls before the newest, at most ``recent_size``."""
        return self.calls[1 : 1 + self.recent_size]

    def active_notices(self, now: float) -> list[Notice]:
        return [n for n in self.notices if n.until > now and n.level != SYSTEM_LEVEL]

    def window_list(self) -> list[WindowState]:
        return [self.windows[n] for n in sorted(self.windows)]

    # -- input ----------------------------------------------------------------------------
    def snapshot(self, result: dict[str, Any]) -> Change:
        """A subscribe or snapshot reply: everything shown comes from it."""
        topic = (result.get("topics") or {}).get(self.topic)
        if not isinstance(topic, dict):
            return NOTHING
        self.seq = int(result.get("seq") or self.seq)
        self._take(topic)
        self.version += 1
        return Change(frozenset({"all"}))

    def _take(self, hall: dict[str, Any]) -> None:
        info = hall.get("hall") or {}
        self.hall_name = str(info.get("name") or self.hall_name)
        self.hall_name_en = str(info.get("name_en") or self.hall_name_en)
        self.day = str(info.get("day") or self.day)
        self.calls = fold([Call.of(c) for c in reversed(hall.get("recent") or [])], self.keep)
        self.zones = {
            str(z["id"]): Zone(
                str(z["id"]), str(z.get("name") or ""), str(z.get("name_en") or ""),
                int(z.get("waiting") or 0),
            )
            for z in hall.get("zones") or []
        }  # fmt: skip
        self.windows = {w.number: w for w in map(WindowState.of, hall.get("windows") or [])}
        self.notices = [Notice.of(n) for n in hall.get("notices") or []]

    @property
    def keep(self) -> int:
        return self.recent_size + 1

    def event(self, push: dict[str, Any]) -> Change:
        """One push; returns what it changed."""
        kind = push.get("event")
        self.seq = int(push.get("seq") or self.seq)
        change = NOTHING
        if kind in (Events.CALLED, Events.RECALLED) and isinstance(push.get("call"), dict):
            call = Call.of(push["call"])
            self.calls = fold([call], self.keep, self.calls)
            change = Change(frozenset({"calls"}), call)
        elif kind == Events.WINDOW and isinstance(push.get("window"), dict):
            w = WindowState.of(push["window"])
            self.windows[w.number] = w
            change = Change(frozenset({"windows"}))
        elif kind == Events.COUNTS and isinstance(push.get("zones"), dict):
            for zid, waiting in push["zones"].items():
                z = self.zones.get(zid)
                self.zones[zid] = (
                    replace(z, waiting=int(waiting)) if z else Zone(zid, zid, zid, int(waiting))
                )
            change = Change(frozenset({"zones"}))
        elif kind == Events.NOTICE and isinstance(push.get("notice"), dict):
            notice = Notice.of(push["notice"])
            if notice.level == CLEAR_LEVEL:
                self.notices = []
                change = Change(frozenset({"notices"}))
            elif notice.level != SYSTEM_LEVEL:
                self.notices = [*self.notices, notice][-10:]
                change = Change(frozenset({"notices"}))
        elif kind == Events.DAY:
            self.new_day(str(push.get("day") or ""))
            change = Change(frozenset({"all"}))
        if change:
            self.version += 1
        return change

    def new_day(self, day: str) -> None:
        """A new hall day: yesterday's calls and notices go; counts and windows come with
        the snapshot the client takes next."""
        self.day = day or self.day
        self.calls = []
        self.notices = []
        self.zones = {k: replace(z, waiting=0) for k, z in self.zones.items()}

    def set_connected(self, up: bool) -> Change:
        if up == self.connected:
            return NOTHING
        self.connected = up
        self.version += 1
        return Change(frozenset({"connection"}))


def fold(new: Iterable[Call], keep: int, calls: Iterable[Call] = ()) -> list[Call]:
    """Put each of ``new`` (oldest first) on top of ``calls`` (newest first): a ticket has one
    line, its latest call; at most ``keep`` lines."""
    out = list(calls)
    for call in new:
        out = [call, *(c for c in out if c.ticket_id != call.ticket_id)]
    return out[:keep]


@dataclass
class WindowBoard:
    """One window's screen (topic ``window:<n>``): who is on duty, the number at the window."""

    number: int
    window: WindowState | None = None
    called: Call | None = None  # the latest call at this window (for the highlight)
    counts: dict[str, int] = field(default_factory=dict)  # waiting per zone (topic hall)
    connected: bool = False
    seq: int = 0
    version: int = 0

    @property
    def topic(self) -> str:
        return f"window:{self.number}"

    @property
    def topics(self) -> list[str]:
        """The window's own topic, and ``hall`` for the waiting counts of its zones."""
        return [self.topic, "hall"]

    @property
    def waiting(self) -> int:
        zones = self.window.zones if self.window else ()
        return sum(self.counts.get(z, 0) for z in zones)

    @property
    def status(self) -> str:
        return self.window.status if self.window else "logged_out"

    @property
    def ticket(self) -> str | None:
        """The number to show: the one called or served here, none when idle or away."""
        if self.window is None or self.window.status not in ("calling", "serving"):
            return None
        return self.window.ticket

    def snapshot(self, result: dict[str, Any]) -> Change:
        topic = (result.get("topics") or {}).get(self.topic)
        if not isinstance(topic, dict):
            return NOTHING
        self.seq = int(result.get("seq") or self.seq)
        if isinstance(topic.get("window"), dict):
            self.window = WindowState.of(topic["window"])
        hall = (result.get("topics") or {}).get("hall") or {}
        self.counts = {str(z["id"]): int(z.get("waiting") or 0) for z in hall.get("zones") or []}
        recent = [Call.of(c) for c in topic.get("recent") or []]
        self.called = recent[0] if recent else None
        self.version += 1
        return Change(frozenset({"all"}))

    def event(self, push: dict[str, Any]) -> Change:
        kind = push.get("event")
        self.seq = int(push.get("seq") or self.seq)
        change = NOTHING
        if kind in (Events.CALLED, Events.RECALLED) and isinstance(push.get("call"), dict):
            call = Call.of(push["call"])
            if call.window == self.number:
                self.called = call
                if self.window is not None:
                    self.window = replace(self.window, ticket=call.ticket, status="calling")
                change = Change(frozenset({"window"}), call)
        elif kind == Events.WINDOW and isinstance(push.get("window"), dict):
            w = WindowState.of(push["window"])
            if w.number == self.number:
                self.window = w
                change = Change(frozenset({"window"}))
        elif kind == Events.COUNTS and isinstance(push.get("zones"), dict):
            self.counts.update({str(k): int(v) for k, v in push["zones"].items()})
            change = Change(frozenset({"waiting"}))
        elif kind == Events.DAY:
            self.called = None
            self.counts = {}
            change = Change(frozenset({"all"}))
        if change:
            self.version += 1
        return change

    def set_connected(self, up: bool) -> Change:
        if up == self.connected:
            return NOTHING
        self.connected = up
        self.version += 1
        return Change(frozenset({"connection"}))


# -- texts of the moment (pure: the widgets and the tests share them) -------------------------
def clock_texts(now: float, tz: tzinfo) -> tuple[str, str]:
    """``("2026年12月1日 星期二", "16:25")`` in the hall's time zone."""
    local = datetime.fromtimestamp(now, tz)
    date = f"{local.year}年{local.month}月{local.day}日 星期{WEEKDAYS_ZH[local.weekday()]}"
    return date, local.strftime("%H:%M:%S")


def window_state_text(w: WindowState | None, lang: str = "zh_CN") -> str:
    """空闲 / 呼叫 A001 / 办理中 A001 / 暂停服务：午休 / 未登录."""
    if w is None or w.status == "logged_out":
        return t("display.state.logged_out", lang)
    if w.status == "paused":
        if w.pause_reason:
            return t("display.state.paused_reason", lang, reason=w.pause_reason)
        return t("display.state.paused", lang)
    if w.status in ("calling", "serving") and w.ticket:
        return t(f"display.state.{w.status}", lang, ticket=w.ticket)
    return t("display.state.idle", lang)


def hours_text(hours: list[str] | None, lang: str = "zh_CN") -> str:
    """The footer's line from the hall's periods today (None: the hall gave none)."""
    if hours is None:
        return ""
    if not hours:
        return t("display.hours_closed", lang)
    return t("display.hours", lang, hours=" ".join(hours))
