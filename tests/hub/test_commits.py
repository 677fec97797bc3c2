"""Group commit with the fsync on its own thread: requests that arrive meanwhile make the next
batch, and nobody is shown state that is not on disk yet."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
import time
from contextlib import closing

from shared import protocol as p


async def _hold_commits(hub, monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Make the next COMMIT wait on the fsync thread until ``release`` is set."""
    store = hub.hall.store
    real = store.sync
    entered, release = threading.Event(), threading.Event()

    def held() -> None:
        entered.set()
        release.wait(10)
        real()

    monkeypatch.setattr(store, "sync", held)
    return entered, release


async def test_reads_wait_for_the_batch_in_flight(hub, clients, monkeypatch):
    board = await clients.device(hub.url, "display-hall", topics=(p.HALL,))
    kiosk = await clients.device(hub.url, "kiosk-1")
    seq = hub.hub.fanout.seq
    entered, release = await _hold_commits(hub, monkeypatch)
    issuing = asyncio.create_task(kiosk.request("issue", zone="shangshi"))
    await asyncio.to_thread(entered.wait, 5)
    assert hub.hub.committer.busy and len(hub.hall.state.tickets) == 1  # ahead of the file
    snapshot = asyncio.create_task(board.request("snapshot"))
    ping = await board.ping()  # reads that show no state are not held up
    assert ping["seq"] == seq
    await asyncio.sleep(0.1)
    assert not snapshot.done() and not issuing.done()
    release.set()
    ticket = (await issuing)["ticket"]
    taken = await snapshot
    # the snapshot is of the committed state, and says so: its seq includes the ticket
    assert taken["seq"] > seq and taken["seq"] == hub.hub.fanout.seq
    zones = {z["id"]: z["waiting"] for z in taken["topics"][p.HALL]["zones"]}
    assert ticket["label"] == "A001" and zones["shangshi"] == 1


async def test_requests_during_a_commit_make_the_next_batch(hub, clients, monkeypatch):
    first_kiosk = await clients.device(hub.url, "kiosk-1")
    # each connection has one request in flight at a time, so eight connections
    others = [await clients.device(hub.url, d) for d in ("kiosk-2", "admin") * 4]
    entered, release = await _hold_commits(hub, monkeypatch)
    first = asyncio.create_task(first_kiosk.request("issue", zone="shangshi"))
    await asyncio.to_thread(entered.wait, 5)
    rest = [asyncio.create_task(k.request("issue", zone="gongan")) for k in others]
    await asyncio.sleep(0.2)  # all eight are read and queued while the fsync is held
    assert not any(r.done() for r in rest)
    release.set()
    assert (await first)["ticket"]["label"] == "A001"
    labels = [(await r)["ticket"]["label"] for r in rest]
    assert len(set(labels)) == 8
    assert hub.hub.committer.batches == 2  # the held batch, then the eight together


async def test_closing_the_hub_answers_the_batch_in_flight(hall_files, tmp_path, clients):
    from server.hub import start_hub

    running = await start_hub(hall_files.config, tmp_path / "c.db", synchronous="FULL")
    kiosk = await clients.device(running.url, "kiosk-1")
    issued = [asyncio.create_task(kiosk.request("issue", zone="shangshi")) for _ in range(5)]
    await asyncio.sleep(0)
    try:
        await running.close()
    finally:
        results = await asyncio.gather(*issued, return_exceptions=True)
        await clients.close()
    kept = {r["ticket"]["id"] for r in results if isinstance(r, dict)}
    from server.hall import Hall

    again = Hall(hall_files.config, tmp_path / "c.db")
    try:
        assert kept <= set(again.state.tickets)  # every ticket a kiosk was told of is on disk
    finally:
        again.close()


async def test_healthz_reports_the_hubs_latency_for_changes(hub, clients):
    import json
    import urllib.request

    kiosk = await clients.device(hub.url, "kiosk-1")
    caller = await clients.device(hub.url, "caller-1")
    await caller.request("login", window=1, staff="s001", pin="123456")
    for n in range(5):
        await kiosk.request("issue", zone="shangshi", request_id=f"h{n}")
    await kiosk.ping()  # reads are not counted, nor the login,
    await kiosk.request_reply("issue", zone="shangshi", request_id="h0")  # nor a resend,
    await kiosk.request_reply("issue", zone="nowhere")  # nor a refusal

    def get() -> dict:
        with urllib.request.urlopen(hub.http_url + "/healthz", timeout=5) as response:
            return json.loads(response.read())

    health = await asyncio.to_thread(get)
    latency = health["latency_ms"]
    assert latency["n"] == 5
    assert 0 < latency["p50"] <= latency["p99"] <= latency["max"] < 5000
    commits = health["commit_ms"]  # the disk's part: the login and the five tickets were written
    assert commits["n"] == 6
    assert 0 < commits["p50"] <= commits["p99"] <= commits["max"] < 5000


async def test_the_wal_is_checkpointed_beside_the_commits_not_inside_them(
    hub, clients, monkeypatch, tmp_path
):
    from server.hub import commits

    store = hub.hall.store
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    monkeypatch.setattr(commits, "CHECKPOINT_EVERY", 5)
    real, runs = store.checkpoint, []

    def spy() -> tuple[int, int]:
        runs.append((threading.current_thread().name, real()))
        return runs[-1][1]

    monkeypatch.setattr(store, "checkpoint", spy)
    kiosk = await clients.device(hub.url, "kiosk-1")
    committer = hub.hub.committer
    for n in range(1, 13):  # one at a time: twelve commits
        await kiosk.request("issue", zone="shangshi")
        if n % 5 == 0:  # a checkpoint began beside the fifth commit: let it end, on a busy
            while committer._checkpoint is not None:  # machine too, before the next five
                await asyncio.sleep(0.01)
    await committer.close()  # waits for a checkpoint still running
    assert len(runs) == 2
    for thread, (frames, copied) in runs:
        assert thread.startswith("onetrip-checkpoint")
        assert frames > 0 and copied == frames  # nobody was reading: all of the WAL went in
    # the database file by itself, without its WAL, holds the tickets of the first ten commits
    alone = tmp_path / "alone.db"
    shutil.copy(store.path, alone)
    with closing(sqlite3.connect(alone)) as db:
        assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] >= 10


async def test_the_phone_page_waits_for_the_batch_in_flight(hub, clients, monkeypatch):
    import json
    import urllib.request

    kiosk = await clients.device(hub.url, "kiosk-1")
    code = (await kiosk.request("issue", zone="shangshi"))["ticket"]["code"]
    entered, release = await _hold_commits(hub, monkeypatch)
    voiding = asyncio.create_task(kiosk.request("void", ticket="A001"))
    await asyncio.to_thread(entered.wait, 5)

    def get() -> dict:
        with urllib.request.urlopen(f"{hub.http_url}/t/{code}.json", timeout=5) as response:
            return json.loads(response.read())

    page = asyncio.create_task(asyncio.to_thread(get))
    await asyncio.sleep(0.2)
    assert not page.done()  # the void is decided in memory but not on disk yet
    release.set()
    await voiding
    assert (await page)["ticket"]["status"] == "voided"


async def test_a_wal_grown_past_its_limit_is_checkpointed_between_batches(
    hall_files, tmp_path, clients, monkeypatch
):
    """Commits that land during a checkpoint keep the WAL from starting over; at a long peak
    it would grow for ever. Past the limit, the next checkpoint holds the commits back."""
    from server.hub import HubLimits, commits, start_hub

    monkeypatch.setattr(commits, "CHECKPOINT_EVERY", 3)
    monkeypatch.setattr(commits, "WAL_FRAMES_LIMIT", 0)  # every WAL is past it
    limits = HubLimits().with_rate("kiosk", 100_000, 100_000)
    running = await start_hub(hall_files.config, tmp_path / "w.db", limits=limits)
    store = running.hall.store
    real, runs = store.checkpoint, []

    def slow() -> tuple[int, int]:
        before = store.last_seq
        time.sleep(0.01)  # commits have time to land, if they are let through
        result = real()
        runs.append((before, store.last_seq, result))
        return result

    monkeypatch.setattr(store, "checkpoint", slow)
    kiosks = [await clients.device(running.url, k) for k in ("kiosk-1", "kiosk-2") * 2]

    async def issue(kiosk) -> None:
        for _ in range(40):
            await kiosk.request("issue", zone="gongan")

    try:
        await asyncio.gather(*(issue(k) for k in kiosks))
    finally:
        await clients.close()
        await running.close()
    assert len(runs) >= 3
    for before, after, (frames, copied) in runs[1:]:  # the first ran beside the commits
        assert before == after  # nothing was committed while it copied
        assert copied == frames  # so all of it went in, and the WAL starts over


async def test_a_resend_of_a_request_on_its_way_to_disk_gets_its_reply(
    hub, clients, monkeypatch, login
):
    """The first copy of a logout is being committed when its resend arrives (on the
    device's new connection): the resend waits for it and gets its reply, instead of being
    checked against a window the first copy has already logged out."""
    first = await clients.device(hub.url, "caller-5")
    second = await clients.device(hub.url, "caller-5")
    await login(first, 5, "s003")
    entered, release = await _hold_commits(hub, monkeypatch)
    original = asyncio.create_task(first.request_reply("logout", request_id="L1", window=5))
    await asyncio.to_thread(entered.wait, 5)
    resend = asyncio.create_task(second.request_reply("logout", request_id="L1", window=5))
    await asyncio.sleep(0.1)
    assert not resend.done()
    release.set()
    one, two = await original, await resend
    assert one["ok"] and two["ok"] and two["repeated"] and two["result"] == one["result"]


async def test_a_batchs_replies_are_written_before_the_next_batch_is_decided(
    hub, clients, monkeypatch
):
    """The clients answered hear their replies first; the requests read meanwhile wait the one
    turn of the loop that takes."""
    first_kiosk = await clients.device(hub.url, "kiosk-1")
    others = [await clients.device(hub.url, d) for d in ("kiosk-2", "admin") * 2]
    order: list[str] = []
    prepare, write = hub.hall.prepare, hub.hub.fanout.write

    def prepared(items):
        order.append(f"decide {len(items)}")
        return prepare(items)

    def written(session, frame):
        if '"ticket"' in frame:
            order.append("reply")
        write(session, frame)

    monkeypatch.setattr(hub.hall, "prepare", prepared)
    monkeypatch.setattr(hub.hub.fanout, "write", written)
    entered, release = await _hold_commits(hub, monkeypatch)
    first = asyncio.create_task(first_kiosk.request("issue", zone="shangshi"))
    await asyncio.to_thread(entered.wait, 5)
    rest = [asyncio.create_task(k.request("issue", zone="gongan")) for k in others]
    await asyncio.sleep(0.2)  # the four are read and queued while the fsync is held
    release.set()
    await first
    await asyncio.gather(*rest)
    assert order == ["decide 1", "reply", "decide 4", "reply", "reply", "reply", "reply"]
