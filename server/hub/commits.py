"""Group commit: the mutating requests that arrive in one turn of the event loop are decided
in order and committed together (``Hall.handle_batch``: one transaction, one fsync).

Durable commits (``synchronous=FULL``) cost an fsync each; at a busy hour's peak many kiosks
and windows send at once, and sharing the fsync is what keeps every reply both durable and
quick. Each request still gets its own outcome; the hall stays single-writer, on this thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from server.hall import Hall, Origin, Result
from server.store import Record
from shared import commands as c

MAX_BATCH = 256


class Committer:
    def __init__(self, hall: Hall, publish: Callable[[list[Record]], None]) -> None:
        self.hall = hall
        self.publish = publish
        self._queue: list[tuple[c.Command, Origin, asyncio.Future[Result]]] = []
        self._scheduled = False
        self.batches = 0

    def submit(self, command: c.Command, origin: Origin) -> asyncio.Future[Result]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Result] = loop.create_future()
        self._queue.append((command, origin, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush)
        return future

    def _flush(self) -> None:
        batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
        self._scheduled = bool(self._queue)
        if self._queue:
            asyncio.get_running_loop().call_soon(self._flush)
        now = self.hall.clock()
        try:
            outcomes: list[Result | Exception] = self.hall.handle_batch(
                [(command, origin, now) for command, origin, _ in batch]
            )
        except Exception as error:  # StaleState twice, or a bug: every request hears of it
            outcomes = [error] * len(batch)
        self.batches += 1
        records = [r for o in outcomes if isinstance(o, Result) for r in o.records]
        if records:
            self.publish(records)  # pushes go out before the replies they belong with
        for (_, _, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
