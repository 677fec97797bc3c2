"""The hub's policy, without sockets: who may do what, on which window, follow which topic,
and when a PIN is locked out.

Every function here is pure: it takes the device (or None for a connection that has not
authenticated), the hall's configuration and state, and returns an answer or raises
``Refused``. ``Hub`` is the pump that calls them for each request; ``tests/hub/test_policy.py``
holds them to tables. The role × op table itself is the protocol's (``shared.protocol``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from server.engine.rules import find_ticket
from server.engine.state import HallState
from shared import commands as c
from shared import protocol as p
from shared.errors import Refused
from shared.hallconfig import Device, HallConfig

WINDOW_BOUND = ("caller", "bridge")  # roles that act only on the windows they are bound to


def may_send(device: Device | None, op: str) -> None:
    """The role × op table: refuse an op the connection's role may not send."""
    if op not in p.PERMISSIONS:
        raise Refused("unknown_op", op=op)
    role = device.role if device is not None else p.ANONYMOUS
    if not p.allowed(role, op):
        raise Refused("unauthenticated" if device is None else "forbidden", op=op)


def bound(device: Device, window: int) -> None:
    if window not in device.windows:
        raise Refused("window_not_bound", window=window)


def may_read_window(config: HallConfig, device: Device | None, window: int) -> None:
    """A caller or bridge reads only its own windows; the window must exist."""
    if device is not None and device.role in WINDOW_BOUND:
        bound(device, window)
    if window not in config.windows:
        raise Refused("unknown_window", window=window)


def may_follow(config: HallConfig, device: Device | None, topic: p.Topic, known_code: bool) -> str:
    """The topic's name if the connection may follow it; ``known_code``: a ``ticket:`` topic's
    code is one of the hall's. Anonymous connections follow tickets, and the hall board when
    the hall is ``public_board``."""
    if device is None:
        if topic.kind == "hall" and not config.public_board:
            raise Refused("unauthenticated", op="subscribe")
        if topic.kind not in ("hall", "ticket"):
            raise Refused("unauthenticated", op="subscribe")
    known = {
        "hall": True,
        "zone": topic.key in config.zones,
        "window": topic.kind == "window" and int(topic.key) in config.windows,
        "staff": topic.key in config.staff,
        "ticket": known_code,
    }[topic.kind]
    if not known:
        if topic.kind == "ticket":
            raise Refused("unknown_code")
        raise Refused("bad_topic", topic=str(topic))
    return str(topic)


def actor(
    config: HallConfig,
    state: HallState,
    device: Device,
    command: c.Command,
) -> str:
    """Check ``device`` may act on what ``command`` names; the staff member acting, if any.

    A caller acts on its one window, a bridge on its windows; window actions other than
    login and evaluate need a staff member logged in there (the PIN is checked apart). A kiosk
    voids only a ticket it issued itself (the ticket's ``issued_by``).
    """
    window: int | None = getattr(command, "window", None)
    if device.role == "kiosk" and isinstance(command, c.Void):
        ticket = find_ticket(state, command.ticket)
        if ticket.issued_by != device.id:
            raise Refused("forbidden", op=command.op)
    if device.role not in WINDOW_BOUND:
        staffed = state.windows.get(window) if window is not None else None
        return (staffed.staff or "") if staffed else ""
    if isinstance(command, c.Cancel):
        ticket = find_ticket(state, command.ticket)
        mine = [
            n
            for n in device.windows
            if ticket.window == n or ticket.zone in config.windows[n].zones
        ]
        if not mine:
            raise Refused("window_not_bound", window=ticket.window or "-")
        window = ticket.window if ticket.window in mine else mine[0]
    elif isinstance(command, c.Evaluate) and window is None and command.ticket is not None:
        ticket = find_ticket(state, command.ticket)
        if ticket.window is None:
            raise Refused("window_not_bound", window="-")
        window = ticket.window
    elif isinstance(command, c.RedeemCard):
        return state.windows[device.windows[0]].staff or ""
    if window is None:
        raise Refused("bad_request", detail="window")
    bound(device, window)
    staffed = state.windows.get(window)
    if staffed is None:
        raise Refused("unknown_window", window=window)
    if isinstance(command, c.Login | c.Evaluate):
        return staffed.staff or ""
    if staffed.staff is None:
        raise Refused("window_logged_out", window=window)
    return staffed.staff


def pin_keys(staff: str, device: str, window: int, connection: int) -> tuple[str, ...]:
    """What a wrong PIN counts against: the staff member, the device at that window, the
    connection — guessing one staff member's PIN from many devices, or many staff members'
    from one, both run into a lock."""
    return (f"staff:{staff}", f"device:{device}:{window}", f"conn:{connection}")


@dataclass
class Lockout:
    """Wrong PINs per key, as a state the clock drives: every call says what time it is.

    ``failures`` wrong PINs in a row lock a key for ``seconds``; a right PIN clears the keys.
    """

    failures: int
    seconds: float
    _count: dict[str, int] = field(default_factory=dict)
    _until: dict[str, float] = field(default_factory=dict)

    def locked(self, now: float, *keys: str) -> float:
        """Seconds left on the longest lock among ``keys`` (0 when none is locked)."""
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

    def check(self, now: float, *keys: str) -> None:
        """Refuse with ``locked_out`` while any of ``keys`` is locked."""
        left = self.locked(now, *keys)
        if left:
            raise Refused("locked_out", minutes=math.ceil(left / 60))

    def failed(self, now: float, *keys: str) -> None:
        for key in keys:
            self._count[key] = self._count.get(key, 0) + 1
            if self._count[key] >= self.failures:
                self._until[key] = now + self.seconds

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._count.pop(key, None)
            self._until.pop(key, None)

    def unlock(self, staff: str) -> None:
        """An administrator's unlock: the staff id's key and the device and connection keys
        that wrong PINs counted beside it (staff keys of others stay)."""
        mine = pin_keys(staff, "", 0, 0)[0]
        for key in {*self._count, *self._until}:
            if key == mine or not key.startswith("staff:"):
                self.succeeded(key)
