"""The evaluator screen's rules (好差评, 一次一评), without Qt.

The screen asks when a ticket is finished at its window, with no level preselected; the
citizen's first press sends ``evaluate`` once for that ticket, then thanks and back to idle.
Nobody pressing until the timeout is 未评价: nothing is sent. A ticket is asked about once;
a second finish of the same ticket (a repeated push, a snapshot) asks nothing.

After a 差评 (不满意 / 非常不满意) the hall's reasons, if it has any, are offered: the citizen
ticks some (or none) and submits, skips, or goes back to choose another level. The level is
the citizen's once pressed: a timeout on the reasons sends it with what is ticked.

    flow = RatingFlow(reasons=("等候时间长", "服务态度不好"))
    flow.finished(ticket)            # -> True: show the question
    request = flow.choose(5)         # -> {"ticket": id, "level": 5}; the next choose -> None
    flow.choose(1)                   # (another ticket) -> None: flow.state == REASONS
    flow.toggle("等候时间长")
    request = flow.submit()          # -> {"ticket": id, "level": 1, "reasons": ["等候时间长"]}
    flow.replied()                   # -> thanks
    flow.expired()                   # the question's timeout: idle, nothing sent
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.domain import POOR_LEVELS, RATING_LEVELS

IDLE, ASKING, REASONS, SENDING, THANKS = "idle", "asking", "reasons", "sending", "thanks"

# What the five buttons show: the level and its stars, best first (GB/T 39734's order).
STARS = {level: "★" * level + "☆" * (5 - level) for level in RATING_LEVELS}


@dataclass
class RatingFlow:
    state: str = IDLE
    ticket: dict[str, Any] | None = None
    card: dict[str, Any] | None = None  # a 续办服务卡 to show as a QR with the question
    asked: set[str] = field(default_factory=set)
    reasons: tuple[str, ...] = ()  # the hall's reasons for a 差评 (its latest snapshot)
    level: int | None = None  # the level pressed, while its reasons are asked
    picked: list[str] = field(default_factory=list)  # the reasons ticked, in the hall's order
    sending: dict[str, Any] | None = None  # the evaluate out, until its reply

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
        self.level, self.picked = None, []
        return True

    def show_card(self, card: Mapping[str, Any]) -> None:
        """A card issued for the ticket being finished: shown beside the question."""
        self.card = dict(card)

    def choose(self, level: int) -> dict[str, Any] | None:
        """The citizen's press: the ``evaluate`` fields to send, once; None otherwise (also
        when a 差评's reasons are to be asked first: ``state`` is then REASONS)."""
        if self.state != ASKING or self.ticket is None or level not in RATING_LEVELS:
            return None
        if level in POOR_LEVELS and self.reasons:
            self.state, self.level, self.picked = REASONS, level, []
            return None
        return self._send(level, [])

    def toggle(self, reason: str) -> bool:
        """Tick or untick a reason; whether it is ticked now."""
        if self.state != REASONS or reason not in self.reasons:
            return False
        chosen = set(self.picked) ^ {reason}
        self.picked = [r for r in self.reasons if r in chosen]
        return reason in chosen

    def submit(self) -> dict[str, Any] | None:
        """提交: the level with the reasons ticked (none ticked is a skip)."""
        if self.state != REASONS or self.level is None:
            return None
        return self._send(self.level, self.picked)

    def skip(self) -> dict[str, Any] | None:
        """跳过: the level alone."""
        self.picked = []
        return self.submit()

    def back(self) -> None:
        """重新选择: back to the five levels, nothing sent."""
        if self.state == REASONS:
            self.state, self.level, self.picked = ASKING, None, []

    def _send(self, level: int, reasons: list[str]) -> dict[str, Any]:
        assert self.ticket is not None
        self.state = SENDING
        fields: dict[str, Any] = {"ticket": str(self.ticket["id"]), "level": level}
        if reasons:
            fields["reasons"] = list(reasons)
        self.sending = fields
        return fields

    def reasons_refused(self) -> dict[str, Any] | None:
        """The server did not take the reasons (the hall's list changed meanwhile): the
        citizen's level is sent again alone, so the rating is not lost."""
        if self.state != SENDING or not self.sending or "reasons" not in self.sending:
            return None
        self.sending = {k: v for k, v in self.sending.items() if k != "reasons"}
        return self.sending

    def replied(self) -> None:
        """The server took the rating, or refused it (already rated elsewhere): thanks."""
        if self.state == SENDING:
            self.state, self.sending = THANKS, None

    def expired(self) -> dict[str, Any] | None:
        """The question's timeout: nobody rated, 未评价, back to idle, nothing sent; or a level
        was pressed and its reasons not submitted: it is sent with what is ticked."""
        if self.state == REASONS:
            return self.submit()
        if self.state == ASKING:
            self._idle()
        return None

    def thanked(self) -> None:
        if self.state == THANKS:
            self._idle()

    def _idle(self) -> None:
        self.state = IDLE
        self.ticket = None
        self.card = None
        self.level, self.picked, self.sending = None, [], None
