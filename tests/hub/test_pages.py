"""HTTP on the hub's port: /healthz, the ticket status page and its JSON, /display, 404."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8")


async def fetch(url: str) -> tuple[int, str, str]:
    return await asyncio.to_thread(get, url)


def test_healthz(server):
    status, kind, body = get(server.http + "/healthz")
    assert status == 200 and kind.startswith("application/json")
    health = json.loads(body)
    assert health["ok"] is True and health["protocol"] == 1 and "seq" in health


@pytest.mark.parametrize(
    "path", ["/", "/index.html", "/t/", "/t/not-a-code!", "/ws/x", "/healthz/x", "/../etc/passwd"]
)
def test_other_paths_are_404(server, path):
    status, kind, body = get(server.http + path)
    assert status == 404 and "text/html" in kind and "页面不存在" in body


def test_unknown_ticket_code_is_404(server):
    assert get(server.http + "/t/ABCDEFGH")[0] == 404
    status, _, body = get(server.http + "/t/ABCDEFGH.json")
    assert status == 404 and json.loads(body)["error"]["code"] == "unknown_code"


async def test_ticket_status_page_follows_the_ticket(fresh_server, clients, login):
    url = fresh_server.url
    kiosk = await clients.device(url, "kiosk-1")
    first = (await kiosk.request("issue", zone="gongjijin"))["ticket"]
    mine = (await kiosk.request("issue", zone="gongjijin"))["ticket"]
    assert mine["status_url"].endswith(f"/t/{mine['code']}")

    status, kind, html = await fetch(f"{fresh_server.http}/t/{mine['code']}")
    assert status == 200 and kind == "text/html; charset=utf-8"
    assert mine["label"] == "E002" and "E002" in html and "前面还有 1 人" in html
    assert '<meta name="viewport"' in html and "http://" not in html.split("<script>")[0]
    assert "src=" not in html and "href=" not in html  # no external assets

    # live: the page's websocket (anonymous, that one ticket) gets its status pushed
    phone = await clients.device(url, None, topics=(f"ticket:{mine['code']}",))
    assert phone.snapshot[f"ticket:{mine['code']}"]["ticket"]["ahead"] == 1
    caller = await clients.device(url, "caller-17")
    await login(caller, 17, "s009")
    await caller.request("call_next", window=17)
    assert (await caller.request("finish", window=17))["ticket"]["label"] == first["label"]
    moved = await phone.next_event("status", where=lambda e: e["ticket"]["ahead"] == 0)
    assert moved["ticket"]["label"] == "E002"
    await caller.request("call_next", window=17)
    called = await phone.next_event("status", where=lambda e: e["ticket"]["status"] == "called")
    assert called["ticket"]["window"] == 17
    assert called["ticket"]["say"][0]["zh_CN"] == "请到 17 号窗口办理"
    # the JSON the page polls when its socket is down says the same
    status, _, body = await fetch(f"{fresh_server.http}/t/{mine['code'].lower()}.json")
    data = json.loads(body)["ticket"]
    assert status == 200 and data["status"] == "called" and data["window"] == 17
    status, _, html = await fetch(f"{fresh_server.http}/t/{mine['code']}")
    assert "请到 17 号窗口办理" in html
    # a phone may follow only tickets it knows the code of
    with pytest.raises(Exception) as info:
        await phone.subscribe("ticket:ABCDEFGH")
    assert info.value.code == "unknown_code"
    with pytest.raises(Exception) as info:
        await phone.subscribe("window:17")
    assert info.value.code == "unauthenticated"


def test_display_page(server):
    status, kind, html = get(server.http + "/display")
    assert status == 200 and kind == "text/html; charset=utf-8"
    assert "最近叫号" in html and "subscribe" in html and "src=" not in html


@pytest.mark.parametrize("method", ["POST", "HEAD", "DELETE"])
def test_only_get_is_answered(server, method):
    request = urllib.request.Request(server.http + "/healthz", method=method)
    if method == "POST":
        request.data = b""
    try:
        urllib.request.urlopen(request, timeout=5)
    except urllib.error.HTTPError as e:
        assert e.code == 405 and e.headers["Allow"] == "GET"
    else:
        pytest.fail(f"{method} was answered")


async def test_a_failed_handshake_leaves_nothing_behind(hub, hall_files):
    """Headers are checked before the handshake is; when the handshake then fails, the
    device noted for the connection goes with it."""
    import gc

    for _ in range(5):
        reader, writer = await asyncio.open_connection("127.0.0.1", hub.port)
        writer.write(
            (
                "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n"
                f"Authorization: Bearer {hall_files.tokens['kiosk-1']}\r\n"
                "X-Onetrip-Device: kiosk-1\r\n\r\n"
            ).encode()
        )
        status = await asyncio.wait_for(reader.readline(), 5)
        assert b" 426 " in status or b" 400 " in status
        writer.close()
    await asyncio.sleep(0.1)
    gc.collect()
    assert len(hub.hub.pending) == 0
