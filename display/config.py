"""The display's configuration (``onetrip display --config display.toml``).

``load_display_config`` returns a complete ``DisplayConfig`` or raises
``shared.config.ConfigError`` listing every problem as ``file: key: reason``. ``SAMPLE`` is
what ``onetrip display init`` writes. The ``[voice]`` table is read by the voice package
(``voice.VoiceConfig``, see docs/voice.md); its problems are listed with the others.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from shared.config import ConfigError
from shared.devconfig import load_device_config, read_hub
from shared.texts import t
from shared.tomlreader import TomlReader
from voice import VoiceConfig

TOKEN_ENV = "ONETRIP_DISPLAY_TOKEN"
MODES = ("hall", "window")


@dataclass(frozen=True)
class DisplayConfig:
    hub_url: str
    device: str
    token: str = field(repr=False)
    mode: str = "hall"
    window: int | None = None
    recent: int = 8  # calls listed under the newest one
    english: bool = True  # an English line under the Chinese
    dpi: float | None = None
    diagonal_inches: float | None = None
    timezone: str = "Asia/Shanghai"  # until the hall says its own
    highlight_seconds: float = 6.0
    photos: Path | None = None  # a folder of <staff id>.jpg/.png for the window screen
    voice: VoiceConfig | None = None  # None: silent (a window screen without [voice])
    request_timeout: float = 5.0
    file: str = "<display config>"


def load_display_config(path: str | os.PathLike[str]) -> DisplayConfig:
    return load_device_config(path, parse_display_config)


def parse_display_config(
    raw: dict[str, Any], *, file: str = "<display config>", base: Path | None = None
) -> DisplayConfig:
    r = TomlReader(file)
    hub = read_hub(r, raw, base=base, token_env=TOKEN_ENV)
    d = r.table(raw, "display")
    mode = r.text(d, "display.mode", "hall")
    if mode not in MODES:
        r.fail("display.mode", _both("display.config.mode"))
    window = r.integer(d, "display.window", None, low=1, high=999)
    if mode == "window" and window is None:
        r.fail("display.window", _both("display.config.window"))
    recent = r.integer(d, "display.recent", 8, low=0, high=20)
    english = r.flag(d, "display.english", True)
    timezone = r.text(d, "display.timezone", "Asia/Shanghai")
    highlight = r.number(d, "display.highlight_seconds", 6.0, low=0)
    photos_text = r.text(d, "display.photos", "")
    photos = ((base or Path.cwd()) / photos_text) if photos_text else None
    if photos is not None and not photos.is_dir():
        r.fail("display.photos", _both("display.config.photos", path=photos))
    r.unknown(
        d,
        "display.",
        {"mode", "window", "recent", "english", "timezone", "highlight_seconds", "photos"},
    )
    screen = r.table(raw, "screen", required=False)
    dpi = r.number(screen, "screen.dpi", 0.0, low=0) or None
    diagonal = r.number(screen, "screen.diagonal_inches", 0.0, low=0) or None
    r.unknown(screen, "screen.", {"dpi", "diagonal_inches"})
    voice_table = r.table(raw, "voice", required=False)
    r.unknown(raw, "", {"hub", "display", "screen", "voice"})
    # The hall board speaks unless told not to; a window screen only with a [voice] table.
    voice: VoiceConfig | None = None
    if mode == "hall" or "voice" in raw:
        try:
            voice = VoiceConfig.from_table(voice_table, file=file)
            if voice.pack is not None and not voice.pack.is_absolute():
                voice = replace(voice, pack=(base or Path.cwd()) / voice.pack)  # beside the file
        except ConfigError as e:
            r.issues.extend(e.issues)
    if r.issues:
        raise ConfigError(r.issues)
    return DisplayConfig(
        hub_url=hub.url,
        device=hub.device,
        token=hub.token,
        mode=mode,
        window=window,
        recent=8 if recent is None else recent,  # None only with an issue, raised above
        english=english,
        dpi=dpi,
        diagonal_inches=diagonal,
        timezone=timezone,
        highlight_seconds=highlight,
        photos=photos,
        voice=voice,
        request_timeout=hub.request_timeout,
        file=file,
    )


def _both(key: str, **params: object) -> str:
    return f"{t(key, 'zh_CN', **params)} / {t(key, 'en', **params)}"


SAMPLE = """\
# onetrip 显示屏配置 / display configuration
#     onetrip display --config display.toml [--windowed]

[hub]
url = "ws://192.168.1.10:8765/ws"
device = "display-hall"          # 大厅配置 [[devices]] 中 role = "display" 的设备
token_file = "display-hall.token"  # 令牌文件（与本文件同目录，仅本机用户可读）
# 或用环境变量 ONETRIP_DISPLAY_TOKEN / or the environment variable

[display]
mode = "hall"                    # hall = 大厅综合屏；window = 窗口屏
# window = 3                     # 窗口屏：窗口号 / a window screen's window
recent = 8                       # 最近叫号显示几条 / how many recent calls
english = true                   # 中文下加一行英文 / an English line under the Chinese
highlight_seconds = 6            # 新叫号闪烁几秒 / how long a new call flashes
# photos = "photos"              # 窗口屏：工作人员照片目录（<工号>.jpg）/ staff photos
# timezone = "Asia/Shanghai"     # 连上服务器前用；之后以大厅配置为准

[screen]
# 电视经 HDMI 常报错 DPI：填屏幕对角线英寸数，字号按实际尺寸计算（10 米外可读）
# TVs often report a wrong DPI over HDMI: give the diagonal, sizes follow the glass.
diagonal_inches = 55
# dpi = 40

[voice]
# 语音播报（见 docs/voice.md）/ announcements (see docs/voice.md)
# 综合屏默认播报；窗口屏有 [voice] 表才播报 / the hall board speaks by default
engine = "clips"                 # clips | qt | chip | none
# repeats = 2                    # 每次呼叫播报几遍 / each call read this many times
# pack = "voice-pack"            # 大厅自录语音包目录 / a hall's own recorded pack
"""
