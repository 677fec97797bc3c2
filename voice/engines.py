"""The voice engines, behind one interface, and the sinks the ``clips`` engine plays into.

An engine turns one ``Play`` (the chime, or one reading of a sentence) into sound and calls
``done()`` once the sound has ended — from any thread; the ``Announcer`` copes:

    class Engine(Protocol):
        name: str
        def check(self, config: VoiceConfig) -> None   # refuse at start-up: VoiceUnavailable
        def start(self, play: Play, done: Callable[[], None]) -> None
        def close(self) -> None

- ``ClipsEngine(sink, pack)``: joins the pack's clips into one PCM buffer and hands it to a
  ``Sink`` (``voice.qtplayer.QtAudioSink`` on a real display, ``RecordingSink`` in tests);
- ``ChipEngine``: a serial speech module (``hardware.ttschip``), the PC plays nothing;
- ``voice.qttts.QtSpeechEngine``: QTextToSpeech (Qt; in its own module);
- ``none``: no engine at all (``make_engine`` returns ``None``).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from shared.texts import t

from .pack import Audio, ClipCache, Pack, PackError
from .queue import Play
from .wording import CHIME, Unspeakable, call_text, read_zh, spoken

if TYPE_CHECKING:
    from hardware.ttschip import TtsChip

    from .config import VoiceConfig

log = logging.getLogger(__name__)

Done = Callable[[], None]


class VoiceUnavailable(Exception):
    """An engine that cannot work here, said at start-up in both languages."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh_CN") -> str:
        return t(self.key, lang, **self.params)

    def both(self) -> str:
        return f"{self.message('zh_CN')} / {self.message('en')}"


class Engine(Protocol):
    name: str

    def check(self, config: VoiceConfig) -> None: ...
    def start(self, play: Play, done: Done) -> None: ...
    def close(self) -> None: ...


class Sink(Protocol):
    """Where the ``clips`` engine's audio goes: ``play`` starts it at once (never while another
    is playing: the queue sees to that) and calls ``done`` after its last sample."""

    def play(self, audio: Audio, done: Done) -> None: ...
    def close(self) -> None: ...


# -- clips -------------------------------------------------------------------------------------
SAMPLE_CALLS = (
    {"ticket": "A001", "window": 3, "how": "next", "recall": 0},
    {"ticket": "Z999", "window": 120, "how": "recall", "recall": 1},
)


class ClipsEngine:
    name = "clips"

    def __init__(self, sink: Sink, pack: Pack | None = None, volume: float = 1.0) -> None:
        self.sink = sink
        self.pack = pack or Pack.load()
        self.clips = ClipCache(self.pack)
        self.volume = volume
        self._rendered: OrderedDict[str, Audio] = OrderedDict()

    def check(self, config: VoiceConfig) -> None:
        for lang in config.policy.languages:
            if lang != "zh_CN":
                raise VoiceUnavailable("voice.clips.language", language=lang)
        try:
            self.clips.preload()
            if config.policy.chime:
                self.clips.get(CHIME)
            for call in SAMPLE_CALLS:
                self.names(call_text(call, config.wording, "zh_CN"))
        except PackError as e:
            raise VoiceUnavailable(e.key, **e.params) from None
        except Unspeakable as e:
            raise VoiceUnavailable("voice.unspeakable", char=e.char, text=e.text) from None

    def names(self, text: str) -> list[str]:
        return read_zh(text, self.clips.pack.words)

    def render(self, play: Play) -> Audio:
        """The audio of one playback (kept for the last 64 sentences: a recall is instant)."""
        key = CHIME if play.part == "chime" else play.text
        audio = self._rendered.get(key)
        if audio is None:
            names = [CHIME] if play.part == "chime" else self.names(play.text)
            audio = self.clips.render(names, self.volume)
            self._rendered[key] = audio
            if len(self._rendered) > 64:
                self._rendered.popitem(last=False)
        else:
            self._rendered.move_to_end(key)
        return audio

    def start(self, play: Play, done: Done) -> None:
        try:
            audio = self.render(play)
        except (Unspeakable, PackError) as e:
            log.warning("voice: cannot say %r: %s", play.text, e)
            done()
            return
        self.sink.play(audio, done)

    def close(self) -> None:
        self.sink.close()


@dataclass
class Recorded:
    """One playback a ``RecordingSink`` received: its audio, when it began and ended."""

    audio: Audio
    started: float
    ended: float | None = None


@dataclass
class RecordingSink:
    """A sink that plays nothing and remembers everything, on a clock the test drives.

    ``play`` records the audio at ``clock()``; ``advance(now)`` ends every playback whose
    audio has run out by ``now`` (and calls its ``done``). With ``auto=True`` a playback ends
    as soon as it starts, at ``clock()`` + its length, for code that just wants the audio.
    """

    clock: Callable[[], float]
    auto: bool = False
    played: list[Recorded] = field(default_factory=list)
    overlaps: int = 0

    def __post_init__(self) -> None:
        self._pending: list[tuple[Recorded, Done]] = []
        self._lock = threading.Lock()

    def play(self, audio: Audio, done: Done) -> None:
        now = self.clock()
        with self._lock:
            if self._pending:
                self.overlaps += 1
            rec = Recorded(audio, now)
            self.played.append(rec)
            if self.auto:
                rec.ended = now + audio.seconds
            else:
                self._pending.append((rec, done))
        if self.auto:
            done()

    def advance(self, now: float) -> int:
        """End what has run out by ``now``; the number ended."""
        with self._lock:
            due = [(r, d) for r, d in self._pending if r.started + r.audio.seconds <= now]
            self._pending = [p for p in self._pending if p not in due]
        for rec, done in due:
            rec.ended = rec.started + rec.audio.seconds
            done()
        return len(due)

    @property
    def playing(self) -> bool:
        return bool(self._pending)

    def close(self) -> None:
        with self._lock:
            self._pending.clear()


# -- a serial speech module ----------------------------------------------------------------------
class ChipEngine:
    """Sends each reading to a SYN6288 / XFS5152-style module; ``done`` when it says idle."""

    name = "chip"

    def __init__(self, chip: TtsChip, chime: str = "sounda") -> None:
        self.chip = chip
        self.chime = chime

    def check(self, config: VoiceConfig) -> None:
        from hardware.ttschip import ChipError

        try:
            self.chip.open()
        except ChipError as e:  # no port, or no module answering on it
            raise VoiceUnavailable(e.key, **e.params) from None

    def start(self, play: Play, done: Done) -> None:
        if play.part == "chime":
            if not self.chime:
                done()
                return
            text = f"[x1]{self.chime}"
        else:
            text = spoken(read_zh(play.text, (), strict=False))
        if not self.chip.speak(text, done):
            done()

    def close(self) -> None:
        self.chip.close()


def make_engine(config: VoiceConfig, sink: Sink | None = None) -> Engine | None:
    """The engine the config names, checked (``VoiceUnavailable`` if it cannot work here);
    ``None`` for ``engine = "none"``. ``sink``: where the ``clips`` engine plays (default:
    Qt's audio output, which needs a ``QCoreApplication``)."""
    engine: Engine
    if config.engine == "none":
        return None
    if config.engine == "clips":
        if sink is None:
            from .qtplayer import QtAudioSink

            sink = QtAudioSink()
        try:
            pack = Pack.load(config.pack)
        except PackError as e:
            raise VoiceUnavailable(e.key, **e.params) from None
        engine = ClipsEngine(sink, pack, config.volume)
    elif config.engine == "qt":
        from .qttts import QtSpeechEngine

        engine = QtSpeechEngine(config.volume, chime_sink=sink)
    elif config.engine == "chip":
        from hardware.ttschip import TtsChip

        c = config.chip
        engine = ChipEngine(
            TtsChip(c.port, baudrate=c.baudrate, model=c.model, encoding=c.encoding), c.chime
        )
    else:
        raise VoiceUnavailable("voice.engine.unknown", engine=config.engine)
    engine.check(config)
    return engine
