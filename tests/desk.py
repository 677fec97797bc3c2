"""A hall engine driven by hand, with a clock that moves one second per command."""

from __future__ import annotations

from typing import Any

import pytest
from support import at

from server.engine import Engine
from shared import commands as c
from shared.errors import Refused
from shared.hallconfig import HallConfig


class Desk:
    def __init__(self, config: HallConfig, now: float | None = None) -> None:
        self.engine = Engine(config)
        self.config = config
        self.now = at() if now is None else now

    @property
    def state(self):
        return self.engine.state

    def __call__(self, command: c.Command, step: float = 1.0) -> dict[str, Any]:
        self.now += step
        _, reply = self.engine.execute(command, self.now)
        return reply

    def refused(self, command: c.Command, step: float = 1.0) -> str:
        """Run a command that must be refused; check it changed nothing; return the code."""
        self.now += step
        opened = self.engine.open_day(self.now)
        if opened:
            self.engine.apply([opened], self.now)
        before = self.state.canonical()
        with pytest.raises(Refused) as info:
            self.engine.decide(command, self.now)
        assert self.state.canonical() == before
        message = info.value.message()
        assert message and "{" not in message  # every code has a filled Chinese text
        return info.value.code

    def issue(self, zone: str = "shangshi", **fields: Any) -> str:
        return self(c.Issue(zone=zone, **fields))["ticket"]["label"]

    def login(self, window: int, staff: str) -> None:
        self(c.Login(window=window, staff=staff))

    def call(self, window: int) -> str:
        return self(c.CallNext(window=window))["ticket"]["label"]

    def ticket(self, label: str):
        return self.state.tickets[self.state.by_label[label]]
