"""What the kiosk knows of the hall: zones, waiting counts, windows and notices, from the
server's ``hello`` and its ``hall`` / ``zone:*`` snapshots and pushes.

The server's snapshot of a zone holds its id, names, prefix and waiting count. What it does not
hold yet (the zone's matters, its opening hours, the priority kinds, the requeue penalty) is
taken, in this order, from the snapshot when a later server sends it (``zone["matters"]``,
``zone["closed"]``, ``zone["wait_minutes"]``, ``hall["priority_kinds"]``), else from the public
parts of the hall configuration when the kiosk's TOML names that file (``[hall] config``), else
it is left out: the kiosk then issues by zone alone, learns a closed zone from the server's
refusal, and skips the 绿色通道 step. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.config import HallConfig
from shared.hours import Hours

CLOSED_CODES = ("closed", "issuing_closed", "zone_closed")
LEARNED_SECONDS = 300.0  # how long a zone refused by the server stays greyed


@dataclass(frozen=True)
class Matter:
    id: str
    name: str
    name_en: str = ""
    service_minutes: float = 10.0


@dataclass(frozen=True)
class PublicZone:
    matters: tuple[Matter, ...]
    noon_duty: bool = False


@dataclass(frozen=True)
class PublicHall:
    """The parts of a hall configuration anyone in the hall may see (no staff, no devices)."""

    zones: dict[str, PublicZone]
    hours: Hours | None = None
    timezone: str = "Asia/Shanghai"
    priority_kinds: tuple[str, ...] = ()
    requeue_penalty: int | None = None
    issue_cutoff_minutes: int = 30

    @classmethod
    def of(cls, config: HallConfig) -> PublicHall:
        zones = {
            z.id: PublicZone(
                tuple(
                    Matter(m.id, m.name, m.name_en, m.service_minutes) for m in z.matters.values()
                ),
                z.noon_duty,
            )
            for z in config.zones.values()
        }
        return cls(
            zones=zones,
            hours=config.hours,
            timezone=config.timezone,
            priority_kinds=tuple(config.policy.priority_kinds),
            requeue_penalty=config.policy.requeue_penalty,
            issue_cutoff_minutes=config.policy.issue_cutoff_minutes,
        )


@dataclass(frozen=True)
class ZoneView:
    """One tile of the home screen."""

    id: str
    name: str
    name_en: str
    prefix: str
    waiting: int
    matters: tuple[Matter, ...]
    wait_minutes: int | None
    closed: str | None = None  # closed | issuing_closed | zone_closed
    closed_message: dict[str, str] | None = None  # the server's words, when it refused
    hours: str = ""  # today's opening hours, e.g. "08:30-12:00 13:30-17:00"


@dataclass
class Catalog:
    public: PublicHall | None = None
    timezone: str = "Asia/Shanghai"
    hall: dict[str, Any] = field(default_factory=dict)
    zones: dict[str, dict[str, Any]] = field(default_factory=dict)  # in the server's order
    windows: dict[int, dict[str, Any]] = field(default_factory=dict)
    notices: list[dict[str, Any]] = field(default_factory=list)
    staff: dict[str, dict[str, Any]] = field(default_factory=dict)  # from staff:<id> snapshots
    learned: dict[str, tuple[str, dict[str, str], float]] = field(default_factory=dict)

    # -- what the server says --------------------------------------------------------------
    def take_hello(self, hello: dict[str, Any]) -> None:
        if isinstance(hello.get("hall"), dict):
            self.hall = {**self.hall, **hello["hall"]}

    def take_snapshot(self, topics: dict[str, Any]) -> None:
        for topic, snap in topics.items():
            if not isinstance(snap, dict):
                continue
            if topic == "hall":
                if self.hall.get("day") != snap.get("hall", {}).get("day"):
                    self.learned.clear()  # a new day: yesterday's refusals are gone
                self.hall = {**self.hall, **snap.get("hall", {})}
                self.zones = {z["id"]: dict(z) for z in snap.get("zones", [])}
                self.windows = {w["number"]: w for w in snap.get("windows", [])}
                self.notices = list(snap.get("notices", []))
            elif topic.startswith("zone:") and isinstance(snap.get("zone"), dict):
                zone = snap["zone"]
                self.zones[zone["id"]] = {**self.zones.get(zone["id"], {}), **zone}
                self._counts(snap.get("counts") or {})
                for w in snap.get("windows", []):
                    self.windows[w["number"]] = w
            elif topic.startswith("staff:") and isinstance(snap.get("staff"), dict):
                self.staff[snap["staff"]["id"]] = {**snap["staff"], "window": snap.get("window")}

    def take_event(self, push: dict[str, Any]) -> bool:
        """Take a push in; True when what the home screen shows changed."""
        kind = push.get("event")
        if kind == "counts":
            return self._counts(push.get("zones") or {})
        if kind == "window" and isinstance(push.get("window"), dict):
            self.windows[push["window"]["number"]] = push["window"]
            return True
        if kind == "notice" and isinstance(push.get("notice"), dict):
            self.notices = [push["notice"], *self.notices][:5]
            return True
        if kind == "day":
            self.hall["day"] = push.get("day")
            self.learned.clear()
            return True
        return False

    def _counts(self, counts: dict[str, Any]) -> bool:
        changed = False
        for zone, waiting in counts.items():
            if zone in self.zones and self.zones[zone].get("waiting") != waiting:
                self.zones[zone]["waiting"] = waiting
                changed = True
        return changed

    def learn_refusal(self, zone: str, code: str, error: dict[str, Any], now: float) -> None:
        """The server refused a ticket because the zone is closed: grey it for a while."""
        if code in CLOSED_CODES and zone in self.zones:
            words = {"zh_CN": str(error.get("message", "")), "en": str(error.get("message_en", ""))}
            self.learned[zone] = (code, words, now + LEARNED_SECONDS)

    # -- what the kiosk shows ----------------------------------------------------------------
    @property
    def name(self) -> str:
        return str(self.hall.get("name", ""))

    @property
    def name_en(self) -> str:
        return str(self.hall.get("name_en", "")) or self.name

    @property
    def day(self) -> str:
        return str(self.hall.get("day") or "")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.public.timezone if self.public else self.timezone)

    @property
    def priority_kinds(self) -> tuple[str, ...]:
        kinds = self.hall.get("priority_kinds")
        if isinstance(kinds, list):
            return tuple(str(k) for k in kinds)
        return self.public.priority_kinds if self.public else ()

    @property
    def requeue_penalty(self) -> int | None:
        penalty = self.hall.get("requeue_penalty")
        if isinstance(penalty, int):
            return penalty
        return self.public.requeue_penalty if self.public else None

    def window_of(self, staff: str) -> dict[str, Any] | None:
        return next((w for w in self.windows.values() if w.get("staff") == staff), None)

    def zone_views(self, now: float) -> list[ZoneView]:
        return [self.zone_view(zone, now) for zone in self.zones]

    def zone_view(self, zone_id: str, now: float) -> ZoneView:
        z = self.zones[zone_id]
        public = self.public.zones.get(zone_id) if self.public else None
        matters = self._matters(z, public)
        closed, message = self._closed(zone_id, z, public, now)
        return ZoneView(
            id=zone_id,
            name=str(z.get("name", zone_id)),
            name_en=str(z.get("name_en") or z.get("name", zone_id)),
            prefix=str(z.get("prefix", "")),
            waiting=int(z.get("waiting", 0)),
            matters=matters,
            wait_minutes=self._estimate(zone_id, z, matters),
            closed=closed,
            closed_message=message,
            hours=self._hours_today(public, now),
        )

    @staticmethod
    def _matters(z: dict[str, Any], public: PublicZone | None) -> tuple[Matter, ...]:
        if isinstance(z.get("matters"), list):
            return tuple(
                Matter(
                    str(m["id"]),
                    str(m.get("name", m["id"])),
                    str(m.get("name_en", "")),
                    float(m.get("service_minutes", 10)),
                )
                for m in z["matters"]
                if isinstance(m, dict) and "id" in m
            )
        return public.matters if public else ()

    def _estimate(self, zone_id: str, z: dict[str, Any], matters: tuple[Matter, ...]) -> int | None:
        """The server's estimate when it sends one; else people waiting × the matters' mean
        service time ÷ the windows open for the zone (as the server estimates a new ticket)."""
        if isinstance(z.get("wait_minutes"), int):
            return int(z["wait_minutes"])
        if not matters:
            return None
        mean = sum(m.service_minutes for m in matters) / len(matters)
        open_windows = sum(
            1
            for w in self.windows.values()
            if zone_id in (w.get("zones") or []) and w.get("staff") and w.get("status") != "paused"
        )
        waiting = int(z.get("waiting", 0))
        return round(waiting * mean / max(1, open_windows))

    def _local(self, now: float) -> datetime:
        return datetime.fromtimestamp(now, self.tz)

    def _closed(
        self, zone_id: str, z: dict[str, Any], public: PublicZone | None, now: float
    ) -> tuple[str | None, dict[str, str] | None]:
        if z.get("closed") in CLOSED_CODES:
            return str(z["closed"]), None
        learned = self.learned.get(zone_id)
        if learned is not None:
            code, words, until = learned
            if now < until:
                return code, words
            del self.learned[zone_id]
        if self.public is not None and self.public.hours is not None and public is not None:
            return (
                self.public.hours.issuing_refusal(
                    self._local(now),
                    noon_duty=public.noon_duty,
                    cutoff=self.public.issue_cutoff_minutes,
                ),
                None,
            )
        return None, None

    def _hours_today(self, public: PublicZone | None, now: float) -> str:
        if self.public is None or self.public.hours is None or public is None:
            return ""
        periods = self.public.hours.open_periods(
            self._local(now).date(), noon_duty=public.noon_duty
        )
        return " ".join(str(p) for p in periods)
