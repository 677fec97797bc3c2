"""The serial speech module: frames byte for byte, and the chip engine through a real pty."""

from __future__ import annotations

import time

import pytest

from hardware.ttschip import (
    IDLE,
    QUERY,
    SPEAK,
    FrameReader,
    TtsChip,
    TtsChipEmulator,
    frame,
    speak_frame,
    xor,
)
from voice.announcer import Announcer
from voice.config import VoiceConfig
from voice.engines import VoiceUnavailable, make_engine

from .conftest import call


def test_the_syn6288_frame_of_a_call() -> None:
    text = "请A零零一号到三号窗口办理"
    data = speak_frame(text, "gb2312", "syn6288")
    body = text.encode("gb2312")
    assert data[:3] == bytes((0xFD, 0x00, len(body) + 3))
    assert data[3:5] == bytes((SPEAK, 0x00))
    assert data[5:-1] == body
    assert data[-1] == xor(data[:-1])


@pytest.mark.parametrize(
    ("encoding", "param", "codec", "text"),
    [
        ("gb2312", 0, "gb2312", "请到窗口"),
        ("gbk", 1, "gbk", "请到窗口"),
        ("big5", 2, "big5", "請到窗口"),
        ("unicode", 3, "utf-16-le", "请到窗口"),
    ],
)
def test_encodings(encoding: str, param: int, codec: str, text: str) -> None:
    data = speak_frame(text, encoding, "xfs5152")
    assert data[4] == param and data[5:] == text.encode(codec)  # no checksum on XFS5152
    assert (data[1] << 8 | data[2]) == len(data) - 3


def test_a_known_frame() -> None:
    # the status query of a SYN6288: FD 00 02 21 DE (DE = FD ^ 00 ^ 02 ^ 21)
    assert frame(QUERY) == bytes.fromhex("FD 00 02 21 DE")
    assert frame(QUERY, checksum=False) == bytes.fromhex("FD 00 01 21")


def test_the_reader_skips_garbage_and_checks_the_sum() -> None:
    good = speak_frame("请A零零一号", "gbk")
    bad = bytearray(good)
    bad[-1] ^= 0xFF
    reader = FrameReader()
    frames = reader.feed(b"\x00\x13" + good[:4]) + reader.feed(good[4:] + bytes(bad))
    assert [(f.text, f.ok) for f in frames] == [("请A零零一号", True), ("请A零零一号", False)]


def test_text_the_encoding_cannot_carry_is_refused_clearly() -> None:
    from hardware.ttschip import ChipError

    with pytest.raises(ChipError) as e:
        speak_frame("请😀", "gb2312")
    assert "gb2312" in e.value.message("zh_CN") and "cannot be encoded" in e.value.message("en")


@pytest.fixture
def emulator():
    emu = TtsChipEmulator(per_char=0.003).start()
    yield emu
    emu.stop()


def chip_config(path: str, **more) -> VoiceConfig:
    return VoiceConfig.from_table(
        {"engine": "chip", "gap": 0.05, "max_age": 600, "chip": {"port": path, **more}}
    )


def test_the_chip_engine_reads_a_burst_in_order_over_a_pty(emulator) -> None:
    engine = make_engine(chip_config(emulator.path))
    announcer = Announcer(engine, chip_config(emulator.path))
    for i in range(5):
        announcer.announce(call(f"A{i + 1:03d}", 12 if i % 2 else 3))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (
        announcer.scheduler.idle and len(emulator.spoken) == 15
    ):
        announcer.pump()
        time.sleep(0.005)
    spoken = [text for _, _, text in emulator.spoken]
    expected = []
    for i in range(5):
        window = "十二" if i % 2 else "三"
        sentence = f"请A{'零零' + '一二三四五'[i]}号到{window}号窗口办理"
        expected += ["[x1]sounda", sentence, sentence]
    assert spoken == expected
    assert emulator.overlaps == 0 and emulator.bad_frames == 0
    for (_, end, _), (start, _, _) in zip(emulator.spoken, emulator.spoken[1:], strict=False):
        assert start >= end
    engine.close()


def test_the_xfs5152_gbk_variant(emulator) -> None:
    emulator.stop()
    emu = TtsChipEmulator(model="xfs5152").start()
    try:
        chip = TtsChip(emu.path, model="xfs5152", encoding="gbk")
        chip.open()
        ended = []
        assert chip.speak("请A零零一号", lambda: ended.append(time.monotonic()))
        assert emu.wait_until(lambda: len(emu.spoken) == 1)
        deadline = time.monotonic() + 5
        while not ended and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ended and emu.spoken[0][2] == "请A零零一号"
        assert emu.frames[-1].param == 1  # GBK
        chip.close()
    finally:
        emu.stop()


def test_a_module_that_does_not_answer_is_refused_at_start_up(emulator) -> None:
    emulator.silent = True
    with pytest.raises(VoiceUnavailable) as e:
        make_engine(chip_config(emulator.path))
    assert e.value.message("zh_CN").startswith("语音模块") and "没有应答" in e.value.message()
    assert "does not answer" in e.value.message("en")


def test_a_missing_port_is_refused_at_start_up(tmp_path) -> None:
    with pytest.raises(VoiceUnavailable) as e:
        make_engine(chip_config(str(tmp_path / "ttyUSB9")))
    assert "无法打开语音模块串口" in e.value.message() and "cannot open" in e.value.message("en")


def test_a_missed_idle_byte_is_recovered_by_asking(emulator) -> None:
    chip = TtsChip(emulator.path, poll=0.1)
    chip.open()
    ended = []
    real = emulator._answer

    def lose_idle(b: int) -> None:  # the module's own 4F at the end is lost on the line
        if b == IDLE and emulator._busy_until == 0 and not getattr(lose_idle, "lost", False):
            lose_idle.lost = True  # type: ignore[attr-defined]
            return
        real(b)

    emulator._answer = lose_idle
    assert chip.speak("请A零零一号到三号窗口办理", lambda: ended.append(1))
    deadline = time.monotonic() + 5
    while not ended and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ended == [1]
    assert any(f.cmd == QUERY for f in emulator.frames[1:])
    chip.close()
