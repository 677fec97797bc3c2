"""Emulated serial devices behind a pty: window keypads, evaluators and LED strips.

An ``EmulatedBus`` is one RS-485 line (one pty); devices join it by address and answer the
frames addressed to them, as on a real multi-drop bus. The host (bridge, tests, demo) opens
``bus.path`` with pyserial. ``bus.link.unplug()`` / ``replug()`` make the port vanish and
come back; ``bus.noise(b"...")`` puts garbage on the line.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .evaluator import LEVELS, EvalCmd, rating_frame
from .frames import Frame, FrameDecoder, encode_frame
from .keypad import HostCmd, Key
from .ledstrip import ADAPTERS, GenericStrip, StripCommand
from .port import Decoder
from .pty_link import PtyLink
from .worker import ThreadWorker

log = logging.getLogger(__name__)

BROADCAST = 0x00


class EmulatedDevice:
    def __init__(self, addr: int) -> None:
        self.addr = addr
        self.bus: EmulatedBus | None = None
        self.received: list[Any] = []
        self._cond = threading.Condition()

    def send(self, data: bytes) -> bool:
        if self.bus is None:
            raise RuntimeError("device is not on a bus")
        return self.bus.send(data)

    def _handle(self, item: Any) -> None:
        with self._cond:
            self.received.append(item)
            self.handle(item)
            self._cond.notify_all()

    def handle(self, item: Any) -> None:
        """React to one frame (or strip command) addressed to this device."""

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 2.0) -> bool:
        with self._cond:
            return self._cond.wait_for(predicate, timeout)


class KeypadEmulator(EmulatedDevice):
    def __init__(self, addr: int) -> None:
        super().__init__(addr)
        self.display = ""
        self.beeps = 0
        self.acks: list[int] = []

    def press(self, key: Key | int, argument: str = "") -> bool:
        return self.send(encode_frame(self.addr, int(key), argument.encode("ascii")))

    def handle(self, item: Any) -> None:
        if not isinstance(item, Frame):
            return
        if item.cmd == HostCmd.DISPLAY:
            self.display = item.data.decode("ascii", "replace")
        elif item.cmd == HostCmd.BEEP and item.data:
            self.beeps += item.data[0]
        elif item.cmd == HostCmd.ACK and item.data:
            self.acks.append(item.data[0])


class EvaluatorEmulator(EmulatedDevice):
    """``auto_rate``: answer every request for a rating with this level (for the demo)."""

    def __init__(self, addr: int, auto_rate: int | None = None) -> None:
        super().__init__(addr)
        if auto_rate is not None and auto_rate not in LEVELS:
            raise ValueError("auto_rate is 1..5")
        self.auto_rate = auto_rate
        self.asking = False
        self.staff_name = ""

    def rate(self, level: int) -> bool:
        self.asking = False
        return self.send(rating_frame(self.addr, level))

    def handle(self, item: Any) -> None:
        if not isinstance(item, Frame):
            return
        if item.cmd == EvalCmd.ASK:
            self.asking = True
            self.staff_name = item.data[1:].decode("gb18030", "replace")
            if self.auto_rate is not None:
                self.rate(self.auto_rate)
        elif item.cmd == EvalCmd.IDLE:
            self.asking = False


class LedStripEmulator(EmulatedDevice):
    def __init__(self, addr: int) -> None:
        super().__init__(addr)
        self.text = ""
        self.color = ""
        self.mode = ""
        self.idle_text = ""
        self.level = 8
        self._generic = GenericStrip()

    @property
    def shown(self) -> str:
        """What a citizen reads on the strip now."""
        return self.text or self.idle_text

    def handle(self, item: Any) -> None:
        cmd = self._generic.decode(item, f"strip {self.addr}") if isinstance(item, Frame) else item
        if not isinstance(cmd, StripCommand):
            return
        if cmd.op == "show":
            self.text, self.color, self.mode = cmd.text, cmd.color, cmd.mode
        elif cmd.op == "clear":
            self.text = ""
        elif cmd.op == "idle":
            self.idle_text = cmd.text
        elif cmd.op == "brightness":
            self.level = cmd.level


class EmulatedBus(ThreadWorker):
    """One serial line behind a pty, with the devices on it.

    ``protocol`` is ``frames`` (keypads, evaluators, generic strips) or a strip adapter name
    (``ascii``) for a line of vendor strips.
    """

    def __init__(self, link: str | Path | None = None, protocol: str = "frames") -> None:
        self.link = PtyLink(link)
        self.protocol = protocol
        self.devices: dict[int, EmulatedDevice] = {}
        self._decoder_factory: Callable[[], Decoder]
        if protocol == "frames":
            self._decoder_factory = lambda: FrameDecoder(f"emulated bus {self.path}")
        else:
            adapter = ADAPTERS[protocol]
            self._decoder_factory = lambda: adapter.decoder(f"emulated strips {self.path}")
        self.decoder = self._decoder_factory()
        super().__init__()
        self._write_lock = threading.Lock()

    @property
    def path(self) -> str:
        return self.link.path

    def add(self, device: EmulatedDevice) -> EmulatedDevice:
        device.bus = self
        self.devices[device.addr] = device
        return device

    def send(self, data: bytes) -> bool:
        with self._write_lock:
            return self.link.write(data)

    def noise(self, data: bytes) -> bool:
        return self.send(data)

    def _thread_name(self) -> str:
        return f"bus {self.path}"

    def _cleanup(self) -> None:
        self.link.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.link.plugged:
                time.sleep(0.02)
                continue
            data = self.link.read(0.05)
            if not data:
                self.decoder.expire()
                continue
            for item in self.decoder.feed(data):
                targets = (
                    self.devices.values()
                    if item.addr == BROADCAST
                    else [d for d in (self.devices.get(item.addr),) if d is not None]
                )
                for device in targets:
                    try:
                        device._handle(item)
                    except Exception:
                        log.exception("emulated device %d failed on %s", device.addr, item)
