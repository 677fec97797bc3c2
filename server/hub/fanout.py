"""Fan-out: turn committed records into pushes and write them to subscribers without waiting.

A push is written straight into each subscriber's send buffer, never awaited, so one slow
phone cannot hold up the hall: a connection whose unsent bytes pass
``max_buffer`` is dropped instead. Each event's JSON body is encoded once; the events one commit
makes for a connection go out together in one frame ``{"events": [...]}``, and connections that
get the same events after the same ``prev`` share one encoded frame.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from server.hall import Hall
from server.store import Record
from shared.protocol import (
    HALL,
    Events,
    encode,
)

from .pushes import Memory, Push, pushes, status
from .session import Session
from .topics import counts

log = logging.getLogger("onetrip.hub")

FRAME_BYTES = 256 * 1024  # a longer run of events is split over several frames


def _frames(pieces: list[tuple[int, str, str]], indices: tuple[int, ...], prev: int) -> list[str]:
    """The push frames ``{"events": [...]}`` for ``indices`` after ``prev``; each event's
    ``prev`` is the ``seq`` of the one before it, so the chain is the same as one by one."""
    frames: list[str] = []
    events: list[str] = []
    size = 0
    for i in indices:
        seq, head, tail = pieces[i]
        event = f"{head}{prev}{tail}"
        prev = seq
        if events and size + len(event) > FRAME_BYTES:
            frames.append('{"events":[' + ",".join(events) + "]}")
            events, size = [], 0
        events.append(event)
        size += len(event) + 1
    frames.append('{"events":[' + ",".join(events) + "]}")
    return frames


def text_frame(text: str) -> bytes:
    """A whole websocket text frame. Frames from a server are unmasked and the hub negotiates
    no compression, so every connection gets the same bytes: build them once, not once per
    connection as websockets' own ``send`` and ``broadcast`` do (the hub's costliest step
    when a call goes to a hundred boards)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


def write_frame(conns: Iterable[ServerConnection], frame: bytes) -> None:
    """Hand ``frame`` to each open connection's transport; the event loop sends it at once.
    Whole frames only, on the loop's thread, so they never interleave with websockets' own."""
    for conn in conns:
        if conn.protocol.state is State.OPEN:
            conn.transport.write(frame)


class Fanout:
    def __init__(self, hall: Hall, *, max_buffer: int, counts_interval: float) -> None:
        self.hall = hall
        self.config = hall.config
        self.max_buffer = max_buffer
        self.counts_interval = counts_interval
        self.by_topic: dict[str, set[Session]] = {}
        self.sessions: set[Session] = set()
        self.memory = Memory.of(self.config, hall.state)  # what the pushes said so far
        self.counts_sent = counts(self.config, hall.state)
        self._counts_due: asyncio.TimerHandle | None = None
        # Events queued for writing: (seq, head up to "prev":, rest) and, per connection, which.
        self._pieces: list[tuple[int, str, str]] = []
        self._queued: dict[Session, list[int]] = {}
        self._holding = 0
        self.dropped = 0
        self.busy: Callable[[], bool] = lambda: False  # a commit in flight (set by the hub)

    # -- subscriptions -------------------------------------------------------------------------
    def add(self, session: Session) -> None:
        self.sessions.add(session)

    def remove(self, session: Session) -> None:
        self.sessions.discard(session)
        for topic in session.topics:
            self._unlink(session, topic)
        session.topics.clear()

    def subscribe(self, session: Session, topic: str) -> None:
        session.topics.add(topic)
        self.by_topic.setdefault(topic, set()).add(session)

    def unsubscribe(self, session: Session, topic: str) -> None:
        session.topics.discard(topic)
        self._unlink(session, topic)

    def _unlink(self, session: Session, topic: str) -> None:
        subs = self.by_topic.get(topic)
        if subs is not None:
            subs.discard(session)
            if not subs:
                del self.by_topic[topic]
                if topic.startswith("ticket:"):
                    self.memory.statuses.pop(topic, None)

    @property
    def seq(self) -> int:
        return self.hall.store.last_seq

    # -- writing -------------------------------------------------------------------------------
    def send(
        self, sessions: Iterable[Session], event: str, seq: int, payload: dict[str, Any]
    ) -> None:
        """Queue one event for ``sessions``; written at once unless a batch is being collected."""
        body = encode(payload)[1:]  # '"key":…}' or '}'
        tail = body if body == "}" else "," + body
        index = len(self._pieces)
        self._pieces.append((seq, f'{{"event":"{event}","seq":{seq},"prev":', tail))
        queued = self._queued
        for s in sessions:
            got = queued.get(s)
            if got is None:
                queued[s] = [index]
            else:
                got.append(index)
        if not self._holding:
            self.flush()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Collect the events sent inside into one frame per connection, written at the end."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
            if not self._holding:
                self.flush()

    def flush(self) -> None:
        """Write what was queued: one frame per connection (a websocket frame and a ``send``
        each cost about as much as the push itself), the bytes built once for all connections
        that get the same events after the same ``prev``."""
        pieces, queued = self._pieces, self._queued
        self._pieces, self._queued = [], {}
        groups: dict[tuple[int, tuple[int, ...]], list[Session]] = {}
        for s, indices in queued.items():
            conn = s.conn
            if conn.protocol.state is not State.OPEN:
                continue
            if conn.transport.get_write_buffer_size() > self.max_buffer:
                self.drop(s)
                continue
            groups.setdefault((s.last, tuple(indices)), []).append(s)
        for (prev, chosen), sessions in groups.items():
            conns = [s.conn for s in sessions]
            for frame in _frames(pieces, chosen, prev):
                write_frame(conns, text_frame(frame))
            last = pieces[chosen[-1]][0]
            for s in sessions:
                s.last = last

    def write(self, session: Session, frame: str) -> None:
        """One frame to one connection (a reply), written at once like a push: awaiting
        websockets' ``send`` costs more than the reply itself, and a client that stopped
        reading is dropped here as it would be by the next push."""
        conn = session.conn
        if conn.transport.get_write_buffer_size() > self.max_buffer:
            self.drop(session)
            return
        write_frame([conn], text_frame(frame))

    def to_topics(
        self, topics: Iterable[str], event: str, seq: int, payload: dict[str, Any]
    ) -> None:
        targets: set[Session] = set()
        for topic in topics:
            targets |= self.by_topic.get(topic, set())
        if targets:
            self.send(targets, event, seq, payload)

    def drop(self, session: Session) -> None:
        """A consumer that stopped reading: cut it off rather than buffer for it."""
        self.dropped += 1
        log.warning(
            "dropping slow consumer %s (%d bytes unsent)",
            session.name,
            session.conn.transport.get_write_buffer_size(),
        )
        self.remove(session)
        session.conn.transport.abort()

    # -- records -> pushes -----------------------------------------------------------------------
    def publish(self, records: list[Record]) -> None:
        """Push what ``records`` (just committed, in order) mean to whoever follows it: one
        frame per connection for the whole batch."""
        with self.batch():
            self._publish(records)

    def _publish(self, records: list[Record]) -> None:
        outcome = pushes(
            self.config, self.hall.state, self.memory, records, self.by_topic, self.seq
        )
        self._write(outcome.pushes)
        if outcome.queues_changed:
            self._counts_soon()

    def _write(self, out: list[Push]) -> None:
        for push in out:
            if push.topics is None:
                self.send(list(self.sessions), push.event, push.seq, push.payload)
            else:
                self.to_topics(push.topics, push.event, push.seq, push.payload)

    @property
    def recent(self) -> list[dict[str, Any]]:
        """The boards' recent calls, newest first."""
        return list(self.memory.recent)

    # -- coalesced: queue counts and the place of every followed ticket --------------------------
    def _counts_soon(self) -> None:
        if self._counts_due is None:
            loop = asyncio.get_running_loop()
            self._counts_due = loop.call_later(self.counts_interval, self.flush_counts)

    def flush_counts(self) -> None:
        self._counts_due = None
        if self.busy():  # the state is ahead of the file: count once the batch is kept
            self._counts_due = asyncio.get_running_loop().call_later(0.005, self.flush_counts)
            return
        with self.batch():
            self._flush_counts()

    def _flush_counts(self) -> None:
        seq = self.seq
        now = counts(self.config, self.hall.state)
        if now != self.counts_sent:
            self.counts_sent = now
            topics = [HALL, *(t for t in self.by_topic if t.startswith("zone:"))]
            self.to_topics(topics, Events.COUNTS, seq, {"zones": now})
        state = self.hall.state
        for topic in [t for t in self.by_topic if t.startswith("ticket:")]:
            code = topic.split(":", 1)[1]
            self._write(status(self.config, state, self.memory, code, seq, self.by_topic))

    def close(self) -> None:
        if self._counts_due is not None:
            self._counts_due.cancel()
            self._counts_due = None
