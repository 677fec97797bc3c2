"""The figures: pure functions over the rows of a period (``source.PeriodData``), no I/O.

Every figure is defined in ``docs/reports.md``; in short:

- a ticket counts once, in the group where it ended (the zone it was last queued in, the
  window and staff member who last had it); no-shows, suspends and transfers count where they
  happened;
- wait = the last call from a queue − issue (a call back of a suspended ticket is not a call
  from a queue); service = the time it was being served, over every stint at a window: from
  start (or from the call, when nobody pressed start) to finish, suspend or transfer;
- 最多跑一次实现率 = cases finished in the period with one visit / cases finished in the period.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from shared.config import HallConfig
from shared.hours import Hours

from .facts import NONE, OPEN, DayFacts
from .source import PeriodData

SATISFIED = (5, 4, 3)  # 非常满意, 满意, 基本满意; 2 and 1 are 差评


@dataclass(frozen=True)
class Stats:
    """Seconds. ``p90`` is the nearest rank: the smallest value at least 90 % are not above."""

    count: int
    mean: float | None = None
    median: float | None = None
    p90: float | None = None
    max: float | None = None


def stats(values: Sequence[float] | np.ndarray) -> Stats:
    n = len(values)
    if not n:
        return Stats(0)
    v = np.asarray(values, dtype=np.float64)
    if n > 1 and not bool((v[1:] >= v[:-1]).all()):  # a group's values come sorted
        v = np.sort(v)
    return Stats(
        n,
        mean=math.fsum(v.tolist()) / n,
        median=float((v[(n - 1) // 2] + v[n // 2]) / 2),
        p90=float(v[max(0, math.ceil(0.9 * n) - 1)]),
        max=float(v[-1]),
    )


def share(part: int | float, whole: int | float) -> float | None:
    """part / whole, or None (an empty cell with a note) when there is nothing to divide."""
    return part / whole if whole else None


@dataclass
class Group:
    key: Any
    issued: int = 0
    called: int = 0
    served: int = 0
    no_shows: int = 0
    requeued: int = 0
    transferred_in: int = 0
    transferred_out: int = 0
    suspended: int = 0
    cancelled: int = 0
    voided: int = 0
    expired: int = 0
    open: int = 0
    followups: int = 0
    # the waits and services of its tickets, in seconds, in order
    waits: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    services: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    ratings: dict[int, int] = field(default_factory=lambda: dict.fromkeys((5, 4, 3, 2, 1), 0))
    logged_in: float | None = None
    serving: float = 0.0
    paused: float | None = None
    cases_done: int = 0
    cases_one_visit: int = 0
    cases_open: int = 0
    _memo: dict[str, tuple[int, Any]] = field(default_factory=dict, repr=False, compare=False)

    # -- derived ---------------------------------------------------------------------------
    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def rating_rate(self) -> float | None:
        return share(self.rated, self.served)

    @property
    def satisfaction(self) -> float | None:
        return share(sum(self.ratings[k] for k in SATISFIED), self.rated)

    @property
    def bad(self) -> int:
        return self.ratings[2] + self.ratings[1]

    @property
    def idle(self) -> float | None:
        """Logged in − serving (pauses and calls included in idle; pauses also on their own)."""
        return None if self.logged_in is None else max(0.0, self.logged_in - self.serving)

    @property
    def realisation(self) -> float | None:
        return share(self.cases_one_visit, self.cases_done)

    def wait(self) -> Stats:
        return self._cached("wait", self.waits, stats)

    def service(self) -> Stats:
        return self._cached("service", self.services, stats)

    def over(self, seconds: float) -> int:
        return self._cached(
            f"over{seconds}", self.waits, lambda v: int(np.count_nonzero(v > seconds))
        )

    def add(self, status: str, kind: str, rating: Any, called: int, n: int, requeues: int) -> None:
        """``n`` tickets that ended here alike (one cell of a day's counts)."""
        self.issued += n
        self.called += n if called else 0
        if status == "done":
            self.served += n
        elif status == "cancelled":
            self.cancelled += n
        elif status == "voided":
            self.voided += n
        elif status == "expired":
            self.expired += n
        elif status in OPEN:
            self.open += n
        self.requeued += requeues
        if kind == "followup":
            self.followups += n
        if rating is not None:
            self.ratings[rating] += n

    def _cached(self, name: str, values: np.ndarray, fn: Any) -> Any:
        """Each layout asks for every figure of a group: sort its values once."""
        got = self._memo.get(name)
        if got is None or got[0] != len(values):
            got = self._memo[name] = (len(values), fn(values))
        return got[1]


@dataclass
class Report:
    hall: str
    first: date
    last: date
    groupings: tuple[str, ...]
    service_level: float  # seconds
    total: Group
    groups: dict[str, dict[Any, Group]]  # grouping -> key -> group
    bad_ratings: list[dict[str, Any]]
    hourly: list[dict[str, Any]]
    generated_at: float

    def over_share(self, group: Group) -> float | None:
        return share(group.over(self.service_level), len(group.waits))


# --- the report ------------------------------------------------------------------------------
def _key(grouping: str, zone: str, matter: Any, window: Any, staff: Any) -> Any:
    if grouping == "zone":
        return zone
    if grouping == "matter":
        return (zone, matter)
    return window if grouping == "window" else staff


def build(
    data: PeriodData,
    config: HallConfig,
    groupings: Sequence[str] = ("zone",),
    *,
    generated_at: float | None = None,
) -> Report:
    """The figures of the period from the facts of its days: counts, moves, time served and
    sessions are added up; each group's waits and services are the values of the tickets that
    ended in it, sorted together (NumPy)."""
    total = Group("")
    groups: dict[str, dict[Any, Group]] = {g: {} for g in groupings}

    def group(grouping: str, key: Any) -> Group:
        table = groups[grouping]
        found = table.get(key)
        if found is None:
            found = table[key] = Group(key)
        return found

    counts: dict[tuple[Any, ...], list[int]] = {}
    moves: dict[tuple[Any, ...], int] = {}
    serving: dict[tuple[Any, Any], list[float]] = {}
    spans: dict[tuple[str, Any, Any], list[float]] = {}
    hourly: dict[tuple[int, int, str], list[float]] = {}  # (weekday, hour, zone) -> [n, Σ, waits]
    days: dict[int, set[str]] = {}
    for day in data.days:
        for *key, n, requeues in day.counts:
            cell = counts.get(tuple(key))
            if cell is None:
                counts[tuple(key)] = [n, requeues]
            else:
                cell[0] += n
                cell[1] += requeues
        for move in day.moves:
            moves[tuple(move)] = moves.get(tuple(move), 0) + 1
        for w, s, seconds in day.serving:
            serving.setdefault((w, s), []).append(seconds)
        for kind, w, s, seconds in day.spans:
            spans.setdefault((kind, w, s), []).append(seconds)
        if day.hourly:
            weekday = date.fromisoformat(day.day).weekday()
            days.setdefault(weekday, set()).add(day.day)
            for hour, zone, n, waited, waits in day.hourly:
                cell = hourly.get((weekday, hour, zone))
                if cell is None:
                    hourly[(weekday, hour, zone)] = [n, waited, waits]
                else:
                    cell[0] += n
                    cell[1] += waited
                    cell[2] += waits
    for (zone, matter, window, staff, *rest), (n, requeues) in counts.items():
        total.add(*rest, n, requeues)
        for g in groupings:
            group(g, _key(g, zone, matter, window, staff)).add(*rest, n, requeues)
    _values(data.days, total, groups)
    for (w, s), parts in serving.items():
        seconds = math.fsum(parts)
        total.serving += seconds
        if "window" in groups:
            group("window", w).serving += seconds
        if "staff" in groups:
            group("staff", s).serving += seconds
    for (attr, z, m, w, s), n in moves.items():
        for target in [total, *(group(g, _key(g, z, m, w, s)) for g in groupings)]:
            setattr(target, attr, getattr(target, attr) + n)
    _sessions(spans, total, groups)
    _cases(data, total, groups)
    return Report(
        hall=config.name,
        first=data.first,
        last=data.last,
        groupings=tuple(groupings),
        service_level=config.policy.service_level_minutes * 60.0,
        total=total,
        groups=groups,
        bad_ratings=_bad_ratings(data, config),
        hourly=_hourly(hourly, days),
        generated_at=data.now if generated_at is None else generated_at,
    )


def _values(days: Sequence[DayFacts], total: Group, groups: dict[str, dict[Any, Group]]) -> None:
    """Each group's waits and services: the days' columns joined (their codes made the
    period's), sorted by group and value, and cut where the group changes."""
    names: dict[str, int] = {}
    columns: dict[str, list[np.ndarray]] = {n: [] for n in DayFacts.ARRAYS}
    for day in days:
        if not day.tickets:
            continue
        remap = np.array([*(names.setdefault(n, len(names)) for n in day.names), NONE], np.int64)
        for name in DayFacts.ARRAYS:
            column = getattr(day, name)
            columns[name].append(remap[column] if name in ("zone", "matter", "staff") else column)
    if not columns["zone"]:
        return
    joined = {name: np.concatenate(parts) for name, parts in columns.items()}
    text = list(names)

    def name(code: int) -> str | None:
        return None if code == NONE else text[code]

    width = len(text) + 1
    keys: dict[str, tuple[np.ndarray, Any]] = {
        "zone": (joined["zone"], name),
        "matter": (
            joined["zone"] * width + joined["matter"] + 1,
            lambda k: (name(k // width), name(k % width - 1)),
        ),
        "window": (joined["window"], lambda k: None if k == NONE else int(k)),
        "staff": (joined["staff"], name),
    }
    for attr, values in (("waits", joined["wait"]), ("services", joined["service"])):
        present = ~np.isnan(values)
        by_value = np.argsort(values[present], kind="stable")
        values = values[present][by_value]
        setattr(total, attr, values)
        for grouping, table in groups.items():
            column, decode = keys[grouping]
            codes = column[present][by_value]
            low = int(codes.min()) if len(codes) else 0
            if len(codes) and int(codes.max()) - low < 65536:  # a radix sort: stable, O(n)
                order = np.argsort((codes - low).astype(np.uint16), kind="stable")
            else:
                order = np.argsort(codes, kind="stable")
            codes, ordered = codes[order], values[order]
            cuts = np.flatnonzero(codes[1:] != codes[:-1]) + 1
            for begin, end in zip([0, *cuts.tolist()], [*cuts.tolist(), len(codes)], strict=True):
                if end > begin:
                    key = decode(int(codes[begin]))
                    if key not in table:
                        table[key] = Group(key)
                    setattr(table[key], attr, ordered[begin:end])


def _sessions(
    spans: dict[tuple[str, Any, Any], list[float]],
    total: Group,
    groups: dict[str, dict[Any, Group]],
) -> None:
    """Logged-in and paused time per window and staff member (the days' spans added up)."""
    for (kind, window, staff), parts in spans.items():
        seconds = math.fsum(parts)
        targets = [total]
        if "window" in groups:
            targets.append(groups["window"].setdefault(window, Group(window)))
        if "staff" in groups:
            targets.append(groups["staff"].setdefault(staff, Group(staff)))
        for g in targets:
            setattr(g, kind, (getattr(g, kind) or 0.0) + seconds)
    for g in [total, *groups.get("window", {}).values(), *groups.get("staff", {}).values()]:
        if g.logged_in is not None and g.paused is None:
            g.paused = 0.0


def _cases(data: PeriodData, total: Group, groups: dict[str, dict[Any, Group]]) -> None:
    for kind, zone, matter, window, staff, one_visit, n in data.cases:
        targets = [total] + [
            group_of(groups, g, _key(g, zone, matter, window, staff)) for g in groups
        ]
        for g in targets:
            if kind == "open":
                g.cases_open += n
            else:
                g.cases_done += n
                if one_visit:
                    g.cases_one_visit += n


def group_of(groups: dict[str, dict[Any, Group]], grouping: str, key: Any) -> Group:
    table = groups[grouping]
    if key not in table:
        table[key] = Group(key)
    return table[key]


def rectify_by(rated: date, working_days: int, hours: Hours) -> date:
    """好差评整改: the last day to put a 差评 right, ``working_days`` hall days after the day
    it was given (a working day is one the hall's hours open, holidays and 调休 included)."""
    day, left = rated, working_days
    for _ in range(working_days * 7 + 31):  # a hall closed for good still gets a deadline
        if left == 0:
            break
        day += timedelta(days=1)
        if hours.periods_on(day):
            left -= 1
    return day


def _bad_ratings(data: PeriodData, config: HallConfig) -> list[dict[str, Any]]:
    out = []
    today = datetime.fromtimestamp(data.now, config.tz).date()
    deadlines: dict[date, date] = {}
    for b in sorted((b for d in data.days for b in d.bad), key=lambda b: b["at"]):
        rated = datetime.fromtimestamp(b["at"], config.tz).date()
        deadline = deadlines.get(rated)
        if deadline is None:
            days = config.policy.rectify_working_days
            deadline = deadlines[rated] = rectify_by(rated, days, config.hours)
        out.append(
            {
                **b,
                "reasons": list(b.get("reasons", [])),
                "deadline": deadline.isoformat(),
                "state": "overdue" if today > deadline else "open",
                "closed_at": None,
                "closed_by": None,
                "note": None,
            }
        )
        close = data.closes.get(b["ticket"])
        if close is not None and close.at >= b["at"]:
            late = datetime.fromtimestamp(close.at, config.tz).date() > deadline
            out[-1].update(
                state="closed_late" if late else "closed",
                closed_at=close.at,
                closed_by=close.data["device"],
                note=close.data["note"],
            )
    return out


def _hourly(
    cells: dict[tuple[int, int, str], list[float]], days: dict[int, set[str]]
) -> list[dict[str, Any]]:
    """Arrivals per weekday, hour and zone: in all, per open day of that weekday, and their
    mean wait."""
    out = []
    for (weekday, hour, zone), (n, waited, waits) in sorted(cells.items()):
        out.append(
            {
                "weekday": weekday,
                "hour": hour,
                "zone": zone,
                "arrivals": int(n),
                "days": len(days.get(weekday, ())),
                "per_day": n / len(days[weekday]),
                "wait_mean": waited / waits if waits else None,
            }
        )
    return out


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
