"""The FF 68 L L 68 ADDR CMD DATA CS 16 frame and its streaming decoder."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.frames import Frame, FrameDecoder, encode_frame
from hardware.ledstrip import ADAPTERS, StripCommand


def warnings(caplog, name: str = "hardware.frames") -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == name and r.levelno >= logging.WARNING
    ]


def test_frame_bytes_exactly():
    # keypad 3 presses 顺呼: L = 2 (ADDR, CMD), CS = 03 + 0C
    assert encode_frame(3, 0x0C) == bytes.fromhex("FF 68 02 02 68 03 0C 0F 16")
    # host shows A001 on keypad 3
    assert encode_frame(3, 0x02, b"A001") == bytes.fromhex("FF 68 06 06 68 03 02 41 30 30 31 D7 16")
    assert Frame(3, 0x02, b"A001").encode() == encode_frame(3, 0x02, b"A001")
    with pytest.raises(ValueError):
        encode_frame(3, 0x02, bytes(249))


frames_st = st.builds(Frame, st.integers(0, 255), st.integers(0, 255), st.binary(max_size=20))
noise_st = st.binary(max_size=12).map(lambda b: b.replace(b"\x68", b""))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(noise_st, frames_st), max_size=8), st.integers(1, 9))
def test_any_frames_with_noise_in_any_chunks_come_out_whole(pairs, chunk):
    stream = b"".join(noise + f.encode() for noise, f in pairs)
    decoder = FrameDecoder("test")
    out: list[Frame] = []
    for i in range(0, len(stream), chunk):
        out += decoder.feed(stream[i : i + chunk])
    assert out == [f for _, f in pairs]


def test_bad_checksum_is_one_line_and_the_next_frame_survives(caplog):
    good = encode_frame(3, 0x0C)
    bad = bytearray(encode_frame(3, 0x0D))
    bad[-2] ^= 0xFF
    decoder = FrameDecoder("keypads")
    assert decoder.feed(bytes(bad) + good) == [Frame(3, 0x0C)]
    assert decoder.errors == {"bad_checksum": 1}
    (line,) = warnings(caplog)
    assert "keypads" in line and "bad checksum" in line


@pytest.mark.parametrize(
    "bad",
    [
        bytes.fromhex("FF 68 03 02 68 03 0C 0F 16"),  # L and L differ
        bytes.fromhex("FF 68 01 01 68 03 03 16"),  # L below ADDR + CMD
        bytes.fromhex("FF 68 FF FF 68 03 0C 0F 16"),  # L over the maximum
        bytes.fromhex("FF 68 04 04 68 03 0C 0F 16 00"),  # L says 4, frame holds 2
    ],
)
def test_bad_length_is_one_line_and_the_next_frame_survives(caplog, bad):
    good = encode_frame(7, 0x10)
    decoder = FrameDecoder("bus")
    assert decoder.feed(bad + good + good) == [Frame(7, 0x10), Frame(7, 0x10)]
    assert decoder.errors["bad_length"] == 1
    lines = warnings(caplog)
    assert len(lines) == 1 and "length" in lines[0]


def test_noise_between_frames_is_one_line_per_run(caplog):
    decoder = FrameDecoder("bus")
    stream = b"\x00\x13garbage" + encode_frame(1, 0x0C) + b"\xaa" * 40 + encode_frame(2, 0x0C)
    out = []
    for b in stream:  # byte by byte, as a slow line delivers it
        out += decoder.feed(bytes([b]))
    assert out == [Frame(1, 0x0C), Frame(2, 0x0C)]
    lines = warnings(caplog)
    assert len(lines) == 2
    assert "skipped 9 bytes of noise" in lines[0] and "skipped 40 bytes" in lines[1]


def test_preamble_bytes_are_not_noise(caplog):
    decoder = FrameDecoder("bus")
    assert decoder.feed(b"\xff\xff\xff" + encode_frame(1, 0x0C)[1:]) == [Frame(1, 0x0C)]
    assert warnings(caplog) == []


def test_truncated_frame_then_a_good_one(caplog):
    decoder = FrameDecoder("bus")
    cut = encode_frame(1, 0x02, b"A001")[:-3]
    assert decoder.feed(cut + encode_frame(1, 0x0C)) == [Frame(1, 0x0C)]
    assert len(warnings(caplog)) == 1


def test_expire_drops_a_frame_that_never_ends(caplog):
    decoder = FrameDecoder("bus")
    assert decoder.feed(encode_frame(1, 0x02, b"A001")[:-1]) == []
    decoder.expire()
    assert decoder.errors["incomplete"] == 1
    assert decoder.feed(b"\x16" + encode_frame(1, 0x0C)) == [Frame(1, 0x0C)]
    assert len(warnings(caplog)) == 1  # the lone 16 belongs to the dropped frame


@pytest.mark.parametrize("name", ["generic", "ascii"])
def test_strip_adapters_round_trip(name):
    strip = ADAPTERS[name]
    stream = (
        strip.show(3, "请A001号到3号窗口办理", color="red", mode="flash", seconds=10)
        + strip.idle(3, "欢迎光临，暂停服务 50%", color="green")
        + strip.brightness(3, 7)
        + strip.clear(3)
    )
    decoder = strip.decoder("strips")
    assert decoder.feed(b"\x00\x01junk" + stream) == [
        StripCommand(3, "show", "请A001号到3号窗口办理", "red", "flash", 10),
        StripCommand(3, "idle", "欢迎光临，暂停服务 50％" if name == "ascii" else
                     "欢迎光临，暂停服务 50%", "green"),
        StripCommand(3, "brightness", level=7),
        StripCommand(3, "clear"),
    ]  # fmt: skip
    decoder.expire()
    assert decoder.errors["noise"] == 1


def test_ascii_strip_bytes_exactly():
    strip = ADAPTERS["ascii"]
    assert strip.show(3, "A001", color="green") == b"!#003%ZC2%ZM0%ZT0%ZKA001$$"
    assert strip.clear(12) == b"!#012%ZK$$"


def test_ascii_strip_garbled_command_is_one_line(caplog):
    decoder = ADAPTERS["ascii"].decoder("strips")
    assert decoder.feed(b"!#0x3%ZKabc$$!#004%ZKok$$") == [StripCommand(4, "show", "ok")]
    lines = warnings(caplog, "hardware.ledstrip")
    assert len(lines) == 1 and "rejected" in lines[0]
