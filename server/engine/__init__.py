"""The queue engine: pure rules over the hall state (no I/O, no clock of its own).

engine = Engine(config)
events = engine.decide(Issue(zone="shangshi"), now)   # or raises Refused
engine.apply(events, now)
reply = engine.reply(command, events)
"""

from __future__ import annotations

from typing import Any

from shared import commands as c
from shared.hallconfig import HallConfig

from . import events as ev
from .rules import PastCard, decide, no_past_card, open_day
from .state import HallState, Ticket
from .views import card_view, queue_view, ticket_view, window_view

__all__ = ["Engine", "HallState"]


class Engine:
    def __init__(
        self,
        config: HallConfig,
        state: HallState | None = None,
        *,
        past_card: PastCard = no_past_card,
    ) -> None:
        self.config = config
        self.state = state if state is not None else HallState.empty(config)
        self.past_card = past_card  # closed cards are looked up here (the hall's store)

    def open_day(self, now: float) -> ev.DayOpened | None:
        return open_day(self.state, self.config, now)

    def decide(self, command: c.Command, now: float) -> list[ev.Event]:
        return decide(self.state, self.config, command, now, self.past_card)

    def apply(self, events: list[ev.Event], now: float) -> None:
        for event in events:
            event.apply(self.state, now)

    def execute(self, command: c.Command, now: float) -> tuple[list[ev.Event], dict[str, Any]]:
        """Decide and apply in memory, opening the day first when needed (tests, replay)."""
        opened = self.open_day(now)
        if opened:
            self.apply([opened], now)
        events = self.decide(command, now)
        self.apply(events, now)
        return ([opened] if opened else []) + events, self.reply(command, events)

    def reply(self, command: c.Command, events: list[ev.Event]) -> dict[str, Any]:
        """What the client that sent ``command`` is told once ``events`` are applied: the
        shape its class declares (``Command.reply``)."""
        state, config = self.state, self.config
        if command.reply == "window":
            number: int = getattr(command, "window")  # noqa: B009 - each such command has one
            return {"window": window_view(state, config, state.windows[number])}
        if command.reply == "card":
            (card,) = (e.card for e in events if isinstance(e, ev.CardIssued))
            return {"card": card_view(config, state.cards[card.number])}
        tid = _ticket_of(events)
        # a past day's ticket that ended leaves memory at once; its last row is still at hand
        ticket = state.tickets.get(tid) or state.retired.get(("ticket", tid))
        if ticket is None:
            return {}
        if command.reply == "queued":
            return {"ticket": queue_view(state, config, ticket, newest=True)}
        return {"ticket": ticket_view(config, ticket)}


def _ticket_of(events: list[ev.Event]) -> str:
    """The id of the ticket the first of ``events`` that names one is about."""
    for event in events:
        ticket = getattr(event, "ticket", None)
        if isinstance(ticket, Ticket):
            return ticket.id
        if isinstance(ticket, str):
            return ticket
    raise ValueError("no event names a ticket")
