"""The evaluator screen's rules (好差评, 一次一评), without Qt.

The screen asks when a ticket is finished at its window, with no level preselected; the
citizen's first press sends ``evaluate`` once for that ticket, then thanks and back to idle.
Nobody pressing until the timeout is 未评价: nothing is sent. A ticket is asked about once;
a second finish of the same ticket (a repeated push, a snapshot) asks nothing.

    flow = RatingFlow()
    flow.finished(ticket)            # -> True: show the question
    request = flow.choose(5)         # -> {"ticket": id, "level": 5}; the next choose -> None
    flow.replied()                   # -> thanks
    flow.expired()                   # the question's timeout: idle, nothing sent
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.domain import RATING_LEVELS

IDLE, ASKING, SENDING, THANKS = "idle", "asking", "sending", "thanks"

# What the five buttons show: the level and its stars, best first (GB/T 39734's order).
STARS = {level: "★" * level + "☆" * (5 - level) for level in RATING_LEVELS}


@dataclass
class RatingFlow:
    state: str = IDLE
    ticket: dict[str, Any] | None = None
    card: dict[str, Any] | None = None  # a 续办服务卡 to show as a QR with the question
    asked: set[str] = field(default_factory=set)

    def finished(self, ticket: Mapping[str, Any]) -> bool:
        """A ticket finished at the window: ask, unless it was asked about or rated."""
        tid = str(ticket.get("id"))
        if tid in self.asked or ticket.get("rating") is not None:
            return False
        self.asked.add(tid)
        self.ticket = dict(ticket)
        if self.card and self.card.get("case") != ticket.get("case"):
            self.card = None
        self.state = ASKING
        return True

    def show_card(self, card: Mapping[str, Any]) -> None:
        """A card issued for the ticket being finished: shown beside the question."""
        self.card = dict(card)

    def choose(self, level: int) -> dict[str, Any] | None:
        """The citizen's press: the ``evaluate`` fields to send, once; None otherwise."""
        if self.state != ASKING or self.ticket is None or level not in RATING_LEVELS:
            return None
        self.state = SENDING
        return {"ticket": str(self.ticket["id"]), "level": level}

    def replied(self) -> None:
        """The server took the rating, or refused it (already rated elsewhere): thanks."""
        if self.state == SENDING:
            self.state = THANKS

    def expired(self) -> None:
        """Nobody rated in time: 未评价, back to idle, nothing sent."""
        if self.state == ASKING:
            self._idle()

    def thanked(self) -> None:
        if self.state == THANKS:
            self._idle()

    def _idle(self) -> None:
        self.state = IDLE
        self.ticket = None
        self.card = None
