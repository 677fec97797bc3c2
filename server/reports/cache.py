"""The facts of closed hall days, kept outside the hall database.

A day is closed when the log has gone on a day past it and none of its tickets is still open
(``source.closed_days``): its facts no longer change. Reports read the hall file read-only, so
the facts live in a folder of their own — ``$XDG_CACHE_HOME/onetrip/reports`` (``~/.cache``
without it) — one ``.npz`` file a day (NumPy arrays, no pickles), under a key of the hall
file's identity: its resolved path and its first event (a different hall, or the same path
given a new database, gets a key of its own). An entry is used only for a day that is closed
in the file read and while the facts' format is this one's; a missing, unreadable or foreign
entry is read again from the hall file. Writing is atomic (a temporary
file renamed) and best effort: a cache that cannot be written only makes reports slower.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

import numpy as np
import orjson

from .facts import DayFacts

FORMAT = 1  # the layout of DayFacts in a file; a change makes every entry stale


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "onetrip" / "reports"


def identity(conn: sqlite3.Connection, path: str | Path) -> str | None:
    """The key of a hall file: its resolved path and its first event (None: no events)."""
    row = conn.execute("SELECT at, type, payload FROM events ORDER BY seq LIMIT 1").fetchone()
    if row is None:
        return None
    text = f"{Path(path).resolve()}\n{row[0]!r}\n{row[1]}\n{row[2]}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class DayCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.saved = 0

    @classmethod
    def for_db(
        cls, conn: sqlite3.Connection, path: str | Path, root: Path | None = None
    ) -> DayCache | None:
        key = identity(conn, path)
        return None if key is None else cls((root or cache_root()) / key)

    def _file(self, day: str) -> Path:
        return self.folder / f"{day}.npz"

    def load(self, day: str) -> DayFacts | None:
        try:
            with np.load(self._file(day), allow_pickle=False) as z:
                meta = orjson.loads(z["meta"].tobytes())
                if meta.get("format") != FORMAT:
                    return None
                arrays = {name: z[name] for name in DayFacts.ARRAYS}
        except (OSError, ValueError, KeyError, orjson.JSONDecodeError):
            return None
        if meta.get("day") != day:
            return None
        return DayFacts(
            day=day,
            tickets=int(meta["tickets"]),
            names=meta["names"],
            **arrays,
            **{name: meta[name] for name in DayFacts.LISTS},
        )

    def save(self, facts: DayFacts) -> None:
        meta = {
            "format": FORMAT,
            "day": facts.day,
            "tickets": facts.tickets,
            "names": facts.names,
            **{name: getattr(facts, name) for name in DayFacts.LISTS},
        }
        blob = np.frombuffer(orjson.dumps(meta), dtype=np.uint8)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".part")
            try:
                with os.fdopen(fd, "wb") as out:
                    np.savez(out, meta=blob, **{n: getattr(facts, n) for n in DayFacts.ARRAYS})
                os.replace(tmp, self._file(facts.day))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self.saved += 1
