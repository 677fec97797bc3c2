"""The hall's live state: what the engine decides against and events change.

It holds today's tickets, the windows, the open cards and the open cases. Older tickets and
closed cards live only in the store (a closed card is looked up there when it is redeemed).
``waiting`` and ``by_label`` are indexes kept by ``Ticket`` status changes, so that "call next"
looks at who waits, not at the whole day; ``by_code`` finds a ticket by the code of its QR.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Self

from shared.domain import FINAL, Kind, Status, WindowStatus
from shared.hallconfig import HallConfig

_REQUIRED: Any = object()
_DEFAULTS: dict[type, list[tuple[Any, Any]]] = {}


def _defaults(cls: type) -> list[tuple[Any, Any]]:
    """Each field of a row class with its default, or ``_REQUIRED`` where it has none."""
    found = _DEFAULTS.get(cls)
    if found is None:
        found = _DEFAULTS[cls] = [
            (f, f.default if f.default is not MISSING else _REQUIRED) for f in fields(cls)
        ]
    return found


class _Row:
    """Rows of the store: ``row()`` gives the fields as plain data, ``copy()`` a copy whose
    lists are its own. Only the fields named in ``_lists`` nest; both run for every change the
    hall commits, so they read ``__dict__`` instead of going through ``dataclasses``."""

    _lists: tuple[str, ...] = ()
    _enums: tuple[tuple[str, Callable[[Any], Any]], ...] = ()  # columns stored as their value

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        """The object a stored row (or an event's copy of it) describes."""
        # a field added since a row was written takes its default (``_defaults``)
        data = {
            f.name: row[f.name] if d is _REQUIRED else row.get(f.name, d) for f, d in _defaults(cls)
        }
        for name, enum in cls._enums:
            data[name] = enum(data[name])
        for name in cls._lists:
            data[name] = list(data[name] or [])
        return cls(**data)

    def changed(self) -> dict[str, Any]:
        """``row()`` without the fields that hold their default: what an event carries of a
        row (``from_row`` gives the rest back), kept small since the log keeps it for ever."""
        row = self.row()
        for f, default in _defaults(type(self)):
            if default is not _REQUIRED and row[f.name] == default:
                del row[f.name]
        return row

    def row(self) -> dict[str, Any]:
        row = dict(self.__dict__)
        for name in self._lists:
            row[name] = list(row[name])
        return row

    def copy(self) -> Any:
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        for name in self._lists:
            new.__dict__[name] = list(self.__dict__[name])
        return new


@dataclass
class Ticket(_Row):
    _lists = ("quota",)
    _enums = (("kind", Kind), ("status", Status))

    id: str  # 20261122-A001: unique for ever
    day: str  # hall-local date, ISO
    zone: str
    number: int
    label: str  # A001: what the citizen holds
    kind: Kind
    status: Status
    issued_at: float
    serial: int  # issue order over all days; breaks ties
    band: int  # 0 = at the head of its queue (transfer at head, re-queue), 1 = in turn
    key: float  # order within its band: usually the time it joined the queue
    case: str
    code: str  # for /t/<code>
    matter: str | None = None
    priority_reason: str | None = None
    appointment_at: float | None = None
    appointment_ref: str | None = None
    card: int | None = None
    quota: list[str] = field(default_factory=list)
    to_window: int | None = None  # routed by a transfer
    to_staff: str | None = None  # routed by a transfer or a 续办 card
    window: int | None = None  # the window that has it (or last had it)
    staff: str | None = None
    first_called_at: float | None = None
    called_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    recalls: int = 0
    requeues: int = 0
    transfers: int = 0
    rating: int | None = None
    note: str = ""
    issued_by: str = ""  # the device that issued it (a kiosk voids only its own)


def line_of(ticket: Ticket) -> str:
    """Which line of its zone's queue a ticket stands in when nobody routed it."""
    if ticket.kind is Kind.APPOINTMENT:
        return "appointment"
    return "priority" if ticket.kind is Kind.PRIORITY else "turn"


@dataclass
class Window(_Row):
    _lists = ("suspended",)
    _enums = (("status", WindowStatus),)

    number: int
    status: WindowStatus = WindowStatus.LOGGED_OUT
    staff: str | None = None
    ticket: str | None = None  # called or being served
    suspended: list[str] = field(default_factory=list)
    pause_reason: str = ""
    priority_run: int = 0  # priority calls in a row
    last_finished: str | None = None  # what the evaluator rates


@dataclass
class Card(_Row):
    _lists = ("tips",)

    number: int
    case: str
    staff: str
    window: int
    zone: str
    matter: str | None
    issued_at: float
    valid_until: str  # ISO date, last day it can be used
    code: str
    tips: list[str] = field(default_factory=list)
    ticket: str | None = None  # its follow-up ticket while that is open
    closed_at: float | None = None
    closed_reason: str | None = None  # "done" | "expired"

    @property
    def label(self) -> str:
        return f"XB{self.number:06d}"


@dataclass
class Case(_Row):
    """办件: one citizen matter across visits; ``tickets`` are its trips."""

    _lists = ("tickets",)

    id: str
    zone: str
    matter: str | None
    opened_at: float
    tickets: list[str] = field(default_factory=list)
    done_at: float | None = None
    card: int | None = None

    def row(self) -> dict[str, Any]:
        return {**super().row(), "trips": len(self.tickets)}


@dataclass
class HallState:
    day: str = ""
    serial: int = 0
    next_card: int = 1
    numbers: dict[str, int] = field(default_factory=dict)  # zone -> last number today
    taken: dict[str, int] = field(default_factory=dict)  # quota key -> tickets today
    served: dict[str, list[float]] = field(default_factory=dict)  # zone -> [count, seconds]
    tickets: dict[str, Ticket] = field(default_factory=dict)
    windows: dict[int, Window] = field(default_factory=dict)
    cards: dict[int, Card] = field(default_factory=dict)  # open cards only
    cases: dict[str, Case] = field(default_factory=dict)
    # indexes and change tracking: derived, never compared or stored
    waiting: set[str] = field(default_factory=set, compare=False, repr=False)
    queues: dict[str, set[str]] = field(default_factory=dict, compare=False, repr=False)
    routed: set[str] = field(default_factory=set, compare=False, repr=False)
    counts: dict[tuple[str, str], int] = field(default_factory=dict, compare=False, repr=False)
    by_label: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    by_code: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # /t/<code>
    dirty: set[tuple[str, Any]] = field(default_factory=set, compare=False, repr=False)
    # what left the live state since the last commit, kept until its last change is stored
    retired: dict[tuple[str, Any], Any] = field(default_factory=dict, compare=False, repr=False)
    # per zone, how many of its windows are staffed and not paused: asked for every ticket's
    # wait, and true until a window changes (every change of a window touches it)
    staffed: dict[tuple[int, str], int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def empty(cls, config: HallConfig) -> HallState:
        state = cls()
        for number in sorted(config.windows):
            state.windows[number] = Window(number)
        return state

    # -- change helpers used by events -------------------------------------------------------
    def add_ticket(self, ticket: Ticket) -> None:
        self.tickets[ticket.id] = ticket
        if ticket.day == self.day:
            self.by_label[ticket.label] = ticket.id
        self.by_code[ticket.code] = ticket.id
        self.set_status(ticket, ticket.status)

    def set_status(self, ticket: Ticket, status: Status) -> None:
        """Change a ticket's status and keep the waiting indexes true (the only place)."""
        ticket.status = status
        tid = ticket.id
        if tid in self.waiting:
            self.waiting.discard(tid)
            if tid in self.routed:
                self.routed.discard(tid)
            else:
                self.queues[ticket.zone].discard(tid)
                key = (ticket.zone, line_of(ticket))
                self.counts[key] -= 1
        if status is Status.WAITING:
            self._index(ticket)
        self.dirty.add(("ticket", tid))

    def _index(self, ticket: Ticket) -> None:
        self.waiting.add(ticket.id)
        if ticket.to_staff is not None or ticket.to_window is not None:
            self.routed.add(ticket.id)
        else:
            self.queues.setdefault(ticket.zone, set()).add(ticket.id)
            key = (ticket.zone, line_of(ticket))
            self.counts[key] = self.counts.get(key, 0) + 1

    def touch(self, kind: str, key: Any) -> None:
        self.dirty.add((kind, key))
        if kind == "window":
            self.staffed.clear()

    def settle(self, ticket: Ticket) -> None:
        """A past day's ticket that is over leaves memory (one served across midnight)."""
        if ticket.day != self.day and ticket.status in FINAL:
            self.prune({ticket.id}, set())
            self.settle_case(ticket.case)

    def settle_case(self, case_id: str) -> None:
        """A case leaves memory once no live ticket and no open card needs it."""
        if case_id not in self.cases:
            return
        if any(t.case == case_id for t in self.tickets.values()):
            return
        if any(c.case == case_id for c in self.cards.values()):
            return
        self.prune(set(), {case_id})

    def retire_card(self, number: int) -> None:
        """A closed card leaves memory; the store still writes its last change."""
        self.retired[("card", number)] = self.cards.pop(number)
        self.dirty.add(("card", number))

    def prune(self, tickets: set[str], cases: set[str]) -> None:
        """Drop finished history from memory; the store still writes its last change."""
        for tid in tickets:
            self.retired[("ticket", tid)] = self.tickets.pop(tid)
        for cid in cases:
            self.retired[("case", cid)] = self.cases.pop(cid)
        self.reindex()

    def reindex(self) -> None:
        self.waiting, self.queues, self.routed, self.counts = set(), {}, set(), {}
        self.staffed.clear()
        for ticket in self.tickets.values():
            if ticket.status is Status.WAITING:
                self._index(ticket)
        self.by_label = {t.label: t.id for t in self.tickets.values() if t.day == self.day}
        self.by_code = {t.code: t.id for t in self.tickets.values()}

    # -- comparison --------------------------------------------------------------------------
    def canonical(self) -> dict[str, Any]:
        """Everything that matters, in plain data: two states are equal when these are."""
        return {
            "day": self.day,
            "serial": self.serial,
            "next_card": self.next_card,
            "numbers": dict(sorted(self.numbers.items())),
            "taken": dict(sorted(self.taken.items())),
            "served": {k: [v[0], round(v[1], 6)] for k, v in sorted(self.served.items())},
            "tickets": {k: v.row() for k, v in sorted(self.tickets.items())},
            "windows": {k: v.row() for k, v in sorted(self.windows.items())},
            "cards": {k: v.row() for k, v in sorted(self.cards.items())},
            "cases": {k: v.row() for k, v in sorted(self.cases.items())},
        }

    def scalars(self) -> dict[str, Any]:
        """The counters stored beside the projection tables."""
        return {
            "day": self.day,
            "serial": self.serial,
            "next_card": self.next_card,
            "numbers": self.numbers,
            "taken": self.taken,
            "served": self.served,
        }
