"""A guard for a reference-count bug in PySide6's ``Signal.emit``.

PySide6 6.12.0 on Python 3.11 returns ``True`` from ``SignalInstance.emit`` without taking a
reference to it: every ``emit`` made from Python takes one reference from ``True``, and a
long-running app (a kiosk that takes thousands of pushes a day) ends with "Fatal Python error:
bool_dealloc: deallocating True or False". ``guard_emit`` checks once whether this PySide has
the bug, and if so wraps ``emit`` to give the reference back. On a PySide without the bug (or a
Python whose ``True`` is immortal, 3.12 and later) it changes nothing.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None
_guarded = False


class _Probe(QObject):
    ping = Signal()


def emit_loses_true() -> bool:
    """Whether ``emit`` takes a reference from ``True`` (measured, not guessed)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 4


def guard_emit() -> bool:
    """Wrap ``SignalInstance.emit`` when it has the bug; True when it was wrapped."""
    global _guarded
    if _guarded or not emit_loses_true():
        return _guarded
    original = SignalInstance.emit

    def emit(self: SignalInstance, *args: Any) -> Any:
        result = original(self, *args)
        if result is True:
            _incref(True)  # the reference PySide should have taken
        return result

    SignalInstance.emit = emit  # type: ignore[method-assign]
    _guarded = True
    return True
