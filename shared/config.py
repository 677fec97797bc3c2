"""The hall configuration's loader: one TOML file (and the secret from the environment or its
file) read and checked into the frozen dataclasses of ``shared.hallconfig``.

``load_config`` either returns a complete, consistent ``HallConfig`` or raises ``ConfigError``
listing every problem (file, key, reason) — a server never starts half-configured. The
dataclasses are importable from here too; the engine imports them from ``shared.hallconfig``.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .hallconfig import (
    MAX_RATING_REASONS,
    MAX_REASON_LENGTH,
    MAX_TIP_LENGTH,
    MAX_TIPS,
    Device,
    HallConfig,
    Matter,
    Policy,
    Staff,
    WindowConfig,
    Zone,
)
from .hours import WEEKDAYS, Hours, Period
from .protocol import DEVICE_ROLES as ROLES
from .security import is_pin_hash, is_token_hash
from .tomlreader import ConfigIssue, TomlReader

__all__ = [  # the dataclasses are importable from here too
    "ROLES",
    "SECRET_ENV",
    "ConfigError",
    "Device",
    "HallConfig",
    "Matter",
    "Policy",
    "Staff",
    "WindowConfig",
    "Zone",
    "load_config",
    "parse_config",
    "read_toml",
]

SECRET_ENV = "ONETRIP_HALL_SECRET"


class ConfigError(Exception):
    def __init__(self, issues: list[ConfigIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(map(str, issues)))

    def report(self, outcome: str = "", file: TextIO | None = None) -> None:
        """Print every issue, then ``N error(s)`` and the ``outcome`` (to stderr by default).

        Every command that checks a config file reports a bad one this way.
        """
        out = file if file is not None else sys.stderr  # looked up now: tests swap sys.stderr
        for issue in self.issues:
            print(issue, file=out)
        print(f"{len(self.issues)} error(s)" + (f": {outcome}" if outcome else ""), file=out)


def read_toml(path: Path) -> dict[str, Any]:
    """The raw TOML of a config file; a missing or broken file is a ``ConfigError`` too."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError([ConfigIssue(str(path), "-", f"cannot read: {e.strerror}")]) from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([ConfigIssue(str(path), "-", f"not valid TOML: {e}")]) from e


def load_config(path: str | os.PathLike[str], *, secret: bytes | None = None) -> HallConfig:
    """Read, check and build the configuration; ``ConfigError`` lists every problem."""
    path = Path(path)
    return parse_config(read_toml(path), file=str(path), base=path.parent, secret=secret)


def parse_config(
    raw: dict[str, Any],
    *,
    file: str = "<config>",
    base: Path | None = None,
    secret: bytes | None = None,
) -> HallConfig:
    r = TomlReader(file)
    hall = r.table(raw, "hall")
    name = r.text(hall, "hall.name")
    timezone = r.text(hall, "hall.timezone", "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        r.fail("hall.timezone", f"unknown time zone '{timezone}'")
    if secret is None:
        secret = _read_secret(r, hall, base)

    zones = _zones(r, raw)
    windows = _windows(r, raw, zones)
    staff = _staff(r, raw)
    devices = _devices(r, raw, windows)
    policy = _policy(r, raw)
    hours = _hours(r, raw)
    r.unknown(raw, "", {"hall", "zones", "windows", "staff", "devices", "policy", "hours"})
    r.unknown(
        hall, "hall.", {"name", "name_en", "timezone", "public_url", "secret_file", "public_board"}
    )
    if r.issues:
        raise ConfigError(r.issues)
    return HallConfig(
        name=name,
        name_en=r.text(hall, "hall.name_en", ""),
        timezone=timezone,
        secret=secret or b"",
        zones=zones,
        windows=windows,
        staff=staff,
        devices=devices,
        policy=policy,
        hours=hours,
        public_url=r.text(hall, "hall.public_url", "http://127.0.0.1:8765").rstrip("/"),
        public_board=r.flag(hall, "hall.public_board", True),
    )


def _read_secret(r: TomlReader, hall: dict[str, Any], base: Path | None) -> bytes | None:
    secret = r.secret(hall, "hall.secret_file", env=SECRET_ENV, base=base)
    if secret is None:
        r.fail("hall.secret_file", f"no hall secret: set secret_file or ${SECRET_ENV}")
        return None
    if secret and len(secret) < 32:
        r.fail("hall.secret_file", "the secret is shorter than 32 characters")
    return secret.encode()


def _zones(r: TomlReader, raw: dict[str, Any]) -> dict[str, Zone]:
    zones: dict[str, Zone] = {}
    prefixes: dict[str, str] = {}
    for i, z in enumerate(r.array(raw, "zones", required=True)):
        key = f"zones[{i}]"
        zid = r.ident(z, f"{key}.id")
        prefix = r.text(z, f"{key}.prefix")
        if prefix and not re.fullmatch(r"[A-Z]", prefix):
            r.fail(f"{key}.prefix", "must be one capital letter A–Z")
        elif prefix in prefixes:
            r.fail(f"{key}.prefix", f"'{prefix}' is already used by zone '{prefixes[prefix]}'")
        prefixes[prefix] = zid
        if zid in zones:
            r.fail(f"{key}.id", f"zone '{zid}' is defined twice")
        matters: dict[str, Matter] = {}
        for j, m in enumerate(r.array(z, f"{key}.matters")):
            mkey = f"{key}.matters[{j}]"
            mid = r.ident(m, f"{mkey}.id")
            if mid in matters:
                r.fail(f"{mkey}.id", f"matter '{mid}' is defined twice in zone '{zid}'")
            matters[mid] = Matter(
                id=mid,
                name=r.text(m, f"{mkey}.name"),
                name_en=r.text(m, f"{mkey}.name_en", ""),
                service_minutes=r.number(m, f"{mkey}.service_minutes", 10.0, low=0.5),
                daily_limit=r.count(m, f"{mkey}.daily_limit", None),
                slot_limit=r.count(m, f"{mkey}.slot_limit", None),
                tips=_short_texts(r, m, f"{mkey}.tips", MAX_TIPS, MAX_TIP_LENGTH),
            )
            r.unknown(
                m,
                f"{mkey}.",
                {"id", "name", "name_en", "service_minutes", "daily_limit", "slot_limit", "tips"},
            )
        zones[zid] = Zone(
            id=zid,
            name=r.text(z, f"{key}.name"),
            name_en=r.text(z, f"{key}.name_en", ""),
            prefix=prefix,
            noon_duty=r.flag(z, f"{key}.noon_duty", False),
            matters=matters,
        )
        r.unknown(z, f"{key}.", {"id", "name", "name_en", "prefix", "noon_duty", "matters"})
    return zones


def _windows(r: TomlReader, raw: dict[str, Any], zones: dict[str, Zone]) -> dict[int, WindowConfig]:
    windows: dict[int, WindowConfig] = {}
    for i, w in enumerate(r.array(raw, "windows", required=True)):
        key = f"windows[{i}]"
        number = r.count(w, f"{key}.number", None, low=1)
        if number is None:
            r.fail(f"{key}.number", "missing")
            continue
        if number in windows:
            r.fail(f"{key}.number", f"window {number} is defined twice")
        served = r.table(w, f"{key}.zones")
        weights: dict[str, float] = {}
        for zid in served:
            if zid not in zones:
                r.fail(f"{key}.zones.{zid}", "no such zone")
            weights[zid] = r.number(served, f"{key}.zones.{zid}", 1.0, low=0.01)
        if not served:
            r.fail(f"{key}.zones", "a window must serve at least one zone")
        windows[number] = WindowConfig(
            number=number,
            zones=weights,
            name=r.text(w, f"{key}.name", ""),
            printer=r.text(w, f"{key}.printer", "") or None,
        )
        r.unknown(w, f"{key}.", {"number", "zones", "name", "printer"})
    return windows


def _staff(r: TomlReader, raw: dict[str, Any]) -> dict[str, Staff]:
    staff: dict[str, Staff] = {}
    for i, s in enumerate(r.array(raw, "staff")):
        key = f"staff[{i}]"
        sid = r.ident(s, f"{key}.id")
        if sid in staff:
            r.fail(f"{key}.id", f"staff '{sid}' is defined twice")
        pin_hash = r.text(s, f"{key}.pin_hash")
        if pin_hash and not is_pin_hash(pin_hash):
            r.fail(f"{key}.pin_hash", "not a PIN hash: make one with `onetrip config hash-pin`")
        staff[sid] = Staff(
            id=sid,
            name=r.text(s, f"{key}.name"),
            pin_hash=pin_hash,
            phone=r.text(s, f"{key}.phone", ""),
            backup=r.text(s, f"{key}.backup", "") or None,
        )
        r.unknown(s, f"{key}.", {"id", "name", "phone", "pin_hash", "backup"})
    for i, person in enumerate(staff.values()):
        if person.backup and person.backup not in staff:
            r.fail(f"staff[{i}].backup", f"no staff member '{person.backup}'")
        elif person.backup == person.id:
            r.fail(f"staff[{i}].backup", "a staff member cannot back up themselves")
    return staff


def _devices(
    r: TomlReader, raw: dict[str, Any], windows: dict[int, WindowConfig]
) -> dict[str, Device]:
    devices: dict[str, Device] = {}
    for i, d in enumerate(r.array(raw, "devices")):
        key = f"devices[{i}]"
        did = r.ident(d, f"{key}.id")
        if did in devices:
            r.fail(f"{key}.id", f"device '{did}' is defined twice")
        role = r.text(d, f"{key}.role")
        if role and role not in ROLES:
            r.fail(f"{key}.role", f"'{role}' is not one of {', '.join(ROLES)}")
        token_hash = r.text(d, f"{key}.token_hash")
        if token_hash and not is_token_hash(token_hash):
            r.fail(f"{key}.token_hash", "not a token hash: use `onetrip config hash-token`")
        bound: list[int] = []
        if "window" in d:
            bound.append(r.count(d, f"{key}.window", 0, low=1) or 0)
        for j, n in enumerate(r.array_of(d, f"{key}.windows", int)):
            bound.append(n)
            if n not in windows:
                r.fail(f"{key}.windows[{j}]", f"no window {n}")
        if "window" in d and bound[0] not in windows:
            r.fail(f"{key}.window", f"no window {bound[0]}")
        if role == "caller" and len(bound) != 1:
            r.fail(f"{key}.window", "a caller serves exactly one window")
        devices[did] = Device(id=did, role=role, token_hash=token_hash, windows=tuple(bound))
        r.unknown(d, f"{key}.", {"id", "role", "token_hash", "window", "windows"})
    return devices


def _short_texts(
    r: TomlReader, table: dict[str, Any], key: str, most: int, length: int
) -> tuple[str, ...]:
    """A short list of distinct, non-empty, short texts (tips, reasons): each problem named."""
    items = r.array_of(table, key, str)
    if len(items) > most:
        r.fail(key, f"at most {most} items")
    out: list[str] = []
    for i, item in enumerate(items):
        text = item.strip()
        if not text:
            r.fail(f"{key}[{i}]", "is empty")
        elif len(text) > length:
            r.fail(f"{key}[{i}]", f"longer than {length} characters")
        elif text in out:
            r.fail(f"{key}[{i}]", f"'{text}' is in the list twice")
        else:
            out.append(text)
    return tuple(out)


def _policy(r: TomlReader, raw: dict[str, Any]) -> Policy:
    p = r.table(raw, "policy", required=False)
    d = Policy()
    policy = Policy(
        priority_kinds=tuple(r.array_of(p, "policy.priority_kinds", str)) or d.priority_kinds,
        priority_run=r.count(p, "policy.priority_run", d.priority_run, low=1) or 1,
        recall_limit=r.count(p, "policy.recall_limit", d.recall_limit) or 0,
        requeue_penalty=r.count(p, "policy.requeue_penalty", d.requeue_penalty) or 0,
        requeue_limit=r.count(p, "policy.requeue_limit", d.requeue_limit) or 0,
        issue_cutoff_minutes=r.count(p, "policy.issue_cutoff_minutes", d.issue_cutoff_minutes) or 0,
        appointment_early_minutes=r.count(
            p, "policy.appointment_early_minutes", d.appointment_early_minutes
        )
        or 0,
        slot_minutes=r.count(p, "policy.slot_minutes", d.slot_minutes, low=5) or 60,
        card_valid_days=r.count(p, "policy.card_valid_days", d.card_valid_days, low=1) or 1,
        rating_reasons=_short_texts(
            r, p, "policy.rating_reasons", MAX_RATING_REASONS, MAX_REASON_LENGTH
        ),
        demo_speed=r.number(p, "policy.demo_speed", d.demo_speed, low=1),
        **{
            name: r.count(p, f"policy.{name}", getattr(d, name), low=1) or getattr(d, name)
            for name in (
                "service_level_minutes",
                "alarm_wait_minutes",
                "alarm_queue_length",
                "alarm_pause_minutes",
                "rectify_working_days",
            )
        },
    )
    r.unknown(p, "policy.", set(Policy.__dataclass_fields__))
    return policy


def _hours(r: TomlReader, raw: dict[str, Any]) -> Hours:
    h = r.table(raw, "hours", required=False)
    if not h:
        return Hours(weekly={d: (Period(0, 24 * 60),) for d in range(7)})

    def periods(value: Any, key: str) -> tuple[Period, ...]:
        if not isinstance(value, list):
            r.fail(key, 'must be a list like ["08:30-12:00", "13:30-17:00"]')
            return ()
        out = []
        for j, text in enumerate(value):
            try:
                out.append(Period.parse(str(text)))
            except ValueError as e:
                r.fail(f"{key}[{j}]", str(e))
        return tuple(out)

    weekly = {i: periods(h.get(day, []), f"hours.{day}") for i, day in enumerate(WEEKDAYS)}
    dates: dict[date, tuple[Period, ...]] = {}
    for text, value in r.table(h, "hours.dates", required=False).items():
        try:
            dates[date.fromisoformat(text)] = periods(value, f"hours.dates.{text}")
        except ValueError:
            r.fail(f"hours.dates.{text}", "not a date like 2026-10-01")
    r.unknown(h, "hours.", {*WEEKDAYS, "noon_duty", "dates"})
    return Hours(
        weekly=weekly, noon_duty=periods(h.get("noon_duty", []), "hours.noon_duty"), dates=dates
    )
