"""The five-level evaluator (评价器, 好差评) on the RS-485 bus, in the ``hardware.frames`` format.

Host -> evaluator: ``22`` asks for a rating (``DATA = timeout seconds``, then optionally the
staff name in GB18030 for its screen), ``23`` thanks and goes idle.
Evaluator -> host: ``20`` a rating (``DATA = level``, 5 非常满意 ... 1 非常不满意), ``21`` no
rating before the timeout.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import IntEnum

from shared.domain import RATING_LEVELS
from shared.texts import t

from .frames import Frame, encode_frame

log = logging.getLogger(__name__)

LEVELS = frozenset(RATING_LEVELS)  # the national five levels, 5 = 非常满意 … 1 = 非常不满意


class EvalCmd(IntEnum):
    RATING = 0x20
    NO_RATING = 0x21
    ASK = 0x22
    IDLE = 0x23


@dataclass(frozen=True)
class Rating:
    addr: int
    level: int | None  # None: the citizen did not rate in time

    def label(self, lang: str = "zh_CN") -> str:
        return t(f"rating.{self.level}" if self.level else "rating.none", lang)


def decode_rating(frame: Frame, label: str = "evaluator") -> Rating | None:
    if frame.cmd == EvalCmd.NO_RATING:
        return Rating(frame.addr, None)
    if frame.cmd != EvalCmd.RATING:
        log.warning("%s %d: unexpected command %02X, ignored", label, frame.addr, frame.cmd)
        return None
    if len(frame.data) != 1 or frame.data[0] not in LEVELS:
        log.warning("%s %d: rating %s is not 1..5, ignored", label, frame.addr,
                    frame.data.hex(" ") or "missing")  # fmt: skip
        return None
    return Rating(frame.addr, frame.data[0])


def ask_frame(addr: int, timeout_s: int = 30, staff_name: str = "") -> bytes:
    return encode_frame(
        addr, EvalCmd.ASK, bytes((min(timeout_s, 255),)) + staff_name.encode("gb18030")
    )


def idle_frame(addr: int) -> bytes:
    return encode_frame(addr, EvalCmd.IDLE)


def rating_frame(addr: int, level: int) -> bytes:
    """What the evaluator sends (used by its emulator)."""
    return encode_frame(addr, EvalCmd.RATING, bytes((level,)))
