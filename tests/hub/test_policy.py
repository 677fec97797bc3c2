"""The hub's policy as tables, without sockets: role × op, window binding, topics, lockout."""

from __future__ import annotations

import dataclasses

import pytest
from desk import Desk

from server.hub import policy
from shared import commands as c
from shared.errors import Refused
from shared.protocol import ALL_OPS, ANONYMOUS, PERMISSIONS, ROLES, parse_topic

DEVICE = {
    "kiosk": "kiosk-1",
    "caller": "caller-1",
    "display": "display-hall",
    "bridge": "bridge-1",
    "admin": "admin",
}


def outcome(fn, *args) -> str:
    """``ok`` (or what ``fn`` returned), else the refusal's code."""
    try:
        result = fn(*args)
    except Refused as refused:
        return refused.code
    return "ok" if result is None else result


@pytest.mark.parametrize("role", ROLES)
def test_every_cell_of_the_role_table(config, role):
    device = config.devices[DEVICE[role]] if role != ANONYMOUS else None
    refused = "unauthenticated" if device is None else "forbidden"
    for op in ALL_OPS:
        expected = "ok" if role in PERMISSIONS[op] else refused
        assert outcome(policy.may_send, device, op) == expected, op
    assert outcome(policy.may_send, device, "format_disk") == "unknown_op"


@pytest.mark.parametrize(
    "device, window, expected",
    [
        ("caller-1", 1, "ok"),
        ("caller-1", 2, "window_not_bound"),
        ("caller-1", 99, "window_not_bound"),
        ("bridge-1", 20, "ok"),
        ("bridge-1", 99, "window_not_bound"),
        ("admin", 7, "ok"),
        ("admin", 99, "unknown_window"),
        (None, 3, "ok"),  # the role table keeps anonymous connections from ``waiting``
    ],
)
def test_reading_a_window(config, device, window, expected):
    dev = config.devices[device] if device else None
    assert outcome(policy.may_read_window, config, dev, window) == expected


@pytest.mark.parametrize(
    "device, topic, known, public, expected",
    [
        (None, "hall", False, True, "hall"),
        (None, "hall", False, False, "unauthenticated"),
        (None, "ticket:ABCD", True, False, "ticket:ABCD"),
        (None, "ticket:ABCD", False, True, "unknown_code"),
        (None, "zone:shangshi", False, True, "unauthenticated"),
        (None, "window:3", False, True, "unauthenticated"),
        ("display-hall", "zone:shangshi", False, False, "zone:shangshi"),
        ("display-hall", "zone:nowhere", False, False, "bad_topic"),
        ("display-hall", "window:003", False, False, "window:3"),
        ("display-hall", "window:99", False, False, "bad_topic"),
        ("caller-1", "staff:s001", False, False, "staff:s001"),
        ("caller-1", "staff:nobody", False, False, "bad_topic"),
        ("kiosk-1", "ticket:ABCD", False, False, "unknown_code"),
    ],
)
def test_following_a_topic(config, device, topic, known, public, expected):
    hall = dataclasses.replace(config, public_board=public)
    dev = hall.devices[device] if device else None
    assert outcome(policy.may_follow, hall, dev, parse_topic(topic), known) == expected


@pytest.fixture
def hall(open_config):
    """Window 1 staffed by s001, window 2 empty; A001 waiting, issued by kiosk-1."""
    desk = Desk(open_config)
    desk.login(1, "s001")
    desk.issue()
    desk.ticket("A001").issued_by = "kiosk-1"  # as the hall stamps it from the device
    return desk


@pytest.mark.parametrize(
    "device, command, expected",
    [
        ("caller-1", c.CallNext(window=1), "s001"),
        ("caller-1", c.CallNext(window=2), "window_not_bound"),
        ("caller-2", c.CallNext(window=2), "window_logged_out"),
        ("caller-2", c.Login(window=2, staff="s002"), ""),
        ("caller-1", c.Evaluate(level=5, window=1), "s001"),
        ("caller-1", c.Cancel(ticket="A001"), "s001"),  # a ticket of its zone
        ("caller-5", c.Cancel(ticket="A001"), "window_not_bound"),  # another zone's
        ("caller-1", c.Evaluate(level=5, ticket="A001"), "window_not_bound"),  # never at one
        ("caller-1", c.RedeemCard(code="XB1"), "s001"),  # the staff member scans it
        ("bridge-1", c.Pause(window=99, reason="x"), "window_not_bound"),
        ("bridge-1", c.Start(window=1), "s001"),
        ("kiosk-1", c.Void(ticket="A001"), ""),  # its own
        ("kiosk-2", c.Void(ticket="A001"), "forbidden"),  # another kiosk's
        ("kiosk-2", c.Void(ticket="Z999"), "unknown_ticket"),
        ("admin", c.Void(ticket="A001"), ""),  # an administrator voids any
        ("admin", c.CallNext(window=1), "s001"),  # acting for whoever is there
    ],
)
def test_who_acts(hall, device, command, expected):
    dev = hall.config.devices[device]
    assert outcome(policy.actor, hall.config, hall.state, dev, command) == expected


LOCKOUT = [  # (seconds, what, keys, expected): 3 failures lock for 60 s
    (0, "failed", ("staff:a", "device:k"), 0),
    (1, "failed", ("staff:a", "device:k"), 0),
    (2, "locked", ("staff:a",), 0),
    (3, "failed", ("staff:a", "device:k"), 0),
    (3, "locked", ("staff:a",), 60),
    (33, "locked", ("staff:b", "device:k"), 30),  # the device is locked too
    (34, "locked", ("staff:b",), 0),  # another staff member elsewhere is not
    (63, "locked", ("staff:a", "device:k"), 0),  # the lock ran out, and the count with it
    (64, "failed", ("staff:a",), 0),
    (64, "locked", ("staff:a",), 0),
    (65, "succeeded", ("staff:a",), 0),
    (66, "failed", ("staff:a",), 0),
    (67, "failed", ("staff:a",), 0),
    (67, "locked", ("staff:a",), 0),  # a right PIN started the count again
]


def test_lockout_is_a_state_the_clock_drives():
    lock = policy.Lockout(failures=3, seconds=60)
    for at, what, keys, expected in LOCKOUT:
        if what == "locked":
            assert lock.locked(at, *keys) == expected, (at, keys)
        elif what == "failed":
            lock.failed(at, *keys)
        else:
            lock.succeeded(*keys)
    lock.failed(70, "staff:a")
    with pytest.raises(Refused) as info:
        lock.check(71, "staff:a")
    assert info.value.code == "locked_out" and info.value.params == {"minutes": 1}
