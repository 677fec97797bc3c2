"""The announcer: hub calls in, the queue's decisions out to an engine.

``Announcer(engine, config)`` is I/O-free apart from the engine it drives: it turns a hub call
view into an ``Item``, keeps the ``Scheduler`` and starts what the scheduler says. Someone must
call ``pump()`` at the time it returns (and after every engine ``done``): the Qt pump
(``voice.qtplayer.QtAnnouncer``) does with a timer, a test does with its own clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from shared.protocol import Events

from .config import VoiceConfig
from .engines import Engine
from .queue import Item, Play, Scheduler
from .wording import call_text, is_recall

log = logging.getLogger(__name__)


class Announcer:
    """``announce(call, now)`` queues a call; ``pump(now)`` starts what is due and returns when
    to pump next (``None``: wait for a call or the engine's end). Thread-safe: an engine may
    report its end from any thread; ``on_wake`` (if set) is then called so a pump can run."""

    def __init__(
        self,
        engine: Engine | None,
        config: VoiceConfig | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.config = config or VoiceConfig()
        self.scheduler = Scheduler(self.config.policy)
        self.clock = clock
        self.on_wake: Callable[[], None] | None = None
        self.on_start: Callable[[Play], None] | None = None  # each playback as it begins
        self.started: list[tuple[float, Play]] = []  # the last 200 playbacks started
        self._seen: deque[str] = deque(maxlen=500)
        self._lock = threading.RLock()
        self._token = 0

    @property
    def enabled(self) -> bool:
        return self.engine is not None

    def item(self, call: dict[str, Any], now: float) -> Item:
        texts = {
            lang: call_text(call, self.config.wording, lang)
            for lang in self.config.policy.languages
        }
        return Item(
            key=self.key(call),
            ticket=str(call.get("ticket", "")),
            window=call.get("window"),
            texts=texts,
            queued_at=now,
            recall=is_recall(call),
        )

    @staticmethod
    def key(call: dict[str, Any]) -> str:
        """One call or recall: the same push delivered twice is announced once."""
        who = call.get("ticket_id") or call.get("ticket")
        return f"{who}@{call.get('window')}#{call.get('recall', 0)}:{call.get('at', '')}"

    def announce(self, call: dict[str, Any], now: float | None = None) -> str:
        """Queue the announcement of a hub call view (``called``/``recalled`` push ``call``).

        Returns ``queued``, ``merged`` (a recall of a call not yet read), ``repeat`` (this very
        call was queued before), ``quiet``, ``full`` or ``off`` (no engine)."""
        now = self.clock() if now is None else now
        if self.engine is None:
            return "off"
        with self._lock:
            key = self.key(call)
            if key in self._seen:
                return "repeat"
            self._seen.append(key)
            outcome = self.scheduler.add(self.item(call, now), now)
        self._wake()
        return outcome

    def on_push(self, push: dict[str, Any], now: float | None = None) -> str | None:
        """Feed any hub push; ``called`` and ``recalled`` ones are announced."""
        if push.get("event") in (Events.CALLED, Events.RECALLED) and isinstance(
            push.get("call"), dict
        ):
            return self.announce(push["call"], now)
        return None

    def pump(self, now: float | None = None) -> float | None:
        """Start whatever is due at ``now``; the time to pump again, if any."""
        now = self.clock() if now is None else now
        if self.engine is None:
            return None
        with self._lock:
            while True:
                play = self.scheduler.next(now)
                if play is None:
                    return self.scheduler.wake_at(now)
                self._token += 1
                token = self._token
                self.started.append((now, play))
                del self.started[:-200]
                if self.on_start is not None:
                    self.on_start(play)
                self.engine.start(play, lambda token=token: self._done(token))

    def finished(self, now: float | None = None) -> None:
        """The current playback ended (for engines that report it by hand)."""
        self._done(self._token, now)

    def _done(self, token: int, now: float | None = None) -> None:
        with self._lock:
            if token != self._token or not self.scheduler.busy:
                return  # a late end of a playback given up on
            self.scheduler.finished(self.clock() if now is None else now)
        self._wake()

    def _wake(self) -> None:
        if self.on_wake is not None:
            self.on_wake()

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
