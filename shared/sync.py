"""Where a client stands in the hub's stream of pushes: the seq/prev/resync rule, without I/O.

Every push carries ``seq`` and ``prev`` (the seq of the push before it on this connection);
the replies to ``hello``, ``subscribe`` and ``snapshot`` are sync points that carry the ``seq``
the next push follows. A client feeds each of these to one ``Sync`` and does what it says:

    sync = Sync()
    sync.hello(reply["seq"])                    # or sync.snapshot(reply["seq"]) -> the reason
    step = sync.push(seq, prev, event)
    if step.deliver: show(push)                 # it follows what was seen: take it in
    if step.resync: ask_for_snapshot(step.resync)   # "gap" or "day"

A push that does not follow is dropped: what it says is in the snapshot asked for (one at a
time; the pushes that come before its reply are dropped too). A ``day`` push is taken in and
then a snapshot asked for, as the new day starts from scratch. The asyncio client
(``shared.client``), and through it the Qt client, follow this object; the hub's web pages
follow ``shared/sync.js`` (``sync_js()``), the same object in JavaScript, and a test runs the
one table of cases through both.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from .protocol import Events


@dataclass(frozen=True)
class Step:
    deliver: bool  # the push follows what was seen: take it in
    resync: str | None = None  # ask for a snapshot now, for this reason ("gap", "day")


@dataclass
class Sync:
    seq: int = 0  # the seq of the last sync point or push taken in
    syncing: bool = False  # a snapshot to catch up has been asked for and not yet come
    resyncs: int = 0  # snapshots asked for because of a gap or a new day
    reason: str = "request"  # why the next snapshot reply comes

    def hello(self, seq: int) -> None:
        """The ``hello`` reply: the next push follows ``seq``."""
        self.seq = seq

    def expect(self, reason: str) -> None:
        """A snapshot (or subscribe) is being asked for, because of ``reason``."""
        self.reason = reason

    def snapshot(self, seq: int) -> str:
        """A snapshot reply at ``seq`` was taken in; returns why it was asked for."""
        reason, self.reason = self.reason, "request"
        self.seq, self.syncing = seq, False
        return reason

    def push(self, seq: int, prev: int, event: str | None = None) -> Step:
        if prev != self.seq:
            return Step(False, self._resync("gap"))
        self.seq = seq
        return Step(True, self._resync(Events.DAY) if event == Events.DAY else None)

    def failed(self) -> None:
        """The snapshot asked for did not come (refused, timed out): the next gap asks again."""
        self.syncing = False

    def lost(self) -> None:
        """The connection dropped: the next one starts with its own sync points."""
        self.syncing = False
        self.reason = "request"

    def _resync(self, reason: str) -> str | None:
        if self.syncing:
            return None  # one is on its way: it covers this too
        self.syncing = True
        self.resyncs += 1
        self.reason = reason
        return reason


@functools.cache
def sync_js() -> str:
    """``Sync`` in JavaScript, for the hub's web pages to put before their own script."""
    return (resources.files("shared") / "sync.js").read_text(encoding="utf-8")
