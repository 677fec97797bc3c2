"""Window LED strips (窗口屏): one generic frame, and adapters for vendor protocols.

Every adapter turns the same few commands (show, clear, brightness, idle text) into its bytes
and can decode them back (the emulators use that). ``ADAPTERS`` maps the config name to one.

``generic`` (the ``hardware.frames`` format, so strips can share the keypads' bus):
    30 show:        DATA = color, mode, seconds, text (GB18030)
    31 clear:       no DATA
    32 brightness:  DATA = level 0..15
    33 idle text:   DATA = color, text - shown whenever nothing else is
color 1 red, 2 green, 3 yellow; mode 0 static, 1 scroll, 2 flash; seconds 0 = until replaced.

``ascii`` (the text-command style of many cheap serial strip controllers, GBK text):
    !#003%ZC1%ZM0%ZT10%ZK请A001号到3号窗口$$      show on address 3 (C color, M mode, T seconds)
    !#003%ZK$$                                     clear
    !#003%ZL07$$                                   brightness 7
    !#003%ZI2%ZK欢迎光临$$                          idle text
``$`` and ``%`` in texts are sent as their full-width forms so they cannot end a command.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from .frames import Frame, FrameDecoder, encode_frame

log = logging.getLogger(__name__)

COLORS = {"red": 1, "green": 2, "yellow": 3}
MODES = {"static": 0, "scroll": 1, "flash": 2}
_COLOR_NAMES = {v: k for k, v in COLORS.items()}
_MODE_NAMES = {v: k for k, v in MODES.items()}


class StripCmd:
    SHOW = 0x30
    CLEAR = 0x31
    BRIGHTNESS = 0x32
    IDLE = 0x33


@dataclass(frozen=True)
class StripCommand:
    addr: int
    op: str  # show | clear | brightness | idle
    text: str = ""
    color: str = "red"
    mode: str = "static"
    seconds: int = 0
    level: int = 0


class StripDecoder(Protocol):
    errors: Counter[str]

    def feed(self, data: bytes) -> list[StripCommand]: ...
    def expire(self) -> None: ...


class StripProtocol(Protocol):
    name: str

    def show(
        self, addr: int, text: str, color: str = "red", mode: str = "static", seconds: int = 0
    ) -> bytes: ...
    def clear(self, addr: int) -> bytes: ...
    def brightness(self, addr: int, level: int) -> bytes: ...
    def idle(self, addr: int, text: str, color: str = "green") -> bytes: ...
    def decoder(self, label: str = "strip") -> StripDecoder: ...


def _check(color: str, mode: str = "static") -> None:
    if color not in COLORS or mode not in MODES:
        raise ValueError(
            f"color {color!r} / mode {mode!r}: colors {list(COLORS)}, modes {list(MODES)}"
        )


# -- generic ---------------------------------------------------------------------------------
class GenericStrip:
    name = "generic"
    encoding = "gb18030"

    def show(
        self, addr: int, text: str, color: str = "red", mode: str = "static", seconds: int = 0
    ) -> bytes:
        _check(color, mode)
        head = bytes((COLORS[color], MODES[mode], min(seconds, 255)))
        return encode_frame(addr, StripCmd.SHOW, head + text.encode(self.encoding, "replace"))

    def clear(self, addr: int) -> bytes:
        return encode_frame(addr, StripCmd.CLEAR)

    def brightness(self, addr: int, level: int) -> bytes:
        return encode_frame(addr, StripCmd.BRIGHTNESS, bytes((max(0, min(level, 15)),)))

    def idle(self, addr: int, text: str, color: str = "green") -> bytes:
        _check(color)
        return encode_frame(
            addr, StripCmd.IDLE, bytes((COLORS[color],)) + text.encode(self.encoding)
        )

    def decode(self, frame: Frame, label: str = "strip") -> StripCommand | None:
        d = frame.data
        try:
            if frame.cmd == StripCmd.SHOW and len(d) >= 3:
                return StripCommand(frame.addr, "show", d[3:].decode(self.encoding),
                                    _COLOR_NAMES[d[0]], _MODE_NAMES[d[1]], d[2])  # fmt: skip
            if frame.cmd == StripCmd.CLEAR:
                return StripCommand(frame.addr, "clear")
            if frame.cmd == StripCmd.BRIGHTNESS and len(d) == 1:
                return StripCommand(frame.addr, "brightness", level=d[0])
            if frame.cmd == StripCmd.IDLE and len(d) >= 1:
                return StripCommand(frame.addr, "idle", d[1:].decode(self.encoding),
                                    _COLOR_NAMES[d[0]])  # fmt: skip
        except (KeyError, UnicodeDecodeError) as exc:
            log.warning("%s %d: bad strip command %s: %s", label, frame.addr, frame, exc)
            return None
        log.warning("%s %d: unknown strip command %s, ignored", label, frame.addr, frame)
        return None

    def decoder(self, label: str = "strip") -> StripDecoder:
        return _GenericDecoder(self, label)


class _GenericDecoder:
    def __init__(self, strip: GenericStrip, label: str) -> None:
        self._strip, self._label = strip, label
        self._frames = FrameDecoder(label)
        self.errors = self._frames.errors

    def feed(self, data: bytes) -> list[StripCommand]:
        out = (self._strip.decode(f, self._label) for f in self._frames.feed(data))
        return [cmd for cmd in out if cmd is not None]

    def expire(self) -> None:
        self._frames.expire()


# -- ascii (vendor text-command style) ----------------------------------------------------------
class AsciiStrip:
    name = "ascii"
    encoding = "gbk"

    @staticmethod
    def _safe(text: str) -> str:
        return text.replace("$", "＄").replace("%", "％")

    def _frame(self, addr: int, body: str) -> bytes:
        if not 0 <= addr <= 999:
            raise ValueError(f"address {addr} out of 0..999")
        return f"!#{addr:03d}{body}$$".encode(self.encoding, "replace")

    def show(
        self, addr: int, text: str, color: str = "red", mode: str = "static", seconds: int = 0
    ) -> bytes:
        _check(color, mode)
        body = f"%ZC{COLORS[color]}%ZM{MODES[mode]}%ZT{min(seconds, 99)}%ZK{self._safe(text)}"
        return self._frame(addr, body)

    def clear(self, addr: int) -> bytes:
        return self._frame(addr, "%ZK")

    def brightness(self, addr: int, level: int) -> bytes:
        return self._frame(addr, f"%ZL{max(0, min(level, 15)):02d}")

    def idle(self, addr: int, text: str, color: str = "green") -> bytes:
        _check(color)
        return self._frame(addr, f"%ZI{COLORS[color]}%ZK{self._safe(text)}")

    def decoder(self, label: str = "strip") -> StripDecoder:
        return _AsciiDecoder(self, label)


_FIELD = re.compile(r"%Z([A-Z])([^%]*)")


class _AsciiDecoder:
    MAX = 512

    def __init__(self, strip: AsciiStrip, label: str) -> None:
        self._strip, self._label = strip, label
        self._buf = bytearray()
        self.errors: Counter[str] = Counter()
        self._noise_count = 0
        self._noise_sample = b""

    def feed(self, data: bytes) -> list[StripCommand]:
        self._buf += data
        out: list[StripCommand] = []
        while True:
            start = self._buf.find(b"!#")
            if start < 0:
                keep = 1 if self._buf.endswith(b"!") else 0
                self._noise(len(self._buf) - keep)
                del self._buf[: len(self._buf) - keep]
                break
            self._noise(start)
            del self._buf[:start]
            end = self._buf.find(b"$$")
            if end < 0:
                if len(self._buf) > self.MAX:
                    self._bad("no $$ within 512 bytes", bytes(self._buf[:24]))
                    del self._buf[:2]
                    continue
                break
            raw = bytes(self._buf[: end + 2])
            del self._buf[: end + 2]
            self._flush_noise()
            cmd = self._parse(raw)
            if cmd is not None:
                out.append(cmd)
        return out

    def expire(self) -> None:
        self._flush_noise()
        if self._buf:
            self._bad("incomplete command dropped", bytes(self._buf[:24]))
            self._buf.clear()

    def _noise(self, count: int) -> None:
        if count > 0:
            if not self._noise_count:
                self._noise_sample = bytes(self._buf[: min(count, 16)])
            self._noise_count += count

    def _flush_noise(self) -> None:
        if self._noise_count:
            self.errors["noise"] += 1
            log.warning("%s: skipped %d bytes of noise: %s", self._label, self._noise_count,
                        self._noise_sample.hex(" "))  # fmt: skip
            self._noise_count = 0

    def _bad(self, why: str, raw: bytes) -> None:
        self._flush_noise()
        self.errors["bad_command"] += 1
        log.warning("%s: command rejected, %s: %s", self._label, why, raw.hex(" "))

    def _parse(self, raw: bytes) -> StripCommand | None:
        try:
            text = raw[2:-2].decode(self._strip.encoding)
            addr = int(text[:3])
            fields = dict(_FIELD.findall(text[3:]))
            if "L" in fields:
                return StripCommand(addr, "brightness", level=int(fields["L"]))
            if "K" not in fields:
                raise ValueError("no %ZK text field")
            if "I" in fields:
                return StripCommand(addr, "idle", fields["K"], _COLOR_NAMES[int(fields["I"])])
            if not fields["K"] and "C" not in fields:
                return StripCommand(addr, "clear")
            return StripCommand(
                addr, "show", fields["K"], _COLOR_NAMES[int(fields.get("C", "1"))],
                _MODE_NAMES[int(fields.get("M", "0"))], int(fields.get("T", "0")),
            )  # fmt: skip
        except (ValueError, KeyError, UnicodeDecodeError) as exc:
            self._bad(f"unreadable ({exc})", raw[:24])
            return None


ADAPTERS: dict[str, StripProtocol] = {"generic": GenericStrip(), "ascii": AsciiStrip()}
