"""Keypads, evaluators and LED strips through real ptys, read by the reconnecting port reader."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hardware.emulators import EmulatedBus, EvaluatorEmulator, KeypadEmulator, LedStripEmulator
from hardware.evaluator import Rating, ask_frame, decode_rating, idle_frame
from hardware.frames import Frame, encode_frame
from hardware.keypad import Key, KeyPress, beep_frame, decode_key, display_frame, display_text
from hardware.ledstrip import ADAPTERS
from hardware.port import SerialPortReader

KEYPAD, EVALUATOR, STRIP = 3, 0x83, 0x43


def poll(predicate: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


class Host:
    """What the bridge does: a port reader, and the items it decoded, in order."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        self.items: queue.Queue[Any] = queue.Queue()
        self.reader = SerialPortReader(url, self.items.put, backoff=(0.02, 0.1), **kwargs)

    def next(self, timeout: float = 2.0) -> Any:
        return self.items.get(timeout=timeout)

    def nothing_more(self, wait: float = 0.15) -> bool:
        try:
            item = self.items.get(timeout=wait)
        except queue.Empty:
            return True
        pytest.fail(f"unexpected {item}")


@pytest.fixture
def bus(tmp_path) -> Iterator[EmulatedBus]:
    with EmulatedBus(tmp_path / "ttyRS485") as b:  # a stable name, like /dev/serial/by-id/...
        b.add(KeypadEmulator(KEYPAD))
        b.add(EvaluatorEmulator(EVALUATOR))
        b.add(LedStripEmulator(STRIP))
        yield b


@pytest.fixture
def host(bus) -> Iterator[Host]:
    h = Host(bus.path, label="window bus")
    with h.reader:
        assert h.reader.wait_connected(2)
        yield h


def test_keypad_keys_reach_the_host_as_actions(bus, host):
    keypad: KeypadEmulator = bus.devices[KEYPAD]  # type: ignore[assignment]
    keypad.press(Key.CALL)
    keypad.press(Key.TRANSFER, "05")
    keypad.press(Key.SELECT, "A012")
    presses = [decode_key(host.next()) for _ in range(3)]
    assert presses == [
        KeyPress(KEYPAD, Key.CALL),
        KeyPress(KEYPAD, Key.TRANSFER, "05"),
        KeyPress(KEYPAD, Key.SELECT, "A012"),
    ]
    assert [p.action for p in presses if p] == ["call_next", "transfer", "call_ticket"]


def test_host_drives_the_keypad_display_and_beeper(bus, host):
    keypad: KeypadEmulator = bus.devices[KEYPAD]  # type: ignore[assignment]
    assert host.reader.write(display_frame(KEYPAD, "a001 12") + beep_frame(KEYPAD, times=2))
    assert keypad.wait_until(lambda: keypad.display == "A001 12" and keypad.beeps == 2)
    assert display_text("请A1") == "-A1"  # a 7-segment display shows what it can


def test_every_keypad_key_has_an_action():
    assert {decode_key(Frame(1, int(k))).action for k in Key} >= {  # type: ignore[union-attr]
        "call_next", "recall", "evaluate", "pause", "transfer", "no_show", "start", "finish",
    }  # fmt: skip


def test_unknown_key_is_ignored_with_one_line(caplog):
    assert decode_key(Frame(3, 0x7E)) is None
    assert decode_key(Frame(3, int(Key.TRANSFER), b"\xff")) is None
    assert len([r for r in caplog.records if r.name == "hardware.keypad"]) == 2


def test_evaluator_five_levels(bus, host):
    ev: EvaluatorEmulator = bus.devices[EVALUATOR]  # type: ignore[assignment]
    host.reader.write(ask_frame(EVALUATOR, 30, "王芳"))
    assert ev.wait_until(lambda: ev.asking and ev.staff_name == "王芳")
    ev.rate(5)
    ev.rate(1)
    ratings = [decode_rating(host.next()) for _ in range(2)]
    assert ratings == [Rating(EVALUATOR, 5), Rating(EVALUATOR, 1)]
    assert [r.label() for r in ratings if r] == ["非常满意", "非常不满意"]
    assert [r.label("en") for r in ratings if r] == ["very satisfied", "very dissatisfied"]
    host.reader.write(idle_frame(EVALUATOR))
    assert ev.wait_until(lambda: not ev.asking)


def test_evaluator_rating_out_of_range_is_refused(bus, host, caplog):
    bus.send(encode_frame(EVALUATOR, 0x20, b"\x07"))
    assert decode_rating(host.next()) is None
    assert any("not 1..5" in r.getMessage() for r in caplog.records)
    assert decode_rating(Frame(EVALUATOR, 0x21)) == Rating(EVALUATOR, None)


def test_evaluator_auto_rate_for_the_demo(bus, host):
    bus.add(EvaluatorEmulator(0x84, auto_rate=4))
    host.reader.write(ask_frame(0x84))
    assert decode_rating(host.next()) == Rating(0x84, 4)


def test_generic_led_strip_shows_calls(bus, host):
    strip: LedStripEmulator = bus.devices[STRIP]  # type: ignore[assignment]
    generic = ADAPTERS["generic"]
    host.reader.write(generic.idle(STRIP, "3号窗口 欢迎光临"))
    host.reader.write(generic.show(STRIP, "请A001号到3号窗口办理", color="red", mode="flash"))
    assert strip.wait_until(lambda: strip.shown == "请A001号到3号窗口办理")
    assert (strip.color, strip.mode) == ("red", "flash")
    host.reader.write(generic.clear(STRIP))
    assert strip.wait_until(lambda: strip.shown == "3号窗口 欢迎光临")


def test_ascii_led_strips_on_their_own_line(tmp_path):
    with EmulatedBus(protocol="ascii") as line:
        strip = line.add(LedStripEmulator(5))
        host = Host(line.path, decoder=ADAPTERS["ascii"].decoder("strips"))
        with host.reader:
            assert host.reader.wait_connected(2)
            host.reader.write(ADAPTERS["ascii"].show(5, "请B012号到5号窗口", color="green"))
            assert strip.wait_until(lambda: strip.shown == "请B012号到5号窗口")
            assert strip.color == "green"


def test_garbage_bad_checksums_and_bad_lengths_on_the_line(bus, host, caplog):
    keypad: KeypadEmulator = bus.devices[KEYPAD]  # type: ignore[assignment]
    bad_cs = bytearray(encode_frame(KEYPAD, 0x0D))
    bad_cs[-2] ^= 0x55
    bad_len = bytes.fromhex("FF 68 05 04 68 03 0C 0F 16")
    bus.noise(b"\x00\xfe line noise \x13\x37")
    keypad.press(Key.CALL)
    bus.noise(bytes(bad_cs))
    keypad.press(Key.RECALL)
    bus.noise(bad_len)
    keypad.press(Key.FINISH)
    got = [decode_key(host.next()) for _ in range(3)]
    assert [p.key for p in got if p] == [Key.CALL, Key.RECALL, Key.FINISH]
    host.nothing_more()
    errors = host.reader.decoder.errors  # type: ignore[attr-defined]
    assert (errors["noise"], errors["bad_checksum"], errors["bad_length"]) == (1, 1, 1)
    lines = [r.getMessage() for r in caplog.records if r.name == "hardware.frames"]
    assert len(lines) == 3, lines
    assert all(line.startswith("window bus: ") for line in lines)


def test_port_disappears_and_comes_back(bus, host, caplog):
    caplog.set_level(logging.INFO, logger="hardware.port")
    keypad: KeypadEmulator = bus.devices[KEYPAD]  # type: ignore[assignment]
    keypad.press(Key.CALL)
    assert decode_key(host.next()).key == Key.CALL  # type: ignore[union-attr]

    bus.link.unplug()  # the USB-RS485 adapter is pulled out
    assert poll(lambda: not host.reader.connected)
    assert not host.reader.write(display_frame(KEYPAD, "A002"))  # refused, not raised
    time.sleep(0.3)  # several failed reopen attempts...
    bus.link.replug()  # ...then it is plugged back in
    assert poll(lambda: host.reader.connected)
    assert host.reader.reconnects == 1

    keypad.press(Key.NO_SHOW)
    assert decode_key(host.next()).key == Key.NO_SHOW  # type: ignore[union-attr]
    assert host.reader.write(display_frame(KEYPAD, "A002"))
    assert keypad.wait_until(lambda: keypad.display == "A002")
    messages = [r.getMessage() for r in caplog.records if r.name == "hardware.port"]
    assert len([m for m in messages if "port lost" in m]) == 1
    assert len([m for m in messages if "cannot open port" in m]) == 0  # not one per retry
    assert len([m for m in messages if "port back" in m]) == 1


def test_reader_waits_for_a_port_that_is_not_there_yet(tmp_path, caplog):
    path = tmp_path / "ttyLATER"
    host = Host(str(path))
    with host.reader:
        time.sleep(0.2)  # several attempts, one log line
        assert not host.reader.connected
        lines = [r.getMessage() for r in caplog.records if r.name == "hardware.port"]
        assert len(lines) == 1 and "cannot open port" in lines[0]
        with EmulatedBus(path) as late:
            keypad = late.add(KeypadEmulator(9))
            assert poll(lambda: host.reader.connected)
            keypad.press(Key.PAUSE, "2")
            assert decode_key(host.next()) == KeyPress(9, Key.PAUSE, "2")


def test_a_crashing_handler_does_not_kill_the_port(bus, caplog):
    seen: list[Frame] = []

    def handler(frame: Frame) -> None:
        seen.append(frame)
        if len(seen) == 1:
            raise RuntimeError("bug in the bridge")

    keypad: KeypadEmulator = bus.devices[KEYPAD]  # type: ignore[assignment]
    with SerialPortReader(bus.path, handler) as reader:
        assert reader.wait_connected(2)
        keypad.press(Key.CALL)
        assert poll(lambda: len(seen) == 1)
        keypad.press(Key.RECALL)
        assert poll(lambda: len(seen) == 2)
    assert any("handler failed" in r.getMessage() for r in caplog.records)
