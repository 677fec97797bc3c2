"""Authentication: device tokens (headers or a first message), staff PINs with lockout, the
public board switch, and TLS."""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
import urllib.request

import pytest
from support import PIN
from websockets.exceptions import ConnectionClosed

from server.hub import start_hub, tls_context
from shared.client import HubClient, HubError

from .conftest import ServerProcess


async def test_staff_pin_lockout(fresh_server, clients, login):
    caller = await clients.device(fresh_server.url, "caller-16")
    with pytest.raises(HubError) as info:
        await login(caller, 16, "s008", pin="000000")
    assert info.value.code == "bad_credentials"
    for _ in range(3):
        with pytest.raises(HubError):
            await login(caller, 16, "s008", pin="111111")
    with pytest.raises(HubError) as info:
        await login(caller, 16, "s008", pin="222222")  # the fifth wrong PIN locks
    assert info.value.code == "locked_out" and "5" in info.value.message
    with pytest.raises(HubError) as info:
        await login(caller, 16, "s008")  # even the right PIN, for now
    assert info.value.code == "locked_out"
    # locked per staff member: another device cannot log them in either
    admin = await clients.device(fresh_server.url, "admin")
    with pytest.raises(HubError) as info:
        await login(admin, 15, "s008")
    assert info.value.code == "locked_out"
    # and per connection/window: this caller cannot try another staff id at once
    with pytest.raises(HubError) as info:
        await login(caller, 16, "s007")
    assert info.value.code == "locked_out"
    # others are not held up
    other = await clients.device(fresh_server.url, "caller-14")
    assert (await login(other, 14, "s007"))["window"]["staff"] == "s007"
    # an unknown staff id is just a wrong login
    with pytest.raises(HubError) as info:
        await login(admin, 13, "nobody")
    assert info.value.code == "bad_credentials"


async def test_anonymous_is_denied_when_the_board_is_not_public(
    private_hall_files, tmp_path, clients, ask
):
    proc = ServerProcess(private_hall_files, tmp_path / "private.db").start()
    try:
        ws = await clients.raw(proc.url)
        reply = await ask(ws, "subscribe", topics=["hall"])
        assert reply["error"]["code"] == "unauthenticated"
        reply = await ask(ws, "snapshot", rid="r2", topics=["hall"])
        assert reply["error"]["code"] == "unauthenticated"
        reply = await ask(ws, "subscribe", rid="r3", topics=["zone:shangshi"])
        assert reply["error"]["code"] == "unauthenticated"
        assert (await ask(ws, "ping", rid="r4"))["ok"]  # but it may ping
        # a display with its token may read the board
        clients.files = private_hall_files
        display = await clients.device(proc.url, "display-hall", topics=("hall",))
        assert display.snapshot["hall"]["hall"]["name"]
    finally:
        proc.kill()


async def test_bad_device_token_is_refused_at_the_handshake(server, clients):
    client = HubClient(server.url, device="kiosk-1", token="wrong", backoff=(0.05, 0.1))
    clients.made.append(client)
    await client.start()
    with pytest.raises(HubError) as info:
        await client.wait_connected(5)
    assert info.value.code == "bad_token"
    # an unknown device, likewise
    client = HubClient(server.url, device="kiosk-99", token="x", backoff=(0.05, 0.1))
    clients.made.append(client)
    with pytest.raises(HubError):
        await client.connect(5)


async def test_browser_auth_with_a_first_message(server, clients, ask, hall_files):
    ws = await clients.raw(server.url)
    reply = await ask(ws, "auth", device="display-hall", token=hall_files.tokens["display-hall"])
    assert reply["ok"] and reply["result"]["role"] == "display"
    reply = await ask(ws, "subscribe", rid="s", topics=["window:3"])
    assert reply["ok"] and "window:3" in reply["result"]["topics"]
    again = await ask(ws, "auth", rid="a2", device="display-hall", token="x")
    assert again["error"]["code"] == "already_authenticated"
    # the client library's browser mode
    kiosk = await clients.device(server.url, "kiosk-2", header_auth=False)
    assert kiosk.hello["role"] == "kiosk"


async def test_repeated_wrong_tokens_close_the_connection(server, clients, ask):
    ws = await clients.raw(server.url)
    for n in range(2):
        reply = await ask(ws, "auth", rid=f"a{n}", device="admin", token="guess")
        assert reply["error"]["code"] == "bad_token"
    reply = await ask(ws, "auth", rid="a3", device="admin", token="guess")
    assert reply["error"]["code"] == "bad_token"
    with pytest.raises(ConnectionClosed) as info:
        await ws.recv()
    assert info.value.rcvd.code == 1008


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_tls(hall_files, tmp_path, clients):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    running = await start_hub(
        hall_files.config, tmp_path / "tls.db", ssl=tls_context(cert, key), synchronous="NORMAL"
    )
    try:
        assert running.url.startswith("wss://")
        trust = ssl.create_default_context(cafile=str(cert))
        kiosk = await clients.device(running.url, "kiosk-1", ssl=trust)
        assert (await kiosk.request("issue", zone="shangshi"))["ticket"]["label"] == "A001"

        def health() -> dict:
            with urllib.request.urlopen(
                running.http_url + "/healthz", context=trust, timeout=5
            ) as r:
                return json.loads(r.read())

        assert (await asyncio.to_thread(health))["ok"]
    finally:
        await clients.close()
        await running.close()


async def test_guesses_sent_at_once_are_held_to_the_same_few(hub, clients, login, monkeypatch):
    """Eleven connections guessing together get five PIN checks, not eleven, and the
    right PIN after them is refused too: the five are spent."""
    from server.hub import hub as hub_module

    real, checked = hub_module.verify_pin, []

    def counting(pin: str, stored: str) -> bool:
        checked.append(pin)
        return real(pin, stored)

    monkeypatch.setattr(hub_module, "verify_pin", counting)
    callers = [await clients.device(hub.url, "caller-16") for _ in range(12)]
    guesses = [
        asyncio.create_task(login(c, 16, "s008", pin=f"{n:06d}"))
        for n, c in enumerate(callers[:11])
    ]
    await asyncio.sleep(0.3)  # all of them are read while the first PIN checks run
    with pytest.raises(HubError) as info:
        await login(callers[11], 16, "s008", pin=PIN)
    assert info.value.code == "locked_out"
    outcomes = await asyncio.gather(*guesses, return_exceptions=True)
    assert all(isinstance(o, HubError) and o.code == "locked_out" for o in outcomes)
    assert len(checked) == 5 and PIN not in checked
