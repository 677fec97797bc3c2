"""The caller's rules, without Qt: which actions a window's state allows, what the server's
snapshots, pushes and replies mean for the bar, and the guards that make one press one request.

Everything here is plain data in, plain data out; ``caller.bar`` pumps Qt events through it.

- ``enabled_actions``: the buttons that apply to the window's state (and none while offline or
  while a request is in flight).
- ``WindowModel``: the window, its ticket, the waiting list and the zone counts, as the server
  says; ``take_snapshot``/``take_event`` say whether the waiting list must be asked again.
- ``Gate``: at most one request in flight; a second press while one is out does nothing.
- ``KeyGate``: a held key (auto-repeat, or a keypad that repeats presses without releases) gives
  one action.
- ``outcome``: the line the bar shows for a reply or a refusal (the server's own Chinese message).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.texts import TEXTS, Text, t

# Every action of the bar, in the order the panel shows them.
ACTIONS = (
    "call_next",
    "recall",
    "no_show",
    "start",
    "finish",
    "choose",
    "transfer",
    "suspend",
    "call_back",
    "pause",
    "resume",
    "logout",
)

# The op each action sends (the dialogs add their fields); login and redeem are separate.
OPS = {
    "call_next": "call_next",
    "recall": "recall",
    "no_show": "no_show",
    "start": "start",
    "finish": "finish",
    "choose": "call",
    "transfer": "transfer",
    "suspend": "suspend",
    "call_back": "call_back",
    "pause": "pause",
    "resume": "resume",
    "logout": "logout",
}

# Default shortcut keys (Qt key names); a USB keypad that types these keys works as well.
DEFAULT_KEYS = {
    "call_next": "F1",
    "recall": "F2",
    "no_show": "F3",
    "start": "F4",
    "finish": "F5",
    "choose": "F6",
    "transfer": "F7",
    "suspend": "F8",
    "call_back": "F9",
    "pause": "F10",
    "resume": "F11",
}

_BY_STATUS: dict[str, frozenset[str]] = {
    "logged_out": frozenset(),
    "idle": frozenset({"call_next", "choose", "pause", "logout"}),
    "calling": frozenset({"recall", "no_show", "start", "finish", "transfer", "suspend"}),
    "serving": frozenset({"finish", "transfer", "suspend"}),
    "paused": frozenset({"resume", "logout"}),
}


def enabled_actions(
    window: Mapping[str, Any] | None,
    ticket: Mapping[str, Any] | None = None,
    *,
    connected: bool = True,
    busy: bool = False,
    waiting: int = 0,
    recall_limit: int = 3,
) -> frozenset[str]:
    """The actions whose buttons are enabled. Offline or with a request in flight: none."""
    if not connected or busy or window is None:
        return frozenset()
    status = str(window.get("status", "logged_out"))
    allowed = set(_BY_STATUS.get(status, frozenset()))
    if status == "idle":
        if window.get("suspended"):
            allowed.add("call_back")
        if waiting <= 0:
            allowed.discard("choose")
    if "recall" in allowed and ticket is not None and ticket.get("recalls", 0) >= recall_limit:
        allowed.discard("recall")
    return frozenset(allowed)


def can_login(window: Mapping[str, Any] | None, *, connected: bool, busy: bool) -> bool:
    return connected and not busy and window is not None and window.get("status") == "logged_out"


def can_redeem(window: Mapping[str, Any] | None, *, connected: bool, busy: bool) -> bool:
    """A 续办服务卡 scanned at the window is redeemed and called here: the window must be idle."""
    return connected and not busy and window is not None and window.get("status") == "idle"


# --- what the window shows -----------------------------------------------------------------
def state_line(window: Mapping[str, Any] | None, lang: str = "zh_CN") -> str:
    """未登录 / 空闲 / 叫号中 / 办理中 / 暂停服务：午休."""
    if window is None:
        return t("caller.state.unknown", lang)
    status = str(window.get("status", "logged_out"))
    if status == "paused":
        return t("caller.state.paused", lang, reason=window.get("pause_reason") or "")
    return t(f"caller.state.{status}", lang)


def kind_line(ticket: Mapping[str, Any], lang: str = "zh_CN") -> str:
    """普通 / 优先：老年人 / 预约 / 续办 / 转入：note."""
    kind = str(ticket.get("kind", "normal"))
    if ticket.get("to_window") is not None or (
        ticket.get("to_staff") is not None and kind != "followup"
    ):
        note = ticket.get("note") or ""
        return t("caller.kind.transferred", lang, note=note).rstrip("：: ")
    if kind == "priority":
        reason = ticket.get("priority_reason")
        if reason:
            return t("caller.kind.priority_reason", lang, reason=Text(f"caller.priority.{reason}"))
        return t("caller.kind.priority", lang)
    if kind in ("appointment", "followup"):
        return t(f"caller.kind.{kind}", lang)
    if ticket.get("note"):
        return t("caller.kind.transferred", lang, note=ticket["note"])
    return t("caller.kind.normal", lang)


def minutes_seconds(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def waited(ticket: Mapping[str, Any], now: float) -> float:
    """How long the ticket waited: its call time (or now, not yet called) less its issue."""
    called = ticket.get("called_at") or now
    return max(0.0, float(called) - float(ticket.get("issued_at") or called))


def service_started(ticket: Mapping[str, Any], local_start: float | None) -> float | None:
    """When service began: the server's time if it says, else when this bar saw it start."""
    return ticket.get("started_at") or local_start or ticket.get("called_at")


# --- the model -----------------------------------------------------------------------------
@dataclass
class WindowModel:
    """What the server says about one window: fed by snapshots, pushes and replies."""

    number: int
    window: dict[str, Any] | None = None
    ticket: dict[str, Any] | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    waiting: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    zone_names: dict[str, str] = field(default_factory=dict)
    started_local: float | None = None  # when this bar saw the service begin
    last_finished: dict[str, Any] | None = None
    day: DayFigures = field(default_factory=lambda: DayFigures())

    @property
    def topic(self) -> str:
        return f"window:{self.number}"

    @property
    def status(self) -> str:
        return str(self.window.get("status")) if self.window else "unknown"

    @property
    def staff(self) -> str | None:
        return self.window.get("staff") if self.window else None

    @property
    def zones(self) -> list[str]:
        return list(self.window.get("zones") or []) if self.window else []

    def topics(self) -> list[str]:
        """Every topic the bar follows: its window, its zones' counts, its staff member."""
        out = [self.topic, *(f"zone:{z}" for z in self.zones)]
        if self.staff:
            out.append(f"staff:{self.staff}")
        return out

    def take_snapshot(self, topics: Mapping[str, Any], now: float | None = None) -> bool:
        """A snapshot's topics; True when the waiting list must be asked again."""
        mine = topics.get(self.topic)
        if mine:
            self._set_window(mine.get("window"), now)
            self._set_ticket(mine.get("ticket"), now)
            self.followups = list(mine.get("followups") or [])
        for name, snap in topics.items():
            if name.startswith("zone:") and snap:
                self.counts.update(snap.get("counts") or {})
                zone = snap.get("zone") or {}
                if zone.get("id"):
                    self.zone_names[zone["id"]] = zone.get("name", zone["id"])
            elif name.startswith("staff:") and snap:
                self.followups = list(snap.get("followups") or [])
        return True

    def take_event(self, event: Mapping[str, Any], now: float | None = None) -> bool:
        """One pushed event; True when the waiting list may have changed."""
        kind = event.get("event")
        if kind == "window":
            view = event.get("window") or {}
            if view.get("number") != self.number:
                return False
            self._set_window(view, now)
            return True
        if kind in ("called", "recalled"):
            ticket = event.get("ticket") or {}
            if ticket.get("window") == self.number and ticket.get("status") == "called":
                self._set_ticket(ticket, now)
            return True
        if kind == "ticket":
            ticket = event.get("ticket") or {}
            change = event.get("change")
            started = self.started_local
            if self.ticket and ticket.get("id") == self.ticket.get("id"):
                if ticket.get("status") in ("called", "serving"):
                    self._set_ticket(ticket, now)
                else:
                    self._set_ticket(None, now)
            if change == "finished" and ticket.get("window") == self.number:
                self.last_finished = dict(ticket)
                self.day.finished(ticket, started, now)
            if change == "rated" and ticket.get("window") == self.number:
                self.day.rated(ticket)
            return change in ("requeued", "transferred", "cancelled", "voided", "missed")
        if kind == "counts":
            self.counts.update(event.get("zones") or {})
            return True
        if kind in ("issued", "followup"):
            if kind == "followup":
                self.followups = list(event.get("followups") or [])
            return True
        if kind == "day":
            self.day = DayFigures()
            return True
        return False

    def take_reply(self, result: Mapping[str, Any], now: float | None = None) -> None:
        """A reply's window or ticket: shown at once, before its push arrives."""
        if "window" in result and isinstance(result["window"], dict):
            self._set_window(result["window"], now)
        ticket = result.get("ticket")
        if (
            isinstance(ticket, dict)
            and ticket.get("window") == self.number
            and ticket.get("status") in ("called", "serving")
        ):
            self._set_ticket(ticket, now)

    def take_waiting(self, result: Mapping[str, Any]) -> None:
        self.waiting = list(result.get("tickets") or [])
        if "followups" in result:
            self.followups = list(result.get("followups") or [])

    def waiting_count(self) -> int:
        zones = self.zones
        return sum(self.counts.get(z, 0) for z in zones) if zones else len(self.waiting)

    def zone_counts(self) -> list[tuple[str, int]]:
        return [(self.zone_names.get(z, z), self.counts.get(z, 0)) for z in self.zones]

    def _set_window(self, view: Mapping[str, Any] | None, now: float | None) -> None:
        if view is None:
            return
        before = self.status
        self.window = dict(view)
        if self.window.get("ticket_id") is None:
            self._set_ticket(None, now)
        if self.status == "serving" and before != "serving" and self.started_local is None:
            self.started_local = now if now is not None else time.time()

    def _set_ticket(self, ticket: Mapping[str, Any] | None, now: float | None) -> None:
        if ticket is None:
            self.ticket = None
            self.started_local = None
            return
        same = self.ticket is not None and self.ticket.get("id") == ticket.get("id")
        if not same:
            self.started_local = None
        self.ticket = dict(ticket)
        if ticket.get("status") == "serving" and self.started_local is None:
            self.started_local = now if now is not None else time.time()


@dataclass
class DayFigures:
    """My day: served, mean service time, ratings — from what this bar saw finish today."""

    served: int = 0
    service_seconds: float = 0.0
    timed: int = 0
    ratings: dict[int, int] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)

    def finished(self, ticket: Mapping[str, Any], started: float | None, now: float | None) -> None:
        tid = str(ticket.get("id"))
        if tid in self._seen:
            return
        self._seen.add(tid)
        self.served += 1
        begin = ticket.get("started_at") or started or ticket.get("called_at")
        end = ticket.get("finished_at") or now or time.time()  # a push comes as it happens
        if begin and end and end >= begin:
            self.service_seconds += float(end) - float(begin)
            self.timed += 1

    def rated(self, ticket: Mapping[str, Any]) -> None:
        level = ticket.get("rating")
        if isinstance(level, int):
            self.ratings[level] = self.ratings.get(level, 0) + 1

    @property
    def mean_minutes(self) -> float:
        return self.service_seconds / self.timed / 60 if self.timed else 0.0

    @property
    def satisfied_share(self) -> float | None:
        total = sum(self.ratings.values())
        good = sum(n for level, n in self.ratings.items() if level >= 3)
        return good / total if total else None


# --- one press, one request ----------------------------------------------------------------
class Gate:
    """At most one request in flight. ``begin`` gives a token (the request's id is set with
    ``sent``), or None while another is out; ``done`` with that id opens the gate again."""

    def __init__(self) -> None:
        self.action: str | None = None
        self.request_id: str | None = None

    @property
    def busy(self) -> bool:
        return self.action is not None

    def begin(self, action: str) -> bool:
        if self.action is not None:
            return False
        self.action = action
        return True

    def sent(self, request_id: str) -> None:
        self.request_id = request_id

    def done(self, request_id: str) -> str | None:
        """The action a reply belongs to, or None if it is not the one in flight."""
        if request_id != self.request_id or self.action is None:
            return None
        action, self.action, self.request_id = self.action, None, None
        return action

    def reset(self) -> None:
        self.action = self.request_id = None


class KeyGate:
    """Shortcut keys to actions; a key held down gives one action, whatever it repeats."""

    def __init__(self, keys: Mapping[str, str]) -> None:
        self.by_key = {key: action for action, key in keys.items() if key}
        self.held: set[str] = set()

    def press(self, key: str, auto_repeat: bool = False) -> str | None:
        action = self.by_key.get(key)
        if action is None:
            return None
        if auto_repeat or key in self.held:
            return None
        self.held.add(key)
        return action

    def release(self, key: str, auto_repeat: bool = False) -> None:
        if not auto_repeat:
            self.held.discard(key)

    def clear(self) -> None:
        """The bar lost the keyboard: a release may never come."""
        self.held.clear()


# --- replies -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    text: str
    level: str  # "ok" | "info" | "error"


_QUIET = {"queue_empty"}


def outcome(action: str, ok: bool, body: Mapping[str, Any], lang: str = "zh_CN") -> Outcome:
    """The bar's line for a reply (``body`` = result) or a refusal (``body`` = error)."""
    if not ok:
        code = str(body.get("code", "internal"))
        message = body.get("message_en" if lang == "en" else "message") or body.get("message")
        text = str(message or t("caller.error.unknown", lang, code=code))
        return Outcome(text, "info" if code in _QUIET else "error")
    ticket = body.get("ticket") if isinstance(body.get("ticket"), dict) else None
    label = ticket.get("label", "") if ticket else ""
    key = f"caller.done.{action}"
    if key not in TEXTS:
        return Outcome("", "ok")
    return Outcome(t(key, lang, ticket=label), "ok")


def matter_tips(hall: Mapping[str, Any], zone: str | None, matter: str | None) -> list[str]:
    """The hall's tips for a matter (``tips`` of its matter in the hall snapshot's zones)."""
    for z in hall.get("zones") or ():
        if z.get("id") == zone:
            for m in z.get("matters") or ():
                if m.get("id") == matter:
                    return [str(tip) for tip in m.get("tips") or ()]
    return []


def card_tips(
    hall: Mapping[str, Any],
    local: Mapping[str, Iterable[str]],
    zone: str | None,
    matter: str | None,
) -> list[str]:
    """The tips offered for a matter's 续办服务卡: the hall's list for the matter first, then
    this window's own (the caller TOML's ``[tips]``: the matter's, else its ``default``), each
    once."""
    own = local.get(matter or "") if matter and matter in local else local.get("default", ())
    out: list[str] = []
    for tip in [*matter_tips(hall, zone, matter), *(own or ())]:
        if tip not in out:
            out.append(tip)
    return out
