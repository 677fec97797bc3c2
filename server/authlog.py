"""A wrong device token is logged: one line with the device id and the peer's address, at most
one a minute per host, so that a scanner of the LAN cannot fill the disk (pure: the clock
is given; the hub calls ``bad_token`` where it refuses the token)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Seen:
    logged_at: float
    held: int = 0  # failures since the last line


class FailureLog:
    def __init__(
        self,
        logger: logging.Logger,
        every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        keep: int = 1024,
    ) -> None:
        self.logger, self.every, self.clock, self.keep = logger, every, clock, keep
        self._seen: dict[str, _Seen] = {}

    def bad_token(self, device: str, host: str, port: int | None = None) -> bool:
        """Note a refused token from ``host`` (counted per host: a scanner's ports change);
        True when a line was written for it."""
        peer = host
        now = self.clock()
        seen = self._seen.get(peer)
        if seen is not None and now - seen.logged_at < self.every:
            seen.held += 1
            return False
        held = seen.held if seen else 0
        if len(self._seen) >= self.keep:  # the oldest addresses go first
            for old in sorted(self._seen, key=lambda p: self._seen[p].logged_at)[: self.keep // 2]:
                del self._seen[old]
        self._seen[peer] = _Seen(now)
        self.logger.warning(
            "wrong device token for %s from %s%s",
            repr(device[:40]) if device else "(no device id)",
            f"{host or '?'}:{port}" if port is not None else host or "?",
            f" ({held} more in the last {self.every:.0f} s)" if held else "",
        )
        return True
