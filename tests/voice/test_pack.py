"""Voice packs: the shipped one, a hall's own with faults, and joining clips."""

from __future__ import annotations

import shutil
import wave
from array import array
from pathlib import Path

import pytest

from shared.config import ConfigError
from voice.config import VoiceConfig
from voice.engines import RecordingSink, VoiceUnavailable, make_engine
from voice.pack import BUILTIN, MANIFEST, Audio, Pack, check_pack, measure, read_wav
from voice.wording import required_clips


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(BUILTIN, folder)
    return folder


def clip_file(folder: Path, name: str) -> Path:
    return folder / Pack.load(folder).files[name]


def write(path: Path, samples: list[int] | array, rate: int = 16000, channels: int = 1) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(array("h", samples).tobytes())


def keys(findings) -> list[tuple[str, str, str]]:
    return [(f.level, f.clip, f.key) for f in findings]


def test_the_shipped_pack_is_good_and_small() -> None:
    assert check_pack(BUILTIN) == []
    size = sum(p.stat().st_size for p in BUILTIN.iterdir())
    assert size < 1_000_000
    p = Pack.load()
    assert (p.rate, p.lang) == (16000, "zh_CN")
    for name in required_clips():
        info = read_wav(BUILTIN / p.files[name])
        assert (info.channels, info.width, info.rate) == (1, 2, 16000)
        m = measure(info.audio)
        assert -6 < m["peak"] < -1 and m["lead"] < 0.05 and m["tail"] < 0.05  # trimmed, level


def test_a_missing_clip_and_file(pack: Path) -> None:
    manifest = (pack / MANIFEST).read_text(encoding="utf-8")
    (pack / MANIFEST).write_text(manifest.replace('"再次" = "zai4ci4.wav"\n', ""), "utf-8")
    clip_file(pack, "请").unlink()
    assert keys(check_pack(pack)) == [
        ("error", "再次", "voice.check.missing"),
        ("error", "请", "voice.check.no_file"),
    ]


def test_the_wrong_format(pack: Path) -> None:
    write(clip_file(pack, "号"), [8000, -8000] * 4000, rate=44100)
    write(clip_file(pack, "到"), [8000, -8000] * 4000, channels=2)
    clip_file(pack, "办理").write_bytes(b"RIFF nonsense")
    found = check_pack(pack)
    assert keys(found) == [
        ("error", "号", "voice.check.format"),
        ("error", "到", "voice.check.format"),
        ("error", "办理", "voice.check.not_wav"),
    ]
    assert (
        found[0].message("zh_CN")
        == "“号”：hao4.wav 应为 16000 Hz 单声道 16 位 PCM，实际 44100 Hz, 1 ch, 16-bit"
    )
    assert found[0].message("en").startswith("'号': hao4.wav must be 16000 Hz mono 16-bit PCM")


def test_loudness(pack: Path) -> None:
    quiet = Pack.load(pack).clip("号").scaled(0.05)
    quiet.write(clip_file(pack, "号"))
    loud = [32767 if i % 20 < 10 else -32768 for i in range(8000)]
    write(clip_file(pack, "到"), loud)
    padded = array("h", [0] * 8000) + Pack.load(pack).clip("窗口").samples()
    write(clip_file(pack, "窗口"), padded)
    found = check_pack(pack)
    assert ("error", "号", "voice.check.quiet") in keys(found)
    assert ("error", "到", "voice.check.clipping") in keys(found)
    assert ("warning", "窗口", "voice.check.silence") in keys(found)
    q = next(f for f in found if f.clip == "号")
    assert "声音太小" in q.message("zh_CN") and "too quiet" in q.message("en")


def test_no_manifest(tmp_path: Path) -> None:
    [f] = check_pack(tmp_path)
    assert f.key == "voice.pack.no_manifest" and "清单" in f.message("zh_CN")


def test_joining_clips_with_gaps() -> None:
    p = Pack.load()
    cache = p.loader()
    a, b = cache.get("请"), cache.get("号")
    joined = cache.render(["请", "号"])
    gap = p.rate * p.gap_ms // 1000
    assert len(joined.frames) == len(a.frames) + 2 * gap + len(b.frames)
    assert joined.frames.startswith(a.frames) and joined.frames.endswith(b.frames)
    assert Audio.silence(16000, 0.5).seconds == 0.5


def test_a_hall_pack_with_its_own_wording(pack: Path) -> None:
    # the hall says 顾客 and records the clip: the engine takes the wording once the pack has it
    table = {"pack": str(pack), "call": "请{ticket}号顾客到{window}号窗口办理"}
    with pytest.raises(VoiceUnavailable) as e:
        make_engine(VoiceConfig.from_table(table), RecordingSink(lambda: 0.0))
    assert "顾" in e.value.message("zh_CN")
    shutil.copy(clip_file(pack, "号"), pack / "guke.wav")
    manifest = (pack / MANIFEST).read_text(encoding="utf-8")
    (pack / MANIFEST).write_text(manifest + '"顾客" = "guke.wav"\n', "utf-8")
    engine = make_engine(VoiceConfig.from_table(table), RecordingSink(lambda: 0.0))
    assert engine.names("请A001号顾客到3号窗口办理")[5:7] == ["号", "顾客"]


def test_a_pack_for_english_is_refused_by_the_clips_engine() -> None:
    with pytest.raises(VoiceUnavailable) as e:
        make_engine(VoiceConfig.from_table({"languages": ["zh_CN", "en"]}), RecordingSink(float))
    assert "qt" in e.value.message("zh_CN") and "'en'" in e.value.message("en")


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"engine": "festival"}, "voice.engine: 'festival': use one of clips, qt, chip, none"),
        ({"repeats": 0}, "voice.repeats: 0 is out of range 1..5"),
        ({"quiet_hours": ["12-13"]}, "voice.quiet_hours[0]: '12-13': write HH:MM-HH:MM"),
        ({"call": "请{number}号"}, "voice.call: unknown placeholder {number}"),
        ({"recall_en": "again"}, "voice.recall_en: needs {ticket}"),
        ({"timezone": "Mars/Base"}, "voice.timezone: 'Mars/Base' is no time zone"),
        ({"engine": "chip"}, "voice.chip.port: missing"),
        ({"chip": {"port": "x", "model": "syn9999"}}, "voice.chip.model: 'syn9999'"),
        ({"volume": 2}, "voice.volume: must be 0..1"),
        ({"repeat": 2}, "voice.repeat: unknown key"),
    ],
)
def test_bad_config_is_named(table: dict, problem: str) -> None:
    with pytest.raises(ConfigError) as e:
        VoiceConfig.from_table(table, file="display.toml")
    assert f"display.toml: {problem}" in str(e.value)


def test_config_defaults_and_values() -> None:
    c = VoiceConfig.from_table({})
    assert (c.engine, c.policy.repeats, c.policy.chime, c.pack) == ("clips", 2, True, None)
    c = VoiceConfig.from_table(
        {"enabled": False, "quiet_hours": ["12:00-13:30", "22:00-07:00"], "repeats": 3}
    )
    assert c.engine == "none" and c.policy.quiet == ((720, 810), (1320, 420))


def test_render_text_with_and_without_the_chime() -> None:
    from voice.pack import render_text

    clips = Pack.load().loader()
    names, plain = render_text("请A001号到3号窗口办理", clips)
    _, chimed = render_text("请A001号到3号窗口办理", clips, chime=True)
    assert names[:2] == ["请", "A"] and plain == clips.render(names)
    assert chimed.frames.startswith(clips.get("chime").frames)
    assert chimed.frames.endswith(plain.frames)
    assert render_text("，。", clips, chime=True) == ([], clips.render([]))
