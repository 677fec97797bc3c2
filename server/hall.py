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

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared import commands as c
from shared.config import HallConfig
from shared.errors import Refused

from .engine import Engine, HallState
from .engine import events as ev
from .store import Record, Reply, StaleState, Store, StoreError


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
        self.engine = Engine(config, self.store.load_state(config))
        self._replies: dict[tuple[str, str], Reply] = {}
        for reply in self.store.replies(since=clock() - 86400):
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
        try:
            return self._run(items)
        except StaleState:
            # Another process wrote to the file (an admin tool): decide again on its state.
            return self._run(items)

    def _run(self, items: Sequence[Item]) -> list[Result | Exception]:
        outcomes: list[Result | Exception] = []
        records: list[Record] = []
        replies: list[Reply] = []
        fresh: dict[tuple[str, str], Reply] = {}
        for command, origin, now in items:
            key = (origin.device, origin.request_id)
            first = fresh.get(key) or self._replies.get(key) if origin.request_id else None
            if first is not None:
                outcomes.append(
                    Refused("conflict")
                    if first.op != command.op
                    else Result(first.reply, repeated=True)
                )
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
            return outcomes
        try:
            self.store.commit(self.state, records, replies)
        except StoreError as error:
            # Memory ran ahead of the file: go back to exactly what the file holds.
            self.engine.state = self.store.load_state(self.config)
            self.store.last_seq = self.store.max_seq()
            if isinstance(error, StaleState):
                raise
            return [error if isinstance(o, Result) and not o.repeated else o for o in outcomes]
        if any(isinstance(r.event, ev.DayOpened) for r in records):
            # request ids are kept for the day they were sent
            self._replies = {
                k: v for k, v in self._replies.items() if v.at >= records[-1].at - 86400
            }
        self._replies.update(fresh)
        return outcomes

    def _apply(
        self, events: list[ev.Event], origin: Origin, now: float, records: list[Record]
    ) -> None:
        seq = records[-1].seq if records else self.store.last_seq
        self.engine.apply(events, now)
        records += [
            Record(seq + i + 1, now, event, origin.device, origin.actor, origin.request_id)
            for i, event in enumerate(events)
        ]
