"""The bridge end to end: a real hall server process, emulated keypad, evaluator and LED strip
on a pty bus, and the bridge in between — through refusals, noise, a replugged port and a
restarted hub."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hardware.bridge import Bridge
from hardware.bridge_config import load_bridge_config
from hardware.emulators import EmulatedBus, EvaluatorEmulator, KeypadEmulator, LedStripEmulator
from hardware.frames import encode_frame
from hardware.keypad import Key
from shared.client import HubClient

KEYPAD, EVALUATOR, STRIP = 3, 0x83, 0x43
WINDOW = 3  # serves 商事登记 (prefix A) in the sample hall
LOGIN = "002*123456"  # s002 陈建国, with the bridge's staff_prefix "s"


def bridge_toml(url: str, port: str) -> str:
    return f"""
[hub]
url = "{url}"
device = "bridge-1"
token_file = "bridge.token"
request_timeout = 4

[serial]
port = "{port}"

[keypad]
staff_prefix = "s"
error_seconds = 0.5

[[devices]]
address = {KEYPAD}
kind = "keypad"
window = {WINDOW}

[[devices]]
address = 0x{EVALUATOR:02X}
kind = "evaluator"
window = {WINDOW}

[[devices]]
address = 0x{STRIP:02X}
kind = "strip"
window = {WINDOW}
"""


async def until(predicate: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@dataclass
class Rig:
    server: Any  # the hall_server fixture (HallServer)
    bus: EmulatedBus
    bridge: Bridge
    kiosk: HubClient
    keypad: KeypadEmulator
    evaluator: EvaluatorEmulator
    strip: LedStripEmulator

    async def issue(self, zone: str = "shangshi") -> str:
        result = await self.kiosk.request("issue", zone=zone)
        return str(result["ticket"]["label"])

    async def login(self) -> None:
        self.keypad.press(Key.LOGIN, LOGIN)
        await until(lambda: self.keypad.display == "0000", "the keypad to show the idle window")


@pytest.fixture
async def rig(hall_server, sample_hall, tmp_path: Path) -> AsyncIterator[Rig]:
    (tmp_path / "bridge.token").write_text(sample_hall.tokens["bridge-1"] + "\n")
    bus = EmulatedBus(tmp_path / "ttyBUS").start()
    keypad = bus.add(KeypadEmulator(KEYPAD))
    evaluator = bus.add(EvaluatorEmulator(EVALUATOR))
    strip = bus.add(LedStripEmulator(STRIP))
    config_path = tmp_path / "bridge.toml"
    config_path.write_text(bridge_toml(hall_server.url, bus.path), encoding="utf-8")
    bridge = Bridge(
        load_bridge_config(config_path), hub_backoff=(0.05, 0.3), port_backoff=(0.02, 0.2)
    )
    kiosk = HubClient(
        hall_server.url,
        device="kiosk-1",
        token=sample_hall.tokens["kiosk-1"],
        backoff=(0.05, 0.3),
        request_timeout=5,
    )
    await bridge.start()
    await kiosk.connect(5)
    await bridge.client.wait_connected(5)
    await until(lambda: bridge.port.connected, "the bridge to open the port")
    # The window's state reaches the bus once both halves are up.
    await until(lambda: keypad.display == "----", "the logged-out display")
    try:
        yield Rig(hall_server, bus, bridge, kiosk, keypad, evaluator, strip)  # type: ignore[arg-type]
    finally:
        await kiosk.close()
        await bridge.close()
        bus.stop()


async def test_login_then_call_shows_the_number_on_keypad_and_strip(rig: Rig) -> None:
    assert "暂停办理" in rig.strip.shown  # nobody logged in at window 3
    label = await rig.issue()
    await rig.login()
    assert "欢迎光临" in rig.strip.shown
    beeps = rig.keypad.beeps
    rig.keypad.press(Key.CALL)
    await until(lambda: rig.keypad.display == label, f"the keypad to show {label}")
    await until(lambda: label in rig.strip.shown, "the strip to show the call")
    assert rig.strip.shown == f"请{label}号到{WINDOW}号窗口办理"
    assert rig.strip.mode == "flash"
    assert rig.keypad.beeps > beeps
    assert int(Key.CALL) in rig.keypad.acks and int(Key.LOGIN) in rig.keypad.acks
    # The hub agrees: the ticket is called to window 3.
    status = await rig.kiosk.request("ticket_status", ticket=label)
    assert status["ticket"]["status"] == "called" and status["ticket"]["window"] == WINDOW
    # Serving it changes the strip; a recall flashes the call again.
    rig.keypad.press(Key.START)
    await until(lambda: "正在办理" in rig.strip.shown, "the strip to show the service")
    assert rig.keypad.display == label


async def test_a_rating_reaches_the_hub(rig: Rig) -> None:
    label = await rig.issue()
    await rig.login()
    for key in (Key.CALL, Key.START):
        rig.keypad.press(key)
        await asyncio.sleep(0.05)
    await until(lambda: "正在办理" in rig.strip.shown, "the ticket being served")
    rig.keypad.press(Key.FINISH)
    # Finishing asks the window's evaluator, with the staff member's name on it.
    await until(lambda: rig.evaluator.asking, "the evaluator to be asked")
    assert rig.evaluator.staff_name == "陈建国"
    await until(lambda: rig.keypad.display == "0000", "the idle display after 办结")
    rig.evaluator.rate(5)
    await until(lambda: _rating(rig, label) == 5, "the rating in the hall database")
    await until(
        lambda: not rig.evaluator.asking and len(rig.evaluator.received) >= 2,
        "the evaluator to be thanked",
    )
    # A second rating for the same ticket is refused by the hub and survived.
    rig.evaluator.rate(1)
    await asyncio.sleep(0.3)
    assert _rating(rig, label) == 5


async def test_a_rating_before_finish_is_kept_for_that_ticket(rig: Rig) -> None:
    first = await rig.issue()
    await rig.login()
    rig.keypad.press(Key.CALL)
    await until(lambda: rig.keypad.display == first, "the call")
    rig.keypad.press(Key.EVALUATE)  # 请评价 while serving
    await until(lambda: rig.evaluator.asking, "the evaluator to be asked")
    rig.evaluator.rate(4)
    await asyncio.sleep(0.2)
    assert _rating(rig, first) is None  # not yet: it is not finished
    rig.keypad.press(Key.START)
    rig.keypad.press(Key.FINISH)
    await until(lambda: _rating(rig, first) == 4, "the kept rating to be sent at 办结")


async def test_refused_keys_show_a_code_then_the_state(rig: Rig) -> None:
    rig.keypad.press(Key.LOGIN, "002*999999")
    await until(lambda: rig.keypad.display == "E-06", "wrong PIN")
    await until(lambda: rig.keypad.display == "----", "the state again")
    rig.keypad.press(Key.CALL)
    await until(lambda: rig.keypad.display == "E-05", "not logged in")
    await rig.login()
    rig.keypad.press(Key.CALL)  # nobody waiting
    await until(lambda: rig.keypad.display == "E-01", "the queue_empty code")
    await until(lambda: rig.keypad.display == "0000", "the idle window again")
    rig.keypad.press(Key.TRANSFER)  # no target typed
    await until(lambda: rig.keypad.display == "E-12", "the keypad input code")
    # Still bridging: the next call works.
    label = await rig.issue()
    rig.keypad.press(Key.CALL)
    await until(lambda: rig.keypad.display == label, "the call after the refusals")


async def test_pause_key_pauses_and_resumes(rig: Rig) -> None:
    await rig.login()
    rig.keypad.press(Key.PAUSE)
    await until(lambda: rig.keypad.display == "PAUSE", "the paused display")
    assert "暂停服务" in rig.strip.shown
    rig.keypad.press(Key.PAUSE)
    await until(lambda: rig.keypad.display == "0000", "the resumed window")


async def test_noise_and_bad_frames_are_logged_and_survived(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    await rig.login()
    label = await rig.issue()
    bad = bytearray(encode_frame(KEYPAD, Key.CALL))
    bad[-2] ^= 0xFF  # checksum
    rig.bus.noise(b"\x00\x13garbage\xfe\x68\x01")
    rig.bus.noise(bytes(bad))
    rig.bus.noise(encode_frame(0x55, Key.CALL))  # an address not in the config
    rig.keypad.press(Key.CALL)
    await until(lambda: rig.keypad.display == label, "the call after the noise")
    text = caplog.text
    assert "bad checksum" in text and "noise" in text and "address 85" in text
    # One line per thing, not one per byte.
    assert sum("bytes of noise" in r.getMessage() for r in caplog.records) == 1


async def test_port_unplugged_and_replugged(rig: Rig, sample_hall) -> None:
    await rig.login()
    first, second = await rig.issue(), await rig.issue()
    rig.bus.link.unplug()
    await until(lambda: not rig.bridge.port.connected, "the bridge to see the port gone")
    assert not rig.keypad.press(Key.CALL)  # lost with the cable
    # While the bus is away the window is called from elsewhere (an admin console).
    async with HubClient(
        rig.server.url,
        device="admin",
        token=sample_hall.tokens["admin"],
    ) as admin:
        await admin.request("call_next", window=WINDOW)
    await asyncio.sleep(0.3)  # a few failed reopens
    rig.keypad.display = ""  # a replugged keypad starts blank
    rig.strip.idle_text = rig.strip.text = ""
    rig.bus.link.replug()
    await until(lambda: rig.bridge.port.connected, "the port back")
    # Everything is sent again: what the window shows now, not what was lost.
    await until(lambda: rig.keypad.display == first, "the display sent again")
    await until(lambda: first in rig.strip.shown, "the strip sent again")
    assert rig.strip.idle_text
    rig.keypad.press(Key.NO_SHOW)
    rig.keypad.press(Key.CALL)
    await until(lambda: rig.keypad.display == second, "keys work after the replug")


async def test_hub_restarted(rig: Rig) -> None:
    await rig.login()
    first, second = await rig.issue(), await rig.issue()
    connects = rig.bridge.client.connects
    await asyncio.to_thread(rig.server.restart)
    await until(
        lambda: rig.bridge.client.connects > connects and rig.bridge.client.connected,
        "the bridge to reconnect",
        timeout=10,
    )
    rig.keypad.press(Key.CALL)  # the staff login lasted across the restart
    await until(lambda: rig.keypad.display == first, "a call after the restart")
    assert first in rig.strip.shown
    # A key pressed while the hub is down is sent when it is back (within the timeout).
    rig.keypad.press(Key.NO_SHOW)
    await until(lambda: rig.keypad.display == "0000", "the idle window")
    await asyncio.to_thread(rig.server.stop)
    await until(lambda: not rig.bridge.client.connected, "the bridge to see the hub gone")
    rig.keypad.press(Key.CALL)
    await asyncio.sleep(0.3)
    await asyncio.to_thread(rig.server.start)
    await until(lambda: rig.keypad.display == second, "the call made once the hub is back")


def _rating(rig: Rig, label: str) -> int | None:
    with sqlite3.connect(rig.server.db_uri, uri=True) as db:
        row = db.execute(
            "SELECT rating FROM tickets WHERE label = ? ORDER BY issued_at DESC", (label,)
        ).fetchone()
    return None if row is None else row[0]


def _start_bridge(config_path: Path, log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "onetrip.cli", "bridge", "--config", str(config_path)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


async def test_the_onetrip_bridge_command(hall_server, sample_hall, tmp_path: Path) -> None:
    (tmp_path / "bridge.token").write_text(sample_hall.tokens["bridge-1"])
    with EmulatedBus(tmp_path / "ttyBUS") as bus:
        keypad = bus.add(KeypadEmulator(KEYPAD))
        config_path = tmp_path / "bridge.toml"
        config_path.write_text(bridge_toml(hall_server.url, bus.path), encoding="utf-8")
        proc = _start_bridge(config_path, tmp_path / "bridge.log")
        try:
            await until(lambda: keypad.display == "----", "the bridge process to be up", 10)
            keypad.press(Key.LOGIN, LOGIN)
            await until(lambda: keypad.display == "0000", "a login through the process")
        finally:
            proc.terminate()
            assert await asyncio.to_thread(proc.wait, 10) == 0


async def test_a_wrong_token_stops_the_bridge(hall_server, tmp_path: Path) -> None:
    (tmp_path / "bridge.token").write_text("not-the-token")
    with EmulatedBus(tmp_path / "ttyBUS") as bus:
        config_path = tmp_path / "bridge.toml"
        config_path.write_text(bridge_toml(hall_server.url, bus.path), encoding="utf-8")
        proc = _start_bridge(config_path, tmp_path / "bridge.log")
        assert await asyncio.to_thread(proc.wait, 10) == 1
    assert "the hub refused this device (bad_token)" in (tmp_path / "bridge.log").read_text()
