"""``onetrip bench display``: the hall board's figures, on a real server process.

- ``paint``: a caller's ``call_next`` leaves the caller → the hall board has painted the new
  number (the number label's ``paintEvent`` has drawn it: the frame the screen shows next),
  p50/p95/max over 300 calls (bar: p95 ≤ 50 ms). The board runs offscreen (Qt's offscreen
  platform paints into memory as a screen's backing store would).
- ``audio``: the same calls → the ``clips`` engine hands the chime's audio to the sink (a
  recording sink: a sound card's own buffer comes on top), through the board's announcer, each
  call meeting an idle voice (bar: ≤ 300 ms).
- ``memory``: the board's resident memory after an hour's calls (3,000) and after 50,000,
  pushed through the board's own event path (model, widgets, painting) without the socket.

Prints one JSON object per line, ``{"bench", "metric", "value", "unit"}``.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from shared import eventloop
from shared.benchline import emitter, memory_mib, percentile

from .stage import PIN, Stage

emit = emitter("display")


def bench(folder: Path | None = None, quick: bool = False) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="onetrip-display-bench-") as tmp:
        with Stage(Path(tmp)) as stage:
            paint_and_audio(stage, 60 if quick else 300)
        memory(10_000 if quick else 50_000)


def paint_and_audio(stage: Stage, calls: int) -> None:
    from PySide6.QtWidgets import QApplication

    from qtkit.app import start_app
    from qtkit.units import Units
    from voice import RecordingSink, VoiceConfig

    from .app import DisplayApp
    from .config import DisplayConfig
    from .voicehook import make_voice

    app = start_app("onetrip-bench")
    sink_times: list[int] = []

    class TimedSink(RecordingSink):
        def play(self, audio: Any, done: Any) -> None:
            sink_times.append(time.perf_counter_ns())
            super().play(audio, done)

    sink = TimedSink(clock=time.time, auto=True)
    # no gap after an announcement: every call meets an idle voice, the case the bar is for (in
    # a hall a call that comes while another is read waits for it and the 0.8 s gap, by design)
    voice = make_voice(VoiceConfig.from_table({"repeats": 1, "gap": 0}), sink=sink)
    config = DisplayConfig(
        hub_url=stage.url, device="display-hall", token=stage.tokens["display-hall"]
    )
    display = DisplayApp(config, Units.from_diagonal(55, 1920, 1080), voice=voice)
    painted: dict[str, int] = {}
    display.widget.number.painted.connect(  # type: ignore[union-attr]
        lambda text: painted.setdefault(text, time.perf_counter_ns())
    )
    display.widget.resize(1920, 1080)
    display.widget.show()
    display.start()

    loop = eventloop.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def run(coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(60)

    kiosk = run(stage.client("kiosk-1"))
    caller = run(stage.client("caller-1"))
    for _ in range(calls):
        run(kiosk.request("issue", zone="shangshi"))
    run(caller.request("login", window=1, staff="s001", pin=PIN))

    def wait(check: Any, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise RuntimeError("the board did not follow")
            app.processEvents()

    wait(lambda: display.model.connected)
    paint_ms: list[float] = []
    audio_ms: list[float] = []
    for i in range(1, calls + 1):
        label = f"A{i:03d}"
        heard = len(sink_times)
        sent = time.perf_counter_ns()
        future = asyncio.run_coroutine_threadsafe(caller.request("call_next", window=1), loop)
        wait(lambda label=label: label in painted)
        paint_ms.append((painted[label] - sent) / 1e6)
        wait(lambda heard=heard: len(sink_times) > heard)
        audio_ms.append((sink_times[heard] - sent) / 1e6)
        future.result(10)
        run(caller.request("start", window=1))
        run(caller.request("finish", window=1))
        # the announcer reads the rest of this call (auto sink: at once) before the next
        wait(lambda: not sink.playing)
    for client in (kiosk, caller):
        run(client.close())
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    display.stop()
    display.widget.close()
    QApplication.processEvents()
    emit("calls", calls, "calls")
    for name, values in (("paint", paint_ms), ("audio", audio_ms)):
        emit(f"{name}_p50", percentile(values, 50), "ms")
        emit(f"{name}_p95", percentile(values, 95), "ms")
        emit(f"{name}_max", max(values), "ms")


def memory(calls: int) -> None:
    """Pushes as the hub sends them, through the board's own path, the screen painted every
    50 calls; the resident memory after an hour's calls and at the end."""
    from PySide6.QtWidgets import QApplication

    from qtkit.app import start_app
    from qtkit.units import Units

    from .app import DisplayApp
    from .config import DisplayConfig

    app = start_app("onetrip-bench")
    config = DisplayConfig(hub_url="ws://127.0.0.1:9/ws", device="display-hall", token="-")
    display = DisplayApp(config, Units.from_diagonal(55, 1920, 1080))  # never connected
    display.widget.resize(1920, 1080)
    display.widget.show()
    windows = 20
    hour = 3_000
    at_hour = 0.0
    seq = 0
    for i in range(1, calls + 1):
        window = i % windows + 1
        label = f"{'ABCDE'[i % 5]}{i % 1000:03d}"
        call = {
            "ticket": label, "ticket_id": f"{i}", "zone": "shangshi", "zone_name": "商事登记",
            "window": window, "window_name": "", "staff_name": "王丽", "how": "next",
            "recall": 0, "at": time.time(),
            "announce": {"zh_CN": f"请{label}号到{window}号窗口办理", "en": f"{label}: {window}"},
        }  # fmt: skip
        for event in (
            {"event": "called", "call": call},
            {"event": "window", "window": {"number": window, "status": "calling",
                                           "ticket": label, "zones": ["shangshi"]}},
            {"event": "counts", "zones": {"shangshi": i % 40}},
        ):  # fmt: skip
            seq += 1
            display.on_event({**event, "seq": seq, "prev": seq - 1})
        if i % 50 == 0:
            display.widget.repaint()
            app.processEvents()
        if i == hour:
            at_hour = memory_mib()
    end = memory_mib()
    display.widget.close()
    QApplication.processEvents()
    emit("memory_after_hour", at_hour, "MiB")
    emit(f"memory_after_{calls}", end, "MiB")
    emit("memory_growth", end - at_hour, "MiB")


def main() -> None:
    import sys

    bench(quick="--quick" in sys.argv)


if __name__ == "__main__":
    main()
