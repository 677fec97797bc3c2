"""What every ``onetrip bench`` prints: one JSON line per figure, and the one percentile rule.

    {"bench": "kiosk", "metric": "tap_to_print_p95", "value": 42.1, "unit": "ms"}

``RESULTS`` keeps every figure of the run, so that ``onetrip bench`` can set one beside
another (the ratios to the bare stack).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path

RESULTS: dict[tuple[str, str], float] = {}


def emit(bench: str, metric: str, value: float, unit: str) -> None:
    RESULTS[(bench, metric)] = value
    line = {"bench": bench, "metric": metric, "value": round(value, 3), "unit": unit}
    print(json.dumps(line), flush=True)


def emitter(bench: str) -> Callable[[str, float, str], None]:
    """``emit`` for one bench: ``emit = emitter("kiosk")``, then ``emit(metric, value, unit)``."""
    return functools.partial(emit, bench)


def percentile(values: list[float], p: float) -> float:
    """The value below which ``p`` % of ``values`` lie (nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def memory_mib(pid: int | None = None, field: str = "VmRSS") -> float:
    """A process's memory from ``/proc/<pid>/status`` (Linux), in MiB: ``VmRSS`` resident
    now, ``VmHWM`` the most it ever was; NaN where there is no such file."""
    try:
        status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    except OSError:
        return float("nan")
    return (
        next(int(line.split()[1]) for line in status.splitlines() if line.startswith(field)) / 1024
    )


def cpu_seconds(pid: int | None = None) -> float:
    """A process's CPU time so far, user and system, all its threads, from ``/proc/<pid>/stat``
    (Linux); NaN where there is no such file."""
    try:
        stat = Path(f"/proc/{pid or os.getpid()}/stat").read_text()
    except OSError:
        return float("nan")
    fields = stat.rsplit(")", 1)[1].split()  # after the command's name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
