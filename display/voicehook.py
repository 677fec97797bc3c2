"""The one place where a board hands its calls to the voice.

A board calls ``voice.on_push(push)`` for every push it takes (the voice picks the calls and
recalls out of them) and ``voice.close()`` when it stops. ``make_voice`` builds the
announcer the display's ``[voice]`` table asks for; with no voice package, or ``engine =
"none"``, it is ``Silent``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Voice(Protocol):
    def on_push(self, push: dict[str, Any]) -> object: ...

    def close(self) -> None: ...


class Silent:
    """No announcements."""

    def on_push(self, push: dict[str, Any]) -> object:
        return None

    def close(self) -> None:
        pass


class Recorder:
    """Keeps the pushes it is handed (tests, and the bench's check that voice saw every call)."""

    def __init__(self) -> None:
        self.pushes: list[dict[str, Any]] = []

    def on_push(self, push: dict[str, Any]) -> object:
        self.pushes.append(push)
        return None

    def close(self) -> None:
        pass


def make_voice(table: dict[str, Any], *, base: Path | None = None) -> Voice:
    """The announcer for a display's ``[voice]`` table."""
    engine = str(table.get("engine", "clips"))
    if not table or engine == "none":
        return Silent()
    try:
        from voice import qt_announcer  # type: ignore[attr-defined]
    except ImportError:
        log.warning("voice: the voice package is not installed here; the board stays silent")
        return Silent()
    announcer: Voice = qt_announcer(table, base=base)
    return announcer
