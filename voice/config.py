"""The ``[voice]`` table of a display's config, read and checked in one place.

[voice]
engine = "clips"            # clips (default) | qt | chip | none
languages = ["zh_CN"]       # read in this order; "en" needs the qt engine
repeats = 2                 # each announcement read this many times
chime = true                # a chime before each announcement
gap = 0.8                   # seconds of silence between two readings
max_age = 60                # seconds: an announcement that waited longer is dropped
quiet_hours = ["12:00-13:30"]   # nothing is read then (local time; "22:00-07:00" wraps)
timezone = "Asia/Shanghai"
pack = ""                   # a clip pack folder; "" = the built-in Mandarin pack
volume = 1.0                # 0..1 (clips and qt)
call = "请{ticket}号到{window}号窗口办理"
recall = "请{ticket}号再次到{window}号窗口办理"
call_en = "Number {ticket}, please go to window {window}"
recall_en = "Number {ticket}, again: please go to window {window}"

[voice.chip]                # engine = "chip": a serial speech module
port = "/dev/ttyUSB0"       # anything serial.serial_for_url opens (socket://host:port too)
baudrate = 9600
model = "syn6288"           # syn6288 (XOR checksum) | xfs5152 (no checksum)
encoding = "gb2312"         # gb2312 | gbk | big5 | unicode
chime = "sounda"            # the module's built-in prompt tone played as the chime; "" none
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.config import ConfigError
from shared.tomlreader import TomlReader

from .queue import Policy
from .wording import DEFAULT_CALL, DEFAULT_RECALL, Wording

ENGINES = ("clips", "qt", "chip", "none")
LANGUAGES = ("zh_CN", "en")
CHIP_MODELS = ("syn6288", "xfs5152")
CHIP_ENCODINGS = ("gb2312", "gbk", "big5", "unicode")
_HOURS = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)")
_KEYS = {
    "engine",
    "languages",
    "repeats",
    "chime",
    "gap",
    "max_age",
    "quiet_hours",
    "timezone",
    "pack",
    "volume",
    "call",
    "recall",
    "call_en",
    "recall_en",
    "chip",
    "enabled",
}
_CHIP_KEYS = {"port", "baudrate", "model", "encoding", "chime"}


@dataclass(frozen=True)
class ChipConfig:
    port: str = ""
    baudrate: int = 9600
    model: str = "syn6288"
    encoding: str = "gb2312"
    chime: str = "sounda"


@dataclass(frozen=True)
class VoiceConfig:
    engine: str = "clips"
    policy: Policy = field(default_factory=Policy)
    wording: Wording = field(default_factory=Wording.default)
    pack: Path | None = None  # None: the built-in pack
    volume: float = 1.0
    chip: ChipConfig = field(default_factory=ChipConfig)

    @classmethod
    def from_table(
        cls, table: dict[str, Any], file: str = "display.toml", prefix: str = "voice."
    ) -> VoiceConfig:
        """Read a ``[voice]`` table; every problem at once in a ``ConfigError``."""
        r = TomlReader(file)
        r.unknown(table, prefix, _KEYS)
        engine = r.text(table, f"{prefix}engine", "clips")
        if engine not in ENGINES:
            r.fail(f"{prefix}engine", f"{engine!r}: use one of {', '.join(ENGINES)}")
        if not r.flag(table, f"{prefix}enabled", True):
            engine = "none"
        languages = tuple(r.array_of(table, f"{prefix}languages", str)) or ("zh_CN",)
        for lang in languages:
            if lang not in LANGUAGES:
                r.fail(f"{prefix}languages", f"{lang!r}: use {' / '.join(LANGUAGES)}")
        tz = r.text(table, f"{prefix}timezone", "Asia/Shanghai")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            r.fail(f"{prefix}timezone", f"{tz!r} is no time zone (e.g. Asia/Shanghai)")
            tz = "Asia/Shanghai"
        quiet = []
        for i, span in enumerate(r.array_of(table, f"{prefix}quiet_hours", str)):
            m = _HOURS.fullmatch(span.strip())
            if not m:
                r.fail(f"{prefix}quiet_hours[{i}]", f"{span!r}: write HH:MM-HH:MM")
                continue
            h1, m1, h2, m2 = map(int, m.groups())
            quiet.append((h1 * 60 + m1, h2 * 60 + m2))
        policy = Policy(
            repeats=r.integer(table, f"{prefix}repeats", 2, 1, 5) or 2,
            chime=r.flag(table, f"{prefix}chime", True),
            gap=r.number(table, f"{prefix}gap", 0.8),
            max_age=r.number(table, f"{prefix}max_age", 60.0, low=1),
            quiet=tuple(quiet),
            tz=tz,
            languages=tuple(dict.fromkeys(languages)),
        )
        templates: dict[str, dict[str, str]] = {"call": {}, "recall": {}}
        defaults = {"call": DEFAULT_CALL, "recall": DEFAULT_RECALL}
        for kind in ("call", "recall"):
            for lang, suffix in (("zh_CN", ""), ("en", "_en")):
                key = f"{prefix}{kind}{suffix}"
                value = r.text(table, key, defaults[kind][lang])
                problem = _template_problem(value)
                if problem:
                    r.fail(key, problem)
                    value = defaults[kind][lang]
                templates[kind][lang] = value
        pack_text = r.text(table, f"{prefix}pack", "")
        volume = r.number(table, f"{prefix}volume", 1.0)
        if volume > 1:
            r.fail(f"{prefix}volume", "must be 0..1")
        chip_table = r.table(table, f"{prefix}chip", required=False)
        r.unknown(chip_table, f"{prefix}chip.", _CHIP_KEYS)
        chip = ChipConfig(
            port=r.text(chip_table, f"{prefix}chip.port", ""),
            baudrate=r.count(chip_table, f"{prefix}chip.baudrate", 9600, low=1200) or 9600,
            model=r.text(chip_table, f"{prefix}chip.model", "syn6288"),
            encoding=r.text(chip_table, f"{prefix}chip.encoding", "gb2312"),
            chime=r.text(chip_table, f"{prefix}chip.chime", "sounda"),
        )
        if chip.model not in CHIP_MODELS:
            r.fail(f"{prefix}chip.model", f"{chip.model!r}: use {' / '.join(CHIP_MODELS)}")
        if chip.encoding not in CHIP_ENCODINGS:
            r.fail(f"{prefix}chip.encoding", f"{chip.encoding!r}: use {' / '.join(CHIP_ENCODINGS)}")
        if engine == "chip" and not chip.port:
            r.fail(f"{prefix}chip.port", 'missing (engine = "chip" needs the module\'s port)')
        if r.issues:
            raise ConfigError(r.issues)
        return cls(
            engine=engine,
            policy=policy,
            wording=Wording(templates["call"], templates["recall"]),
            pack=Path(pack_text) if pack_text else None,
            volume=volume,
            chip=chip,
        )


def _template_problem(template: str) -> str | None:
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as e:
        return f"not a template: {e}"
    unknown = names - {"ticket", "window"}
    if unknown:
        return f"unknown placeholder {{{sorted(unknown)[0]}}}: use {{ticket}} and {{window}}"
    if "ticket" not in names:
        return "needs {ticket}"
    return None
