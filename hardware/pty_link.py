"""The device end of a pseudo-terminal, so emulated devices look like real serial ports.

The host side opens ``PtyLink.path`` with pyserial exactly like ``/dev/ttyUSB0``. Given a
``link`` path, ``.path`` is a symlink (like udev's ``/dev/serial/by-id/...`` names) that
``unplug()`` removes and ``replug()`` points at a fresh pty: the port vanishes and comes back.
POSIX only (``os.openpty``).
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import tty
from pathlib import Path


class PtyLink:
    def __init__(self, link: str | Path | None = None) -> None:
        self.link = Path(link) if link else None
        self._lock = threading.Lock()
        self._master = -1
        self._slave = -1
        self.plug()

    @property
    def plugged(self) -> bool:
        return self._master >= 0

    @property
    def path(self) -> str:
        return str(self.link) if self.link else self._tty

    def plug(self) -> None:
        with self._lock:
            if self._master >= 0:
                return
            master, slave = os.openpty()
            tty.setraw(slave)  # no echo, no line editing before the host opens it
            self._master, self._slave = master, slave
            self._tty = os.ttyname(slave)
            if self.link:
                with contextlib.suppress(FileNotFoundError):
                    self.link.unlink()
                self.link.symlink_to(self._tty)

    def unplug(self) -> None:
        """Close the pty (the host's reads fail) and remove the link (reopening fails)."""
        with self._lock:
            if self.link:
                with contextlib.suppress(FileNotFoundError):
                    self.link.unlink()
            for fd in (self._master, self._slave):
                if fd >= 0:
                    os.close(fd)
            self._master = self._slave = -1

    replug = plug

    def close(self) -> None:
        self.unplug()

    def write(self, data: bytes) -> bool:
        """Send to the host; ``False`` when unplugged."""
        fd = self._master
        if fd < 0:
            return False
        try:
            os.write(fd, data)
        except OSError:
            return False
        return True

    def read(self, timeout: float) -> bytes:
        """What the host sent, waiting up to ``timeout``; ``b""`` on silence or when unplugged."""
        fd = self._master
        if fd < 0:
            return b""
        try:
            ready, _, _ = select.select([fd], [], [], timeout)
            return os.read(fd, 4096) if ready else b""
        except (OSError, ValueError):  # closed under us by unplug()
            return b""
