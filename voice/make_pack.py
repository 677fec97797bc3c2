"""Render the default Mandarin voice pack offline: ``onetrip voice make-pack OUT``.

Each word goes through pypinyin (tone-numbered pinyin: 窗口 → ``chuang1 kou3``) and
``espeak-ng -v cmn-latn-pinyin``; the letters are read by ``espeak-ng -v en-us`` (halls read
ticket letters the English way); the chime is two decaying tones made here. Every clip is
then put in one format (16 kHz, mono, 16-bit), trimmed of silence at both ends, given 5 ms
fades and brought to one peak level, and ``pack.toml`` is written beside them.

The result is intelligible and robotic: it is a placeholder that works on any machine. A hall
records its own pack with the same file names (see docs/voice.md) and checks it with
``onetrip voice check``.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from array import array
from collections.abc import Iterable
from pathlib import Path

from .pack import MANIFEST, Audio, read_wav
from .wording import CHIME, LETTERS, required_clips

RATE = 16000
PEAK = 0.7 * 32767  # -3 dBFS
TRIM_LEVEL = 0.03  # of full scale: quieter than this at the ends is cut
SPEED = 165  # espeak-ng words per minute
GAP_MS = 40


class MakeError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(key)


def pinyin(word: str) -> str:
    """Tone-numbered pinyin, syllables apart: ``窗口`` → ``chuang1 kou3``."""
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:
        raise MakeError("voice.make.no_pypinyin") from None
    return " ".join(lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True))


def file_name(clip: str) -> str:
    if clip == CHIME:
        return "chime.wav"
    if clip in LETTERS:
        return f"letter_{clip}.wav"
    return pinyin(clip).replace(" ", "") + ".wav"


def espeak(text: str, voice: str, clip: str) -> Audio:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise MakeError("voice.make.no_espeak")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clip.wav"
        proc = subprocess.run(
            [exe, "-v", voice, "-s", str(SPEED), "-w", str(out), text],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if proc.returncode != 0 or not out.exists():
            raise MakeError("voice.make.failed", clip=clip, reason=proc.stderr.strip())
        info = read_wav(out)
    if info.channels != 1 or info.width != 2:
        raise MakeError("voice.make.failed", clip=clip, reason="not mono 16-bit")
    return info.audio


def resample(audio: Audio, rate: int) -> Audio:
    """Linear interpolation after a small low-pass (enough for speech going down to 16 kHz)."""
    if audio.rate == rate:
        return audio
    s = audio.samples()
    n = len(s)
    if rate < audio.rate and n > 2:
        s = array(
            "h", [s[0]] + [(s[i - 1] + 2 * s[i] + s[i + 1]) // 4 for i in range(1, n - 1)] + [s[-1]]
        )
    step = audio.rate / rate
    out = array("h")
    for i in range(int(n / step)):
        pos = i * step
        j = int(pos)
        frac = pos - j
        a = s[j]
        b = s[j + 1] if j + 1 < n else a
        out.append(int(a + (b - a) * frac))
    return Audio.from_samples(rate, out)


def tidy(audio: Audio) -> Audio:
    """Trimmed, faded in and out over 5 ms, brought to one peak."""
    s = audio.samples()
    level = TRIM_LEVEL * 32767
    loud = [i for i, x in enumerate(s) if abs(x) >= level]
    if not loud:
        return audio
    pad = audio.rate // 100  # keep 10 ms around the voice
    s = s[max(0, loud[0] - pad) : loud[-1] + pad + 1]
    peak = max(max(s), -min(s)) or 1
    gain = PEAK / peak
    fade = audio.rate // 200
    out = array("h")
    for i, x in enumerate(s):
        edge = min(i, len(s) - 1 - i)
        k = gain * (edge / fade if edge < fade else 1.0)
        out.append(max(-32767, min(32767, int(x * k))))
    return Audio.from_samples(audio.rate, out)


def chime(rate: int = RATE) -> Audio:
    """Two bell-like tones, E5 then C5 (a "ding-dong"), 0.9 s."""
    out = array("h")
    for freq, seconds in ((659.25, 0.42), (523.25, 0.5)):
        for i in range(int(rate * seconds)):
            t = i / rate
            env = math.exp(-4.5 * t) * min(1.0, t / 0.005)
            v = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(2 * math.pi * 2 * freq * t)
            out.append(int(PEAK * 0.75 * env * v))
    return Audio.from_samples(rate, out)


def render_clip(clip: str) -> Audio:
    if clip == CHIME:
        return chime()
    if clip in LETTERS:
        raw = espeak(clip, "en-us", clip)
    else:
        raw = espeak(pinyin(clip), "cmn-latn-pinyin", clip)
    return tidy(resample(raw, RATE))


def manifest(files: dict[str, str]) -> str:
    lines = [
        'name = "普通话默认语音包 (espeak-ng, 机器合成)"',
        'lang = "zh_CN"',
        f"rate = {RATE}",
        f"gap_ms = {GAP_MS}",
        'made_by = "onetrip voice make-pack: pypinyin + espeak-ng -v cmn-latn-pinyin"',
        "",
        "[clips]",
    ]
    lines += [f'"{clip}" = "{file}"' for clip, file in files.items()]
    return "\n".join(lines) + "\n"


def make_pack(out: Path, words: Iterable[str] = (), only: Iterable[str] | None = None) -> int:
    """Write the pack's clips and manifest into ``out``; the bytes written."""
    out.mkdir(parents=True, exist_ok=True)
    names = list(only) if only is not None else required_clips(words)
    files: dict[str, str] = {}
    total = 0
    for clip in names:
        files[clip] = file_name(clip)
        data = render_clip(clip).wav_bytes()
        (out / files[clip]).write_bytes(data)
        total += len(data)
    (out / MANIFEST).write_text(manifest(files), encoding="utf-8")
    return total
