"""``onetrip bench voice`` (also ``onetrip voice bench``): a call's way to the first sample.

A hub ``called`` push is handed to ``QtAnnouncer.on_push`` on a Qt event loop; the clock stops
when the ``clips`` engine hands the first audio to the sink (a recording sink here: the
audio device's own buffer latency is the hardware's and comes on top). Every call has a new
ticket and window, so every sentence is joined from the clips afresh (no cache):

- ``first_audio``: the default config, so the first audio is the chime;
- ``first_speech``: without the chime, so the first audio is the sentence itself;
- ``render``: joining one sentence's clips, on its own;
- ``device_first_sample`` (only where an audio output exists): through ``QtAudioSink`` to the
  audio system having taken the first sample (``QAudioSink.processedUSecs() > 0``).

Prints one JSON object per line, ``{"bench", "metric", "value", "unit"}``.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

from shared.benchline import emitter, percentile

from .config import VoiceConfig
from .engines import Done, RecordingSink
from .pack import Audio

emit = emitter("voice")


class StampSink(RecordingSink):
    """Notes when audio is handed over, and ends each playback at once."""

    def __init__(self) -> None:
        super().__init__(time.perf_counter, auto=True)
        self.first: float | None = None

    def play(self, audio: Audio, done: Done) -> None:
        if self.first is None:
            self.first = time.perf_counter()
        super().play(audio, done)


def measure(chime: bool, calls: int) -> list[float]:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from .qtplayer import QtAnnouncer

    _app = QCoreApplication.instance() or QCoreApplication([])  # kept for the whole run
    base = VoiceConfig.from_table({"chime": chime, "repeats": 1, "max_age": 600})
    config = dataclasses.replace(
        base, policy=dataclasses.replace(base.policy, gap=0.0, chime_gap=0.0)
    )
    sink = StampSink()
    voice = QtAnnouncer.from_config(config, sink=sink)
    took: list[float] = []
    for i in range(calls):
        sink.first = None
        push: dict[str, Any] = {
            "event": "called",
            "seq": i + 1,
            "prev": i,
            "call": {
                "ticket": f"{'ABCDEFGH'[i % 8]}{i:03d}",
                "ticket_id": f"t{i}",
                "window": i % 150 + 1,
                "how": "next",
                "recall": 0,
                "at": float(i),
            },
        }
        began = time.perf_counter()
        voice.on_push(push)
        while sink.first is None:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        took.append((sink.first - began) * 1000)
        while not voice.announcer.scheduler.idle:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    voice.close()
    return took


def measure_device(calls: int) -> list[float]:
    """On a real audio output: from the push to the device having taken the first sample
    (``QAudioSink.processedUSecs() > 0``). Each playback is stopped once it has begun."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from .qtplayer import QtAnnouncer, QtAudioSink

    _app = QCoreApplication.instance() or QCoreApplication([])  # kept for the whole run
    base = VoiceConfig.from_table({"chime": False, "repeats": 1, "max_age": 600})
    config = dataclasses.replace(
        base, policy=dataclasses.replace(base.policy, gap=0.0, chime_gap=0.0)
    )
    sink = QtAudioSink()
    voice = QtAnnouncer.from_config(config, sink=sink)
    took: list[float] = []
    flags = QEventLoop.ProcessEventsFlag.AllEvents
    for i in range(calls):
        call = {"ticket": f"A{i:03d}", "ticket_id": f"d{i}", "window": i % 150 + 1, "at": i}
        began = time.perf_counter()
        voice.on_push({"event": "called", "seq": i + 1, "prev": i, "call": call})
        deadline = began + 5
        while time.perf_counter() < deadline:
            QCoreApplication.processEvents(flags, 1)
            playing = sink._sink
            if playing is not None and playing.processedUSecs() > 0:
                took.append((time.perf_counter() - began) * 1000)
                break
        sink.close()
        voice.announcer.finished()
        while not voice.announcer.scheduler.idle:
            QCoreApplication.processEvents(flags, 10)
    voice.close()
    return took


def run(quick: bool = False) -> None:
    calls = 60 if quick else 300
    for name, chime in (("first_audio", True), ("first_speech", False)):
        took = measure(chime, calls)
        emit(f"{name}_p50", percentile(took, 50), "ms")
        emit(f"{name}_p95", percentile(took, 95), "ms")
        emit(f"{name}_max", max(took), "ms")
    from .engines import ClipsEngine

    engine = ClipsEngine(RecordingSink(time.perf_counter))
    engine.clips.preload()
    render = []
    for i in range(calls):
        began = time.perf_counter()
        engine.clips.render(engine.names(f"请A{i:03d}号到{i % 150 + 1}号窗口办理"))
        render.append((time.perf_counter() - began) * 1000)
    emit("render_p50", percentile(render, 50), "ms")
    emit("render_max", max(render), "ms")
    from PySide6.QtMultimedia import QMediaDevices

    if QMediaDevices.audioOutputs():  # a machine with an audio output: the device's part too
        took = measure_device(20 if quick else 60)
        if took:
            emit("device_first_sample_p50", percentile(took, 50), "ms")
            emit("device_first_sample_max", max(took), "ms")


def bench(folder: Path, quick: bool) -> None:
    """The ``onetrip bench`` entry (its folder is not needed: nothing is written)."""
    run(quick)
