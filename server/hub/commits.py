"""Group commit: mutating requests are decided in arrival order and committed together
(``Hall.prepare`` → ``sync`` → ``finish``: one transaction, one fsync a batch).

Durable commits (``synchronous=FULL``) cost an fsync each; at a busy hour's peak many kiosks
and windows send at once, and sharing the fsync is what keeps every reply both durable and
quick. The fsync runs on a thread of its own: the event loop meanwhile reads and parses the
next requests, which then make the next batch, decided once the last one's replies are out.
Only one batch is ever in flight, and the hall stays single-writer; each request still gets
its own outcome.

While a batch is in flight the hall's state is ahead of the file, so whoever reads the state
for others (snapshots, the queue counts) waits for ``settled`` first.

Every ``CHECKPOINT_EVERY`` commits a third thread copies the WAL into the database file
(``Store.checkpoint``), so that no commit has to: SQLite's own checkpoint runs inside the
commit that passes a thousand WAL pages and makes it ten times slower than the rest. The WAL
starts over only after a checkpoint that copied all of it; when commits kept it from that
and it has grown past ``WAL_FRAMES_LIMIT``, the next checkpoint runs between two batches.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from server.hall import Batch, Hall, Origin, Result
from server.store import Record
from shared import commands as c

from .stats import Latencies

log = logging.getLogger("onetrip.hub")

MAX_BATCH = 256
CHECKPOINT_EVERY = 100  # commits: from a few hundred to a few thousand WAL pages
WAL_FRAMES_LIMIT = 10_000  # pages (40 MiB): past it, the next checkpoint holds the commits


class Committer:
    def __init__(self, hall: Hall, publish: Callable[[list[Record]], None]) -> None:
        self.hall = hall
        self.publish = publish
        self._queue: list[tuple[c.Command, Origin, asyncio.Future[Result]]] = []
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._syncer = ThreadPoolExecutor(1, thread_name_prefix="onetrip-fsync")
        self._in_flight: Batch | None = None  # decided, on its way to disk
        # The WAL is copied into the database by a thread of its own, not inside a commit.
        hall.store.checkpoint_elsewhere()
        self._checkpointer = ThreadPoolExecutor(1, thread_name_prefix="onetrip-checkpoint")
        self._checkpoint: asyncio.Future[tuple[int, int]] | None = None
        self._commits = 0  # since the last checkpoint began
        self._wal_frames = 0  # the WAL's length at the last checkpoint
        self.batches = 0
        self.syncs = Latencies()  # each batch's COMMIT and fsync, on the fsync thread

    @property
    def busy(self) -> bool:
        """A batch is decided but not yet durable: the state is ahead of the file."""
        return not self._idle.is_set()

    def submit(self, command: c.Command, origin: Origin) -> asyncio.Future[Result]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Result] = loop.create_future()
        self._queue.append((command, origin, future))
        if self._task is None:
            self._task = loop.create_task(self._run(), name="onetrip-commits")
        return future

    def in_flight(self, device: str, request_id: str) -> bool:
        """Whether this request is in the batch on its way to disk (its outcome is not yet
        known: a resend waits for ``settled``)."""
        batch = self._in_flight
        return batch is not None and (device, request_id) in batch.fresh

    async def settled(self) -> None:
        """Return when no batch is in flight: the state is what the file holds."""
        while self.busy:
            await self._idle.wait()

    async def close(self) -> None:
        """Let the batch in flight finish (its requests are answered), then stop."""
        if self._task is not None:
            await asyncio.shield(self._task)
        if self._checkpoint is not None:
            await asyncio.wait([self._checkpoint])
        self._syncer.shutdown(wait=True)
        self._checkpointer.shutdown(wait=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._queue:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                now = self.hall.clock()
                outcomes: list[Result | Exception]
                try:
                    prepared = self.hall.prepare([(cmd, origin, now) for cmd, origin, _ in batch])
                    if prepared.written:
                        self._idle.clear()
                        self._in_flight = prepared
                        try:
                            await loop.run_in_executor(self._syncer, self._sync, prepared)
                        finally:
                            self._in_flight = None
                        self._commits += 1
                    outcomes = self.hall.finish(prepared)
                except Exception as error:  # StaleState twice, or a bug: every request hears
                    outcomes = [error] * len(batch)
                finally:
                    self._idle.set()
                self._answer(batch, outcomes)
                if self._commits >= CHECKPOINT_EVERY and self._checkpoint is None:
                    self._start_checkpoint(loop)
                    checkpoint = self._checkpoint
                    if self._wal_frames > WAL_FRAMES_LIMIT and checkpoint is not None:
                        # Commits that land while a checkpoint copies keep the WAL from
                        # starting over, and at a long peak it would grow without end: this
                        # once, the next batch waits until all of it is in the database.
                        await asyncio.wait([checkpoint])
                # One turn of the event loop before the next batch is decided: the replies
                # just answered are written, waiting readers see the settled state, and what
                # has arrived meanwhile is read and joins the batch. Deciding the next batch
                # first held every reply back by a batch's work: the clients answered later,
                # and the next batches were smaller (at 20 kiosks a sixth fewer tickets a
                # second, docs/benchmarks.md).
                await asyncio.sleep(0)
        finally:
            self._task = None
            self._idle.set()

    def _sync(self, batch: Batch) -> None:
        began = time.perf_counter()
        self.hall.sync(batch)
        self.syncs.add(time.perf_counter() - began)  # a deque's append: safe from a thread

    def _start_checkpoint(self, loop: asyncio.AbstractEventLoop) -> None:
        self._commits = 0
        self._checkpoint = loop.run_in_executor(self._checkpointer, self.hall.store.checkpoint)

        def done(future: asyncio.Future[tuple[int, int]]) -> None:
            self._checkpoint = None
            if future.cancelled():
                return
            if future.exception() is not None:
                log.warning("checkpoint failed: %s", future.exception())
            else:
                self._wal_frames = future.result()[0]

        self._checkpoint.add_done_callback(done)

    def _answer(
        self,
        batch: list[tuple[c.Command, Origin, asyncio.Future[Result]]],
        outcomes: list[Result | Exception],
    ) -> None:
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
