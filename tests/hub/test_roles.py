"""The role × op table, every cell, through a real server process.

Each op is sent bare (no fields): a role the table allows gets past the check (and is then
refused for its missing fields, or answered), a role it does not allow gets ``forbidden`` —
or ``unauthenticated`` without credentials. Nothing is changed either way.
"""

from __future__ import annotations

import asyncio

import pytest

from shared.client import HubError
from shared.protocol import ALL_OPS, ANONYMOUS, PERMISSIONS, ROLES

DEVICE = {
    "kiosk": "kiosk-2",
    "caller": "caller-20",
    "display": "display-2f",
    "bridge": "bridge-1",
    "admin": "admin",
    ANONYMOUS: None,
}


@pytest.mark.parametrize("op", ALL_OPS)
@pytest.mark.parametrize("role", ROLES)
async def test_role_op_cell(server, clients, ask, role, op):
    ws = await clients.raw(server.url, DEVICE[role])
    reply = await ask(ws, op, rid=f"{role}-{op}")
    code = None if reply["ok"] else reply["error"]["code"]
    if role in PERMISSIONS[op]:
        assert code not in ("forbidden", "unauthenticated", "internal"), reply
    else:
        assert code == ("unauthenticated" if role == ANONYMOUS else "forbidden"), reply
        assert reply["error"]["message"] and reply["error"]["message_en"]


def test_the_table_is_what_the_issue_asks():
    def ops(role: str) -> set[str]:
        return {op for op, roles in PERMISSIONS.items() if role in roles}

    read = {"auth", "hello", "ping", "subscribe", "unsubscribe", "snapshot", "ticket_status"}
    assert ops(ANONYMOUS) == read
    assert ops("display") == read
    assert ops("kiosk") == read | {"issue", "void", "redeem_card", "requeue", "device_status"}
    # everything but what a device says of itself (a kiosk's printer)
    assert ops("admin") == set(ALL_OPS) - {"device_status"}
    assert "issue" not in ops("caller") and "call_next" in ops("bridge")
    assert "evaluate" in ops("bridge") and "evaluate" not in ops("kiosk")


async def test_a_caller_acts_only_on_its_window(server, clients, ask, login):
    caller = await clients.device(server.url, "caller-18")
    with pytest.raises(HubError) as info:
        await caller.request("call_next", window=17)
    assert info.value.code == "window_not_bound"
    with pytest.raises(HubError) as info:
        await login(caller, 17, "s011")
    assert info.value.code == "window_not_bound"
    # a window op needs a staff member logged in at the window
    with pytest.raises(HubError) as info:
        await caller.request("call_next", window=18)
    assert info.value.code == "window_logged_out"
    bridge = await clients.device(server.url, "bridge-1")
    assert (await bridge.request("waiting", window=18))["window"] == 18  # bound: answers
    with pytest.raises(HubError) as info:
        await bridge.request("pause", window=99, reason="x")
    assert info.value.code == "window_not_bound"


async def test_a_kiosk_voids_only_the_tickets_it_issued(hub, clients):
    mine = await clients.device(hub.url, "kiosk-1")
    other = await clients.device(hub.url, "kiosk-2")
    await mine.request("issue", zone="gongan")
    with pytest.raises(HubError) as info:
        await other.request("void", ticket="C001")
    assert info.value.code == "forbidden"
    (ticket,) = hub.hall.state.tickets.values()
    assert ticket.status.value == "waiting"  # untouched
    assert (await mine.request("void", ticket="C001", reason="缺纸"))["ticket"]["label"] == "C001"
    admin = await clients.device(hub.url, "admin")  # an administrator voids any
    await other.request("issue", zone="gongan")
    assert (await admin.request("void", ticket="C002"))["ticket"]["status"] == "voided"


async def test_a_kiosk_still_voids_its_own_ticket_after_a_restart(hall_files, tmp_path, clients):
    from server.hub import start_hub

    db = tmp_path / "v.db"
    running = await start_hub(hall_files.config, db, synchronous="NORMAL")
    kiosk = await clients.device(running.url, "kiosk-1", backoff=(0.05, 0.2))
    await kiosk.request("issue", zone="gongan")
    await kiosk.request("issue", zone="gongan")
    await running.close()
    running = await start_hub(hall_files.config, db, port=running.port, synchronous="NORMAL")
    try:
        await kiosk.wait_connected(10)
        other = await clients.device(running.url, "kiosk-2")
        with pytest.raises(HubError) as info:
            await other.request("void", ticket="C002")
        assert info.value.code == "forbidden"
        assert (await kiosk.request("void", ticket="C002"))["ticket"]["status"] == "voided"
    finally:
        await clients.close()
        await running.close()


async def test_the_admins_hear_a_device_come_and_go_with_what_it_last_said(hub, clients):
    """The monitor's offline alarm is live: an admin is pushed ``device`` when a device's
    first connection opens and its last one closes, with its last printer state (stale once
    it is gone, which the monitor then shows as the one alarm: offline)."""
    told: list[dict] = []
    admin = await clients.device(
        hub.url, "admin", on_event=lambda e: told.append(e) if e.get("event") == "device" else None
    )

    async def said(n: int) -> list[tuple]:
        for _ in range(100):
            if len([e for e in told if e["status"]["device"] == "kiosk-1"]) >= n:
                break
            await asyncio.sleep(0.02)
        return [
            (e["status"]["device"], e["status"]["online"], e["status"].get("printer"))
            for e in told
            if e["status"]["device"] == "kiosk-1"  # (the admin heard itself come, too)
        ]

    kiosk = await clients.device(hub.url, "kiosk-1")
    assert await said(1) == [("kiosk-1", True, None)]
    await kiosk.request("device_status", printer="paper_out")
    second = await clients.device(hub.url, "kiosk-1")  # the same kiosk again: nothing to tell
    await second.close()
    await kiosk.close()
    assert await said(3) == [
        ("kiosk-1", True, None),
        ("kiosk-1", True, "paper_out"),
        ("kiosk-1", False, "paper_out"),
    ]
    assert (await admin.ping())["seq"] >= 0  # and the admin is still connected
