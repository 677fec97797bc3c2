"""Events: the facts the engine decides, and the only way the state changes.

Each event applies itself to a ``HallState`` given the time it happened. Applying the stored
events in order, from an empty state, rebuilds the live state exactly (the replay tests hold
the engine to that). An event carries whatever it needs so that applying it decides nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from shared.domain import FINAL, Status, WindowStatus

from .state import Card, Case, HallState, Ticket


@dataclass(frozen=True)
class Event:
    type: ClassVar[str]

    def apply(self, state: HallState, at: float) -> None:
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


EVENTS: dict[str, type[Event]] = {}


def event(cls: type[Event]) -> type[Event]:
    EVENTS[cls.type] = cls
    return cls


def ticket_of(event: Event) -> str | None:
    """The id of the one ticket ``event`` is about, if it is about one (the store indexes it)."""
    ticket = getattr(event, "ticket", None)
    if ticket is None or isinstance(ticket, str):
        return ticket
    return str(ticket.id)  # Issued carries the whole ticket


def from_json(data: dict[str, Any]) -> Event:
    data = dict(data)
    cls = EVENTS[data.pop("type")]
    if cls is Issued:
        return Issued(ticket=Ticket.from_row(data["ticket"]))
    if cls is CardIssued:
        return CardIssued(card=Card.from_row(data["card"]))
    return cls(**data)


def _release_card(state: HallState, ticket: Ticket) -> None:
    """The ticket's 续办 card is free for its next visit once this one is over."""
    card = state.cards.get(ticket.card) if ticket.card is not None else None
    if card is not None and card.ticket == ticket.id:  # a closed card has left memory
        card.ticket = None
        state.touch("card", card.number)


def _window_idle(state: HallState, number: int) -> None:
    window = state.windows[number]
    window.ticket = None
    window.status = WindowStatus.IDLE
    state.touch("window", number)


@event
@dataclass(frozen=True)
class DayOpened(Event):
    """The hall's local date changed: numbering and quotas restart, the day's leftovers expire.

    History is not deleted: yesterday's tickets leave the live state but stay in the store.
    """

    type: ClassVar[str] = "day_opened"
    day: str
    expired: list[str] = field(default_factory=list)
    closed_cards: list[int] = field(default_factory=list)

    def apply(self, state: HallState, at: float) -> None:
        for tid in self.expired:
            ticket = state.tickets[tid]
            state.set_status(ticket, Status.EXPIRED)
            _release_card(state, ticket)
        for window in state.windows.values():
            if window.ticket in self.expired:
                _window_idle(state, window.number)
            kept = [t for t in window.suspended if t not in self.expired]
            if kept != window.suspended or window.last_finished:
                window.suspended, window.last_finished = kept, None
                state.touch("window", window.number)
        for number in self.closed_cards:
            card = state.cards[number]
            card.closed_at, card.closed_reason = at, "expired"
            state.retire_card(number)
        state.day = self.day
        state.numbers, state.taken, state.served = {}, {}, {}
        # Yesterday leaves the live state; whatever is still being served stays until over.
        old = {k for k, t in state.tickets.items() if t.status in FINAL}
        live_cases = {t.case for k, t in state.tickets.items() if k not in old}
        live_cases |= {c.case for c in state.cards.values()}
        state.prune(old, set(state.cases) - live_cases)


@event
@dataclass(frozen=True)
class Issued(Event):
    type: ClassVar[str] = "issued"
    ticket: Ticket

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "ticket": self.ticket.changed()}

    def apply(self, state: HallState, at: float) -> None:
        t = self.ticket.copy()  # events stay immutable
        state.add_ticket(t)
        state.serial = max(state.serial, t.serial)
        state.numbers[t.zone] = max(state.numbers.get(t.zone, 0), t.number)
        for key in t.quota:
            state.taken[key] = state.taken.get(key, 0) + 1
        case = state.cases.get(t.case)
        if case is None:
            case = state.cases[t.case] = Case(t.case, t.zone, t.matter, at)
        case.tickets.append(t.id)
        state.touch("case", t.case)
        if t.card is not None:
            state.cards[t.card].ticket = t.id
            state.touch("card", t.card)


@event
@dataclass(frozen=True)
class Called(Event):
    type: ClassVar[str] = "called"
    ticket: str
    window: int
    staff: str | None
    how: str  # "next" | "chosen" | "callback"
    priority_run: int

    def apply(self, state: HallState, at: float) -> None:
        t = state.tickets[self.ticket]
        w = state.windows[self.window]
        state.set_status(t, Status.CALLED)
        t.window, t.staff, t.called_at, t.recalls = self.window, self.staff, at, 0
        t.to_window = t.to_staff = None
        if t.first_called_at is None:
            t.first_called_at = at
        if self.ticket in w.suspended:
            w.suspended.remove(self.ticket)
        w.ticket, w.status, w.priority_run = self.ticket, WindowStatus.CALLING, self.priority_run
        state.touch("window", self.window)


@event
@dataclass(frozen=True)
class Recalled(Event):
    type: ClassVar[str] = "recalled"
    ticket: str
    window: int
    count: int

    def apply(self, state: HallState, at: float) -> None:
        state.tickets[self.ticket].recalls = self.count
        state.touch("ticket", self.ticket)


@event
@dataclass(frozen=True)
class Missed(Event):
    type: ClassVar[str] = "missed"
    ticket: str
    window: int

    def apply(self, state: HallState, at: float) -> None:
        state.set_status(state.tickets[self.ticket], Status.MISSED)
        _window_idle(state, self.window)


@event
@dataclass(frozen=True)
class Requeued(Event):
    type: ClassVar[str] = "requeued"
    ticket: str
    band: int
    key: float

    def apply(self, state: HallState, at: float) -> None:
        t = state.tickets[self.ticket]
        t.band, t.key, t.requeues = self.band, self.key, t.requeues + 1
        state.set_status(t, Status.WAITING)


@event
@dataclass(frozen=True)
class Started(Event):
    type: ClassVar[str] = "started"
    ticket: str
    window: int

    def apply(self, state: HallState, at: float) -> None:
        t = state.tickets[self.ticket]
        t.started_at = at
        state.set_status(t, Status.SERVING)
        state.windows[self.window].status = WindowStatus.SERVING
        state.touch("window", self.window)


@event
@dataclass(frozen=True)
class Finished(Event):
    type: ClassVar[str] = "finished"
    ticket: str
    window: int
    case_done: bool

    def apply(self, state: HallState, at: float) -> None:
        t = state.tickets[self.ticket]
        t.finished_at = at
        state.set_status(t, Status.DONE)
        count, seconds = state.served.get(t.zone, [0, 0.0])
        state.served[t.zone] = [count + 1, seconds + at - (t.started_at or at)]
        _window_idle(state, self.window)
        state.windows[self.window].last_finished = self.ticket
        _release_card(state, t)
        if self.case_done and t.case in state.cases:
            state.cases[t.case].done_at = at
            state.touch("case", t.case)
        state.settle(t)


@event
@dataclass(frozen=True)
class Transferred(Event):
    type: ClassVar[str] = "transferred"
    ticket: str
    window: int
    zone: str
    to_window: int | None
    to_staff: str | None
    band: int
    key: float
    note: str

    def apply(self, state: HallState, at: float) -> None:
        t = state.tickets[self.ticket]
        t.zone, t.to_window, t.to_staff = self.zone, self.to_window, self.to_staff
        t.band, t.key, t.transfers = self.band, self.key, t.transfers + 1
        t.note, t.started_at = self.note, None
        state.set_status(t, Status.WAITING)
        _window_idle(state, self.window)


@event
@dataclass(frozen=True)
class Suspended(Event):
    type: ClassVar[str] = "suspended"
    ticket: str
    window: int
    note: str

    def apply(self, state: HallState, at: float) -> None:
        t = state.tickets[self.ticket]
        t.note = self.note
        state.set_status(t, Status.SUSPENDED)
        _window_idle(state, self.window)
        state.windows[self.window].suspended.append(self.ticket)


@dataclass(frozen=True)
class _Ended(Event):
    """A ticket leaves every queue and window without being served."""

    type: ClassVar[str] = ""
    status: ClassVar[Status]
    ticket: str
    reason: str

    def apply(self, state: HallState, at: float) -> None:
        t = state.tickets[self.ticket]
        t.note = self.reason
        for window in state.windows.values():
            if window.ticket == t.id:
                _window_idle(state, window.number)
            if t.id in window.suspended:
                window.suspended.remove(t.id)
                state.touch("window", window.number)
        _release_card(state, t)
        state.set_status(t, self.status)
        state.settle(t)


@event
@dataclass(frozen=True)
class Cancelled(_Ended):
    type: ClassVar[str] = "cancelled"
    status: ClassVar[Status] = Status.CANCELLED


@event
@dataclass(frozen=True)
class Voided(_Ended):
    """The kiosk could not print it. Its quota is given back; its number is not reused."""

    type: ClassVar[str] = "voided"
    status: ClassVar[Status] = Status.VOIDED

    def apply(self, state: HallState, at: float) -> None:
        super().apply(state, at)
        for key in state.tickets[self.ticket].quota:
            state.taken[key] = max(0, state.taken.get(key, 0) - 1)


@event
@dataclass(frozen=True)
class Paused(Event):
    type: ClassVar[str] = "paused"
    window: int
    reason: str

    def apply(self, state: HallState, at: float) -> None:
        w = state.windows[self.window]
        w.status, w.pause_reason = WindowStatus.PAUSED, self.reason
        state.touch("window", self.window)


@event
@dataclass(frozen=True)
class Resumed(Event):
    type: ClassVar[str] = "resumed"
    window: int

    def apply(self, state: HallState, at: float) -> None:
        w = state.windows[self.window]
        w.status, w.pause_reason = WindowStatus.IDLE, ""
        state.touch("window", self.window)


@event
@dataclass(frozen=True)
class LoggedIn(Event):
    type: ClassVar[str] = "logged_in"
    window: int
    staff: str

    def apply(self, state: HallState, at: float) -> None:
        w = state.windows[self.window]
        w.status, w.staff, w.priority_run = WindowStatus.IDLE, self.staff, 0
        state.touch("window", self.window)


@event
@dataclass(frozen=True)
class LoggedOut(Event):
    type: ClassVar[str] = "logged_out"
    window: int
    staff: str | None

    def apply(self, state: HallState, at: float) -> None:
        w = state.windows[self.window]
        w.status, w.staff, w.pause_reason, w.priority_run = WindowStatus.LOGGED_OUT, None, "", 0
        state.touch("window", self.window)


@event
@dataclass(frozen=True)
class Rated(Event):
    type: ClassVar[str] = "rated"
    ticket: str
    level: int
    window: int | None
    staff: str | None
    reasons: list[str] = field(default_factory=list)  # a 差评's reasons; absent in older logs

    def apply(self, state: HallState, at: float) -> None:
        state.tickets[self.ticket].rating = self.level
        state.touch("ticket", self.ticket)
        if self.window is not None and state.windows[self.window].last_finished == self.ticket:
            state.windows[self.window].last_finished = None
            state.touch("window", self.window)


@event
@dataclass(frozen=True)
class CardIssued(Event):
    type: ClassVar[str] = "card_issued"
    card: Card

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "card": self.card.changed()}

    def apply(self, state: HallState, at: float) -> None:
        card = self.card.copy()
        state.cards[card.number] = card
        state.next_card = max(state.next_card, card.number + 1)
        state.touch("card", card.number)
        state.cases[card.case].card = card.number
        state.touch("case", card.case)


@event
@dataclass(frozen=True)
class CardClosed(Event):
    type: ClassVar[str] = "card_closed"
    card: int
    reason: str  # "done"

    def apply(self, state: HallState, at: float) -> None:
        card = state.cards[self.card]
        card.closed_at, card.closed_reason, card.ticket = at, self.reason, None
        state.retire_card(self.card)
        state.settle_case(card.case)


@event
@dataclass(frozen=True)
class RectificationClosed(Event):
    """A 差评's follow-up (整改) closed by a supervisor, with a note. Kept in the log for the
    reports; the live state holds no past tickets, so nothing in it changes."""

    type: ClassVar[str] = "rectification_closed"
    ticket: str
    note: str

    def apply(self, state: HallState, at: float) -> None:
        pass
