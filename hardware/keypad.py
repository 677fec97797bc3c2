"""The window keypad (呼叫器/物理叫号器) on the RS-485 bus, in the ``hardware.frames`` format.

Keypad -> host: ``CMD`` is the key, ``DATA`` what was typed before it (ASCII digits/letters,
e.g. ``05`` then 转移 = transfer to window 5, ``A012`` then 选呼 = call ticket A012,
``002*123456`` then 登录 = staff 002 logs in with PIN 123456).
Host -> keypad: ``02`` shows text on the 7-segment display, ``03`` beeps, ``01`` acknowledges
a key (for keypads that repeat a key until it is acknowledged).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import IntEnum

from .frames import Frame, encode_frame

log = logging.getLogger(__name__)


class Key(IntEnum):
    EVALUATE = 0x0B  # 请评价
    CALL = 0x0C  # 顺呼
    RECALL = 0x0D  # 重呼
    NO_SHOW = 0x0E  # 过号
    START = 0x0F  # 开始办理
    FINISH = 0x10  # 办结
    SELECT = 0x11  # 选呼 (DATA: the ticket number)
    PAUSE = 0x12  # 暂停 / 恢复 (DATA: optional reason code)
    TRANSFER = 0x13  # 转移 (DATA: target window)
    SUSPEND = 0x14  # 挂起
    LOGIN = 0x15  # 登录 (DATA: staff number, ``*``, PIN)
    LOGOUT = 0x16  # 退出


# What each key asks the caller logic to do (names of the calling actions in the protocol).
ACTIONS: dict[Key, str] = {
    Key.CALL: "call_next",
    Key.RECALL: "recall",
    Key.NO_SHOW: "no_show",
    Key.START: "start",
    Key.FINISH: "finish",
    Key.SELECT: "call_ticket",
    Key.PAUSE: "pause",
    Key.TRANSFER: "transfer",
    Key.SUSPEND: "suspend",
    Key.EVALUATE: "evaluate",
    Key.LOGIN: "login",
    Key.LOGOUT: "logout",
}


class HostCmd(IntEnum):
    ACK = 0x01
    DISPLAY = 0x02
    BEEP = 0x03


DISPLAY_CHARS = frozenset("0123456789ABCDEFHJLNOPSTUY- _.")
DISPLAY_WIDTH = 8


@dataclass(frozen=True)
class KeyPress:
    addr: int
    key: Key
    argument: str = ""

    @property
    def action(self) -> str:
        return ACTIONS[self.key]


def decode_key(frame: Frame, label: str = "keypad") -> KeyPress | None:
    """The key press in ``frame``; ``None`` (and one log line) for an unknown key."""
    try:
        key = Key(frame.cmd)
    except ValueError:
        log.warning("%s %d: unknown key code %02X, ignored", label, frame.addr, frame.cmd)
        return None
    try:
        argument = frame.data.decode("ascii").strip()
    except UnicodeDecodeError:
        log.warning("%s %d: key %s with non-ASCII data %s, ignored", label, frame.addr,
                    key.name, frame.data.hex(" "))  # fmt: skip
        return None
    return KeyPress(frame.addr, key, argument)


def display_text(text: str) -> str:
    """What a 7-segment display can show of ``text``: upper case, unknown characters as ``-``."""
    shown = "".join(ch if ch in DISPLAY_CHARS else "-" for ch in text.upper())
    return shown[:DISPLAY_WIDTH]


def display_frame(addr: int, text: str) -> bytes:
    return encode_frame(addr, HostCmd.DISPLAY, display_text(text).encode("ascii"))


def beep_frame(addr: int, times: int = 1, ms: int = 100) -> bytes:
    """``DATA = times, duration / 10 ms``."""
    return encode_frame(addr, HostCmd.BEEP, bytes((min(times, 9), min(ms // 10, 255))))


def ack_frame(addr: int, key: Key) -> bytes:
    return encode_frame(addr, HostCmd.ACK, bytes((key,)))
