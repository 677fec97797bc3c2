"""ESC/POS constants shared by the writer, the parser, the status query and the virtual printer."""

from __future__ import annotations

ESC = 0x1B
GS = 0x1D
FS = 0x1C
DLE = 0x10
EOT = 0x04
LF = 0x0A

INIT = b"\x1b@"  # ESC @
CHINESE_ON = b"\x1c&"  # FS &: two-byte (Hanzi) mode on
CHINESE_OFF = b"\x1c."  # FS .
# FS ( C fn=48: character encoding system; m=1 one/two-byte (GB), m=2 UTF-8 (Epson and clones)
ENCODING_GB = b"\x1c(C\x02\x000\x01"
ENCODING_UTF8 = b"\x1c(C\x02\x000\x02"

ALIGN = {"left": 0, "center": 1, "right": 2}

# Paper widths -> printable dots (8 dots/mm heads) and Font A columns (12 dots per half-width)
PAPER_DOTS = {58: 384, 80: 576}
HALF_WIDTH_DOTS = 12
LINE_DOTS = 24  # one text line (and one Hanzi) is 24 dots high at size 1

# DLE EOT n replies: one byte, bits 1 and 4 always set, bits 0 and 7 always clear.
STATUS_FIXED_MASK = 0x93
STATUS_FIXED_BITS = 0x12
# n=1 printer status
ST1_OFFLINE = 0x08
# n=2 offline cause
ST2_COVER_OPEN = 0x04
ST2_FEED_BUTTON = 0x08
ST2_PAPER_END_STOP = 0x20
ST2_ERROR = 0x40
# n=3 error cause
ST3_CUTTER = 0x08
ST3_UNRECOVERABLE = 0x20
ST3_AUTO_RECOVERABLE = 0x40
# n=4 paper roll sensor
ST4_NEAR_END = 0x0C
ST4_PAPER_END = 0x60


def dle_eot(n: int) -> bytes:
    return bytes((DLE, EOT, n))


def valid_status_byte(b: int) -> bool:
    return b & STATUS_FIXED_MASK == STATUS_FIXED_BITS
