"""End to end through a real ``onetrip server`` process: issue, call, fan-out, retries, restart."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from shared.client import HubClient, HubError


async def test_every_subscribed_display_sees_the_call(fresh_server, clients, login):
    url = fresh_server.url
    displays = [
        await clients.device(url, d, topics=("hall",)) for d in ("display-hall", "display-2f")
    ]
    board = await clients.device(url, None, topics=("hall",))  # a browser TV, public board
    strip = await clients.device(url, "bridge-1", topics=("window:2",))  # window 2's LED strip
    zone = await clients.device(url, "display-2f", topics=("zone:shangshi",))
    kiosk = await clients.device(url, "kiosk-1")
    caller = await clients.device(url, "caller-2", topics=("window:2",))

    ticket = (await kiosk.request("issue", zone="shangshi"))["ticket"]
    assert ticket["ahead"] == 0 and ticket["label"] == "A001"
    issued = await zone.next_event("issued")
    assert issued["ticket"]["label"] == "A001"

    await login(caller, 2, "s002")
    called = await caller.request("call_next", window=2)
    assert called["ticket"]["label"] == "A001"
    for client in [*displays, board, strip, zone, caller]:
        event = await client.next_event("called", timeout=3)
        call = event["call"]
        assert (call["ticket"], call["window"], call["staff"], call["zone"], call["kind"]) == (
            "A001",
            2,
            "s002",
            "shangshi",
            "normal",
        )
        assert call["announce"] == {
            "zh_CN": "请A001号到2号窗口办理",
            "en": "Number A001, please go to window 2",
        }
    window = await displays[0].next_event(
        "window", where=lambda e: e["window"]["number"] == 2 and e["window"]["status"] == "calling"
    )
    assert window["window"]["ticket"] == "A001"
    # queue counts are coalesced: the board sees where the queue settles
    await kiosk.request("issue", zone="shangshi")
    await kiosk.request("issue", zone="gongan")
    counts = await displays[0].next_event(
        "counts", where=lambda e: e["zones"]["shangshi"] == 1 and e["zones"]["gongan"] == 1
    )
    assert counts["zones"]["budongchan"] == 0

    await caller.request("recall", window=2)
    recalled = await displays[1].next_event("recalled")
    assert recalled["call"]["recall"] == 1
    snapshot = (await displays[0].resync())["topics"]["hall"]
    assert snapshot["recent"][0]["ticket"] == "A001"
    assert next(w for w in snapshot["windows"] if w["number"] == 2)["status"] == "calling"


async def test_two_callers_at_once_get_different_tickets(fresh_server, clients, login):
    url = fresh_server.url
    kiosk = await clients.device(url, "kiosk-1")
    for _ in range(10):
        await kiosk.request("issue", zone="shangshi")
    callers = [await clients.device(url, f"caller-{n}") for n in (1, 2, 3, 4)]
    for n, caller in zip((1, 2, 3, 4), callers, strict=True):
        await login(caller, n, f"s00{n}")
    seen: list[str] = []
    for _ in range(2):
        replies = await asyncio.gather(
            *(c.request("call_next", window=n) for n, c in zip((1, 2, 3, 4), callers, strict=True))
        )
        labels = [r["ticket"]["label"] for r in replies]
        assert len(set(labels)) == 4
        seen += labels
        await asyncio.gather(
            *(c.request("finish", window=n) for n, c in zip((1, 2, 3, 4), callers, strict=True))
        )
    assert len(set(seen)) == 8


async def test_a_retried_request_changes_nothing(fresh_server, clients, ask, login):
    url = fresh_server.url
    kiosk = await clients.device(url, "kiosk-1")
    first = await kiosk.request_reply("issue", request_id="kiosk-1-0001", zone="gongan")
    again = await kiosk.request_reply("issue", request_id="kiosk-1-0001", zone="gongan")
    assert first["ok"] and again["ok"] and again.get("repeated") is True
    assert again["result"]["ticket"]["label"] == first["result"]["ticket"]["label"] == "C001"
    # the same id for another op is refused, not run
    with pytest.raises(HubError) as info:
        await kiosk.request("requeue", request_id="kiosk-1-0001", ticket="C001")
    assert info.value.code == "conflict"
    # the same id on a new connection (a reconnect) still gets the first reply
    raw = await clients.raw(url, "kiosk-1")
    reply = await ask(raw, "issue", rid="kiosk-1-0001", zone="gongan")
    assert reply["repeated"] is True and reply["result"]["ticket"]["label"] == "C001"
    caller = await clients.device(url, "caller-11")
    await login(caller, 11, "s005")
    one = await caller.request_reply("call_next", request_id="c11-1", window=11)
    two = await caller.request_reply("call_next", request_id="c11-1", window=11)
    assert one["result"] == two["result"] and two["repeated"]
    # a second ticket is issued by a new id, and only then can the next call find it
    assert (await kiosk.request("issue", zone="gongan"))["ticket"]["label"] == "C002"
    status = await kiosk.request("ticket_status", ticket="C002")
    assert status["ticket"]["ahead"] == 0 and status["ticket"]["status"] == "waiting"
    # a retry is answered as the first time even where today's state would refuse it now
    finished = await caller.request_reply("finish", window=11, request_id="c11-2")
    out = await caller.request_reply("logout", request_id="c11-3", window=11)
    for rid, op, first in (("c11-3", "logout", out), ("c11-2", "finish", finished)):
        retried = await caller.request_reply(op, request_id=rid, window=11)
        assert retried["ok"] and retried["repeated"] and retried["result"] == first["result"]


async def test_server_restart_clients_reconnect_and_resync(fresh_server, clients, login):
    url = fresh_server.url
    display = await clients.device(url, "display-hall", topics=("hall",))
    kiosk = await clients.device(url, "kiosk-2")
    caller = await clients.device(url, "caller-5", topics=("window:5",))
    for _ in range(3):
        await kiosk.request("issue", zone="budongchan")
    await login(caller, 5, "s003")
    await caller.request("call_next", window=5)
    await display.next_event("called")
    connects = display.connects

    fresh_server.kill()  # SIGKILL: nothing is flushed on the way out
    await asyncio.sleep(0.1)
    fresh_server.start()  # same db, same port
    assert fresh_server.url == url

    for client in (display, kiosk, caller):
        deadline = asyncio.get_running_loop().time() + 10
        while client.connects == connects and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        await client.wait_connected(10)
    assert display.connects > connects
    board = display.snapshot["hall"]
    assert board["recent"][0]["ticket"] == "B001"
    assert next(z for z in board["zones"] if z["id"] == "budongchan")["waiting"] == 2
    assert caller.snapshot["window:5"]["window"]["staff"] == "s003"  # still logged in
    # nothing lost, nothing doubled: the next call takes B002 and the display sees it
    await caller.request("finish", window=5)
    assert (await caller.request("call_next", window=5))["ticket"]["label"] == "B002"
    event = await display.next_event("called", where=lambda e: e["call"]["ticket"] == "B002")
    assert event["call"]["window"] == 5
    with sqlite3.connect(fresh_server.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 3


async def test_a_bridge_follows_all_its_windows_across_a_restart(fresh_server, clients):
    """A bridge with a keypad at each of 20 windows, their staff and the zones: 38 topics in
    one subscribe, on connect and again on every reconnect."""
    staff = list(fresh_server.files.config.staff)[:12]
    zones = list(fresh_server.files.config.zones)
    topics = ("hall", *(f"window:{n}" for n in range(1, 21)), *(f"zone:{z}" for z in zones))
    topics += tuple(f"staff:{s}" for s in staff)
    assert len(topics) > 30
    bridge = await clients.device(fresh_server.url, "bridge-1", topics=topics)
    assert set(bridge.snapshot) == set(topics)
    connects = bridge.connects
    fresh_server.kill()
    fresh_server.start()
    deadline = asyncio.get_running_loop().time() + 10
    while bridge.connects == connects and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    await bridge.wait_connected(10)
    assert bridge.connects == connects + 1
    kiosk = await clients.device(fresh_server.url, "kiosk-1")
    await kiosk.request("issue", zone=zones[0])
    event = await bridge.next_event("issued")
    assert event["ticket"]["zone"] == zones[0]
    # more than a connection may hold is refused where the client is made
    with pytest.raises(ValueError):
        HubClient(fresh_server.url, topics=[f"window:{n}" for n in range(1, 66)])


async def test_a_request_sent_while_the_server_is_down_is_done_once(fresh_server, clients):
    url = fresh_server.url
    kiosk = await clients.device(url, "kiosk-1", request_timeout=15)
    fresh_server.kill()
    pending = asyncio.create_task(kiosk.request("issue", zone="shehui"))
    await asyncio.sleep(0.3)
    fresh_server.start()
    result = await pending
    assert result["ticket"]["label"] == "D001"
    assert (await kiosk.request("issue", zone="shehui"))["ticket"]["label"] == "D002"


async def test_requests_arriving_together_share_one_commit(hub, clients):
    kiosks = [await clients.device(hub.url, k) for k in ("kiosk-1", "kiosk-2")]
    await kiosks[0].request("issue", zone="shehui")  # opens the day
    before = hub.hub.committer.batches
    replies = await asyncio.gather(
        *(kiosks[n % 2].request("issue", zone="shehui") for n in range(40))
    )
    labels = {r["ticket"]["label"] for r in replies}
    assert len(labels) == 40 and "D041" in labels
    assert hub.hub.committer.batches - before < 40  # grouped, not one fsync each


async def test_a_call_reaches_a_board_as_one_frame_with_a_prev_chain(hub, clients, ask, login):
    kiosk = await clients.device(hub.url, "kiosk-1")
    caller = await clients.device(hub.url, "caller-2")
    await kiosk.request("issue", zone="shangshi")
    await login(caller, 2, "s002")
    board = await clients.raw(hub.url, "display-hall")
    synced = await ask(board, "subscribe", rid="s", topics=["hall"])
    last = synced["result"]["seq"]
    await caller.request("call_next", window=2)
    while True:  # a coalesced counts frame of the earlier issue may come first
        frame = json.loads(await asyncio.wait_for(board.recv(), 5))
        assert set(frame) == {"events"}
        for event in frame["events"]:
            assert event["prev"] == last  # each follows the one before, the first the snapshot
            last = event["seq"]
        if frame["events"][0]["event"] != "counts":
            break
    kinds = [e["event"] for e in frame["events"]]
    assert kinds == ["called", "window"]  # both pushes of the commit, in order, one frame
    assert frame["events"][0]["call"]["ticket"] == "A001"
    assert frame["events"][1]["window"]["status"] == "calling"


async def test_a_staff_members_followups_follow_every_change(hub, clients, login):
    """``staff:<id>`` gets the list of what waits for that staff member whenever it changes:
    a transfer to them, the transferred ticket called (by them or anyone), a cancel."""
    watcher = await clients.device(hub.url, "admin", topics=("staff:s005",))
    assert watcher.snapshot["staff:s005"]["followups"] == []
    kiosk = await clients.device(hub.url, "kiosk-1")
    here = await clients.device(hub.url, "caller-5")
    there = await clients.device(hub.url, "caller-11")
    await login(here, 5, "s003")
    for _ in range(2):
        await kiosk.request("issue", zone="budongchan")

    async def followups() -> list[str]:
        event = await watcher.next_event("followup")
        assert event["staff"] == "s005"
        return [t["label"] for t in event["followups"]]

    for label in ("B001", "B002"):
        assert (await here.request("call_next", window=5))["ticket"]["label"] == label
        await here.request("transfer", window=5, to_staff="s005", note="续办")
        waiting = await followups()
        assert waiting[-1] == label
    assert waiting == ["B001", "B002"]
    await login(there, 11, "s005")
    assert (await there.request("call_next", window=11))["ticket"]["label"] == "B001"
    assert await followups() == ["B002"]  # called: no longer waiting for s005
    await watcher.request("cancel", ticket="B002", reason="群众离开")
    assert await followups() == []


async def test_a_followup_from_yesterday_leaves_the_list_when_cancelled(
    hall_files, tmp_path, clients, login
):
    """Served across midnight, transferred the next day, then cancelled: the cancel takes
    yesterday's ticket out of memory, and out of the staff member's list too."""
    from server.hub import start_hub

    now = [1796050000.0]  # a weekday, in the daytime
    running = await start_hub(
        hall_files.config, tmp_path / "m.db", clock=lambda: now[0], synchronous="NORMAL"
    )
    try:
        watcher = await clients.device(running.url, "admin", topics=("staff:s005",))
        kiosk = await clients.device(running.url, "kiosk-1")
        here = await clients.device(running.url, "caller-5")
        await login(here, 5, "s003")
        await kiosk.request("issue", zone="budongchan")
        await here.request("call_next", window=5)
        await here.request("start", window=5)
        now[0] += 86400  # the next day; the citizen is still at the window
        await kiosk.request("issue", zone="budongchan")  # opens the day
        await here.request("transfer", window=5, to_staff="s005", note="续办")
        event = await watcher.next_event("followup")
        (yesterdays,) = event["followups"]
        await watcher.request("cancel", ticket=yesterdays["id"], reason="群众离开")
        assert (await watcher.next_event("followup"))["followups"] == []
    finally:
        await clients.close()
        await running.close()
