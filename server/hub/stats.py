"""How long the hub takes over the requests that change the hall, for ``/healthz``.

From a request frame read to its reply written: the wait for the batch in flight, the decision,
the durable commit and the pushes to every subscriber (they are written before the reply).
Logins are left out: their PIN check is slow on purpose.
"""

from __future__ import annotations

from collections import deque

KEEP = 10_000  # the latest requests: a busy hour's worth


class Latencies:
    def __init__(self, keep: int = KEEP) -> None:
        self._seconds: deque[float] = deque(maxlen=keep)

    def add(self, seconds: float) -> None:
        self._seconds.append(seconds)

    def summary(self) -> dict[str, float | int]:
        """``{"n", "p50", "p99", "max"}`` in milliseconds over the latest requests."""
        ordered = sorted(self._seconds)
        if not ordered:
            return {"n": 0, "p50": 0.0, "p99": 0.0, "max": 0.0}

        def ms(index: int) -> float:
            return round(ordered[min(len(ordered) - 1, index)] * 1000, 2)

        n = len(ordered)
        return {"n": n, "p50": ms(n // 2), "p99": ms(int(n * 0.99)), "max": ms(n - 1)}
