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
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from shared.config import HallConfig
from shared.hours import Hours

from .source import Event, PeriodData, local_midnight

(
    I_ID,
    I_LABEL,
    I_DAY,
    I_ZONE,
    I_MATTER,
    I_KIND,
    I_STATUS,
    I_ISSUED,
    I_CALLED,
    I_STARTED,
    I_FINISHED,
    I_WINDOW,
    I_STAFF,
    I_REQUEUES,
    I_TRANSFERS,
    I_RATING,
    I_CASE,
) = range(17)

GROUPINGS = ("zone", "matter", "window", "staff")
OPEN = frozenset({"waiting", "called", "serving", "suspended", "missed"})
SATISFIED = (5, 4, 3)  # 非常满意, 满意, 基本满意; 2 and 1 are 差评


@dataclass(frozen=True)
class Stats:
    """Seconds. ``p90`` is the nearest rank: the smallest value at least 90 % are not above."""

    count: int
    mean: float | None = None
    median: float | None = None
    p90: float | None = None
    max: float | None = None


def stats(values: Sequence[float]) -> Stats:
    n = len(values)
    if not n:
        return Stats(0)
    v = sorted(values)
    return Stats(
        n,
        mean=math.fsum(v) / n,
        median=(v[(n - 1) // 2] + v[n // 2]) / 2,
        p90=v[max(0, math.ceil(0.9 * n) - 1)],
        max=v[-1],
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
    waits: list[float] = field(default_factory=list, repr=False)
    services: list[float] = field(default_factory=list, repr=False)
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
            f"over{seconds}", self.waits, lambda v: sum(1 for w in v if w > seconds)
        )

    def _cached(self, name: str, values: list[float], fn: Any) -> Any:
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


# --- one ticket's life -----------------------------------------------------------------------
@dataclass
class Life:
    wait: float | None
    service: float | None  # done tickets only
    stints: list[tuple[Any, Any, float]]  # (window, staff, seconds being served)
    no_shows: list[tuple[str, Any, Any]] = field(default_factory=list)  # (zone, window, staff)
    suspends: list[tuple[str, Any, Any]] = field(default_factory=list)
    outs: list[tuple[str, Any, Any]] = field(default_factory=list)  # where it was transferred from
    ins: list[tuple[str, Any, Any]] = field(default_factory=list)  # where it arrived


def simple_life(row: Sequence[Any]) -> Life:
    """Issue → call → (start) → finish: all the row says."""
    called, finished = row[I_CALLED], row[I_FINISHED]
    wait = called - row[I_ISSUED] if called is not None else None
    if finished is None:
        return Life(wait, None, [])
    started = row[I_STARTED]
    begin = started if started is not None and started < finished else called
    service = finished - (begin if begin is not None else finished)
    return Life(wait, service, [(row[I_WINDOW], row[I_STAFF], service)])


def detailed_life(row: Sequence[Any], zone: str, events: Iterable[Event]) -> Life:
    """A ticket with no-shows, transfers, suspends or call backs, from its events in order."""
    window = staff = None
    queue_call = called = started = None
    life = Life(None, None, [])
    arriving: tuple[str, Any, Any] | None = None
    for e in events:
        d = e.data
        if e.type == "called":
            window, staff = d["window"], d["staff"]
            if d["how"] != "callback":
                queue_call = e.at
            called, started = e.at, None
            if arriving is not None:
                life.ins.append((arriving[0], window, staff))
                arriving = None
        elif e.type == "started":
            started = e.at
        elif e.type in ("finished", "suspended", "transferred"):
            begin = started if started is not None and started < e.at else called
            if begin is not None:
                life.stints.append((window, staff, e.at - begin))
            called = started = None
            if e.type == "suspended":
                life.suspends.append((zone, window, staff))
            elif e.type == "transferred":
                life.outs.append((zone, d["window"], staff))
                zone = d["zone"]
                arriving = (zone, d["to_window"], d["to_staff"])
        elif e.type == "missed":
            life.no_shows.append((zone, d["window"], staff))
            called = started = None
    if arriving is not None:
        life.ins.append(arriving)
    life.wait = queue_call - row[I_ISSUED] if queue_call is not None else None
    if row[I_STATUS] == "done":
        life.service = math.fsum(s for _, _, s in life.stints)
    return life


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
    prefixes = {z.prefix: z.id for z in config.zones.values()}
    total = Group("")
    groups: dict[str, dict[Any, Group]] = {g: {} for g in groupings}

    def group(grouping: str, key: Any) -> Group:
        table = groups[grouping]
        found = table.get(key)
        if found is None:
            found = table[key] = Group(key)
        return found

    rows = data.tickets
    by_id: dict[str, Sequence[Any]] = {}
    midnights: dict[str, tuple[float, int]] = {}
    hourly: dict[
        tuple[int, int, str], list[float]
    ] = {}  # (weekday, hour, zone) -> [n, Σ wait, waits]
    days: dict[int, set[str]] = {}
    waits: list[float | None] = []
    services: list[float | None] = []
    lives: list[tuple[Life, Sequence[Any]]] = []  # the tickets with more than one stint
    details_of = data.details
    for row in rows:
        by_id[row[I_ID]] = row
        issued_zone = prefixes.get(row[I_LABEL][:1], row[I_ZONE])
        details = details_of.get(row[I_ID])
        if details is not None:
            life = detailed_life(row, issued_zone, details)
            lives.append((life, row))
            wait, service = life.wait, life.service
        else:
            called, finished = row[I_CALLED], row[I_FINISHED]
            wait = called - row[I_ISSUED] if called is not None else None
            service = None
            if finished is not None:
                started = row[I_STARTED]
                begin = started if started is not None and started < finished else called
                service = finished - (begin if begin is not None else finished)
                total.serving += service
                if "window" in groups:
                    group("window", row[I_WINDOW]).serving += service
                if "staff" in groups:
                    group("staff", row[I_STAFF]).serving += service
        waits.append(wait)
        services.append(service if row[I_STATUS] == "done" else None)
        if row[I_STATUS] != "voided":
            day = row[I_DAY]
            base = midnights.get(day)
            if base is None:
                d = date.fromisoformat(day)
                base = midnights[day] = (local_midnight(d, config.tz), d.weekday())
                days.setdefault(d.weekday(), set()).add(day)
            hour = min(23, max(0, int((row[I_ISSUED] - base[0]) // 3600)))
            cell = hourly.get((base[1], hour, issued_zone))
            if cell is None:
                cell = hourly[(base[1], hour, issued_zone)] = [0, 0.0, 0]
            cell[0] += 1
            if wait is not None:
                cell[1] += wait
                cell[2] += 1
    _fill(total, range(len(rows)), rows, waits, services)
    for g in groupings:
        buckets: dict[Any, list[int]] = {}
        if g == "matter":
            keys = [(row[I_ZONE], row[I_MATTER]) for row in rows]
        else:
            column = {"zone": I_ZONE, "window": I_WINDOW, "staff": I_STAFF}[g]
            keys = [row[column] for row in rows]
        for i, key in enumerate(keys):
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [i]
            else:
                bucket.append(i)
        for key, idx in buckets.items():
            _fill(group(g, key), idx, rows, waits, services)
    for life, row in lives:
        matter = row[I_MATTER]
        for w, s, seconds in life.stints:
            total.serving += seconds
            if "window" in groups:
                group("window", w).serving += seconds
            if "staff" in groups:
                group("staff", s).serving += seconds
        for attr, places in (
            ("no_shows", life.no_shows),
            ("suspended", life.suspends),
            ("transferred_out", life.outs),
            ("transferred_in", life.ins),
        ):
            for z, w, s in places:
                setattr(total, attr, getattr(total, attr) + 1)
                for g in groupings:
                    target = group(g, _key(g, z, matter, w, s))
                    setattr(target, attr, getattr(target, attr) + 1)
    _sessions(data, total, groups)
    _cases(data, total, groups, by_id)
    return Report(
        hall=config.name,
        first=data.first,
        last=data.last,
        groupings=tuple(groupings),
        service_level=config.policy.service_level_minutes * 60.0,
        total=total,
        groups=groups,
        bad_ratings=_bad_ratings(data, by_id, config),
        hourly=_hourly(hourly, days),
        generated_at=data.now if generated_at is None else generated_at,
    )


def _fill(
    g: Group,
    idx: Sequence[int],
    rows: Sequence[Sequence[Any]],
    waits: Sequence[float | None],
    services: Sequence[float | None],
) -> None:
    """Add the tickets ``idx`` (rows where they ended in ``g``) to the group's figures."""
    statuses = Counter(rows[i][I_STATUS] for i in idx)
    g.issued += len(idx)
    g.called += sum(1 for i in idx if rows[i][I_CALLED] is not None)
    g.served += statuses["done"]
    g.cancelled += statuses["cancelled"]
    g.voided += statuses["voided"]
    g.expired += statuses["expired"]
    g.open += sum(statuses[s] for s in OPEN)
    g.requeued += sum(rows[i][I_REQUEUES] for i in idx)
    g.followups += sum(1 for i in idx if rows[i][I_KIND] == "followup")
    g.waits += [w for w in (waits[i] for i in idx) if w is not None]
    g.services += [s for s in (services[i] for i in idx) if s is not None]
    for level, n in Counter(rows[i][I_RATING] for i in idx).items():
        if level is not None:
            g.ratings[level] += n


def _sessions(data: PeriodData, total: Group, groups: dict[str, dict[Any, Group]]) -> None:
    """Logged-in and paused time per window and staff member, within the period (and not
    after now: a window still logged in counts up to the time of the report)."""
    start, end = data.start, min(data.end, data.now)
    logins: dict[int, tuple[str, float]] = {}
    pauses: dict[int, tuple[str, float]] = {}
    spans: list[tuple[str, int, str, float]] = []  # (kind, window, staff, seconds)

    def close(table: dict[int, tuple[str, float]], kind: str, window: int, at: float) -> None:
        opened = table.pop(window, None)
        if opened is not None:
            seconds = min(at, end) - max(opened[1], start)
            if seconds > 0:
                spans.append((kind, window, opened[0], seconds))

    for e in data.sessions:
        window = e.data["window"]
        if e.type == "logged_in":
            close(pauses, "paused", window, e.at)
            close(logins, "logged_in", window, e.at)
            logins[window] = (e.data["staff"], e.at)
        elif e.type == "logged_out":
            close(pauses, "paused", window, e.at)
            close(logins, "logged_in", window, e.at)
        elif e.type == "paused":
            who = logins.get(window)
            pauses[window] = (who[0] if who else "", e.at)
        elif e.type == "resumed":
            close(pauses, "paused", window, e.at)
    for window in list(pauses):
        close(pauses, "paused", window, end)
    for window in list(logins):
        close(logins, "logged_in", window, end)
    for kind, window, staff, seconds in spans:
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


def _cases(
    data: PeriodData,
    total: Group,
    groups: dict[str, dict[Any, Group]],
    by_id: dict[str, Sequence[Any]],
) -> None:
    for zone, matter, opened, done, visits, finisher in data.cases.values():
        if visits <= 0:
            continue  # only voided tickets: nobody came for it
        if done is not None and data.start <= done < data.end:
            kind = "done"
        elif (done is None or done >= data.end) and opened < data.end:
            kind = "open"
        else:
            continue
        row = by_id.get(finisher)
        window, staff = (
            (row[I_WINDOW], row[I_STAFF]) if row else data.finishers.get(finisher, (None, None))
        )
        targets = [total] + [
            group_of(groups, g, _key(g, zone, matter, window, staff)) for g in groups
        ]
        for g in targets:
            if kind == "open":
                g.cases_open += 1
            else:
                g.cases_done += 1
                if visits == 1:
                    g.cases_one_visit += 1


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


def _bad_ratings(
    data: PeriodData, by_id: dict[str, Sequence[Any]], config: HallConfig
) -> list[dict[str, Any]]:
    out = []
    today = datetime.fromtimestamp(data.now, config.tz).date()
    for e in data.bad_ratings:
        row = by_id[e.data["ticket"]]
        rated = datetime.fromtimestamp(e.at, config.tz).date()
        deadline = rectify_by(rated, config.policy.rectify_working_days, config.hours)
        out.append(
            {
                "ticket": row[I_ID],
                "label": row[I_LABEL],
                "day": row[I_DAY],
                "zone": row[I_ZONE],
                "matter": row[I_MATTER],
                "level": e.data["level"],
                "window": e.data["window"],
                "staff": e.data["staff"],
                "at": e.at,
                "deadline": deadline.isoformat(),
                "state": "overdue" if today > deadline else "open",
                "closed_at": None,
                "closed_by": None,
                "note": None,
            }
        )
        close = data.closes.get(row[I_ID])
        if close is not None and close.at >= e.at:
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
