"""The hub's limits: message size, request rates, slow consumers, PIN lockout."""

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
    # Requests per connection by role. A person at a kiosk takes a ticket every few seconds at
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


class Lockout:
    """Counts wrong PINs per key (a staff id, a device); locks a key for a while after too many.

    A right PIN clears the staff member's and the device's counts.
    """

    def __init__(
        self, failures: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures = failures
        self.seconds = seconds
        self.clock = clock
        self._count: dict[str, int] = {}
        self._until: dict[str, float] = {}

    def locked(self, *keys: str) -> float:
        """Seconds left on the longest lock among ``keys`` (0 when none is locked)."""
        now = self.clock()
        left = 0.0
        for key in keys:
            until = self._until.get(key)
            if until is not None:
                if until <= now:
                    del self._until[key]
                    self._count.pop(key, None)
                else:
                    left = max(left, until - now)
        return left

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._count[key] = self._count.get(key, 0) + 1
            if self._count[key] >= self.failures:
                self._until[key] = self.clock() + self.seconds

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._count.pop(key, None)
            self._until.pop(key, None)
