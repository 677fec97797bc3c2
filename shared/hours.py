"""Opening hours: when tickets may be issued, from the hall's weekday rules and date overrides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Period:
    """Minutes after local midnight, [start, end)."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """'08:30-12:00' -> Period(510, 720); ValueError with a plain reason otherwise."""
        try:
            a, b = text.split("-")
            start, end = _minutes(a), _minutes(b)
        except ValueError:
            raise ValueError(f"'{text}' is not HH:MM-HH:MM") from None
        if end <= start:
            raise ValueError(f"'{text}' ends before it starts")
        return cls(start, end)

    def __contains__(self, minute: int) -> bool:
        return self.start <= minute < self.end

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(hhmm: str) -> int:
    h, m = hhmm.strip().split(":")
    hours, minutes = int(h), int(m)
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or hours * 60 + minutes > 24 * 60:
        raise ValueError(hhmm)
    return hours * 60 + minutes


@dataclass(frozen=True)
class Hours:
    weekly: dict[int, tuple[Period, ...]] = field(default_factory=dict)  # 0 = Monday
    noon_duty: tuple[Period, ...] = ()
    dates: dict[date, tuple[Period, ...]] = field(default_factory=dict)  # holidays, 调休 days
    # open_periods by (day, noon_duty): it is asked for every ticket issued
    _open: dict[tuple[date, bool], tuple[Period, ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def periods_on(self, day: date) -> tuple[Period, ...]:
        if day in self.dates:
            return self.dates[day]
        return self.weekly.get(day.weekday(), ())

    def open_periods(self, day: date, *, noon_duty: bool) -> tuple[Period, ...]:
        """The day's periods for a zone, noon duty joined in and touching periods merged."""
        known = self._open.get((day, noon_duty))
        if known is None:
            if len(self._open) > 64:  # a few days' worth is all a hall asks for
                self._open.clear()
            known = self._open[(day, noon_duty)] = self._merged(day, noon_duty)
        return known

    def _merged(self, day: date, noon_duty: bool) -> tuple[Period, ...]:
        periods = list(self.periods_on(day))
        if periods and noon_duty:
            periods += self.noon_duty
        merged: list[Period] = []
        for period in sorted(periods, key=lambda p: p.start):
            if merged and period.start <= merged[-1].end:
                merged[-1] = Period(merged[-1].start, max(merged[-1].end, period.end))
            else:
                merged.append(period)
        return tuple(merged)

    def issuing_refusal(self, local: datetime, *, noon_duty: bool, cutoff: int) -> str | None:
        """None when a ticket may be issued at ``local``, else the refusal code.

        ``cutoff`` minutes before a period ends issuing stops, so the windows can finish the
        queue before they close.
        """
        minute = local.hour * 60 + local.minute
        for period in self.open_periods(local.date(), noon_duty=noon_duty):
            if minute in period:
                # A period that runs to midnight carries on into the next day: no cut-off.
                ends = period.end < 24 * 60 and minute >= period.end - cutoff
                return "issuing_closed" if ends else None
        on_noon = any(minute in p for p in self.noon_duty)
        if not noon_duty and on_noon and self.periods_on(local.date()):
            return "zone_closed"
        return "closed"
