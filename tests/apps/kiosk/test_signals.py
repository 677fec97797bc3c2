"""A kiosk emits Qt signals all day (every push, reply, touch and print): ``True`` must keep its
references, or the app dies with "bool_dealloc" after a few thousand of them."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from qtkit.app import start_app
from qtkit.signals import emit_loses_true


class Source(QObject):
    changed = Signal(bool)
    payload = Signal(str, object)


def test_emit_keeps_true_alive_after_start_app() -> None:
    start_app("onetrip-test")
    assert not emit_loses_true()
    source = Source()
    seen: list[object] = []
    source.changed.connect(seen.append)
    source.payload.connect(lambda rid, body: seen.append(body))
    before = sys.getrefcount(True)
    for _ in range(5000):
        source.changed.emit(True)
        source.payload.emit("r", {"ok": True})
    seen.clear()
    assert abs(sys.getrefcount(True) - before) < 10
