"""The hall: the engine and the store together.

``Hall.handle`` (one command) and ``Hall.handle_batch`` (several, one commit) are what the hub,
the CLI and the tests call. They open the local day when the date has changed, answer a
repeated request id with the first reply, commit before they answer, and on any storage failure
reload the state from the file so that memory never runs ahead of what was kept.

A batch is decided one command after another, exactly as if they came alone, and then committed
in one transaction: the disk's sync is paid once for all of them (group commit). Either all the
batch's changes are kept, or none are and every command in it gets the storage error.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared import commands as c
from shared.errors import Refused
from shared.hallconfig import HallConfig

from .engine import Engine, HallState
from .engine import events as ev
from .store import REPLIES_KEPT, Record, Reply, StaleState, Store, StoreError


@dataclass(frozen=True)
class Origin:
    """Who sent a command: the device, the staff member behind it, and the request id."""

    device: str = ""
    actor: str = ""
    request_id: str = ""


@dataclass
class Result:
    reply: dict[str, Any]
    records: list[Record] = field(default_factory=list)
    repeated: bool = False  # the request id was seen before: nothing was done again


Item = tuple[c.Command, Origin, float]


@dataclass
class Batch:
    """Commands decided and written together; ``Hall.sync`` commits them."""

    outcomes: list[Result | Exception] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    fresh: dict[tuple[str, str], Reply] = field(default_factory=dict)  # replies to remember
    echoes: set[int] = field(default_factory=set)  # outcomes repeating a reply in ``fresh``
    written: bool = False  # a transaction is open with them
    error: StoreError | None = None  # they could not be kept


class Hall:
    def __init__(
        self,
        config: HallConfig,
        db: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        synchronous: str = "FULL",
    ) -> None:
        self.config = config
        self.clock = clock
        self.store = Store(db, synchronous=synchronous)
        # Today's and the open work only; a closed card is read from the file when redeemed.
        self.engine = Engine(config, self.store.load_state(config), past_card=self.store.card)
        self._replies: dict[tuple[str, str], Reply] = {}
        for reply in self.store.replies(since=clock() - REPLIES_KEPT):
            self._replies[(reply.device, reply.request_id)] = reply

    @property
    def state(self) -> HallState:
        return self.engine.state

    def close(self) -> None:
        self.store.close()

    def handle(
        self, command: c.Command, origin: Origin = Origin(), now: float | None = None
    ) -> Result:
        """Run ``command``; ``Refused`` when the rules say no, ``StoreError`` when not kept."""
        (outcome,) = self.handle_batch([(command, origin, self.clock() if now is None else now)])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def handle_batch(self, items: Sequence[Item]) -> list[Result | Exception]:
        """Run several commands with one commit; each gets its Result or its exception."""
        batch = self.prepare(items)
        self.sync(batch)
        return self.finish(batch)

    # The three steps of handle_batch, apart for the hub: it runs ``sync`` (the fsync) on a
    # thread of its own so that its event loop goes on reading requests meanwhile.
    def prepare(self, items: Sequence[Item]) -> Batch:
        """Decide ``items`` in order, apply them, and write them in a transaction left open.
        The state is then ahead of the file until ``finish``: nothing may read it for others."""
        try:
            try:
                return self._prepare(items)
            except StaleState:
                # Another process wrote to the file (an admin tool): decide again on its state.
                return self._prepare(items)
        except BaseException:
            # A bug half-way through: what the batch applied so far goes, with the batch.
            self._reload()
            raise

    def sync(self, batch: Batch) -> None:
        """Make ``batch`` durable (COMMIT). Touches only the store's connection."""
        if batch.written:
            try:
                self.store.sync()
            except StoreError as error:
                batch.error = error
            except Exception as error:  # the connection itself is broken: nothing was kept
                batch.error = StoreError(repr(error))

    def finish(self, batch: Batch) -> list[Result | Exception]:
        """Each command's outcome, once ``sync`` has run: the storage error for all of them if
        the commit failed, after going back to exactly what the file holds."""
        if batch.error is not None:
            self._reload()
            outcomes = list(batch.outcomes)
            for i, o in enumerate(outcomes):
                if isinstance(o, Result) and (not o.repeated or i in batch.echoes):
                    outcomes[i] = batch.error
            return outcomes
        if batch.written:
            records = batch.records
            if any(isinstance(r.event, ev.DayOpened) for r in records):
                # request ids are kept for the day they were sent
                # (the store pruned the older rows in the same commit)
                self._replies = {
                    k: v for k, v in self._replies.items() if v.at >= records[-1].at - REPLIES_KEPT
                }
            self._replies.update(batch.fresh)
        return batch.outcomes

    def _prepare(self, items: Sequence[Item]) -> Batch:
        batch = Batch()
        outcomes, records, replies, fresh = batch.outcomes, batch.records, [], batch.fresh
        for command, origin, now in items:
            key = (origin.device, origin.request_id)
            first = fresh.get(key) or self._replies.get(key) if origin.request_id else None
            if first is not None:
                if key in fresh:  # a resend of a request of this batch: kept only if it is
                    batch.echoes.add(len(outcomes))
                outcomes.append(_repeat(first, command.op))
                continue
            start = len(records)
            opened = self.engine.open_day(now)
            if opened is not None:
                self._apply([opened], origin, now, records)
            try:
                events = self.engine.decide(command, now)
            except Refused as refusal:
                outcomes.append(refusal)
                continue
            self._apply(events, origin, now, records)
            reply = self.engine.reply(command, events)
            outcomes.append(Result(reply, records[start:]))
            if origin.request_id and events:
                fresh[key] = Reply(
                    origin.device, origin.request_id, command.op, records[-1].seq, now, reply
                )
                replies.append(fresh[key])
        if not records:
            return batch
        try:
            self.store.write(self.state, records, replies)
        except StaleState:
            self._reload()
            raise
        except StoreError as error:
            batch.error = error  # finish goes back to what the file holds
            return batch
        batch.written = True
        return batch

    def first_reply(self, op: str, origin: Origin) -> Result | Refused | None:
        """The first reply when ``origin``'s request id was done before (committed), so that
        a retry is answered as the first time even where the state has moved on since."""
        first = self._replies.get((origin.device, origin.request_id)) if origin.request_id else None
        return _repeat(first, op) if first is not None else None

    def _reload(self) -> None:
        """Memory ran ahead of the file: go back to exactly what the file holds."""
        self.engine.state = self.store.load_state(self.config)
        self.store.last_seq = self.store.max_seq()

    def _apply(
        self, events: list[ev.Event], origin: Origin, now: float, records: list[Record]
    ) -> None:
        seq = records[-1].seq if records else self.store.last_seq
        if origin.device:
            # the issuing device belongs to the ticket: a kiosk voids only what it issued
            events = [_issued_by(e, origin.device) for e in events]
        self.engine.apply(events, now)
        records += [
            Record(seq + i + 1, now, event, origin.device, origin.actor, origin.request_id)
            for i, event in enumerate(events)
        ]


def _issued_by(event: ev.Event, device: str) -> ev.Event:
    if isinstance(event, ev.Issued) and not event.ticket.issued_by:
        return ev.Issued(ticket=dataclasses.replace(event.ticket, issued_by=device))
    return event


def _repeat(first: Reply, op: str) -> Result | Refused:
    return Refused("conflict") if first.op != op else Result(first.reply, repeated=True)
