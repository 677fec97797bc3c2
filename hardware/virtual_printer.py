"""A virtual ESC/POS printer: a TCP server (like a network printer's port 9100) or an
in-process device (``virtual://NAME``) that parses what it is sent, keeps each receipt (split
at cuts), writes it as ``.txt`` and ``.png``, answers ``DLE EOT`` like a real printer, and can
be told to fail.

Faults (``set_fault``): ``paper_out`` and ``cover_open`` answer as a real printer does and
print nothing; ``near_end`` prints but reports the paper low; ``offline`` prints nothing and
never answers; ``slow`` answers every status query ``slow_delay`` seconds late.
``set_fault(..., after_bytes=N)`` lets the next N bytes print first: a paper-out mid-ticket.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from pathlib import Path

from . import escpos_codes as c
from .escpos_parser import EscPosParser, Receipt, ReceiptDone, Request
from .worker import ThreadWorker

log = logging.getLogger(__name__)

FAULTS = ("paper_out", "cover_open", "offline", "slow", "near_end")
_NO_PRINT = ("paper_out", "cover_open", "offline")


class VirtualPrinter:
    """The printer itself: its state, its faults and the receipts it has printed."""

    def __init__(
        self,
        name: str = "virtual",
        *,
        encoding: str = "gb18030",
        width: int = 80,
        out_dir: str | Path | None = None,
        fault: str | None = None,
        slow_delay: float = 2.0,
        chinese_default: bool = True,
    ) -> None:
        self.name = name
        self.encoding = encoding
        self.dots = c.PAPER_DOTS.get(width, c.PAPER_DOTS[80])
        self.out_dir = Path(out_dir) if out_dir else None
        self.slow_delay = slow_delay
        self.chinese_default = chinese_default
        self.receipts: list[Receipt] = []
        self.discarded = 0  # receipts (or torn parts) not printed because of a fault
        self.on_receipt: Callable[[Receipt], None] | None = None
        self._fault: str | None = None
        self._pending_fault: tuple[str | None, int] | None = None
        self._lock = threading.Condition()
        self._seq = 0
        self.set_fault(fault)

    # -- faults --------------------------------------------------------------------------------
    @property
    def fault(self) -> str | None:
        return self._fault

    def set_fault(self, fault: str | None, after_bytes: int | None = None) -> None:
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; one of {', '.join(FAULTS)}")
        with self._lock:
            if after_bytes is not None:
                self._pending_fault = (fault, after_bytes)
                log.info("virtual printer %s: %s after %d bytes", self.name, fault, after_bytes)
                return
            changed = fault != self._fault
            self._fault, self._pending_fault = fault, None
        if changed:
            log.info("virtual printer %s: fault %s", self.name, fault or "cleared")

    def _status_byte(self, n: int) -> int:
        f, b = self._fault, c.STATUS_FIXED_BITS
        if n == 1 and f in ("paper_out", "cover_open"):
            b |= c.ST1_OFFLINE
        elif n == 2:
            b |= {"cover_open": c.ST2_COVER_OPEN, "paper_out": c.ST2_PAPER_END_STOP}.get(f, 0)
        elif n == 4:
            b |= {"paper_out": c.ST4_PAPER_END, "near_end": c.ST4_NEAR_END}.get(f, 0)
        return b

    def _answer(self, req: Request) -> bytes:
        if req.kind == "dle_eot" and 1 <= req.n <= 4:
            return bytes((self._status_byte(req.n),))
        if req.kind == "gs_r" and req.n in (1, 49):
            paper = {"paper_out": 0x0C, "near_end": 0x03}.get(self._fault or "", 0)
            return bytes((paper,))
        if req.kind == "gs_i":
            return {1: b"\x20", 2: b"\x02", 3: b"\x64"}.get(req.n, b"\x00")
        return b""

    # -- printing ------------------------------------------------------------------------------
    def session(self) -> VirtualSession:
        return VirtualSession(self)

    def _store(self, receipt: Receipt) -> None:
        with self._lock:
            if self._fault in _NO_PRINT:
                self.discarded += 1
                log.warning("virtual printer %s: %s, receipt not printed", self.name, self._fault)
                return
            self.receipts.append(receipt)
            self._seq += 1
            seq = self._seq
            self._lock.notify_all()
        if self.out_dir is not None:
            self._write_files(receipt, seq)
        if self.on_receipt is not None:
            self.on_receipt(receipt)

    def _write_files(self, receipt: Receipt, seq: int) -> None:
        from .receipt_render import render_receipt

        out = self.out_dir
        assert out is not None
        out.mkdir(parents=True, exist_ok=True)
        stem = out / f"{self.name}-{time.strftime('%Y%m%d-%H%M%S')}-{seq:04d}"
        stem.with_suffix(".txt").write_text(receipt.to_text(), encoding="utf-8")
        try:
            render_receipt(receipt, self.dots).save(stem.with_suffix(".png"))
        except Exception as exc:  # a missing font must not stop the printer: log and go on
            log.warning("virtual printer %s: no PNG for receipt %d: %s", self.name, seq, exc)

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` receipts were printed (for tests and the demo)."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self.receipts) >= count, timeout)


class VirtualSession:
    """One connection's byte stream: its own parser, the printer's shared state."""

    def __init__(self, printer: VirtualPrinter) -> None:
        self.printer = printer
        self.parser = EscPosParser(printer.encoding, printer.chinese_default)

    def receive(self, data: bytes) -> list[tuple[float, bytes]]:
        """Feed bytes; returns the answers as ``(delay_seconds, bytes)`` in order."""
        p = self.printer
        with p._lock:
            pending = p._pending_fault
            if pending is not None:
                fault, left = pending
                if len(data) >= left:
                    p._pending_fault = None
                else:
                    p._pending_fault = (fault, left - len(data))
        if pending is not None and len(data) >= pending[1]:
            head, data = data[: pending[1]], data[pending[1] :]
            answers = self._process(head)
            p.set_fault(pending[0])
            if p.fault in _NO_PRINT and self.parser.receipt.ops:
                log.warning("virtual printer %s: %s in the middle of a receipt", p.name, p.fault)
            return answers + self._process(data)
        return self._process(data)

    def _process(self, data: bytes) -> list[tuple[float, bytes]]:
        answers: list[tuple[float, bytes]] = []
        for event in self.parser.feed(data):
            if isinstance(event, ReceiptDone):
                self.printer._store(event.receipt)
            elif self.printer.fault != "offline":
                reply = self.printer._answer(event)
                if reply:
                    delay = self.printer.slow_delay if self.printer.fault == "slow" else 0.0
                    answers.append((delay, reply))
        return answers

    def close(self) -> None:
        """End of stream: what was sent without a cut still comes out of a real printer."""
        tail = self.parser.finish()
        if tail is not None:
            self.printer._store(tail)


class _Handler(socketserver.BaseRequestHandler):
    server: _TcpServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        printer = self.server.printer
        session = printer.session()
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                for delay, reply in session.receive(data):
                    if delay:
                        time.sleep(delay)
                    sock.sendall(reply)
        except OSError as exc:
            log.info("virtual printer %s: connection ended: %s", printer.name, exc)
        finally:
            session.close()


class _TcpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    printer: VirtualPrinter


class VirtualPrinterServer:
    """The virtual printer on a TCP port. ``port=0`` picks a free one (see ``.port``)."""

    def __init__(self, printer: VirtualPrinter, host: str = "127.0.0.1", port: int = 9100) -> None:
        self.printer = printer
        self._server = _TcpServer((host, port), _Handler)
        self._server.printer = printer
        self.host, self.port = self._server.server_address[:2]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def start(self) -> VirtualPrinterServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
            name=f"virtual-printer-{self.port}",
        )  # fmt: skip
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def __enter__(self) -> VirtualPrinterServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def print_file(path: str | Path, printer: VirtualPrinter) -> list[Receipt]:
    """The file sink: parse a byte dump (e.g. from a ``file://`` printer) as if printed."""
    before = len(printer.receipts)
    session = printer.session()
    session.receive(Path(path).read_bytes())
    session.close()
    return printer.receipts[before:]


# -- virtual://NAME: in-process printers, shared by name -----------------------------------------
_registry: dict[str, VirtualPrinter] = {}
_registry_lock = threading.Lock()


def get_virtual_printer(name: str) -> VirtualPrinter:
    """The in-process printer called ``name``, created on first use."""
    with _registry_lock:
        if name not in _registry:
            _registry[name] = VirtualPrinter(name)
        return _registry[name]


def register_virtual_printer(printer: VirtualPrinter) -> VirtualPrinter:
    """Make ``printer`` the one ``virtual://<printer.name>`` reaches (e.g. with an out_dir)."""
    with _registry_lock:
        _registry[printer.name] = printer
    return printer


class VirtualSerialPrinter(ThreadWorker):
    """The virtual printer behind a pty: print to ``serial://<.path>`` as to a serial printer."""

    def __init__(self, printer: VirtualPrinter, link: str | Path | None = None) -> None:
        from .pty_link import PtyLink

        self.printer = printer
        self.link = PtyLink(link)
        super().__init__()

    @property
    def path(self) -> str:
        return self.link.path

    @property
    def url(self) -> str:
        return f"serial://{self.path}?baudrate=9600"

    def _thread_name(self) -> str:
        return "virtual-serial-printer"

    def _cleanup(self) -> None:
        self.link.close()

    def _run(self) -> None:
        session = self.printer.session()  # a serial line is one endless stream
        while not self._stop.is_set():
            data = self.link.read(0.05)
            if not data:
                continue
            for delay, reply in session.receive(data):
                if delay:
                    self._stop.wait(delay)
                self.link.write(reply)
