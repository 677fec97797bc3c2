"""The hub's limits: message size, request rates, slow consumers (PIN lockout: ``policy``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from shared.protocol import MAX_MESSAGE, MAX_TOPICS


@dataclass(frozen=True)
class Rate:
    """A token bucket: ``per_second`` steady, ``burst`` at once."""

    per_second: float
    burst: float


@dataclass(frozen=True)
class HubLimits:
    max_message: int = MAX_MESSAGE  # bytes per frame, both ways; more closes with 1009
    # Requests per device by role (one bucket over all its connections; each anonymous
    # connection has its own). A person at a kiosk takes a ticket every few seconds at
    # most; a stuck client or a script must not starve the hall. Benchmarks raise these.
    rates: dict[str, Rate] = field(
        default_factory=lambda: {
            "anonymous": Rate(5, 20),
            "kiosk": Rate(10, 40),
            "display": Rate(20, 60),
            "caller": Rate(20, 60),
            "bridge": Rate(200, 400),
            "admin": Rate(1000, 2000),
        }
    )
    max_connections: int = 2000
    max_anonymous: int = 1000  # phones on /t/<code>, browser boards
    # A consumer whose unsent bytes pass this is dropped, so nobody else waits for it.
    max_buffer: int = 1024 * 1024
    max_topics: int = MAX_TOPICS
    auth_failures: int = 3  # wrong device tokens on one connection before it is closed
    pin_failures: int = 5  # wrong PINs in a row (per staff member, per device) before lockout
    lockout_seconds: float = 300.0
    counts_interval: float = 0.05  # queue counts and ticket positions are pushed at most this often
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0

    def with_rate(self, role: str, per_second: float, burst: float | None = None) -> HubLimits:
        rates = dict(self.rates)
        rates[role] = Rate(per_second, burst if burst is not None else per_second * 2)
        return replace(self, rates=rates)


class Bucket:
    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self.tokens = rate.burst
        self.at = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.rate.burst, self.tokens + (now - self.at) * self.rate.per_second)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
