"""The RS-485 frame shared by window keypads, evaluators and generic LED strips.

    FF 68 L L 68 ADDR CMD DATA... CS 16

``FF`` is a wake-up preamble (optional when decoding; any number of them), ``68 L L 68`` the
header, ``L = len(ADDR + CMD + DATA)`` (2..250) repeated, ``CS = sum(ADDR, CMD, DATA) & 0xFF``,
``16`` the end. The same frame goes both ways; ``ADDR`` is always the device's address.

``FrameDecoder`` takes a byte stream in arbitrary chunks and yields frames. It resyncs on
garbage, and rejects a bad length or a bad checksum with one log line each (noise between
frames is reported once per run of noise, not per byte).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

log = logging.getLogger(__name__)

PREAMBLE = 0xFF
START = 0x68
END = 0x16
MIN_LEN = 2  # ADDR + CMD
MAX_LEN = 250
OVERHEAD = 6  # 68 L L 68 ... CS 16


@dataclass(frozen=True)
class Frame:
    addr: int
    cmd: int
    data: bytes = b""

    def encode(self) -> bytes:
        return encode_frame(self.addr, self.cmd, self.data)

    def __str__(self) -> str:
        return f"[addr {self.addr} cmd {self.cmd:02X} data {self.data.hex(' ') or '-'}]"


def checksum(body: bytes) -> int:
    return sum(body) & 0xFF


def encode_frame(addr: int, cmd: int, data: bytes = b"") -> bytes:
    if not (0 <= addr <= 0xFF and 0 <= cmd <= 0xFF):
        raise ValueError(f"address {addr} / command {cmd} out of range 0..255")
    body = bytes((addr, cmd)) + data
    n = len(body)
    if n > MAX_LEN:
        raise ValueError(f"frame body of {n} bytes is over {MAX_LEN}")
    return bytes((PREAMBLE, START, n, n, START)) + body + bytes((checksum(body), END))


class FrameDecoder:
    """Streaming decoder; ``errors`` counts what was rejected (noise, bad_length, ...)."""

    def __init__(self, label: str = "serial", max_len: int = MAX_LEN) -> None:
        self.label = label
        self.max_len = max_len
        self.errors: Counter[str] = Counter()
        self._buf = bytearray()
        self._noise = bytearray()
        self._noise_count = 0
        self._resyncing = False  # bytes skipped right after a bad frame are part of it

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        frames: list[Frame] = []
        buf, i = self._buf, 0
        while True:
            j = buf.find(START, i)
            if j < 0:
                self._skip(buf[i:])
                i = len(buf)
                break
            self._skip(buf[i:j])
            i = j
            if len(buf) - j < 4:
                break  # header not complete yet
            n1, n2 = buf[j + 1], buf[j + 2]
            if buf[j + 3] != START:
                self._skip(buf[j : j + 1])  # a stray 68 in the noise
                i = j + 1
                continue
            if n1 != n2 or not (MIN_LEN <= n1 <= self.max_len):
                self._reject("bad_length", f"bad length {n1:02X}/{n2:02X}", buf[j : j + 4])
                i = j + 1
                continue
            total = n1 + OVERHEAD
            if len(buf) - j < total:
                break  # wait for the rest of the frame
            body = bytes(buf[j + 4 : j + 4 + n1])
            cs, end = buf[j + 4 + n1], buf[j + 5 + n1]
            if end != END:
                self._reject(
                    "bad_length",
                    f"length {n1} does not match the frame (no 16 where it should end)",
                    buf[j : j + total],
                )
                i = j + 1
                continue
            if checksum(body) != cs:
                self._reject(
                    "bad_checksum",
                    f"bad checksum {cs:02X}, expected {checksum(body):02X}",
                    buf[j : j + total],
                )
                i = j + total
                continue
            self._flush_noise()
            self._resyncing = False
            frames.append(Frame(body[0], body[1], body[2:]))
            i = j + total
        del buf[:i]
        return frames

    def expire(self) -> None:
        """The line went quiet: drop a frame that will never be completed."""
        self._flush_noise()
        start = self._buf.find(START)
        if start >= 0:  # _reject keeps resyncing on: late bytes of this frame are not news
            partial = bytes(self._buf[start:])
            self._reject("incomplete", f"incomplete frame dropped ({len(partial)} bytes)", partial)
        self._buf.clear()

    # -- logging helpers: one line per event -------------------------------------------------
    def _skip(self, data: bytes | bytearray) -> None:
        junk = bytes(b for b in data if b != PREAMBLE)
        if not junk:
            return
        if self._resyncing:
            return  # the tail of the frame already reported
        self._noise_count += len(junk)
        if len(self._noise) < 16:
            self._noise += junk[: 16 - len(self._noise)]

    def _flush_noise(self) -> None:
        if self._noise_count:
            self.errors["noise"] += 1
            more = " ..." if self._noise_count > len(self._noise) else ""
            log.warning(
                "%s: skipped %d bytes of noise: %s%s",
                self.label, self._noise_count, self._noise.hex(" "), more,
            )  # fmt: skip
            self._noise.clear()
            self._noise_count = 0

    def _reject(self, kind: str, why: str, raw: bytes | bytearray) -> None:
        self._flush_noise()
        self.errors[kind] += 1
        sample = bytes(raw[:24]).hex(" ") + (" ..." if len(raw) > 24 else "")
        log.warning("%s: frame rejected, %s: %s", self.label, why, sample)
        self._resyncing = True
