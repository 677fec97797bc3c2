"""A small ESC/POS byte writer that gets Chinese right.

python-escpos's "magic encode" guesses the code page per chunk, turns lone full-width
punctuation into ``?`` and never sends ``FS &``; this writer instead puts the printer in
two-byte mode once and encodes every line with the printer's configured encoding. A line that
holds a character the encoding (or the printer's font, ``charset``) cannot print is sent as a
raster image drawn with a CJK font, so nothing is ever printed as ``?``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

import qrcode
from PIL import Image, ImageOps
from qrcode.constants import ERROR_CORRECT_M

from shared.texts import t

from . import escpos_codes as c
from .fonts import render_line

ENCODINGS = ("gb18030", "gbk", "utf-8")
CHARSETS = ("gb2312", "gbk", "gb18030", "utf-8")
QrMode = Literal["native", "image"]


class BadPrinterSetting(ValueError):
    """A printer setting outside what this module supports."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"{t('print.bad_setting', 'zh_CN', detail=detail)} / "
            f"{t('print.bad_setting', 'en', detail=detail)}"
        )


@dataclass(frozen=True)
class PrintSettings:
    """How one printer is driven. ``charset`` is the printer font's coverage (``None``: all
    of ``encoding``); ``gb2312`` suits cheap printers that lack 镕, 喆 and the like."""

    width: int = 80  # paper, mm: 58 or 80
    encoding: str = "gb18030"
    charset: str | None = None
    qr: QrMode = "native"

    def __post_init__(self) -> None:
        if self.width not in c.PAPER_DOTS:
            raise BadPrinterSetting(f"width={self.width} (58|80)")
        if self.encoding not in ENCODINGS:
            raise BadPrinterSetting(f"encoding={self.encoding} ({'|'.join(ENCODINGS)})")
        if self.charset is not None and self.charset not in CHARSETS:
            raise BadPrinterSetting(f"charset={self.charset} ({'|'.join(CHARSETS)})")
        if self.qr not in ("native", "image"):
            raise BadPrinterSetting(f"qr={self.qr} (native|image)")

    @property
    def dots(self) -> int:
        return c.PAPER_DOTS[self.width]

    @property
    def columns(self) -> int:
        """Half-width columns per line at size 1."""
        return self.dots // c.HALF_WIDTH_DOTS


def char_columns(ch: str) -> int:
    # Chinese printers print ambiguous-width characters (“ ” · —) full width in two-byte mode.
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def text_columns(text: str) -> int:
    return sum(char_columns(ch) for ch in text)


# Closing punctuation never starts a line (避头点): the character before it moves down too.
NO_LINE_START = frozenset("，。、；：！？）】》」』”’…—,.;:!?)]")


def wrap(text: str, columns: int) -> list[str]:
    """Break ``text`` into lines of at most ``columns`` half-width columns (Hanzi count 2)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for ch in paragraph:
            w = char_columns(ch)
            if used + w > columns and line:
                carry = ""
                if ch in NO_LINE_START:
                    k = len(line) - 1
                    while k > 0 and line[k] in NO_LINE_START:
                        k -= 1
                    if k > 0:
                        line, carry = line[:k], line[k:]
                lines.append(line)
                line, used = carry, text_columns(carry)
            line += ch
            used += w
        lines.append(line)
    return lines


def raster(image: Image.Image) -> bytes:
    """``GS v 0``: a 1-bit raster image, width padded to whole bytes, 1 = black dot."""
    gray = image.convert("L")
    if gray.width % 8:
        padded = Image.new("L", ((gray.width + 7) // 8 * 8, gray.height), 255)
        padded.paste(gray, (0, 0))
        gray = padded
    bits = ImageOps.invert(gray).point(lambda v: 255 if v >= 128 else 0).convert("1")
    width_bytes, height = gray.width // 8, gray.height
    header = bytes((c.GS, 0x76, 0x30, 0, width_bytes & 0xFF, width_bytes >> 8))
    return header + bytes((height & 0xFF, height >> 8)) + bits.tobytes()


def qr_image(payload: str, module: int, width: int) -> Image.Image:
    """The QR code drawn as the printer would, centred on a ``width``-dot strip."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=module, border=0)
    code.add_data(payload)
    code.make(fit=True)
    img = code.make_image(fill_color="black", back_color="white").get_image().convert("L")
    strip = Image.new("L", (width, img.height), 255)
    strip.paste(img, ((width - img.width) // 2, 0))
    return strip


class EscPosWriter:
    """Builds one job's bytes. Methods return ``self`` so short layouts read top to bottom."""

    def __init__(self, settings: PrintSettings | None = None) -> None:
        self.settings = settings or PrintSettings()
        self._buf = bytearray()
        self._align = "left"
        self._size = (1, 1)

    def getvalue(self) -> bytes:
        return bytes(self._buf)

    def raw(self, data: bytes) -> EscPosWriter:
        self._buf += data
        return self

    # -- modes ---------------------------------------------------------------------------------
    def init(self) -> EscPosWriter:
        self._buf += c.INIT
        if self.settings.encoding == "utf-8":  # only sent when needed: old printers print it
            self._buf += c.ENCODING_UTF8
        self._buf += c.CHINESE_ON
        self._align, self._size = "left", (1, 1)
        return self

    def align(self, where: str) -> EscPosWriter:
        self._buf += bytes((c.ESC, 0x61, c.ALIGN[where]))
        self._align = where
        return self

    def size(self, width: int = 1, height: int = 1) -> EscPosWriter:
        """``GS !``: the only size command that also enlarges Hanzi on common printers."""
        if not (1 <= width <= 8 and 1 <= height <= 8):
            raise BadPrinterSetting(f"size {width}x{height} (1..8)")
        self._buf += bytes((c.GS, 0x21, ((width - 1) << 4) | (height - 1)))
        self._size = (width, height)
        return self

    def bold(self, on: bool = True) -> EscPosWriter:
        self._buf += bytes((c.ESC, 0x45, int(on)))
        return self

    def reverse(self, on: bool = True) -> EscPosWriter:
        self._buf += bytes((c.GS, 0x42, int(on)))
        return self

    # -- content -------------------------------------------------------------------------------
    @property
    def columns(self) -> int:
        """Half-width columns per line at the current size."""
        return self.settings.columns // self._size[0]

    def printable(self, ch: str) -> bool:
        if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            return False
        for encoding in (self.settings.encoding, self.settings.charset):
            if encoding is None:
                continue
            try:
                ch.encode(encoding)
            except UnicodeEncodeError:
                return False
        return True

    def line(self, text: str = "") -> EscPosWriter:
        """One printed line (no wrapping here; see ``paragraph``)."""
        text = text.replace("\t", " ")
        if all(self.printable(ch) for ch in text):
            self._buf += text.encode(self.settings.encoding) + b"\n"
        else:
            self.text_image(text)
        return self

    def paragraph(self, text: str, indent: str = "") -> EscPosWriter:
        """``text`` wrapped to the paper at the current size; later lines get ``indent``."""
        lines = wrap(text, self.columns)
        first, rest = lines[0], "".join(lines[1:])
        self.line(first)
        if rest:
            for cont in wrap(rest, self.columns - text_columns(indent)):
                self.line(indent + cont)
        return self

    def text_image(self, text: str) -> EscPosWriter:
        """The line drawn with a CJK font and sent as a raster image, at the current size."""
        w, h = self._size
        img = render_line(text, width=self.settings.dots, scale_x=w, scale_y=h, align=self._align)
        self._buf += raster(img)
        return self

    def image(self, img: Image.Image) -> EscPosWriter:
        self._buf += raster(img)
        return self

    def feed(self, lines: int = 1) -> EscPosWriter:
        self._buf += bytes((c.ESC, 0x64, lines))
        return self

    def qr(self, payload: str, module: int = 6) -> EscPosWriter:
        if self.settings.qr == "image":
            return self.image(qr_image(payload, module, self.settings.dots))
        data = payload.encode("utf-8")
        store = len(data) + 3
        self._buf += b"\x1d(k\x04\x001A2\x00"  # model 2
        self._buf += b"\x1d(k\x03\x001C" + bytes((module,))  # module size in dots
        self._buf += b"\x1d(k\x03\x001E1"  # error correction M
        self._buf += b"\x1d(k" + bytes((store & 0xFF, store >> 8)) + b"1P0" + data
        self._buf += b"\x1d(k\x03\x001Q0"  # print the stored symbol
        return self

    def cut(self, feed: int = 3) -> EscPosWriter:
        self.feed(feed)
        self._buf += bytes((c.GS, 0x56, 0x01))  # GS V 1: partial cut, every cutter knows it
        return self
