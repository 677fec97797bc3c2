"""One hall server per database: an OS lock on ``<db>.lock`` beside the database file.

The lock is the operating system's (``flock`` on POSIX, ``msvcrt.locking`` on Windows), held
on an open file: it goes when the process does, however it ends (SIGKILL and a power cut
included), so a stale lock file never needs cleaning up. The database file itself is not
locked: reports, ``onetrip db check`` and ``onetrip db backup`` read it beside the server.

The lock file keeps who holds it (``pid@host``) for the refusal's message. Its first byte is
the one locked on Windows (where a locked range cannot be read), the holder is written after.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import IO

_HOLDER_AT = 1  # where the holder's pid@host starts in the lock file


class DatabaseInUse(Exception):
    """Another process holds the database's lock; ``holder`` is its ``pid@host`` if known."""

    def __init__(self, db: Path, holder: str) -> None:
        self.db, self.holder = db, holder
        super().__init__(f"{db} is in use by {holder or 'another process'}")


def lock_path(db: str | os.PathLike[str]) -> Path:
    db = Path(db)
    return db.with_name(db.name + ".lock")


def _try_lock(f: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        f.seek(0)
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(f: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def holder(db: str | os.PathLike[str]) -> str:
    """Who last took the lock (``pid@host``), or "" when nobody ever did."""
    try:
        with lock_path(db).open("rb") as f:
            f.seek(_HOLDER_AT)
            return f.read(200).decode("utf-8", "replace").strip()
    except OSError:
        return ""


class DatabaseLock:
    """``with DatabaseLock(db):`` — or ``acquire()``/``release()``; raises ``DatabaseInUse``."""

    def __init__(self, db: str | os.PathLike[str]) -> None:
        self.db = Path(db)
        self.path = lock_path(db)
        self._file: IO[bytes] | None = None

    def acquire(self) -> DatabaseLock:
        # Never truncated on open: the holder's pid stays readable to the refused one.
        f = self.path.open("a+b")
        if not _try_lock(f):
            f.close()
            raise DatabaseInUse(self.db, holder(self.db))
        f.seek(0)
        f.truncate()
        f.write(b"\n" + f"{os.getpid()}@{socket.gethostname()}\n".encode())
        f.flush()
        self._file = f
        return self

    def release(self) -> None:
        # The file stays: removing it would let a third process lock a new one while a
        # second still holds the old, unlinked one.
        if self._file is not None:
            try:
                _unlock(self._file)
            finally:
                self._file.close()
                self._file = None

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
