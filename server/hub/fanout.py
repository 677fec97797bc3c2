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
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from server.engine import events as ev
from server.engine.state import HallState, Ticket
from server.engine.views import staff_followups, ticket_view, window_view
from server.hall import Hall
from server.store import Record
from shared.domain import Status
from shared.protocol import (
    HALL,
    Events,
    encode,
    staff_topic,
    ticket_topic,
    window_topic,
    zone_topic,
)

from .session import Session
from .views import call_entry, counts, recent_calls, ticket_status

log = logging.getLogger("onetrip.hub")

RECENT = 20  # calls kept for the boards' recent list
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
        self.codes: dict[str, str] = {t.code: t.id for t in hall.state.tickets.values()}
        # waiting tickets routed to a staff member (ticket -> staff): whose 续办 list to refresh
        self.routed = _routed(hall.state)
        self.recent: deque[dict[str, Any]] = deque(
            recent_calls(self.config, hall.state, RECENT), maxlen=RECENT
        )
        self.windows_sent = {
            n: window_view(hall.state, self.config, w) for n, w in hall.state.windows.items()
        }
        self.counts_sent = counts(self.config, hall.state)
        self._status_sent: dict[str, dict[str, Any]] = {}
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
                    self._status_sent.pop(topic, None)

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
        for (prev, indices), sessions in groups.items():
            conns = [s.conn for s in sessions]
            for frame in _frames(pieces, indices, prev):
                write_frame(conns, text_frame(frame))
            last = pieces[indices[-1]][0]
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
        state, config = self.hall.state, self.config
        windows: set[int] = set()
        followups: set[str] = set()  # staff whose list of follow-ups may have changed
        queues_changed = False
        for record in records:
            e, seq = record.event, record.seq
            if isinstance(e, ev.DayOpened):
                self.recent.clear()
                self.codes = {t.code: t.id for t in state.tickets.values()}
                followups |= set(self.routed.values())
                self.routed = _routed(state)
                followups |= set(self.routed.values())
                self.send(list(self.sessions), Events.DAY, seq, {"day": e.day})
                windows |= set(state.windows)
                queues_changed = True
                continue
            if isinstance(e, ev.Issued):
                t = state.tickets[e.ticket.id]
                self.codes[t.code] = t.id
                topics = [zone_topic(t.zone)]
                if t.to_staff:
                    topics.append(staff_topic(t.to_staff))
                self.to_topics(topics, Events.ISSUED, seq, {"ticket": ticket_view(config, t)})
                self._reroute(t, followups)
                self._status(t.code, seq)
                queues_changed = True
                continue
            tid = getattr(e, "ticket", None)
            window = getattr(e, "window", None)
            if isinstance(window, int):
                windows.add(window)
            if not isinstance(tid, str) or tid not in state.tickets:
                if isinstance(tid, str) and tid in self.routed:  # yesterday's, now gone
                    followups.add(self.routed.pop(tid))
                continue
            t = state.tickets[tid]
            if t.window is not None:
                windows.add(t.window)
            if isinstance(e, ev.Called | ev.Recalled):
                recall = e.count if isinstance(e, ev.Recalled) else 0
                how = e.how if isinstance(e, ev.Called) else "recall"
                entry = call_entry(config, t, e.window, t.staff, record.at, how, recall)
                self.recent.appendleft(entry)
                topics = [HALL, zone_topic(t.zone), window_topic(e.window)]
                if t.staff:
                    topics.append(staff_topic(t.staff))
                kind = Events.CALLED if isinstance(e, ev.Called) else Events.RECALLED
                self.to_topics(topics, kind, seq, {"call": entry, "ticket": ticket_view(config, t)})
            else:
                topics = [zone_topic(t.zone)]
                if t.window is not None:
                    topics.append(window_topic(t.window))
                self.to_topics(
                    topics, Events.TICKET, seq, {"change": e.type, "ticket": ticket_view(config, t)}
                )
            self._reroute(t, followups)
            self._status(t.code, seq)
            queues_changed = True
        seq = records[-1].seq if records else self.seq
        for number in sorted(windows):
            self._window(number, seq)
        for staff in sorted(followups):
            self._followup(staff, seq)
        if queues_changed:
            self._counts_soon()

    def _window(self, number: int, seq: int) -> None:
        state = self.hall.state
        if number not in state.windows:
            return
        view = window_view(state, self.config, state.windows[number])
        if view != self.windows_sent.get(number):
            self.windows_sent[number] = view
            self.to_topics([HALL, window_topic(number)], Events.WINDOW, seq, {"window": view})

    def _reroute(self, t: Ticket, followups: set[str]) -> None:
        """Note whose follow-up lists ``t`` left or joined (a call, a transfer, a cancel…)."""
        before = self.routed.pop(t.id, None)
        now = t.to_staff if t.status is Status.WAITING else None
        if now is not None:
            self.routed[t.id] = now
        if before != now:
            followups.update(s for s in (before, now) if s is not None)

    def _followup(self, staff: str, seq: int) -> None:
        topic = staff_topic(staff)
        if topic in self.by_topic:
            self.to_topics(
                [topic],
                Events.FOLLOWUP,
                seq,
                {"staff": staff, "followups": staff_followups(self.hall.state, self.config, staff)},
            )

    def _status(self, code: str, seq: int) -> None:
        topic = ticket_topic(code)
        if topic not in self.by_topic:
            return
        tid = self.codes.get(code)
        ticket = self.hall.state.tickets.get(tid) if tid else None
        if ticket is None:
            return
        view = ticket_status(self.config, self.hall.state, ticket)
        if view != self._status_sent.get(topic):
            self._status_sent[topic] = view
            self.to_topics([topic], Events.STATUS, seq, {"ticket": view})

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
        for topic in [t for t in self.by_topic if t.startswith("ticket:")]:
            self._status(topic.split(":", 1)[1], seq)

    def close(self) -> None:
        if self._counts_due is not None:
            self._counts_due.cancel()
            self._counts_due = None


def _routed(state: HallState) -> dict[str, str]:
    return {
        tid: staff for tid in state.waiting if (staff := state.tickets[tid].to_staff) is not None
    }
