"""A clock the test turns, and an announcer on the shipped pack playing into a recording sink."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from voice.announcer import Announcer
from voice.config import VoiceConfig
from voice.engines import ClipsEngine, RecordingSink, make_engine
from voice.pack import Audio

# 2026-12-01 10:00 in Shanghai
T0 = 1_796_090_400.0


@dataclass
class Clock:
    now: float = T0

    def __call__(self) -> float:
        return self.now


@dataclass
class Hall:
    """An announcer on a recording sink, and a loop that runs it in 10 ms steps."""

    clock: Clock
    sink: RecordingSink
    announcer: Announcer
    log: list[tuple[float, str, Any]] = field(default_factory=list)

    def run(self, seconds: float, step: float = 0.01) -> None:
        end = self.clock.now + seconds
        while self.clock.now < end:
            self.announcer.pump()
            self.sink.advance(self.clock.now)
            self.clock.now = round(self.clock.now + step, 6)

    def run_until_quiet(self, limit: float = 600.0) -> None:
        end = self.clock.now + limit
        while self.clock.now < end:
            self.run(0.5)
            if self.announcer.scheduler.idle and not self.sink.playing:
                return
        raise AssertionError("still talking")

    def plays(self) -> list[tuple[str, str, int]]:
        """(ticket, part, repeat) of every playback started, in order."""
        return [(p.item.ticket, p.part, p.repeat) for _, p in self.announcer.started]


def call(ticket: str, window: int, recall: int = 0, **more: Any) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "ticket_id": f"id-{ticket}",
        "window": window,
        "how": "recall" if recall else "next",
        "recall": recall,
        "at": 0,
        **more,
    }


class WallSink(RecordingSink):
    """A recording sink on the real clock that ends each playback when its audio has run out,
    as a device would, on a Qt timer (needs a running Qt event loop)."""

    def __init__(self) -> None:
        super().__init__(time.monotonic)

    def play(self, audio: Audio, done: Callable[[], None]) -> None:
        from PySide6.QtCore import Qt, QTimer

        super().play(audio, done)
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(lambda: self.advance(float("inf")))
        self.timer.start(round(audio.seconds * 1000) + 1)


def shorten(engine: ClipsEngine, seconds: float = 0.01) -> None:
    """Cut every clip of the engine's pack to its first ``seconds`` (fast tests, same order)."""
    engine.clips.pack = dataclasses.replace(engine.clips.pack, gap_ms=2)
    for name in engine.clips.pack.files:
        audio = engine.clips.get(name)
        keep = round(audio.rate * seconds) * 2
        engine.clips._clips[name] = Audio(audio.rate, audio.frames[:keep])


def make_hall(config: VoiceConfig | None = None, clock: Clock | None = None) -> Hall:
    clock = clock or Clock()
    config = config or VoiceConfig()
    sink = RecordingSink(clock)
    engine = make_engine(config, sink)  # checked: the pack speaks the wording
    return Hall(clock, sink, Announcer(engine, config, clock=clock))


@pytest.fixture
def hall() -> Hall:
    return make_hall()
