"""The hall hub: protocol v1 over websockets, with a few plain HTTP pages on the same port."""

from .hub import Hub
from .limits import HubLimits, Rate
from .server import HubThread, RunningHub, start_hub, tls_context

__all__ = ["Hub", "HubLimits", "HubThread", "Rate", "RunningHub", "start_hub", "tls_context"]
