"""The printer worker: every talk with the printer happens on its own thread, in order.

The UI thread asks (``print_slip``, ``poll``) and gets Qt signals back (``printed``,
``status``) in its own thread; a slow or silent printer never freezes the screen. Jobs run
one at a time, so a status poll never interleaves with a ticket's bytes. Printing itself is
``hardware.Printer``: status before, the bytes, status after (a paper-out half-way fails).
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from hardware.layouts import TicketSlip
from hardware.printer import Printer, PrintFailed
from hardware.status import PrinterStatus

log = logging.getLogger("onetrip.kiosk.printer")


class PrinterWorker(QObject):
    status = Signal(object)  # PrinterStatus
    printed = Signal(str, bool, object)  # job id, ok, PrintFailed.reason or None
    _result = Signal(str, object)

    def __init__(self, printer: Printer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.printer = printer
        self._jobs: queue.Queue[tuple[str, Any] | None] = queue.Queue()
        self._polling = threading.Event()  # a poll is queued: do not queue another
        self._thread = threading.Thread(target=self._work, name="onetrip-printer", daemon=True)
        self._result.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread.start()

    def poll(self) -> None:
        if not self._polling.is_set():
            self._polling.set()
            self._jobs.put(("status", None))

    def print_slip(self, job: str, slip: TicketSlip) -> None:
        self._jobs.put(("print", (job, slip)))

    def stop(self, timeout: float = 5.0) -> None:
        self._jobs.put(None)
        self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            kind, payload = item
            if kind == "status":
                self._polling.clear()
                self._result.emit("status", self.printer.status())
                continue
            job, slip = payload
            try:
                after = self.printer.print_ticket(slip)
            except PrintFailed as failure:
                log.warning("printer: job %s failed: %s", job, failure.reason)
                self._result.emit("printed", (job, False, failure.reason))
                self._result.emit("status", failure.status or self.printer.status())
            except Exception as exc:  # a bug must not kill the worker: the print failed
                log.exception("printer: job %s failed", job)
                self._result.emit("printed", (job, False, "error"))
                self._result.emit("status", PrinterStatus(False, reason="error", detail=str(exc)))
            else:
                self._result.emit("printed", (job, True, None))
                self._result.emit("status", after)

    def _deliver(self, kind: str, payload: Any) -> None:
        if kind == "status":
            self.status.emit(payload)
        else:
            self.printed.emit(*payload)
