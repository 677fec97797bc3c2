"""QR and barcode scanners on a serial port (or a USB scanner in its virtual-COM mode).

A scanner sends each code as text followed by CR and/or LF. ``ScanDecoder`` splits that stream
into codes for ``SerialPortReader``, which survives the port coming and going; keyboard-wedge
scanners (the default on kiosks) are the Qt apps' business (``qtkit.scanner``).

    reader = serial_scanner("/dev/ttyACM0", on_code=print).start()
"""

from __future__ import annotations

from collections.abc import Callable

from .port import SerialPortReader

MAX_CODE = 512  # longer than any card or ticket code: a stuck scanner, not a code


class ScanDecoder:
    """Bytes in, whole codes out; a line longer than ``MAX_CODE`` is dropped, not split."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._overlong = False

    def feed(self, data: bytes) -> list[str]:
        codes: list[str] = []
        for byte in data:
            if byte in (0x0D, 0x0A):
                if self._buffer and not self._overlong:
                    text = self._buffer.decode("utf-8", errors="replace").strip()
                    if text:
                        codes.append(text)
                self._buffer.clear()
                self._overlong = False
            elif len(self._buffer) >= MAX_CODE:
                self._overlong = True
            else:
                self._buffer.append(byte)
        return codes

    def expire(self) -> None:
        """A pause on the line ends a half-sent code: drop it."""
        self._buffer.clear()
        self._overlong = False


def serial_scanner(
    url: str, on_code: Callable[[str], None], *, baudrate: int = 9600
) -> SerialPortReader:
    return SerialPortReader(
        url, on_code, baudrate=baudrate, decoder=ScanDecoder(), quiet_gap=0.5, label="scanner"
    )
