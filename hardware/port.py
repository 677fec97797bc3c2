"""A serial port reader that survives the port disappearing and coming back.

One thread per port: open (``serial.serial_for_url``: device paths, ``socket://`` LED
controllers, ``loop://``), read, feed a streaming decoder, hand each decoded item to a
callback. When the port fails or vanishes it logs one line, closes, and reopens with a growing
backoff; when it is back it logs one line again. ``write()`` is safe from any thread and
returns ``False`` while the port is down, so the caller can resend state on reconnect.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import serial

from .frames import FrameDecoder
from .worker import ThreadWorker

log = logging.getLogger(__name__)


class Decoder(Protocol):
    def feed(self, data: bytes) -> list[Any]: ...
    def expire(self) -> None: ...


class SerialPortReader(ThreadWorker):
    def __init__(
        self,
        url: str,
        on_item: Callable[[Any], None],
        *,
        baudrate: int = 9600,
        decoder: Decoder | None = None,
        on_state: Callable[[bool], None] | None = None,
        backoff: tuple[float, float] = (0.2, 5.0),
        quiet_gap: float = 0.1,
        label: str | None = None,
    ) -> None:
        self.url = url
        self.label = label or url
        self.decoder: Decoder = decoder or FrameDecoder(self.label)
        self._on_item = on_item
        self._on_state = on_state
        self._baudrate = baudrate
        self._backoff = backoff
        self._quiet_gap = quiet_gap  # silence that ends a partial frame (~100 byte times at 9600)
        super().__init__()
        self._port: serial.SerialBase | None = None
        self._write_lock = threading.Lock()
        self._connected = threading.Event()
        self.reconnects = 0

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def write(self, data: bytes) -> bool:
        with self._write_lock:
            port = self._port
            if port is None or not self.connected:
                log.warning("%s: port down, %d bytes not sent", self.label, len(data))
                return False
            try:
                port.write(data)
                port.flush()
            except (serial.SerialException, OSError) as exc:
                log.warning("%s: write failed: %s", self.label, exc)
                return False
        return True

    # -- the thread ----------------------------------------------------------------------------
    def _thread_name(self) -> str:
        return f"port {self.label}"

    def _cleanup(self) -> None:
        self._close()

    def _open(self) -> serial.SerialBase:
        return serial.serial_for_url(
            self.url, baudrate=self._baudrate, timeout=self._quiet_gap, write_timeout=1.0
        )

    def _close(self) -> None:
        with self._write_lock:
            port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()

    def _set_state(self, up: bool) -> None:
        if up:
            self._connected.set()
        else:
            self._connected.clear()
        if self._on_state is not None:
            try:
                self._on_state(up)
            except Exception:
                log.exception("%s: state callback failed", self.label)

    def _run(self) -> None:
        delay = self._backoff[0]
        down_since: float | None = None
        while not self._stop.is_set():
            try:
                port = self._open()
            except (serial.SerialException, OSError, ValueError) as exc:
                if down_since is None:
                    down_since = time.monotonic()
                    log.warning("%s: cannot open port (%s); retrying", self.label, exc)
                self._stop.wait(delay)
                delay = min(delay * 2, self._backoff[1])
                continue
            with self._write_lock:
                self._port = port
            if down_since is not None:
                self.reconnects += 1
                log.warning("%s: port back after %.1fs", self.label, time.monotonic() - down_since)
            else:
                log.info("%s: port open", self.label)
            down_since, delay = None, self._backoff[0]
            self._set_state(True)
            try:
                self._read_loop(port)
            except (serial.SerialException, OSError) as exc:
                if not self._stop.is_set():
                    log.warning("%s: port lost (%s); reopening", self.label, exc)
                    down_since = time.monotonic()
            finally:
                self._close()
                self.decoder.expire()
                self._set_state(False)

    def _read_loop(self, port: serial.SerialBase) -> None:
        pending = False
        while not self._stop.is_set():
            data = port.read(max(1, port.in_waiting))
            if not data:
                if pending:
                    self.decoder.expire()
                    pending = False
                continue
            pending = True
            for item in self.decoder.feed(bytes(data)):
                try:
                    self._on_item(item)
                except Exception:  # a bug in the handler must not kill the port
                    log.exception("%s: handler failed for %s", self.label, item)
