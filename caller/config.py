"""The caller's configuration: one TOML file per window PC (``onetrip caller --config``).

``load_caller_config`` returns a complete ``CallerConfig`` or raises ``shared.config.ConfigError``
listing every problem as ``file: key: reason``. The device token is never in the file's
repository: ``$ONETRIP_CALLER_TOKEN``, a ``token_file`` beside it, or ``token`` on the PC itself.
``sample_config`` is what ``onetrip caller init`` writes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtkit.hotkey import parse_hotkey, reserved_on_x11
from shared.config import ConfigError
from shared.devconfig import load_device_config, read_hub
from shared.tomlreader import REQUIRED, TomlReader

from .core import ACTIONS, DEFAULT_KEYS

TOKEN_ENV = "ONETRIP_CALLER_TOKEN"
LANGS = ("zh_CN", "en")
DOCKS = ("top", "bottom", "left", "right", "none")
PAUSE_REASONS = ("午休", "会议", "临时离开", "业务培训", "系统故障")


@dataclass(frozen=True)
class EvaluatorConfig:
    enabled: bool = False
    screen: int = 1  # which screen it opens on (0 = the primary); a missing one: windowed
    timeout: float = 30.0  # seconds the citizen has to rate; then 未评价, no rating is sent
    thanks: float = 4.0  # seconds the thanks stays
    photos: str = ""  # a folder of staff photos, <staff id>.png / .jpg


@dataclass(frozen=True)
class CallerConfig:
    hub_url: str
    device: str
    token: str = field(repr=False)
    window: int
    printer: str = ""  # the window printer's URL for 续办服务卡; "" = show the QR instead
    scanner: str = ""  # a serial scanner's URL; a keyboard-wedge scanner needs nothing
    lang: str = "zh_CN"
    dock: str = "right"
    keys: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_KEYS))
    # system-wide hotkeys (work while the business system has the keyboard): action -> key
    global_keys: dict[str, str] = field(default_factory=dict)
    pause_reasons: tuple[str, ...] = PAUSE_REASONS
    # this window's own tips, after the hall's for the matter: matter id (or "default") -> tips
    tips: dict[str, tuple[str, ...]] = field(default_factory=dict)
    recall_limit: int = 3
    evaluator: EvaluatorConfig = field(default_factory=EvaluatorConfig)
    request_timeout: float = 5.0
    file: str = "<caller config>"


def load_caller_config(path: str | os.PathLike[str]) -> CallerConfig:
    return load_device_config(path, parse_caller_config)


def parse_caller_config(
    raw: dict[str, Any], *, file: str = "<caller config>", base: Path | None = None
) -> CallerConfig:
    r = TomlReader(file)
    hub = read_hub(r, raw, base=base, token_env=TOKEN_ENV)
    c = r.table(raw, "caller")
    window = r.integer(c, "caller.window", REQUIRED, 1, 9999) or 0
    printer = r.text(c, "caller.printer", "")
    scanner = r.text(c, "caller.scanner", "")
    lang = r.text(c, "caller.lang", "zh_CN")
    if lang not in LANGS:
        r.fail("caller.lang", f"must be one of {', '.join(LANGS)}")
    dock = r.text(c, "caller.dock", "right")
    if dock not in DOCKS:
        r.fail("caller.dock", f"must be one of {', '.join(DOCKS)}")
    reasons = tuple(r.array_of(c, "caller.pause_reasons", str)) or PAUSE_REASONS
    recall_limit = r.integer(c, "caller.recall_limit", 3, 1, 20) or 3
    r.unknown(
        c,
        "caller.",
        {"window", "printer", "scanner", "lang", "dock", "pause_reasons", "recall_limit", "keys"},
    )
    keys = dict(DEFAULT_KEYS)
    key_table = r.table(c, "caller.keys", required=False)
    for action, key in key_table.items():
        if action not in ACTIONS:
            r.fail(f"caller.keys.{action}", f"not an action ({', '.join(ACTIONS)})")
        elif not isinstance(key, str):
            r.fail(f"caller.keys.{action}", "must be a key name such as F1 or Ctrl+1")
        else:
            keys[action] = key
    used: dict[str, str] = {}
    for action, key in keys.items():
        if key and key in used:
            r.fail(f"caller.keys.{action}", f"{key} is already the key of {used[key]}")
        used[key] = action
    global_keys: dict[str, str] = {}
    for name, text in r.table(raw, "shortcuts", required=False).items():
        key = f"shortcuts.{name}"
        action = name.removeprefix("global_")
        if not name.startswith("global_") or action not in ACTIONS:
            r.fail(key, f"not global_<action> ({', '.join('global_' + a for a in ACTIONS)})")
            continue
        if not isinstance(text, str):
            r.fail(key, "must be a key combination such as Ctrl+Shift+F1")
            continue
        if not text.strip():
            continue  # off
        try:
            hotkey = parse_hotkey(text)
        except ValueError as e:
            r.fail(key, str(e))
            continue
        if sys.platform != "win32" and reserved_on_x11(hotkey):
            r.fail(key, f"{hotkey} switches the Linux console: choose e.g. Ctrl+Shift+F1")
            continue
        if str(hotkey) in global_keys.values():
            r.fail(key, f"{hotkey} is already a global shortcut")
            continue
        global_keys[action] = str(hotkey)
    tips: dict[str, tuple[str, ...]] = {}
    for matter, items in r.table(raw, "tips", required=False).items():
        tips[matter] = tuple(r.array_of({matter: items}, f"tips.{matter}", str))
    e = r.table(raw, "evaluator", required=False)
    evaluator = EvaluatorConfig(
        enabled=r.flag(e, "evaluator.enabled", False),
        screen=r.integer(e, "evaluator.screen", 1, 0, 16) or 0,
        timeout=r.number(e, "evaluator.timeout", 30.0, low=3),
        thanks=r.number(e, "evaluator.thanks", 4.0, low=1),
        photos=r.text(e, "evaluator.photos", ""),
    )
    r.unknown(e, "evaluator.", {"enabled", "screen", "timeout", "thanks", "photos"})
    r.unknown(raw, "", {"hub", "caller", "shortcuts", "tips", "evaluator"})
    if r.issues:
        raise ConfigError(r.issues)
    return CallerConfig(
        hub_url=hub.url,
        device=hub.device,
        token=hub.token,
        window=window,
        printer=printer,
        scanner=scanner,
        lang=lang,
        dock=dock,
        keys=keys,
        global_keys=global_keys,
        pause_reasons=reasons,
        tips=tips,
        recall_limit=recall_limit,
        evaluator=evaluator,
        request_timeout=hub.request_timeout,
        file=file,
    )


def sample_config(window: int = 3, url: str = "ws://127.0.0.1:8765/ws") -> str:
    keys = "\n".join(f'{a} = "{k}"' for a, k in DEFAULT_KEYS.items())
    reasons = ", ".join(f'"{r}"' for r in PAUSE_REASONS)
    return f"""\
# onetrip 呼叫器配置 / caller configuration (one per window PC)
#     onetrip caller --config caller.toml
#     onetrip caller --config caller.toml --evaluator   # only the 好差评 screen

[hub]
url = "{url}"
device = "caller-{window}"
# 设备令牌：环境变量 ONETRIP_CALLER_TOKEN，或本文件旁的令牌文件（仅本机用户可读）。
# The device token: $ONETRIP_CALLER_TOKEN, or a file beside this one. Never in a repository.
token_file = "caller-{window}.token"
request_timeout = 5

[caller]
window = {window}
# 窗口打印机（打印续办服务卡）；留空则在评价屏上显示二维码供群众拍照
# the window printer for 续办服务卡; empty: the card's QR is shown on the evaluator screen
printer = ""                       # e.g. "tcp://192.168.1.61:9100"
# 串口扫码枪；USB（键盘式）扫码枪无需配置
scanner = ""                       # e.g. "serial:///dev/ttyACM0?baudrate=9600"
lang = "zh_CN"                     # zh_CN | en
dock = "right"                     # 停靠屏幕边缘: top | bottom | left | right | none
recall_limit = 3                   # 与大厅配置的重呼上限一致
pause_reasons = [{reasons}]

# 快捷键（Qt 键名，如 F1、Ctrl+1、Num+1）；USB 小键盘按键同样有效
[caller.keys]
{keys}

# 全局快捷键：业务系统在前台（呼叫条没有键盘焦点）时也有效；默认关闭。
# Linux 上 Ctrl+Alt+F1–F12 是切换控制台，不能用；Windows 上可用 Ctrl+Alt+F1。
# System-wide shortcuts, also while another program has the keyboard; off by default.
[shortcuts]
global_call_next = ""              # e.g. "Ctrl+Shift+F1"

# 续办服务卡的温馨提示按事项写在大厅配置里（zones.matters 的 tips），对所有窗口一致。
# 这里可为本窗口追加几条（排在大厅的之后）：按事项编号，default 用于没有单独列出的事项。
# The card's tips per matter are in the hall config (a matter's tips); these are this
# window's own additions, after the hall's: per matter id, default for the others.
[tips]
default = ["请携带本卡及身份证原件", "如有疑问请拨打卡上电话"]

# 好差评评价屏：窗口外侧的第二块屏（或单独一台触摸屏，用 --evaluator 运行）
[evaluator]
enabled = true
screen = 1                         # 第几块屏幕（0 为主屏）
timeout = 30                       # 秒；超时未评价则不记评价
thanks = 4
photos = ""                        # 工作人员照片目录：<工号>.png
"""
