"""Which configuration changes a running server may take without a restart (pure).

Safe: staff added or changed (name, PIN hash, phone, backup), matters added or changed, the
opening hours, the policy's limits. Everything the live state or a connection is built on is
not: zones, windows, devices, the hall's name, time zone, secret, public URL and board, a
matter taken away (waiting tickets name it), a staff member taken away while logged in.
``unsafe_changes`` gives each refusal as a text key with its parameters (``ops.reload.*``).
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.config import HallConfig

Reason = tuple[str, dict[str, object]]

_HALL_FIELDS = ("name", "name_en", "timezone", "secret", "public_url", "public_board")


def unsafe_changes(old: HallConfig, new: HallConfig, logged_in: Iterable[str] = ()) -> list[Reason]:
    """Why ``new`` cannot replace ``old`` in a running server; [] when it can."""
    reasons: list[Reason] = []
    for name in _HALL_FIELDS:
        if getattr(old, name) != getattr(new, name):
            reasons.append(("ops.reload.hall", {"key": f"hall.{name}"}))
    if set(old.zones) != set(new.zones):
        reasons.append(("ops.reload.zones", {}))
    for zid in set(old.zones) & set(new.zones):
        a, b = old.zones[zid], new.zones[zid]
        if (a.prefix, a.name, a.name_en, a.noon_duty) != (b.prefix, b.name, b.name_en, b.noon_duty):
            reasons.append(("ops.reload.zone", {"zone": zid}))
        for mid in sorted(set(a.matters) - set(b.matters)):
            reasons.append(("ops.reload.matter_gone", {"zone": zid, "matter": mid}))
    if old.windows != new.windows:
        reasons.append(("ops.reload.windows", {}))
    if old.devices != new.devices:
        reasons.append(("ops.reload.devices", {}))
    for sid in sorted(set(logged_in) & (set(old.staff) - set(new.staff))):
        reasons.append(("ops.reload.staff_busy", {"staff": sid}))
    return reasons


def changes(old: HallConfig, new: HallConfig) -> list[Reason]:
    """What a safe reload changes, to say so."""
    said: list[Reason] = []
    added = sorted(set(new.staff) - set(old.staff))
    if added:
        said.append(("ops.reload.staff_added", {"staff": ", ".join(added)}))
    changed = sorted(s for s in set(new.staff) & set(old.staff) if new.staff[s] != old.staff[s])
    if changed:
        said.append(("ops.reload.staff_changed", {"staff": ", ".join(changed)}))
    gone = sorted(set(old.staff) - set(new.staff))
    if gone:
        said.append(("ops.reload.staff_removed", {"staff": ", ".join(gone)}))
    if any(old.zones[z].matters != new.zones[z].matters for z in old.zones if z in new.zones):
        said.append(("ops.reload.matters", {}))
    if old.hours != new.hours:
        said.append(("ops.reload.hours", {}))
    if old.policy != new.policy:
        said.append(("ops.reload.policy", {}))
    return said
