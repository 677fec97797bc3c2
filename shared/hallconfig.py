"""The hall configuration as the engine sees it: frozen dataclasses, no I/O.

``shared.config`` reads and checks the TOML file (and the secret from the environment or its
file) into these; the engine, the hub and the apps take them as they are. Importing this
module reads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from .hours import Hours

# Bounds of the texts the hall config gives the apps (checked by ``shared.config``).
MAX_TIPS = 8  # 温馨提示 per matter, offered on its 续办服务卡
MAX_TIP_LENGTH = 60
MAX_RATING_REASONS = 8  # the reasons an evaluator offers after 不满意 / 非常不满意
MAX_REASON_LENGTH = 30


@dataclass(frozen=True)
class Matter:
    id: str
    name: str
    name_en: str = ""
    service_minutes: float = 10.0
    daily_limit: int | None = None
    slot_limit: int | None = None
    tips: tuple[str, ...] = ()  # 温馨提示 the caller offers for this matter's 续办服务卡


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    prefix: str
    name_en: str = ""
    noon_duty: bool = False
    matters: dict[str, Matter] = field(default_factory=dict)


@dataclass(frozen=True)
class WindowConfig:
    number: int
    zones: dict[str, float]  # zone id -> weight
    name: str = ""
    printer: str | None = None


@dataclass(frozen=True)
class Staff:
    id: str
    name: str
    pin_hash: str
    phone: str = ""
    backup: str | None = None


@dataclass(frozen=True)
class Device:
    id: str
    role: str
    token_hash: str
    windows: tuple[int, ...] = ()


@dataclass(frozen=True)
class Policy:
    priority_kinds: tuple[str, ...] = ("elderly", "disabled", "pregnant", "military")
    priority_run: int = 2
    recall_limit: int = 3
    requeue_penalty: int = 3
    requeue_limit: int = 1
    issue_cutoff_minutes: int = 30
    appointment_early_minutes: int = 15
    slot_minutes: int = 60
    card_valid_days: int = 30
    # reports and the hall monitor
    service_level_minutes: int = 30  # a wait longer than this misses the service level
    alarm_wait_minutes: int = 30  # a zone's longest current wait that raises an alarm
    alarm_queue_length: int = 30  # tickets waiting in a zone that raise an alarm
    alarm_pause_minutes: int = 15  # a window paused longer than this raises an alarm
    rectify_working_days: int = 5  # a 差评 is to be put right within this many working days
    # what an evaluator offers after 不满意 / 非常不满意 (差评), for the hall's follow-up (整改);
    # a rating may carry some of these and nothing else
    rating_reasons: tuple[str, ...] = ()
    # Hall time per real time: 1 in a hall. ``onetrip demo`` runs its hall faster (60: an hour a
    # minute) and says so here, so that waits estimated from its measured service times are
    # printed in hall minutes, as a citizen of that hall would wait.
    demo_speed: float = 1.0


@dataclass(frozen=True)
class HallConfig:
    name: str
    timezone: str
    secret: bytes
    zones: dict[str, Zone]
    windows: dict[int, WindowConfig]
    staff: dict[str, Staff] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    policy: Policy = field(default_factory=Policy)
    hours: Hours = field(default_factory=Hours)
    name_en: str = ""
    public_url: str = "http://127.0.0.1:8765"
    public_board: bool = True

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def zone_windows(self) -> dict[str, tuple[int, ...]]:
        """The windows serving each zone: every issue's wait estimate needs them, and the
        config does not change (a frozen instance; ``replace`` makes a new one)."""
        return {
            zone: tuple(n for n, w in self.windows.items() if zone in w.zones)
            for zone in self.zones
        }
