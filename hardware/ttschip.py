"""Serial speech modules (SYN6288 / XFS5152 style), and an emulator of one behind a pty.

Many LED controllers and hall speaker boxes carry one of these: the host sends a text, the
module speaks it. The frame (9600 8N1 by default):

    FD  LEN_HI LEN_LO  CMD  PARAM  TEXT…  [XOR]

- ``LEN``: the bytes after the length field (CMD, PARAM, TEXT and the checksum if any);
- ``CMD``: 01 speak (PARAM: the text's encoding in bits 0–2: 0 GB2312, 1 GBK, 2 BIG5,
  3 Unicode (UTF-16LE); bits 3–7 background music, 0 = none), 02 stop, 03 pause,
  04 resume, 21 status query (no PARAM), 88 sleep;
- ``XOR``: SYN6288 only: the XOR of every byte before it, FD included. XFS5152 sends none.

The module answers single bytes: 41 frame taken, 45 frame refused, 4E busy, 4F idle (also sent
by itself when it has finished speaking). SYN6288 takes at most 200 bytes of text.

``TtsChip(url)`` is the host side (``serial.serial_for_url``: a device path, ``socket://``,
``loop://``); ``TtsChipEmulator`` answers like a module over an ``os.openpty()`` pty, so a test
drives a real tty.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import serial

from shared.texts import t

from .pty_link import PtyLink
from .worker import ThreadWorker

log = logging.getLogger(__name__)

HEAD = 0xFD
SPEAK, STOP, PAUSE, RESUME, QUERY, SLEEP = 0x01, 0x02, 0x03, 0x04, 0x21, 0x88
TAKEN, REFUSED, BUSY, IDLE = 0x41, 0x45, 0x4E, 0x4F
ENCODINGS = {"gb2312": 0, "gbk": 1, "big5": 2, "unicode": 3}
CODECS = {0: "gb2312", 1: "gbk", 2: "big5", 3: "utf-16-le"}
MODELS = {"syn6288": True, "xfs5152": False}  # model -> has a checksum
MAX_TEXT = {"syn6288": 200, "xfs5152": 4000}


class ChipError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh_CN") -> str:
        return t(self.key, lang, **self.params)


def xor(data: bytes) -> int:
    out = 0
    for b in data:
        out ^= b
    return out


def frame(cmd: int, body: bytes = b"", checksum: bool = True) -> bytes:
    """One host frame: ``body`` is PARAM + TEXT (empty for a query)."""
    length = 1 + len(body) + (1 if checksum else 0)
    head = bytes((HEAD, length >> 8, length & 0xFF, cmd)) + body
    return head + bytes((xor(head),)) if checksum else head


def speak_frame(text: str, encoding: str = "gb2312", model: str = "syn6288") -> bytes:
    code = ENCODINGS[encoding]
    try:
        data = text.encode(CODECS[code])
    except UnicodeEncodeError:
        raise ChipError("voice.chip.encode", text=text, encoding=encoding) from None
    if len(data) > MAX_TEXT[model]:
        raise ChipError("voice.chip.encode", text=text[:20] + "…", encoding=encoding)
    return frame(SPEAK, bytes((code,)) + data, MODELS[model])


@dataclass(frozen=True)
class ChipFrame:
    cmd: int
    param: int | None
    text: str
    ok: bool  # the checksum (or, without one, the length) was right


class FrameReader:
    """Frames out of a byte stream; garbage before an FD is skipped."""

    def __init__(self, checksum: bool = True) -> None:
        self.checksum = checksum
        self.buf = bytearray()

    def feed(self, data: bytes) -> list[ChipFrame]:
        self.buf += data
        out: list[ChipFrame] = []
        while True:
            start = self.buf.find(bytes((HEAD,)))
            if start < 0:
                self.buf.clear()
                return out
            del self.buf[:start]
            if len(self.buf) < 3:
                return out
            length = (self.buf[1] << 8) | self.buf[2]
            if len(self.buf) < 3 + length:
                return out
            raw = bytes(self.buf[: 3 + length])
            del self.buf[: 3 + length]
            out.append(self._parse(raw))

    def _parse(self, raw: bytes) -> ChipFrame:
        body = raw[3:-1] if self.checksum else raw[3:]
        ok = (raw[-1] == xor(raw[:-1])) if self.checksum else True
        if not body:
            return ChipFrame(0, None, "", False)
        cmd, rest = body[0], body[1:]
        if cmd != SPEAK:
            return ChipFrame(cmd, rest[0] if rest else None, "", ok)
        if not rest:
            return ChipFrame(cmd, None, "", False)
        codec = CODECS.get(rest[0] & 0x07)
        try:
            text = rest[1:].decode(codec) if codec else ""
        except UnicodeDecodeError:
            text, ok = "", False
        return ChipFrame(cmd, rest[0], text, ok and codec is not None)


class TtsChip(ThreadWorker):
    """The host side: ``speak(text, done)`` sends a frame and calls ``done`` when the module
    says it is idle again (``done`` runs on the port's reader thread)."""

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        model: str = "syn6288",
        encoding: str = "gb2312",
        answer_timeout: float = 0.5,
        poll: float = 0.5,
    ) -> None:
        super().__init__()
        self.url, self.baudrate, self.model, self.encoding = url, baudrate, model, encoding
        self.answer_timeout, self.poll = answer_timeout, poll
        self._port: serial.SerialBase | None = None
        self._lock = threading.Lock()
        self._done: Callable[[], None] | None = None
        self._answer = threading.Condition()
        self._answers: list[int] = []
        self._sent_at = 0.0

    # -- life ----------------------------------------------------------------------------------
    def open(self) -> None:
        """Open the port and ask the module's status; ``ChipError`` if either fails."""
        try:
            self._port = serial.serial_for_url(
                self.url, baudrate=self.baudrate, timeout=0.05, write_timeout=1.0
            )
        except (serial.SerialException, OSError, ValueError) as e:
            raise ChipError("voice.chip.no_port", port=self.url, reason=e) from None
        self.start()
        if self._ask(frame(QUERY, checksum=MODELS[self.model])) not in (BUSY, IDLE):
            self.close()
            raise ChipError("voice.chip.no_answer", port=self.url)

    def close(self) -> None:
        self.stop()

    def _cleanup(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()

    # -- speaking ------------------------------------------------------------------------------
    def speak(self, text: str, done: Callable[[], None]) -> bool:
        """Start speaking ``text``; ``False`` (and ``done`` is not called) if it was not sent."""
        try:
            data = speak_frame(text, self.encoding, self.model)
        except ChipError as e:
            log.warning("speech module: %s", e)
            return False
        with self._lock:
            self._done = done
            self._sent_at = time.monotonic()
        if not self._write(data):
            with self._lock:
                self._done = None
            return False
        return True

    def stop_speaking(self) -> bool:
        return self._write(frame(STOP, checksum=MODELS[self.model]))

    def _write(self, data: bytes) -> bool:
        port = self._port
        if port is None:
            return False
        try:
            port.write(data)
            port.flush()
        except (serial.SerialException, OSError) as e:
            log.warning("speech module %s: write failed: %s", self.url, e)
            return False
        return True

    def _ask(self, data: bytes) -> int | None:
        with self._answer:
            self._answers.clear()
        if not self._write(data):
            return None
        with self._answer:
            self._answer.wait_for(lambda: bool(self._answers), self.answer_timeout)
            return self._answers[0] if self._answers else None

    def _thread_name(self) -> str:
        return f"speech module {self.url}"

    def _run(self) -> None:
        last_poll = time.monotonic()
        while not self._stop.is_set():
            port = self._port
            if port is None:
                return
            try:
                data = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError) as e:
                log.warning("speech module %s: read failed: %s", self.url, e)
                self._stop.wait(0.5)
                continue
            for b in data:
                self._on_byte(b)
            now = time.monotonic()
            with self._lock:
                speaking = self._done is not None and now - self._sent_at > self.poll
            if speaking and now - last_poll > self.poll:
                # a missed 4F must not leave the queue waiting: ask
                last_poll = now
                self._write(frame(QUERY, checksum=MODELS[self.model]))

    def _on_byte(self, b: int) -> None:
        with self._answer:
            self._answers.append(b)
            self._answer.notify_all()
        if b == REFUSED:
            log.warning("speech module %s: %s", self.url, t("voice.chip.refused", "en", code="45"))
        if b in (IDLE, REFUSED):
            with self._lock:
                done, self._done = self._done, None
            if done is not None:
                done()


class TtsChipEmulator(ThreadWorker):
    """A speech module behind a pty: decodes frames, "speaks" for ``per_char`` seconds a
    character, and answers 41/45/4E/4F like the real one. ``spoken`` holds what it said,
    ``overlaps`` counts texts that arrived while it was still speaking (which a real module
    would cut off)."""

    def __init__(
        self, link: str | Path | None = None, model: str = "syn6288", per_char: float = 0.01
    ) -> None:
        super().__init__()
        self.link = PtyLink(link)
        self.model = model
        self.per_char = per_char
        self.reader = FrameReader(MODELS[model])
        self.spoken: list[tuple[float, float, str]] = []  # start, end, text
        self.frames: list[ChipFrame] = []
        self.overlaps = 0
        self.bad_frames = 0
        self.silent = False  # True: answer nothing (a module without power)
        self._busy_until = 0.0
        self._cond = threading.Condition()

    @property
    def path(self) -> str:
        return self.link.path

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    def _thread_name(self) -> str:
        return f"speech module emulator {self.path}"

    def _cleanup(self) -> None:
        self.link.close()

    def _answer(self, b: int) -> None:
        if not self.silent:
            self.link.write(bytes((b,)))

    def _run(self) -> None:
        while not self._stop.is_set():
            data = self.link.read(0.01)
            now = time.monotonic()
            if self._busy_until and now >= self._busy_until:
                self._busy_until = 0.0
                self._answer(IDLE)
                with self._cond:
                    self._cond.notify_all()
            for f in self.reader.feed(data) if data else []:
                self._handle(f, now)

    def _handle(self, f: ChipFrame, now: float) -> None:
        with self._cond:
            self.frames.append(f)
            if not f.ok:
                self.bad_frames += 1
                self._answer(REFUSED)
            elif f.cmd == SPEAK:
                if self._busy_until:
                    self.overlaps += 1
                    # the real module drops what it was saying
                    start, _, text = self.spoken[-1]
                    self.spoken[-1] = (start, now, text)
                end = now + max(0.05, len(f.text) * self.per_char)
                self.spoken.append((now, end, f.text))
                self._busy_until = end
                self._answer(TAKEN)
            elif f.cmd == QUERY:
                self._answer(BUSY if self._busy_until else IDLE)
            elif f.cmd == STOP:
                self._busy_until = 0.0
                self._answer(TAKEN)
                self._answer(IDLE)
            else:
                self._answer(TAKEN)
            self._cond.notify_all()
