"""One background thread with a stop flag: the life of the port reader and the emulators.

A subclass writes ``_run`` (loop while ``not self._stop.is_set()``, and wait with
``self._stop.wait(...)`` so that ``stop()`` is prompt) and, if it holds a port or a pty,
``_cleanup`` to release it once the thread has ended.
"""

from __future__ import annotations

import threading
from typing import Self


class ThreadWorker:
    """``start()`` runs ``_run`` in a daemon thread; ``stop()`` ends it; ``with`` does both."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _thread_name(self) -> str:
        """The thread's name (asked at each start: a pty's path can change on replug)."""
        return type(self).__name__

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._run, name=self._thread_name(), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            # A read in _run is never longer than a short timeout; do not hang a shutdown on it.
            self._thread.join(timeout=2)
        self._cleanup()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        raise NotImplementedError

    def _cleanup(self) -> None:
        """Release what ``_run`` used; called by ``stop()`` after the thread has ended."""
