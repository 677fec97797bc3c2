"""The ``qt`` engine: QTextToSpeech (PySide6-Addons), for machines with a Mandarin voice.

Windows has them (the ``winrt`` and ``sapi`` engines speak Mandarin where a zh-CN voice is
installed); Linux's ``speechd`` exposes none. The engine refuses at start-up, in both
languages, when no engine offers a Chinese voice, rather than reading Chinese in English.
Qt's ``mock`` engine (a test plugin that speaks nothing) is never used.

The chime is played from the clip pack through ``QtAudioSink`` when one is given.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QObject, Slot

from .engines import Done, Sink, VoiceUnavailable
from .pack import ClipCache, Pack
from .queue import Play
from .wording import CHIME

if TYPE_CHECKING:
    from .config import VoiceConfig

log = logging.getLogger(__name__)

SKIP_ENGINES = ("mock",)
# Engines in the order of preference where several exist.
PREFERRED = ("winrt", "sapi", "darwin", "android", "flite", "speechd")


def _module() -> Any:
    try:
        from PySide6 import QtTextToSpeech
    except ImportError:
        raise VoiceUnavailable("voice.qt.no_module") from None
    return QtTextToSpeech


def find_voice(
    language: QLocale.Language, skip: tuple[str, ...] = SKIP_ENGINES
) -> tuple[str, Any] | None:
    """The first real engine with a voice for ``language``: (engine name, QVoice)."""
    tts = _module()
    engines = [e for e in tts.QTextToSpeech.availableEngines() if e not in skip]
    engines.sort(key=lambda e: PREFERRED.index(e) if e in PREFERRED else len(PREFERRED))
    for name in engines:
        speech = tts.QTextToSpeech(name)
        try:
            for voice in speech.availableVoices():
                if voice.locale().language() == language:
                    return name, voice
        finally:
            speech.deleteLater()
    return None


def engines_here() -> str:
    names = [e for e in _module().QTextToSpeech.availableEngines() if e not in SKIP_ENGINES]
    return ", ".join(names) or "-"


class QtSpeechEngine(QObject):
    name = "qt"

    def __init__(
        self,
        volume: float = 1.0,
        chime_sink: Sink | None = None,
        parent: QObject | None = None,
        skip: tuple[str, ...] = SKIP_ENGINES,
    ) -> None:
        super().__init__(parent)
        self.skip = skip  # engines never used (the tests let Qt's mock engine in)
        self.volume = volume
        self.chime_sink = chime_sink
        self._speech: dict[str, Any] = {}  # lang -> QTextToSpeech
        self._done: Done | None = None
        self._clips: ClipCache | None = None

    def check(self, config: VoiceConfig) -> None:
        tts = _module()
        wanted = {"zh_CN": QLocale.Language.Chinese, "en": QLocale.Language.English}
        for lang in config.policy.languages:
            found = find_voice(wanted[lang], self.skip)
            if found is None:
                if lang == "zh_CN":
                    raise VoiceUnavailable("voice.qt.no_voice", engines=engines_here())
                log.warning("voice: %s", VoiceUnavailable("voice.qt.no_en_voice").both())
                continue
            engine, voice = found
            speech = tts.QTextToSpeech(engine, self)
            speech.setVoice(voice)
            speech.setVolume(self.volume)
            speech.stateChanged.connect(self._on_state)
            self._speech[lang] = speech
        if config.policy.chime and self.chime_sink is None:
            from .qtplayer import QtAudioSink

            try:
                self.chime_sink = QtAudioSink(parent=self)
            except VoiceUnavailable as e:
                log.warning("voice: no chime: %s", e.both())
        if config.policy.chime and self.chime_sink is not None:
            self._clips = ClipCache(Pack.load(config.pack))
            self._clips.get(CHIME)

    def start(self, play: Play, done: Done) -> None:
        if play.part == "chime":
            if self._clips is None or self.chime_sink is None:
                done()
                return
            self.chime_sink.play(self._clips.get(CHIME), done)
            return
        speech = self._speech.get(play.lang)
        if speech is None or not play.text:
            done()
            return
        self._done = done
        speech.say(play.text)

    @Slot(object)
    def _on_state(self, state: Any) -> None:
        tts = _module()
        if state in (tts.QTextToSpeech.State.Ready, tts.QTextToSpeech.State.Error):
            done, self._done = self._done, None
            if done is not None:
                done()

    def close(self) -> None:
        for speech in self._speech.values():
            speech.stop()
        if self.chime_sink is not None:
            self.chime_sink.close()
