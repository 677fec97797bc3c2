"""The printer API the kiosk and the caller use: ``status()`` and ``print_job()``.

``print_job`` checks the status before sending, sends, and checks again (for ``settle``
seconds when configured, to catch a paper-out while the ticket is still printing). Any
failure - offline, paper out, cover open, write error, timeout - raises ``PrintFailed``, so
the caller can void the ticket instead of leaving a number nobody will answer.
"""

from __future__ import annotations

import logging
import time

import serial

from shared.texts import t

from .connections import Connection, PrinterTarget, open_connection, parse_printer_url
from .escpos_writer import BadPrinterSetting, PrintSettings
from .layouts import CardSlip, TicketSlip, card_bytes, ticket_bytes
from .status import PrinterStatus, query_status

log = logging.getLogger(__name__)


class PrintFailed(Exception):
    """The job did not (surely) print. ``reason``: offline, paper_out, cover_open, error,
    write_failed, connect_failed or timeout; ``message()`` is the text for people."""

    def __init__(self, reason: str, detail: str = "", status: PrinterStatus | None = None) -> None:
        self.reason = reason
        self.detail = detail
        self.status = status
        super().__init__(self.message("zh_CN"))

    def message(self, lang: str = "zh_CN") -> str:
        return t(f"print.fail.{self.reason}", lang, detail=self.detail)


def _float(value: str | None, default: float, name: str) -> float:
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise BadPrinterSetting(f"{name}={value}") from None


class Printer:
    """One printer, named by its URL (see ``hardware.connections``).

    Keyword arguments override settings given in the URL's query; ``timeout`` is how long to
    wait for each status answer, ``io_timeout`` for connecting and sending.
    """

    def __init__(
        self,
        url: str,
        *,
        width: int | None = None,
        encoding: str | None = None,
        charset: str | None = None,
        qr: str | None = None,
        timeout: float | None = None,
        settle: float | None = None,
        io_timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.target: PrinterTarget = parse_printer_url(url)
        q = self.target.settings
        try:
            paper = width if width is not None else int(q.get("width", 80))
        except ValueError:
            raise BadPrinterSetting(f"width={q.get('width')}") from None
        self.settings = PrintSettings(
            width=paper,
            encoding=encoding or q.get("encoding", "gb18030"),
            charset=charset or q.get("charset"),
            qr=qr or q.get("qr", "native"),  # type: ignore[arg-type]
        )
        self.timeout = timeout if timeout is not None else _float(q.get("timeout"), 0.5, "timeout")
        self.settle = settle if settle is not None else _float(q.get("settle"), 0.0, "settle")
        self.io_timeout = io_timeout

    def __repr__(self) -> str:
        return f"Printer({self.url!r})"

    def _open(self) -> Connection:
        try:
            return open_connection(self.target, self.io_timeout)
        except TimeoutError as exc:
            log.debug("printer %s: connect timed out: %s", self.url, exc)
            raise PrintFailed("offline", str(exc)) from exc
        except OSError as exc:
            log.debug("printer %s: cannot connect: %s", self.url, exc)
            raise PrintFailed("connect_failed", str(exc)) from exc

    def status(self) -> PrinterStatus:
        """The printer's state now; never raises (an unreachable printer is offline)."""
        try:
            conn = self._open()
        except PrintFailed as exc:
            return PrinterStatus(online=False, reason="offline", detail=exc.detail)
        try:
            return query_status(conn, self.timeout, self.url)
        except (OSError, serial.SerialException) as exc:
            log.debug("printer %s: status query failed: %s", self.url, exc)
            return PrinterStatus(online=False, reason="offline", detail=str(exc))
        finally:
            conn.close()

    def print_job(self, data: bytes) -> PrinterStatus:
        """Send one job; returns the status after it, raises ``PrintFailed`` if it failed."""
        conn = self._open()
        try:
            before = self._check(conn, "before")
            try:
                conn.write(data)
            except TimeoutError as exc:
                log.debug("printer %s: write timed out after %.1fs", self.url, self.io_timeout)
                raise PrintFailed("timeout", str(exc)) from exc
            except (OSError, serial.SerialException) as exc:
                log.debug("printer %s: write failed: %s", self.url, exc)
                raise PrintFailed("write_failed", str(exc)) from exc
            if not conn.can_read:
                return before
            after = self._check(conn, "after")
            deadline = time.monotonic() + self.settle
            while time.monotonic() < deadline:
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
                after = self._check(conn, "after")
            return after
        finally:
            conn.close()

    def _check(self, conn: Connection, when: str) -> PrinterStatus:
        try:
            st = query_status(conn, self.timeout, self.url)
        except (OSError, serial.SerialException) as exc:
            log.debug("printer %s: status %s job failed: %s", self.url, when, exc)
            raise PrintFailed("offline", str(exc)) from exc
        if not st.ok:
            log.debug("printer %s: %s job: %s", self.url, when, st.message("en"))
            raise PrintFailed(st.reason or "error", st.detail, st)
        return st

    def print_ticket(self, slip: TicketSlip, lang: str = "zh_CN") -> PrinterStatus:
        return self.print_job(ticket_bytes(slip, self.settings, lang))

    def print_card(self, slip: CardSlip, lang: str = "zh_CN") -> PrinterStatus:
        return self.print_job(card_bytes(slip, self.settings, lang))
