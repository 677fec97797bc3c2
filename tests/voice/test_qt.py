"""The Qt side: the pump on the event loop, the audio output, and the qt engine's refusal."""

from __future__ import annotations

import time

import pytest

from voice.config import VoiceConfig
from voice.engines import RecordingSink, VoiceUnavailable, make_engine

from .conftest import WallSink, call, shorten

pytest.importorskip("PySide6.QtMultimedia")

from PySide6.QtMultimedia import QMediaDevices

from voice.qtplayer import QtAnnouncer, QtAudioSink


def test_the_qt_pump_reads_a_burst_in_order(qtbot) -> None:
    config = VoiceConfig.from_table({"repeats": 1, "gap": 0.05, "max_age": 600})
    sink = WallSink()
    # speed the test up: every clip is a short stretch of the real pack's audio
    voice = QtAnnouncer.from_config(config, sink=sink)
    shorten(voice.announcer.engine)
    seen = []
    voice.started.connect(lambda play: seen.append((play.item.ticket, play.part)))
    for i in range(5):
        voice.on_push({"event": "called", "seq": i, "prev": i - 1, "call": call(f"A00{i}", 3)})
    qtbot.waitUntil(lambda: len(seen) == 10 and not sink.playing, timeout=10_000)
    assert seen == [(f"A00{i}", part) for i in range(5) for part in ("chime", "speech")]
    assert sink.overlaps == 0
    for a, b in zip(sink.played, sink.played[1:], strict=False):
        assert b.started >= a.ended
    voice.close()


def test_the_audio_output_plays_or_refuses_clearly(qtbot) -> None:
    if QMediaDevices.audioOutputs():
        sink = QtAudioSink()
        engine = make_engine(VoiceConfig(), sink)
        done: list[float] = []
        audio = engine.clips.get("请")
        began = time.monotonic()
        sink.play(audio, lambda: done.append(time.monotonic() - began))
        qtbot.waitUntil(lambda: len(done) == 1, timeout=10_000)
        assert done[0] >= audio.seconds - 0.02  # its end is its last sample, never sooner
    else:
        with pytest.raises(VoiceUnavailable) as e:
            QtAudioSink()
        assert e.value.message("zh_CN") == "本机没有可用的音频输出设备"
        assert e.value.message("en") == "this machine has no audio output device"


def test_the_qt_engine_refuses_where_no_mandarin_voice_exists(qtbot) -> None:
    from PySide6.QtCore import QLocale

    from voice.qttts import QtSpeechEngine, find_voice

    if find_voice(QLocale.Language.Chinese) is not None:
        pytest.skip("this machine has a Mandarin voice")  # Windows with a zh-CN voice
    with pytest.raises(VoiceUnavailable) as e:
        make_engine(VoiceConfig.from_table({"engine": "qt"}), RecordingSink(time.monotonic))
    zh, en = e.value.message("zh_CN"), e.value.message("en")
    assert zh.startswith("本机没有普通话语音") and 'engine = "clips"' in zh
    assert en.startswith("no Mandarin voice on this machine") and "engine" in en
    assert "mock" not in zh  # Qt's test plugin is never offered as a voice
    assert isinstance(QtSpeechEngine(), QtSpeechEngine)


def test_a_day_of_calls_through_the_qt_pump_keeps_python_whole(qtbot) -> None:
    """PySide6 6.12.0 lost a reference to None on every void call and to True on every emit
    (Python 3.11): a display died after a few thousand calls. The pump must not bleed."""
    import dataclasses
    import gc
    import sys

    from PySide6.QtCore import QCoreApplication

    base = VoiceConfig.from_table({"repeats": 1, "max_age": 600})
    config = dataclasses.replace(base, policy=dataclasses.replace(base.policy, gap=0, chime_gap=0))
    sink = RecordingSink(time.time, auto=True)
    voice = QtAnnouncer.from_config(config, sink=sink)
    gc.collect()  # what earlier tests left for the collector must not count as a loss here
    gc.disable()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(300):
        voice.on_push({"event": "called", "seq": i, "prev": i - 1, "call": call(f"A{i:03d}", 3)})
        QCoreApplication.processEvents()
    try:
        qtbot.waitUntil(lambda: voice.announcer.scheduler.idle, timeout=5000)
        after = sys.getrefcount(None), sys.getrefcount(True)
    finally:
        gc.enable()
    assert len(sink.played) == 600
    # with the fault: some -1500 each (five emits and more void calls a call); noise: tens
    assert after[0] - before[0] > -300 and after[1] - before[1] > -300, (before, after)
    voice.close()


def test_the_qt_engine_speaks_through_qtexttospeech(qtbot) -> None:
    """Where a voice exists the engine speaks and reports each end; Qt's mock engine (English
    voices, silent, with real state changes) stands in for a Windows voice."""
    from voice.announcer import Announcer
    from voice.qttts import QtSpeechEngine

    config = VoiceConfig.from_table(
        {"languages": ["en"], "chime": False, "gap": 0.05, "repeats": 1}
    )
    engine = QtSpeechEngine(skip=())
    engine.check(config)
    assert set(engine._speech) == {"en"}
    voice = QtAnnouncer(Announcer(engine, config))
    heard = []
    voice.started.connect(lambda p: heard.append((p.item.ticket, p.repeat, p.text)))
    voice.announce(call("A001", 3))
    voice.announce(call("A002", 12))
    qtbot.waitUntil(lambda: len(heard) == 2 and voice.announcer.scheduler.idle, timeout=15_000)
    assert heard == [
        ("A001", 1, "Number A001, please go to window 3"),
        ("A002", 1, "Number A002, please go to window 12"),
    ]
    voice.close()
