"""The wording: what a call says and which clips say it."""

from __future__ import annotations

import pytest

from voice.pack import Pack
from voice.wording import (
    Unspeakable,
    Wording,
    call_text,
    chinese_number,
    read_zh,
    required_clips,
    spoken,
)

WORDS = Pack.load().words


@pytest.mark.parametrize(
    ("n", "read"),
    [
        (0, "零"), (3, "三"), (10, "十"), (12, "十二"), (19, "十九"), (20, "二十"),
        (35, "三十五"), (100, "一百"), (101, "一百零一"), (110, "一百一十"), (115, "一百一十五"),
        (200, "二百"), (999, "九百九十九"), (1000, "一零零零"), (2026, "二零二六"),
    ],
)  # fmt: skip
def test_window_numbers_read_as_chinese_numbers(n: int, read: str) -> None:
    assert "".join(chinese_number(n)) == read


@pytest.mark.parametrize(
    ("text", "clips"),
    [
        ("请A001号到3号窗口办理", "请 A 零 零 一 号 到 三 号 窗口 办理"),
        ("请B120号到12号窗口办理", "请 B 一 二 零 号 到 十 二 号 窗口 办理"),
        ("请z9号再次到105号窗口办理", "请 Z 九 号 再次 到 一 百 零 五 号 窗口 办理"),
        ("请 A001 号，到 3 号窗口。", "请 A 零 零 一 号 到 三 号 窗口"),
        ("AB12", "A B 一 二"),
    ],
)
def test_a_sentence_becomes_clips(text: str, clips: str) -> None:
    assert read_zh(text, WORDS) == clips.split()


def test_longest_word_first() -> None:
    assert read_zh("窗口", ["窗", "口", "窗口"]) == ["窗口"]


def test_a_character_no_clip_says_is_named() -> None:
    with pytest.raises(Unspeakable) as e:
        read_zh("请A001号顾客到3号窗口", WORDS)
    assert e.value.char == "顾"
    assert "顾" in e.value.message("zh_CN") and "'顾'" in e.value.message("en")
    assert e.value.message("zh_CN").startswith("语音包中没有")


def test_a_chip_gets_tickets_and_numbers_spelled_and_the_rest_as_it_is() -> None:
    said = spoken(read_zh("请A001号顾客到12号窗口", (), strict=False))
    assert said == "请A零零一号顾客到十二号窗口"


@pytest.mark.parametrize(
    ("call", "zh", "en"),
    [
        ({"ticket": "A001", "window": 3, "how": "next", "recall": 0},
         "请A001号到3号窗口办理", "Number A001, please go to window 3"),
        ({"ticket": "A001", "window": 3, "how": "recall", "recall": 1},
         "请A001号再次到3号窗口办理", "Number A001, again: please go to window 3"),
        ({"ticket": "C020", "window": 7, "recall": 2},
         "请C020号再次到7号窗口办理", "Number C020, again: please go to window 7"),
        ({"announce": {"zh_CN": "请A001号到3号窗口办理", "en": "x"}},
         "请A001号到3号窗口办理", "x"),
    ],
)  # fmt: skip
def test_call_text_from_the_templates(call: dict, zh: str, en: str) -> None:
    w = Wording.default()
    assert call_text(call, w, "zh_CN") == zh
    assert call_text(call, w, "en") == en


def test_a_hall_wording() -> None:
    w = Wording({"zh_CN": "{ticket}号请到{window}号窗口"}, {"zh_CN": "再次{ticket}号"})
    assert call_text({"ticket": "A1", "window": 2}, w) == "A1号请到2号窗口"
    assert call_text({"ticket": "A1", "window": 2, "how": "recall"}, w) == "再次A1号"


def test_the_shipped_pack_speaks_every_required_clip() -> None:
    assert set(required_clips()) <= set(WORDS)
    assert len(required_clips()) == 1 + 6 + 12 + 26


def test_the_core_imports_no_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, voice, voice.cli, voice.make_pack, voice.bench, hardware.ttschip\n"
        "qt = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "assert not qt, qt\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
