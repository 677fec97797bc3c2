"""The one place where a board hands its calls to the voice (the ``voice`` package).

A board calls ``voice.on_push(push)`` for every live push that brought a call or a recall
(never for a snapshot's history) and ``voice.close()`` when it stops. ``make_voice`` builds the
announcer the display's ``[voice]`` table asks for (``voice.qtplayer.QtAnnouncer``: one at a
time, never cut off, repeats, a chime, stale ones dropped, quiet hours); ``engine = "none"``
is ``Silent``. An engine that cannot work here (``qt`` without a Mandarin voice) raises
``voice.VoiceUnavailable`` with a bilingual message: the display refuses to start.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QObject

from voice import Sink, VoiceConfig


class Voice(Protocol):
    def on_push(self, push: dict[str, Any]) -> object: ...

    def close(self) -> None: ...


class Silent:
    """No announcements."""

    def on_push(self, push: dict[str, Any]) -> object:
        return None

    def close(self) -> None:
        pass


def make_voice(
    config: VoiceConfig | None, *, parent: QObject | None = None, sink: Sink | None = None
) -> Voice:
    """The announcer for a display's voice settings (None or engine ``none``: silent).
    ``sink`` replaces the audio output of the ``clips`` engine (tests, the bench)."""
    if config is None or config.engine == "none":
        return Silent()
    from voice.qtplayer import QtAnnouncer

    return QtAnnouncer.from_config(config, parent, sink=sink)
