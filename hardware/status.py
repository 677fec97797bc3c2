"""Printer status through ``DLE EOT``: real-time, answered even mid-job, one byte per query.

Silence is offline, never "plenty of paper" (python-escpos's ``paper_status()`` says plenty
when the printer says nothing). ``GS r`` is not used: it is queued behind print data and leaves
stale bytes behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from shared.texts import t

from . import escpos_codes as c
from .connections import Connection

log = logging.getLogger(__name__)

Paper = Literal["ok", "near_end", "out", "unknown"]


@dataclass(frozen=True)
class PrinterStatus:
    online: bool | None  # None: the connection cannot read status (file://, win32://)
    paper: Paper = "unknown"
    cover_open: bool = False
    reason: str | None = None  # offline | paper_out | cover_open | error; None when printable
    detail: str = ""

    @property
    def ok(self) -> bool:
        """The printer can take a job (or we cannot tell, on a write-only connection)."""
        return self.reason is None

    def message(self, lang: str = "zh_CN") -> str:
        if self.reason is not None:
            return t(f"print.fail.{self.reason}", lang, detail=self.detail)
        if self.online is None:
            return t("print.status.unknown", lang)
        if self.paper == "near_end":
            return t("print.status.near_end", lang)
        return t("print.status.ok", lang)

    @property
    def error(self) -> str | None:
        """The Chinese error text, or ``None`` when the printer is fine."""
        return self.message() if self.reason else None


UNREADABLE = PrinterStatus(online=None)
OFFLINE = PrinterStatus(online=False, reason="offline")


def _ask(conn: Connection, n: int, timeout: float) -> int | None:
    conn.write(c.dle_eot(n))
    reply = conn.read(1, timeout)
    if not reply:
        return None
    return reply[0]


def query_status(conn: Connection, timeout: float = 0.5, label: str = "printer") -> PrinterStatus:
    """Ask ``DLE EOT 1, 2, 4`` (and 3 when offline for no visible reason)."""
    if not conn.can_read:
        return UNREADABLE
    conn.drain()
    replies: dict[int, int] = {}
    for n in (1, 2, 4):
        b = _ask(conn, n, timeout)
        if b is None:
            log.warning("%s: no answer to DLE EOT %d within %.2fs: offline", label, n, timeout)
            return OFFLINE
        if not c.valid_status_byte(b):
            log.warning("%s: DLE EOT %d answered %02x, not a status byte: offline", label, n, b)
            return PrinterStatus(online=False, reason="offline", detail=f"0x{b:02x}")
        replies[n] = b
    online = not replies[1] & c.ST1_OFFLINE
    cover_open = bool(replies[2] & c.ST2_COVER_OPEN)
    paper: Paper = "ok"
    if replies[4] & c.ST4_PAPER_END or replies[2] & c.ST2_PAPER_END_STOP:
        paper = "out"
    elif replies[4] & c.ST4_NEAR_END:
        paper = "near_end"
    reason: str | None = None
    detail = ""
    if cover_open:
        reason = "cover_open"
    elif paper == "out":
        reason = "paper_out"
    elif not online or replies[2] & c.ST2_ERROR:
        reason, detail = "error", "offline"
        b3 = _ask(conn, 3, timeout)
        if b3 is not None and c.valid_status_byte(b3):
            if b3 & c.ST3_CUTTER:
                detail = "切刀故障 cutter"
            elif b3 & c.ST3_UNRECOVERABLE:
                detail = "不可恢复错误 unrecoverable"
            elif b3 & c.ST3_AUTO_RECOVERABLE:
                detail = "打印头过热 head temperature"
    return PrinterStatus(online, paper, cover_open, reason, detail)
