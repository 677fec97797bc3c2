"""An ESC/POS stream parser: what a printer would do with the bytes.

It is incremental (``feed`` any chunks; a command cut in two waits for the rest), so the
virtual printer can answer ``DLE EOT`` the moment it arrives, and tests can decode a layout's
bytes with ``parse(data)``. It understands text in its encoding (honouring ``FS &`` / ``FS .``
and ``FS ( C``), sizes (``GS !``, ``ESC !``, ``FS !``), alignment, bold and reverse, QR codes
(``GS ( k`` store and print), raster images (``GS v 0``), feeds and cuts; every other command
is skipped by its length and noted in ``Receipt.unknown``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PIL import Image

from . import escpos_codes as c

log = logging.getLogger(__name__)

ALIGN_NAMES = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


@dataclass(frozen=True)
class TextLine:
    text: str
    align: str = "left"
    width: int = 1
    height: int = 1
    bold: bool = False
    reverse: bool = False


@dataclass(frozen=True)
class QrCode:
    payload: str
    module: int
    ecc: str
    align: str = "left"


@dataclass(frozen=True)
class RasterImage:
    width: int  # dots
    height: int
    data: bytes  # packed rows, MSB first, 1 = black
    align: str = "left"

    def to_image(self) -> Image.Image:
        """The bitmap as a black-on-white 1-bit image."""
        img = Image.frombytes("1", (self.width, self.height), self.data)
        return img.point(lambda v: 0 if v else 255, mode="1")

    def black_dots(self) -> int:
        return sum(bin(b).count("1") for b in self.data)


@dataclass(frozen=True)
class Feed:
    lines: int = 0
    dots: int = 0


@dataclass(frozen=True)
class Cut:
    partial: bool = True


Op = TextLine | QrCode | RasterImage | Feed | Cut


@dataclass
class Receipt:
    """Everything printed between two cuts, in order."""

    ops: list[Op] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [op.text for op in self.ops if isinstance(op, TextLine)]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def qr_payloads(self) -> list[str]:
        return [op.payload for op in self.ops if isinstance(op, QrCode)]

    @property
    def images(self) -> list[RasterImage]:
        return [op for op in self.ops if isinstance(op, RasterImage)]

    @property
    def cut(self) -> bool:
        return bool(self.ops) and isinstance(self.ops[-1], Cut)

    def to_text(self) -> str:
        """A plain-text rendering: text lines, ``[二维码 payload]``, ``[图像 WxH]``, ``[切纸]``."""
        out: list[str] = []
        for op in self.ops:
            if isinstance(op, TextLine):
                out.append(op.text)
            elif isinstance(op, QrCode):
                out.append(f"[二维码 {op.payload}]")
            elif isinstance(op, RasterImage):
                out.append(f"[图像 {op.width}x{op.height}]")
            elif isinstance(op, Feed):
                out.extend([""] * op.lines)
            else:
                out.append("[切纸]")
        return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Request:
    """A command the printer must answer: ``kind`` is ``dle_eot``, ``gs_r`` or ``gs_i``."""

    kind: str
    n: int


@dataclass(frozen=True)
class ReceiptDone:
    receipt: Receipt


Event = Request | ReceiptDone

# ESC x / GS x / FS x commands that take a fixed number of parameter bytes
_ESC_FIXED = {
    0x40: 0, 0x32: 0, 0x3C: 0, 0x69: 0, 0x6D: 0,  # @ 2 < i m
    0x21: 1, 0x2D: 1, 0x33: 1, 0x3D: 1, 0x3F: 1, 0x45: 1, 0x47: 1, 0x4A: 1, 0x4D: 1,
    0x52: 1, 0x53: 0, 0x54: 1, 0x55: 1, 0x56: 1, 0x61: 1, 0x64: 1, 0x65: 1, 0x72: 1,
    0x74: 1, 0x7B: 1, 0x20: 1, 0x25: 1, 0x4C: 0,
    0x24: 2, 0x5C: 2, 0x42: 2, 0x70: 3,  # $ \ B(beeper) p(drawer)
}  # fmt: skip
_GS_FIXED = {
    0x21: 1, 0x42: 1, 0x48: 1, 0x68: 1, 0x77: 1, 0x66: 1, 0x61: 1, 0x62: 1, 0x72: 1,
    0x49: 1, 0x2F: 1, 0x54: 1, 0x3A: 0, 0x5E: 3,
    0x4C: 2, 0x57: 2, 0x50: 2, 0x24: 2, 0x5C: 2,
}  # fmt: skip
_FS_FIXED = {0x26: 0, 0x2E: 0, 0x21: 1, 0x2D: 1, 0x43: 1, 0x57: 1, 0x53: 2, 0x3F: 2, 0x70: 2}


class EscPosParser:
    """Feed bytes in, get ``Request`` and ``ReceiptDone`` events out."""

    def __init__(self, encoding: str = "gb18030", chinese_default: bool = True) -> None:
        self.encoding = encoding  # what the printer's "two-byte mode" decodes
        self.chinese_default = chinese_default  # Chinese-market printers start in FS & mode
        self._buf = bytearray()
        self._receipt = Receipt()
        self._reset_style()
        self._utf8 = encoding == "utf-8"
        self._qr_payload = b""
        self._qr_module = 3
        self._qr_ecc = "L"
        self._segments: list[tuple[bytes, str]] = []
        self._line_style: TextLine | None = None
        self._events: list[Event] = []  # answers and receipts, in stream order

    def _reset_style(self) -> None:
        self.align = "left"
        self.width = self.height = 1
        self.bold = self.reverse = False
        self.chinese = self.chinese_default

    # -- public --------------------------------------------------------------------------------
    @property
    def receipt(self) -> Receipt:
        """The receipt being printed (not yet cut)."""
        return self._receipt

    @property
    def pending(self) -> int:
        """Bytes held back because the command they start is not complete yet."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Event]:
        self._buf += data
        self._events = []
        i = self._run(self._events)
        del self._buf[:i]
        return self._events

    def finish(self) -> Receipt | None:
        """Flush what is left (stream closed without a cut): the partial receipt, if any."""
        self._end_line(force=False)
        if self._buf:
            self._receipt.unknown.append(f"incomplete command {bytes(self._buf[:8]).hex(' ')}")
            self._buf.clear()
        receipt, self._receipt = self._receipt, Receipt()
        return receipt if receipt.ops else None

    # -- text ----------------------------------------------------------------------------------
    def _codec(self) -> str:
        if self._utf8:
            return "utf-8"
        return self.encoding if self.chinese else "cp437"

    def _add_text(self, data: bytes) -> None:
        if self._line_style is None:
            self._line_style = self._style_now()
        else:  # a line mixing sizes is as tall as its tallest part
            s = self._line_style
            self._line_style = TextLine(
                "", s.align, max(s.width, self.width), max(s.height, self.height),
                s.bold or self.bold, s.reverse or self.reverse,
            )  # fmt: skip
        codec = self._codec()
        if self._segments and self._segments[-1][1] == codec:
            self._segments[-1] = (self._segments[-1][0] + data, codec)
        else:
            self._segments.append((data, codec))

    def _style_now(self) -> TextLine:
        return TextLine("", self.align, self.width, self.height, self.bold, self.reverse)

    def _end_line(self, force: bool = True) -> None:
        if not self._segments and not force:
            return
        text = "".join(data.decode(codec, errors="replace") for data, codec in self._segments)
        s = self._line_style or self._style_now()
        self._receipt.ops.append(TextLine(text, s.align, s.width, s.height, s.bold, s.reverse))
        self._segments, self._line_style = [], None

    # -- commands ------------------------------------------------------------------------------
    def _run(self, events: list[Event]) -> int:
        b, i, n = self._buf, 0, len(self._buf)
        while i < n:
            x = b[i]
            if x >= 0x20:
                j = i
                while j < n and b[j] >= 0x20:
                    j += 1
                self._add_text(bytes(b[i:j]))
                i = j
                continue
            if x == c.LF:
                self._end_line()
                i += 1
                continue
            if x in (0x0D, 0x0C, 0x18, 0x00):  # CR, FF, CAN, NUL: nothing to print
                i += 1
                continue
            if x == 0x09:
                self._add_text(b" ")
                i += 1
                continue
            if i + 1 >= n:
                break  # a command byte alone: wait for the rest
            y = b[i + 1]
            if x == c.DLE:
                size = {0x04: 3, 0x05: 3, 0x14: 5}.get(y, 2)
                if i + size > n:
                    break
                if y == 0x04:
                    events.append(Request("dle_eot", b[i + 2]))
                i += size
            elif x == c.ESC:
                used = self._esc(i, y)
                if used is None:
                    break
                i += used
            elif x == c.GS:
                used = self._gs(i, y, events)
                if used is None:
                    break
                i += used
            elif x == c.FS:
                used = self._fs(i, y)
                if used is None:
                    break
                i += used
            else:
                self._receipt.unknown.append(f"control byte {x:02x}")
                i += 1
        return i

    def _has(self, i: int, count: int) -> bool:
        return i + count <= len(self._buf)

    def _esc(self, i: int, y: int) -> int | None:
        b = self._buf
        if y in _ESC_FIXED:
            size = 2 + _ESC_FIXED[y]
            if not self._has(i, size):
                return None
            p = b[i + 2] if size > 2 else 0
            if y == 0x40:  # ESC @
                self._end_line(force=False)
                self._reset_style()
            elif y == 0x21:  # ESC ! : print mode
                self.bold = bool(p & 0x08)
                self.height = 2 if p & 0x10 else 1
                self.width = 2 if p & 0x20 else 1
            elif y == 0x45:
                self.bold = bool(p & 1)
            elif y == 0x61:
                self._end_line(force=False)
                self.align = ALIGN_NAMES.get(p, "left")
            elif y == 0x64:
                self._end_line(force=False)
                self._receipt.ops.append(Feed(lines=p))
            elif y == 0x4A:
                self._end_line(force=False)
                self._receipt.ops.append(Feed(dots=p))
            elif y in (0x69, 0x6D):  # ESC i / ESC m: old cut commands
                self._cut(partial=y == 0x6D)
            return size
        if y == 0x63:  # ESC c 3/4/5 n
            return 4 if self._has(i, 4) else None
        if y == 0x44:  # ESC D n1..nk NUL: tab stops
            end = self._buf.find(b"\x00", i + 2)
            return None if end < 0 else end + 1 - i
        if y == 0x2A:  # ESC * m nL nH data: column bit image
            if not self._has(i, 5):
                return None
            m, dots = b[i + 2], b[i + 3] | b[i + 4] << 8
            size = 5 + dots * (3 if m in (32, 33) else 1)
            if not self._has(i, size):
                return None
            self._receipt.unknown.append("ESC * column image")
            return size
        if y == 0x28:  # ESC ( x pL pH ...
            return self._sized(i, 3)
        self._receipt.unknown.append(f"ESC {y:02x}")
        return 2

    def _sized(self, i: int, at: int) -> int | None:
        """A ``pL pH`` command whose length bytes start at ``i + at``."""
        if not self._has(i, at + 2):
            return None
        size = at + 2 + (self._buf[i + at] | self._buf[i + at + 1] << 8)
        return size if self._has(i, size) else None

    def _gs(self, i: int, y: int, events: list[Event]) -> int | None:
        b = self._buf
        if y in _GS_FIXED:
            size = 2 + _GS_FIXED[y]
            if not self._has(i, size):
                return None
            p = b[i + 2] if size > 2 else 0
            if y == 0x21:  # GS ! : character size, both Latin and Hanzi
                self.width, self.height = (p >> 4) + 1, (p & 0x0F) + 1
            elif y == 0x42:
                self.reverse = bool(p & 1)
            elif y == 0x72:
                events.append(Request("gs_r", p))
            elif y == 0x49:
                events.append(Request("gs_i", p))
            return size
        if y == 0x56:  # GS V m [n]
            if not self._has(i, 3):
                return None
            m = b[i + 2]
            size = 3 if m in (0, 1, 48, 49) else 4
            if not self._has(i, size):
                return None
            self._cut(partial=m in (1, 49, 66, 98, 104))
            return size
        if y == 0x76:  # GS v 0 m xL xH yL yH data
            if not self._has(i, 8):
                return None
            wb, h = b[i + 4] | b[i + 5] << 8, b[i + 6] | b[i + 7] << 8
            size = 8 + wb * h
            if not self._has(i, size):
                return None
            self._end_line(force=False)
            self._receipt.ops.append(RasterImage(wb * 8, h, bytes(b[i + 8 : i + size]), self.align))
            return size
        if y == 0x28:  # GS ( x pL pH ...
            size = self._sized(i, 3)
            if size is None:
                return None
            if b[i + 2] == 0x6B:
                self._qr(bytes(b[i + 5 : i + size]))
            else:
                self._receipt.unknown.append(f"GS ( {b[i + 2]:02x}")
            return size
        if y == 0x6B:  # GS k m ...: barcode
            if not self._has(i, 3):
                return None
            m = b[i + 2]
            if m <= 6:
                end = b.find(b"\x00", i + 3)
                return None if end < 0 else end + 1 - i
            if not self._has(i, 4):
                return None
            size = 4 + b[i + 3]
            if not self._has(i, size):
                return None
            self._receipt.unknown.append("GS k barcode")
            return size
        if y == 0x38 and self._has(i, 3) and b[i + 2] == 0x4C:  # GS 8 L p1..p4
            if not self._has(i, 7):
                return None
            size = 7 + int.from_bytes(b[i + 3 : i + 7], "little")
            return size if self._has(i, size) else None
        if y == 0x38 and not self._has(i, 3):
            return None
        self._receipt.unknown.append(f"GS {y:02x}")
        return 2

    def _qr(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 0x31:  # cn 49 = QR; other 2-D codes are not handled
            self._receipt.unknown.append(f"GS ( k cn={body[:1].hex()}")
            return
        fn, params = body[1], body[2:]
        if fn == 0x43 and params:
            self._qr_module = params[0]
        elif fn == 0x45 and params:
            self._qr_ecc = {48: "L", 49: "M", 50: "Q", 51: "H"}.get(params[0], "L")
        elif fn == 0x50:  # store: m=48 then the data
            self._qr_payload = params[1:]
        elif fn == 0x51:  # print the stored symbol
            self._end_line(force=False)
            payload = self._qr_payload.decode("utf-8", errors="replace")
            self._receipt.ops.append(QrCode(payload, self._qr_module, self._qr_ecc, self.align))

    def _fs(self, i: int, y: int) -> int | None:
        b = self._buf
        if y in _FS_FIXED:
            size = 2 + _FS_FIXED[y]
            if not self._has(i, size):
                return None
            p = b[i + 2] if size > 2 else 0
            if y == 0x26:
                self.chinese = True
            elif y == 0x2E:
                self.chinese = False
            elif y == 0x21:  # FS ! : Hanzi print mode
                self.width = 2 if p & 0x04 else 1
                self.height = 2 if p & 0x08 else 1
            elif y == 0x57:
                self.width = self.height = 2 if p & 1 else 1
            return size
        if y == 0x28:  # FS ( x pL pH ...
            size = self._sized(i, 3)
            if size is None:
                return None
            if b[i + 2] == 0x43 and size >= 7 and b[i + 5] in (0x30, 0):  # FS ( C fn=48
                self._utf8 = b[i + 6] in (2, 50)
            return size
        if y == 0x32:  # FS 2 c1 c2 d1..d72: user-defined Hanzi
            return 76 if self._has(i, 76) else None
        self._receipt.unknown.append(f"FS {y:02x}")
        return 2

    def _cut(self, partial: bool) -> None:
        self._end_line(force=False)
        self._receipt.ops.append(Cut(partial))
        self._events.append(ReceiptDone(self._receipt))
        self._receipt = Receipt()


def parse(data: bytes, encoding: str = "gb18030", chinese_default: bool = True) -> list[Receipt]:
    """Every receipt in ``data``; a trailing part without a cut is returned last, uncut."""
    parser = EscPosParser(encoding, chinese_default)
    receipts = [e.receipt for e in parser.feed(data) if isinstance(e, ReceiptDone)]
    tail = parser.finish()
    if tail is not None:
        receipts.append(tail)
    return receipts
