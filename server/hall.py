"""The hall: the engine and the store together, one command at a time.

``Hall.handle`` is what the hub (and the CLI, and the tests) call. It opens the local day when
the date has changed, answers a repeated request id with the first reply, commits before it
answers, and on any storage failure reloads the state from the file so memory never runs ahead
of what was kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared import commands as c
from shared.config import HallConfig
from shared.errors import Refused

from .engine import Engine, HallState
from .engine import events as ev
from .store import Record, StaleState, Store, StoreError


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


class Hall:
    def __init__(self, config: HallConfig, db: str | Path, *,
                 clock: Callable[[], float] = time.time, synchronous: str = "FULL") -> None:
        self.config = config
        self.clock = clock
        self.store = Store(db, synchronous=synchronous)
        self.engine = Engine(config, self.store.load_state(config))
        self._replies: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for device, request_id, op, reply in self.store.replies(since=clock() - 86400):
            self._replies[(device, request_id)] = (op, reply)

    @property
    def state(self) -> HallState:
        return self.engine.state

    def close(self) -> None:
        self.store.close()

    def handle(self, command: c.Command, origin: Origin = Origin(), now: float | None = None
               ) -> Result:
        """Run ``command``; ``Refused`` when the rules say no, ``StoreError`` when not kept."""
        now = self.clock() if now is None else now
        key = (origin.device, origin.request_id)
        if origin.request_id and key in self._replies:
            op, reply = self._replies[key]
            if op != command.op:
                raise Refused("conflict")
            return Result(reply, repeated=True)
        try:
            return self._run(command, origin, now)
        except StaleState:
            # Another process wrote to the file (an admin tool): decide again on its state.
            return self._run(command, origin, now)

    def _run(self, command: c.Command, origin: Origin, now: float) -> Result:
        records: list[Record] = []
        opened = self.engine.open_day(now)
        if opened is not None:
            records += self._commit([opened], origin, now, None)[1]
            self._replies.clear()  # request ids are kept for the day they were sent
        reply, done = self._commit(self.engine.decide(command, now), origin, now, command)
        if origin.request_id and done:
            self._replies[(origin.device, origin.request_id)] = (command.op, reply)
        return Result(reply, records + done)

    def _commit(self, events: list[ev.Event], origin: Origin, now: float,
                command: c.Command | None) -> tuple[dict[str, Any], list[Record]]:
        seq = self.store.last_seq
        records = [Record(seq + i + 1, now, event, origin.device, origin.actor,
                          origin.request_id) for i, event in enumerate(events)]
        self.engine.apply(events, now)
        reply = self.engine.reply(command, events) if command else {}
        request = None
        if command is not None and origin.request_id:
            request = (origin.device, origin.request_id, command.op, reply)
        try:
            self.store.commit(self.state, records, request)
        except StoreError:
            # Memory ran ahead of the file: go back to exactly what the file holds.
            self.engine.state = self.store.load_state(self.config)
            self.store.last_seq = self.store.max_seq()
            raise
        return reply, records
