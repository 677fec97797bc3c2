"""Printer connections from one URL string.

=================================  ==========================================================
``tcp://HOST:9100``                network printer (raw port 9100), reads status back
``usb://VID:PID``                  USB printer through pyusb (``?in_ep=0x82&out_ep=0x01``)
``serial:///dev/ttyS0?baudrate=9600``  serial printer; ``serial://COM3`` on Windows
``socket://HOST:PORT``, ``loop://``, ``rfc2217://…``  any ``serial.serial_for_url`` URL
``win32://PRINTER NAME``           a Windows printer queue, raw (write only)
``file:///PATH``                   append the bytes to a file or device node (write only)
``virtual://NAME``                 an in-process virtual printer (``hardware.virtual_printer``)
=================================  ==========================================================

Print settings may ride along in the query: ``?width=58&encoding=gbk&charset=gb2312&qr=image``
plus ``timeout`` (status reply wait, s) and ``settle`` (s to keep watching after a job).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import serial

from shared.texts import t

SETTING_KEYS = ("width", "encoding", "charset", "qr", "timeout", "settle")
SERIAL_URL_SCHEMES = ("socket", "loop", "rfc2217", "spy", "alt", "hwgrep")
SCHEMES = ("tcp", "usb", "serial", "win32", "file", "virtual", *SERIAL_URL_SCHEMES)


class PrinterUrlError(ValueError):
    """A printer address this module does not understand (Chinese and English message); an
    address that looks like a network printer's ``HOST:PORT`` suggests the ``tcp://`` form."""

    def __init__(self, url: str) -> None:
        self.url = url
        key, params = "print.bad_url", {"url": url}
        if "://" not in url and _looks_like_host_port(url):
            key, params = "print.bad_url_tcp", {"url": url, "suggestion": f"tcp://{url}"}
        super().__init__(f"{t(key, 'zh_CN', **params)} / {t(key, 'en', **params)}")


def _looks_like_host_port(text: str) -> bool:
    host, colon, port = text.rpartition(":")
    return bool(colon and host and port.isdigit() and " " not in host)


@dataclass(frozen=True)
class PrinterTarget:
    url: str
    scheme: str
    address: str  # host:port, VID:PID, device path or serial URL, printer name, file path
    options: dict[str, str] = field(default_factory=dict)  # what the transport takes
    settings: dict[str, str] = field(default_factory=dict)  # SETTING_KEYS found in the query

    @property
    def can_read(self) -> bool:
        return self.scheme not in ("win32", "file")


def parse_printer_url(url: str) -> PrinterTarget:
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in SCHEMES:
        raise PrinterUrlError(url)
    body, _, query = rest.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    settings = {k: v for k, v in pairs if k in SETTING_KEYS}
    options = {k: v for k, v in pairs if k not in SETTING_KEYS}
    if scheme == "tcp":
        parts = urlsplit(f"//{body}")
        try:
            port = parts.port or 9100
        except ValueError:
            raise PrinterUrlError(url) from None
        if not parts.hostname:
            raise PrinterUrlError(url)
        address = f"{parts.hostname}:{port}"
    elif scheme == "usb":
        vid, colon, pid = body.strip("/").partition(":")
        try:
            int(vid, 16), int(pid, 16)
        except ValueError:
            raise PrinterUrlError(url) from None
        if not colon:
            raise PrinterUrlError(url)
        address = f"{vid}:{pid}"
    elif scheme == "serial":
        address = unquote(body)
        if len(address) > 2 and address[0] == "/" and address[2] == ":":  # /C:... -> C:...
            address = address[1:]
        if not address:
            raise PrinterUrlError(url)
    elif scheme in SERIAL_URL_SCHEMES:
        address = f"{scheme}://{body}" + (f"?{urlencode(options)}" if options else "")
        options = {}
    elif scheme == "file":
        address = unquote(body)
        if address.startswith("/") and len(address) > 2 and address[2] == ":":
            address = address[1:]  # file:///C:/tickets.bin
        if not address or not (address.startswith("/") or address[1:2] == ":"):
            raise PrinterUrlError(url)
    else:  # win32, virtual: a name
        address = unquote(body).strip("/")
        if not address:
            raise PrinterUrlError(url)
    return PrinterTarget(url, scheme, address, options, settings)


class Connection(Protocol):
    can_read: bool

    def write(self, data: bytes) -> None: ...
    def read(self, size: int, timeout: float) -> bytes: ...  # b"" when nothing came in time
    def drain(self) -> None: ...  # drop stale input (late answers to earlier queries)
    def close(self) -> None: ...


class TcpConnection:
    can_read = True

    def __init__(self, host: str, port: int, io_timeout: float) -> None:
        try:
            self._sock = socket.create_connection((host, port), timeout=io_timeout)
        except TimeoutError:
            raise TimeoutError(f"{host}:{port}: no answer in {io_timeout:g} s") from None
        except OSError as exc:
            raise ConnectionError(f"{host}:{port}: {exc.strerror or exc}") from None
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._io_timeout = io_timeout

    def write(self, data: bytes) -> None:
        self._sock.settimeout(self._io_timeout)
        self._sock.sendall(data)

    def read(self, size: int, timeout: float) -> bytes:
        self._sock.settimeout(timeout)
        try:
            data = self._sock.recv(size)
        except TimeoutError:
            return b""
        if not data:
            raise ConnectionError("printer closed the connection")
        return data

    def drain(self) -> None:
        self._sock.setblocking(False)
        try:
            while self._sock.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            self._sock.settimeout(self._io_timeout)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()


class SerialConnection:
    can_read = True

    def __init__(self, url: str, options: dict[str, str], io_timeout: float) -> None:
        kwargs: dict[str, object] = {"timeout": 0.1, "write_timeout": io_timeout}
        if "baudrate" in options:
            kwargs["baudrate"] = int(options["baudrate"])
        elif "://" not in url:
            kwargs["baudrate"] = 9600
        for flag in ("rtscts", "dsrdtr", "xonxoff"):
            if flag in options:
                kwargs[flag] = options[flag] in ("1", "true", "yes")
        self._port = serial.serial_for_url(url, **kwargs)

    def write(self, data: bytes) -> None:
        self._port.write(data)
        self._port.flush()

    def read(self, size: int, timeout: float) -> bytes:
        # pyserial waits the whole timeout when fewer bytes come: ask for what we expect only.
        self._port.timeout = timeout
        return bytes(self._port.read(size))

    def drain(self) -> None:
        self._port.reset_input_buffer()

    def close(self) -> None:
        self._port.close()


class FileConnection:
    can_read = False

    def __init__(self, path: str) -> None:
        self._file = open(path, "ab")  # noqa: SIM115 - held for the connection's lifetime

    def write(self, data: bytes) -> None:
        self._file.write(data)
        self._file.flush()

    def read(self, size: int, timeout: float) -> bytes:
        return b""

    def drain(self) -> None:
        pass

    def close(self) -> None:
        self._file.close()


def _escpos_cache() -> None:
    """python-escpos pickles its printer profiles into a new temporary folder at every import
    unless told where: give it one folder in the user's cache, made once."""
    if os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR"):
        return
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME")
    folder = Path(base) if base else Path.home() / ".cache"
    folder = folder / "onetrip" / "escpos"
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)


class UsbConnection:
    """Through python-escpos's ``Usb`` class (pyusb), which finds the device and endpoints."""

    can_read = True

    def __init__(self, vid: int, pid: int, options: dict[str, str], io_timeout: float) -> None:
        _escpos_cache()
        from escpos.printer import Usb  # needs pyusb and libusb; imported only when used

        kwargs: dict[str, int] = {}
        for key in ("in_ep", "out_ep", "interface"):
            if key in options:
                kwargs[key] = int(options[key], 0)
        self._printer = Usb(vid, pid, timeout=int(io_timeout * 1000), **kwargs)
        self._printer.open()
        if self._printer.device is None:
            raise ConnectionError(f"USB printer {vid:04x}:{pid:04x} not found")

    def write(self, data: bytes) -> None:
        self._printer._raw(data)

    def read(self, size: int, timeout: float) -> bytes:
        import usb.core

        device = self._printer.device
        try:
            return bytes(device.read(self._printer.in_ep, max(size, 16), int(timeout * 1000)))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            raise ConnectionError(str(exc)) from exc

    def drain(self) -> None:
        while self.read(16, 0.01):
            pass

    def close(self) -> None:
        self._printer.close()


class Win32Connection:
    can_read = False

    def __init__(self, name: str) -> None:
        _escpos_cache()
        from escpos.printer import Win32Raw  # Windows only (pywin32)

        if not Win32Raw.is_usable():
            raise ConnectionError("win32:// printers need Windows with pywin32")
        self._printer = Win32Raw(name)
        self._printer.open()

    def write(self, data: bytes) -> None:
        self._printer._raw(data)

    def read(self, size: int, timeout: float) -> bytes:
        return b""

    def drain(self) -> None:
        pass

    def close(self) -> None:
        self._printer.close()


class VirtualConnection:
    """A session with an in-process virtual printer; answers arrive after its reply delay."""

    can_read = True

    def __init__(self, name: str) -> None:
        from .virtual_printer import get_virtual_printer

        self._session = get_virtual_printer(name).session()
        self._inbox: list[tuple[float, bytes]] = []

    def write(self, data: bytes) -> None:
        now = time.monotonic()
        self._inbox.extend((now + delay, reply) for delay, reply in self._session.receive(data))

    def read(self, size: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if self._inbox and self._inbox[0][0] <= now:
                due, data = self._inbox.pop(0)
                if len(data) > size:
                    self._inbox.insert(0, (due, data[size:]))
                return data[:size]
            if now >= deadline:
                return b""
            wake = self._inbox[0][0] if self._inbox else deadline
            time.sleep(max(0.0, min(wake, deadline) - now))

    def drain(self) -> None:
        now = time.monotonic()
        self._inbox = [(due, data) for due, data in self._inbox if due > now]

    def close(self) -> None:
        self._session.close()


def open_connection(target: PrinterTarget, io_timeout: float = 5.0) -> Connection:
    """Open the transport named by ``target``; raises ``OSError`` (or ``ConnectionError``)."""
    if target.scheme == "tcp":
        host, _, port = target.address.rpartition(":")
        return TcpConnection(host, int(port), io_timeout)
    if target.scheme == "serial" or target.scheme in SERIAL_URL_SCHEMES:
        try:
            return SerialConnection(target.address, target.options, io_timeout)
        except serial.SerialException as exc:
            raise ConnectionError(str(exc)) from exc
    if target.scheme == "usb":
        vid, _, pid = target.address.partition(":")
        try:
            return UsbConnection(int(vid, 16), int(pid, 16), target.options, io_timeout)
        except ConnectionError:
            raise
        except Exception as exc:  # pyusb/libusb/python-escpos each raise their own kinds
            raise ConnectionError(f"USB: {exc or type(exc).__name__}") from exc
    if target.scheme == "win32":
        return Win32Connection(target.address)
    if target.scheme == "file":
        return FileConnection(target.address)
    if target.scheme == "virtual":
        return VirtualConnection(target.address)
    raise PrinterUrlError(target.url)  # pragma: no cover - parse_printer_url guards this
