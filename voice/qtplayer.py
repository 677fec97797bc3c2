"""The Qt side of the voice: a sink that plays PCM through QtMultimedia, and the pump.

``QtAudioSink`` hands a joined announcement to a ``QAudioSink`` on the default output device
(raw PCM from memory: no file, no decoder, so the first sample leaves at once) and reports
the end when the device has played the last sample (``IdleState``).

``QtAnnouncer`` runs an ``Announcer`` on the Qt event loop: a single-shot ``QTimer`` for the
next due time, and a queued signal for an engine's end, which may come from another thread
(the speech chip's reader). Connect a ``QtHubClient.event`` to ``QtAnnouncer.on_push``:

    voice = QtAnnouncer.from_config(config.voice, parent=board)   # VoiceUnavailable: say why
    client.event.connect(voice.on_push)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices

try:  # Qt >= 6.7 names the enums QtAudio; QAudio's are other types and never compare equal
    from PySide6.QtMultimedia import QtAudio as QAudio
except ImportError:  # pragma: no cover - older Qt
    from PySide6.QtMultimedia import QAudio

from .announcer import Announcer
from .config import VoiceConfig
from .engines import Done, Sink, VoiceUnavailable, make_engine
from .pack import Audio

log = logging.getLogger(__name__)


class QtAudioSink(QObject):
    """Plays ``Audio`` on an output device (the default one unless given)."""

    def __init__(self, device: QAudioDevice | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.device = device if device is not None else QMediaDevices.defaultAudioOutput()
        if self.device.isNull():
            raise VoiceUnavailable("voice.player.no_output")
        self._sink: QAudioSink | None = None
        self._buffer: QBuffer | None = None
        self._done: Done | None = None
        self.volume = 1.0

    def play(self, audio: Audio, done: Done) -> None:
        self._finish(call=False)
        fmt = QAudioFormat()
        fmt.setSampleRate(audio.rate)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        sink = QAudioSink(self.device, fmt, self)
        sink.setVolume(self.volume)
        buffer = QBuffer(self)
        buffer.setData(QByteArray(audio.frames))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink, self._buffer, self._done = sink, buffer, done
        sink.stateChanged.connect(self._on_state)
        sink.start(buffer)
        if sink.error() != QAudio.Error.NoError:
            log.warning("voice: the audio output refused to start (%s)", sink.error())
            self._finish()

    @Slot(QAudio.State)
    def _on_state(self, state: QAudio.State) -> None:
        sink = self._sink
        if sink is None:
            return
        if state == QAudio.State.IdleState or (
            state == QAudio.State.StoppedState and sink.error() != QAudio.Error.NoError
        ):
            self._finish()

    def _finish(self, call: bool = True) -> None:
        sink, buffer, done = self._sink, self._buffer, self._done
        self._sink = self._buffer = self._done = None
        if sink is not None:
            sink.stateChanged.disconnect(self._on_state)
            sink.stop()
            sink.deleteLater()
        if buffer is not None:
            buffer.close()
            buffer.deleteLater()
        if call and done is not None:
            done()

    def close(self) -> None:
        self._finish(call=False)


class QtAnnouncer(QObject):
    """An ``Announcer`` pumped by the Qt event loop. ``started`` is emitted with each ``Play``
    as it begins (a board may flash the number being read)."""

    started = Signal(object)
    _wake = Signal()

    def __init__(self, announcer: Announcer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.announcer = announcer
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._pump)
        self._wake.connect(self._pump, Qt.ConnectionType.QueuedConnection)
        announcer.on_wake = self._wake.emit  # any thread
        announcer.on_start = self.started.emit  # on this thread: pump() runs here

    @classmethod
    def from_config(
        cls,
        config: VoiceConfig,
        parent: QObject | None = None,
        *,
        sink: Sink | None = None,
        clock: Callable[[], float] = time.time,
    ) -> QtAnnouncer:
        """The engine the config names, checked; ``VoiceUnavailable`` (bilingual) if it cannot
        work here. ``sink``: for the ``clips`` engine, instead of the default audio output."""
        engine = make_engine(config, sink)
        return cls(Announcer(engine, config, clock=clock), parent)

    @Slot(dict)
    def on_push(self, push: dict[str, Any]) -> None:
        self.announcer.on_push(push)

    def announce(self, call: dict[str, Any]) -> str:
        return self.announcer.announce(call)

    @Slot()
    def _pump(self) -> None:
        wake = self.announcer.pump()
        if wake is None:
            self._timer.stop()
        else:
            self._timer.start(max(0, round((wake - self.announcer.clock()) * 1000)))

    def close(self) -> None:
        self._timer.stop()
        self.announcer.on_wake = self.announcer.on_start = None
        self.announcer.close()
