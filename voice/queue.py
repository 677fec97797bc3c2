"""The announcement queue: a pure, clock-driven scheduler (no audio, no threads, no clock).

Feed it announcements (``add``), the time, and "the playback finished" (``finished``); ask it
what to play now (``next``) and when to ask again (``wake_at``). The rules:

- one playback at a time: ``next`` returns nothing while one is playing, so two announcements
  never overlap and none is cut off by the next;
- an announcement is a chime (if configured) then its sentence ``repeats`` times, in every
  configured language, with ``gap`` seconds of silence between playbacks (``chime_gap`` after
  the chime);
- announcements are read in the order they came, however many come at once;
- one that waited longer than ``max_age`` seconds is dropped when its turn comes, not read
  minutes late, and logged; once started, an announcement is read to its end;
- in quiet hours nothing is read: what comes is dropped and logged;
- a recall of a ticket whose call has not been read yet does not queue a second sentence;
- a playback that never reports its end (a stuck device) is given up after ``stuck_after``
  seconds, so one fault cannot silence the hall for the rest of the day.

Times are seconds since the epoch (``time.time()``): quiet hours are the hall's local time.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    repeats: int = 2
    chime: bool = True
    gap: float = 0.8
    chime_gap: float = 0.1
    max_age: float = 60.0
    quiet: tuple[tuple[int, int], ...] = ()  # (start, end) minutes after midnight, end excluded
    tz: str = "Asia/Shanghai"
    languages: tuple[str, ...] = ("zh_CN",)
    stuck_after: float = 30.0
    max_queue: int = 500

    def is_quiet(self, now: float) -> bool:
        if not self.quiet:
            return False
        local = datetime.fromtimestamp(now, ZoneInfo(self.tz))
        minute = local.hour * 60 + local.minute
        return any(
            (start <= minute < end) if start <= end else (minute >= start or minute < end)
            for start, end in self.quiet
        )


@dataclass(frozen=True)
class Item:
    """One announcement: ``texts`` per language; ``key`` tells one call from another."""

    key: str
    ticket: str
    window: int | None
    texts: dict[str, str]
    queued_at: float
    recall: bool = False


@dataclass(frozen=True)
class Play:
    """One playback: the chime, or one reading (``repeat`` from 1) in one language."""

    item: Item
    part: str  # "chime" | "speech"
    repeat: int = 0
    lang: str = "zh_CN"

    @property
    def text(self) -> str:
        return self.item.texts.get(self.lang, "")


@dataclass
class Dropped:
    item: Item
    reason: str  # "stale" | "quiet" | "full"
    at: float


@dataclass
class Scheduler:
    policy: Policy = field(default_factory=Policy)

    def __post_init__(self) -> None:
        self._waiting: deque[Item] = deque()
        self._steps: deque[Play] = deque()  # what is left of the current announcement
        self.playing: Play | None = None
        self._started_at = 0.0
        self._free_at = float("-inf")  # when the next playback may start
        self.dropped: list[Dropped] = []
        self.played = 0

    # -- input -------------------------------------------------------------------------------
    def add(self, item: Item, now: float) -> str:
        """Queue an announcement: ``queued``, ``merged`` (a recall of one still waiting),
        ``quiet`` or ``full`` (dropped)."""
        if self.policy.is_quiet(now):
            self._drop(item, "quiet", now)
            return "quiet"
        if item.recall and any(
            w.ticket == item.ticket and w.window == item.window for w in self._waiting
        ):
            return "merged"
        if len(self._waiting) >= self.policy.max_queue:
            self._drop(item, "full", now)
            return "full"
        self._waiting.append(item)
        return "queued"

    def finished(self, now: float) -> None:
        """The playback that ``next`` handed out has ended (its last sample was heard)."""
        if self.playing is None:
            return
        after = self.policy.chime_gap if self.playing.part == "chime" else self.policy.gap
        self.playing = None
        self._free_at = now + after
        self.played += 1

    # -- output ------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.playing is not None

    @property
    def pending(self) -> int:
        """Announcements not yet started."""
        return len(self._waiting)

    @property
    def idle(self) -> bool:
        return self.playing is None and not self._steps and not self._waiting

    def next(self, now: float) -> Play | None:
        """What to start playing now, or ``None`` (playing, in a gap, or nothing to say)."""
        if self.playing is not None:
            if now - self._started_at < self.policy.stuck_after:
                return None
            log.warning(
                "voice: no end reported for %s %s after %.0fs; going on",
                self.playing.item.ticket,
                self.playing.part,
                now - self._started_at,
            )
            self.finished(now)
        if now < self._free_at:
            return None
        if not self._steps and not self._start_next(now):
            return None
        self.playing = self._steps.popleft()
        self._started_at = now
        return self.playing

    def wake_at(self, now: float) -> float | None:
        """When ``next`` may have something new (``None``: only on new input)."""
        if self.playing is not None:
            return self._started_at + self.policy.stuck_after
        if self._steps or self._waiting:
            return max(now, self._free_at)
        return None

    # -- inside ------------------------------------------------------------------------------
    def _start_next(self, now: float) -> bool:
        while self._waiting:
            item = self._waiting.popleft()
            if self.policy.is_quiet(now):
                self._drop(item, "quiet", now)
                continue
            if now - item.queued_at > self.policy.max_age:
                self._drop(item, "stale", now)
                continue
            speech = [
                Play(item, "speech", repeat, lang)
                for repeat in range(1, self.policy.repeats + 1)
                for lang in self.policy.languages
                if item.texts.get(lang)
            ]
            if not speech:  # nothing to say (no text in any language read): not even a chime
                continue
            if self.policy.chime:
                self._steps.append(Play(item, "chime"))
            self._steps.extend(speech)
            return True
        return False

    def _drop(self, item: Item, reason: str, now: float) -> None:
        self.dropped.append(Dropped(item, reason, now))
        del self.dropped[:-200]
        log.warning(
            "voice: %s at window %s not announced (%s, %.0fs after it came)",
            item.ticket,
            item.window,
            {"stale": "too old", "quiet": "quiet hours", "full": "queue full"}[reason],
            now - item.queued_at,
        )
