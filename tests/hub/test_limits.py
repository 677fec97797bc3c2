"""Limits, in-process (where the test must reach inside): request rates, topics, and a slow
consumer dropped without delaying anyone else."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket

from server.hub import HubLimits, Rate, start_hub


async def test_rate_limit_per_kiosk_and_per_anonymous_connection(hall_files, tmp_path, clients):
    limits = HubLimits().with_rate("kiosk", 0.5, 10).with_rate("anonymous", 2, 4)
    running = await start_hub(
        hall_files.config, tmp_path / "r.db", limits=limits, synchronous="NORMAL"
    )
    try:
        for device, burst in (("kiosk-1", 10), (None, 4)):
            ws = await clients.raw(running.url, device)
            for n in range(30):  # pipelined, faster than any person
                await ws.send(json.dumps({"op": "ping", "id": n}))
            replies = [json.loads(await ws.recv()) for _ in range(30)]
            limited = [r for r in replies if not r["ok"]]
            assert all(r["error"]["code"] == "rate_limited" for r in limited)
            assert burst <= 30 - len(limited) <= burst + 2
        # a second connection of the same kiosk shares its allowance, spent by now
        again = await clients.raw(running.url, "kiosk-1")
        await again.send(json.dumps({"op": "ping", "id": "again"}))
        assert json.loads(await again.recv())["error"]["code"] == "rate_limited"
        # another kiosk has its own allowance
        other = await clients.device(running.url, "kiosk-2")
        assert (await other.ping())["seq"] == running.hub.fanout.seq  # answered, not limited
    finally:
        await clients.close()
        await running.close()


async def test_too_many_topics(hall_files, tmp_path, clients):
    running = await start_hub(
        hall_files.config, tmp_path / "t.db", limits=HubLimits(max_topics=3), synchronous="NORMAL"
    )
    try:
        display = await clients.device(running.url, "display-hall", topics=("hall", "zone:gongan"))
        try:
            await display.subscribe("window:1", "window:2")
        except Exception as e:
            assert e.code == "too_many_topics"
        else:
            raise AssertionError("subscribed past the limit")
    finally:
        await clients.close()
        await running.close()


def _stalled_socket(port: int) -> socket.socket:
    """A websocket client that subscribes to the hall board and then never reads."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head
    sock.sendall(_client_frame({"op": "subscribe", "id": "s", "topics": ["hall"]}))
    return sock


def _client_frame(message: dict[str, object]) -> bytes:
    """A masked text frame, as a client must send (payloads under 126 bytes)."""
    payload = json.dumps(message).encode()
    assert len(payload) < 126
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x81, 0x80 | len(payload)]) + mask + masked


async def test_a_client_that_never_reads_its_replies_is_dropped(hall_files, tmp_path, clients):
    """Replies are written without waiting, like pushes, so they are bounded the same way."""
    limits = (
        HubLimits(max_buffer=64 * 1024)
        .with_rate("anonymous", 100_000, 100_000)
        .with_rate("display", 100_000, 100_000)  # the healthy one pings every round
    )
    running = await start_hub(
        hall_files.config, tmp_path / "r.db", limits=limits, synchronous="NORMAL"
    )
    stalled = await asyncio.to_thread(_stalled_socket, running.port)
    try:
        healthy = await clients.device(running.url, "display-hall", topics=("hall",))
        stalled.setblocking(False)
        hello = _client_frame({"op": "hello", "id": "h"})  # a reply of ~300 bytes each
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while running.hub.fanout.dropped == 0 and loop.time() < deadline:
            try:
                await loop.sock_sendall(stalled, hello * 200)
            except OSError:
                break  # the hub cut it off while we were still sending
            assert (await healthy.ping())["seq"] == running.hub.fanout.seq  # others are answered
        assert running.hub.fanout.dropped == 1
        assert (await healthy.ping())["seq"] == running.hub.fanout.seq and healthy.connected
    finally:
        stalled.close()
        await clients.close()
        await running.close()


async def test_a_slow_consumer_is_dropped_without_delaying_others(hall_files, tmp_path, clients):
    limits = HubLimits(
        max_buffer=128 * 1024, rates={**HubLimits().rates, "admin": Rate(10_000, 10_000)}
    )
    running = await start_hub(
        hall_files.config, tmp_path / "s.db", limits=limits, synchronous="NORMAL"
    )
    stalled = await asyncio.to_thread(_stalled_socket, running.port)
    try:
        healthy = await clients.device(running.url, "display-hall", topics=("hall",))
        await asyncio.sleep(0.1)  # the stalled one's subscription is in
        assert len(running.hub.fanout.by_topic["hall"]) == 2
        text = "大厅公告" * 120  # ~1.5 KB a push
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        sent = 0
        worst = 0.0
        while running.hub.fanout.dropped == 0 and loop.time() < deadline:
            started = loop.time()
            for _ in range(20):
                running.hub.post_notice(text, minutes=0)
                sent += 1
            got = await healthy.next_event("notice", timeout=5)
            while healthy.events.qsize():
                got = healthy.events.get_nowait()
            worst = max(worst, loop.time() - started)
        assert running.hub.fanout.dropped == 1, f"not dropped after {sent} pushes"
        assert len(running.hub.fanout.by_topic["hall"]) == 1
        assert worst < 1.0  # the healthy display kept up all along
        seq = running.hub.fanout.seq
        running.hub.post_notice("最后一条", minutes=0)
        got = await healthy.next_event("notice", where=lambda e: e["notice"]["text"] == "最后一条")
        # A notice is no hall event: it carries the hall's seq as it stands (nothing is committed
        # here), and it follows the previous push to this display, a notice at that same seq.
        assert got["seq"] == got["prev"] == seq
        assert healthy.connected and healthy.resyncs == 0
    finally:
        stalled.close()
        await clients.close()
        await running.close()


async def test_stopping_does_not_wait_for_silent_peers_one_by_one(hall_files, tmp_path):
    """Peers that never answer the closing handshake get two seconds all together, not two
    seconds each: a stop must fit in a service manager's grace period."""
    running = await start_hub(hall_files.config, tmp_path / "q.db", synchronous="NORMAL")
    silent = [await asyncio.to_thread(_stalled_socket, running.port) for _ in range(6)]
    try:
        await asyncio.sleep(0.2)
        assert len(running.hub.fanout.sessions) == 6
        loop = asyncio.get_running_loop()
        began = loop.time()
        await running.close()
        assert loop.time() - began < 6  # one by one it took twelve
    finally:
        for sock in silent:
            sock.close()
