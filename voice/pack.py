"""Voice packs: a folder of WAV clips and a ``pack.toml`` that names them.

    name = "普通话默认语音包"
    lang = "zh_CN"
    rate = 16000            # every clip: this rate, mono, 16-bit PCM
    gap_ms = 40             # silence put between two clips of a sentence

    [clips]                 # what is said -> the file that says it
    chime = "chime.wav"
    "请" = "qing3.wav"
    "窗口" = "chuang1kou3.wav"
    "A" = "letter_A.wav"
    ...

``Pack.load(folder)`` reads one; ``check_pack(folder)`` lists what is wrong with it (every clip
present, the format, too quiet, clipping, silence at the ends); ``Pack.render(names)`` joins
clips into one ``Audio`` (plain PCM, the stdlib ``wave`` module: no numpy).
"""

from __future__ import annotations

import io
import math
import statistics
import sys
import tomllib
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from shared.texts import t

from .wording import CHIME, read_zh, required_clips

BUILTIN = Path(__file__).parent / "packs" / "zh_CN"
MANIFEST = "pack.toml"
RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000)
FULL_SCALE = 32768

# Loudness bars of ``check_pack`` (dBFS: 0 is the loudest a 16-bit sample can be).
MIN_PEAK_DB = -20.0  # a clip whose loudest sample is below this is too quiet
CLIP_LEVEL = 32700  # a sample at or past this is clipped
MAX_CLIPPED = 0.001  # share of clipped samples that is clipping, not a stray peak
MAX_EDGE_SILENCE = 0.3  # seconds of silence before or after the voice
SILENCE = 0.02 * FULL_SCALE  # below this a sample is silence (-34 dBFS)
MAX_LOUDNESS_SPREAD = 12.0  # dB: a clip this much louder or quieter than the pack's median
MAX_CLIP_SECONDS = 3.0


class PackError(Exception):
    """A pack that cannot be used at all (no manifest, a clip the sentence needs is missing)."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh_CN") -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit PCM."""

    rate: int
    frames: bytes

    @property
    def seconds(self) -> float:
        return len(self.frames) / 2 / self.rate

    def samples(self) -> array[int]:
        a = array("h")
        a.frombytes(self.frames)
        if sys.byteorder == "big":
            a.byteswap()
        return a

    @classmethod
    def from_samples(cls, rate: int, samples: array[int]) -> Audio:
        if sys.byteorder == "big":
            samples = array("h", samples)
            samples.byteswap()
        return cls(rate, samples.tobytes())

    @classmethod
    def silence(cls, rate: int, seconds: float) -> Audio:
        return cls(rate, b"\0\0" * round(rate * seconds))

    def scaled(self, volume: float) -> Audio:
        if volume >= 1.0:
            return self
        s = self.samples()
        return Audio.from_samples(self.rate, array("h", (int(x * volume) for x in s)))

    def wav_bytes(self) -> bytes:
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.rate)
            w.writeframes(self.frames)
        return out.getvalue()

    def write(self, path: Path) -> None:
        path.write_bytes(self.wav_bytes())


@dataclass(frozen=True)
class WavInfo:
    channels: int
    width: int
    rate: int
    audio: Audio


def read_wav(path: Path) -> WavInfo:
    with wave.open(str(path), "rb") as w:
        info = (w.getnchannels(), w.getsampwidth(), w.getframerate())
        frames = w.readframes(w.getnframes())
    return WavInfo(*info, audio=Audio(info[2], frames))


@dataclass(frozen=True)
class Pack:
    folder: Path
    name: str
    lang: str
    rate: int
    gap_ms: int
    files: dict[str, str]  # clip name -> file name

    @classmethod
    def load(cls, folder: Path | None = None) -> Pack:
        folder = folder or BUILTIN
        path = folder / MANIFEST
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError:
            raise PackError("voice.pack.no_manifest", path=path) from None
        except tomllib.TOMLDecodeError as e:
            raise PackError("voice.pack.bad_manifest", path=path, reason=str(e)) from None
        clips = raw.get("clips")
        rate = raw.get("rate", 16000)
        if not isinstance(clips, dict) or not all(isinstance(v, str) for v in clips.values()):
            raise PackError("voice.pack.bad_manifest", path=path, reason="[clips]: name = file")
        if rate not in RATES:
            raise PackError("voice.pack.bad_manifest", path=path, reason=f"rate {rate}")
        return cls(
            folder=folder,
            name=str(raw.get("name", folder.name)),
            lang=str(raw.get("lang", "zh_CN")),
            rate=int(rate),
            gap_ms=int(raw.get("gap_ms", 40)),
            files=dict(clips),
        )

    @property
    def words(self) -> list[str]:
        return list(self.files)

    def clip(self, name: str) -> Audio:
        file = self.files.get(name)
        if file is None:
            raise PackError("voice.pack.missing_clip", clip=name, pack=self.folder)
        try:
            info = read_wav(self.folder / file)
        except (OSError, EOFError, wave.Error) as e:
            raise PackError("voice.pack.bad_clip", clip=name, file=file, reason=str(e)) from None
        if (info.channels, info.width, info.rate) != (1, 2, self.rate):
            raise PackError(
                "voice.pack.bad_format",
                clip=name,
                file=file,
                rate=self.rate,
                found=f"{info.rate} Hz, {info.channels} ch, {info.width * 8}-bit",
            )
        return info.audio

    def loader(self) -> ClipCache:
        return ClipCache(self)


class ClipCache:
    """A pack's clips read once and kept (a pack is well under a few MB), joined on demand."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self._clips: dict[str, Audio] = {}

    def preload(self, names: Iterable[str] | None = None) -> None:
        for name in names or self.pack.files:
            self.get(name)

    def get(self, name: str) -> Audio:
        clip = self._clips.get(name)
        if clip is None:
            clip = self._clips[name] = self.pack.clip(name)
        return clip

    def render(self, names: list[str], volume: float = 1.0) -> Audio:
        """The clips one after another, ``gap_ms`` apart."""
        gap = b"\0\0" * (self.pack.rate * self.pack.gap_ms // 1000)
        parts: list[bytes] = []
        for i, name in enumerate(names):
            if i:
                parts.append(gap)
            parts.append(self.get(name).frames)
        return Audio(self.pack.rate, b"".join(parts)).scaled(volume)


def render_text(text: str, clips: ClipCache, chime: bool = False) -> tuple[list[str], Audio]:
    """A sentence as one ``Audio`` (the chime first if asked), and the clips it took:
    ``onetrip voice say`` and a web board's ``.wav`` for a call are made here.
    ``Unspeakable`` names a character the pack has no clip for."""
    names = read_zh(text, clips.pack.words)
    audio = clips.render(names)
    if chime and names:
        gap = Audio.silence(clips.pack.rate, 0.1)
        audio = Audio(clips.pack.rate, clips.get(CHIME).frames + gap.frames + audio.frames)
    return names, audio


# -- checking a pack ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One thing wrong with a pack: ``error`` makes it unusable, ``warning`` is worth a look."""

    level: str  # "error" | "warning"
    clip: str
    key: str
    params: dict[str, object]

    def message(self, lang: str = "zh_CN") -> str:
        return t(self.key, lang, clip=self.clip, **self.params)


def db(value: float) -> float:
    return 20 * math.log10(value / FULL_SCALE) if value > 0 else -120.0


def measure(audio: Audio) -> dict[str, float]:
    """Peak and RMS (dBFS), the share of clipped samples, silence before and after (s)."""
    s = audio.samples()
    if not s:
        return {"peak": -120.0, "rms": -120.0, "clipped": 0.0, "lead": 0.0, "tail": 0.0}
    peak = max(max(s), -min(s))
    rms = math.sqrt(sum(x * x for x in s) / len(s))
    clipped = sum(1 for x in s if x >= CLIP_LEVEL or x <= -CLIP_LEVEL) / len(s)
    loud = [i for i, x in enumerate(s) if abs(x) >= SILENCE]
    lead = (loud[0] if loud else len(s)) / audio.rate
    tail = (len(s) - 1 - loud[-1] if loud else len(s)) / audio.rate
    return {"peak": db(peak), "rms": db(rms), "clipped": clipped, "lead": lead, "tail": tail}


def check_pack(folder: Path, extra_words: Iterable[str] = ()) -> list[Finding]:
    """Everything wrong with the pack in ``folder``; empty when it is good."""
    try:
        pack = Pack.load(folder)
    except PackError as e:
        return [Finding("error", "-", e.key, dict(e.params))]
    found: list[Finding] = []
    rms: dict[str, float] = {}
    for name in required_clips(extra_words):
        if name not in pack.files:
            found.append(Finding("error", name, "voice.check.missing", {}))
    for name, file in pack.files.items():
        path = folder / file
        if not path.is_file():
            found.append(Finding("error", name, "voice.check.no_file", {"file": file}))
            continue
        try:
            info = read_wav(path)
        except (OSError, EOFError, wave.Error) as e:
            found.append(Finding("error", name, "voice.check.not_wav", {"file": file, "reason": e}))
            continue
        if (info.channels, info.width, info.rate) != (1, 2, pack.rate):
            found.append(
                Finding(
                    "error",
                    name,
                    "voice.check.format",
                    {
                        "file": file,
                        "rate": pack.rate,
                        "found": f"{info.rate} Hz, {info.channels} ch, {info.width * 8}-bit",
                    },
                )
            )
            continue
        m = measure(info.audio)
        if info.audio.seconds == 0 or m["peak"] < MIN_PEAK_DB:
            found.append(
                Finding(
                    "error",
                    name,
                    "voice.check.quiet",
                    {"peak": round(m["peak"]), "min": MIN_PEAK_DB},
                )
            )
            continue
        if m["clipped"] > MAX_CLIPPED:
            found.append(
                Finding("error", name, "voice.check.clipping", {"share": f"{m['clipped']:.1%}"})
            )
        if info.audio.seconds > MAX_CLIP_SECONDS:
            found.append(
                Finding(
                    "warning", name, "voice.check.long", {"seconds": round(info.audio.seconds, 1)}
                )
            )
        edge = max(m["lead"], m["tail"])
        if name != CHIME and edge > MAX_EDGE_SILENCE:
            found.append(
                Finding("warning", name, "voice.check.silence", {"seconds": round(edge, 2)})
            )
        if name != CHIME:
            rms[name] = m["rms"]
    if len(rms) >= 3:
        median = statistics.median(rms.values())
        for name, value in rms.items():
            if abs(value - median) > MAX_LOUDNESS_SPREAD:
                found.append(
                    Finding(
                        "warning",
                        name,
                        "voice.check.uneven",
                        {
                            "db": round(value - median),
                            "spread": MAX_LOUDNESS_SPREAD,
                        },
                    )
                )
    return found
