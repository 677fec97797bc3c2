"""What ``onetrip server`` checks before it opens anything, each failure one bilingual line.

``StartupError`` carries a text key of ``shared.texts.ops``; ``str()`` of it is the line the
server prints before it exits non-zero. The checks only read: the database is created (and
its schema migrated) by the hall once the lock is held, never here.
"""

from __future__ import annotations

import errno
import sqlite3
import sys
from pathlib import Path
from typing import TextIO

from shared.config import ConfigError, HallConfig, load_config
from shared.texts import t

from .configtext import issue_line


def say(key: str, **params: object) -> str:
    """A text in both languages on one line: ``中文 / English``."""
    zh, en = t(key, "zh_CN", **params), t(key, "en", **params)
    return zh if zh == en else f"{zh} / {en}"


class StartupError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(say(key, **params))


def load_hall(path: Path, out: TextIO | None = None) -> HallConfig:
    """The hall's configuration; its problems are printed to ``out`` (stderr), one a line."""
    out = out if out is not None else sys.stderr
    if not path.exists():
        raise StartupError("ops.start.no_config", path=path)
    try:
        return load_config(path)
    except ConfigError as e:
        secret = [i for i in e.issues if i.key == "hall.secret_file"]
        if secret and len(secret) == len(e.issues) and "cannot read" in secret[0].reason:
            missing = secret[0].reason.rsplit(" ", 1)[-1]
            raise StartupError("ops.start.no_secret", path=missing) from None
        for issue in e.issues:
            print(issue_line(issue), file=out)
        raise StartupError("ops.start.bad_config", path=path, n=len(e.issues)) from None


def read_schema(db: Path) -> int | None:
    """The schema version of an existing database read-only, None if there is no file.

    Raises ``StartupError`` for a file that is not an SQLite database or cannot be read."""
    if not db.exists():
        return None
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise StartupError("ops.start.unreadable", db=db, reason=e) from e


def check_database(db: Path) -> None:
    """The directory is there, an existing file is a database whose schema this one knows."""
    from .schema import SCHEMA_VERSION

    folder = db.parent if str(db.parent) else Path(".")
    if not folder.is_dir():
        raise StartupError("ops.start.no_dir", dir=folder)
    if db.exists() and not db.is_file():
        raise StartupError("ops.start.unreadable", db=db, reason="not a file")
    found = read_schema(db)
    if found is not None and found > SCHEMA_VERSION:
        raise StartupError("ops.start.newer_schema", db=db, found=found, known=SCHEMA_VERSION)


def listen_error(e: OSError, host: str, port: int) -> StartupError:
    if e.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
        return StartupError("ops.start.port_in_use", host=host, port=port)
    return StartupError("ops.start.cannot_listen", host=host, port=port, reason=e.strerror or e)
