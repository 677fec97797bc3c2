"""The hall hub: protocol v1 over websockets, with a few plain HTTP pages on the same port.

The names below are imported when first used, so that a command that only starts a hub as a
subprocess (or reads its configuration) does not pay for the whole hub at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .hub import Hub
    from .limits import HubLimits, Rate
    from .server import HubThread, RunningHub, start_hub, tls_context

_WHERE = {
    "Hub": ".hub",
    "HubLimits": ".limits",
    "Rate": ".limits",
    "HubThread": ".server",
    "RunningHub": ".server",
    "start_hub": ".server",
    "tls_context": ".server",
}
__all__ = ["Hub", "HubLimits", "HubThread", "Rate", "RunningHub", "start_hub", "tls_context"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name], __name__), name)
