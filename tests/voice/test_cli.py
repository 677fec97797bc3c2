"""``onetrip voice …`` end to end: say, check, clips, make-pack; the WAV read back by sox."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from onetrip.cli import main
from voice.pack import BUILTIN, MANIFEST, Pack, read_wav


def sox_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["sox", "--i", str(path)], capture_output=True, text=True, check=True)
    return {
        k.strip(): v.strip()
        for k, _, v in (line.partition(":") for line in out.stdout.splitlines())
        if v
    }


def test_say_renders_a_call_to_a_wav(tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.wav"
    assert main(["voice", "say", "请A001号到3号窗口办理", "--out", str(out), "--chime"]) == 0
    printed = capsys.readouterr().out
    assert "请 A 零 零 一 号 到 三 号 窗口 办理" in printed and "已写入" in printed
    info = read_wav(out)
    assert (info.channels, info.width, info.rate) == (1, 2, 16000)
    pack = Pack.load()
    chime = pack.clip("chime")
    assert info.audio.frames.startswith(chime.frames)
    assert info.audio.frames.endswith(pack.clip("办理").frames)
    if shutil.which("sox"):
        sox = sox_info(out)
        assert sox["Channels"] == "1" and sox["Sample Rate"] == "16000"
        assert sox["Precision"] == "16-bit"
        assert sox["Duration"].startswith(f"00:00:0{int(info.audio.seconds)}")


def test_say_names_what_the_pack_cannot_say(tmp_path: Path, capsys) -> None:
    assert main(["voice", "say", "请A001号顾客到3号窗口", "--out", str(tmp_path / "y.wav")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("语音包中没有读“顾”的音频") and "no clip that says '顾'" in err
    assert not (tmp_path / "y.wav").exists()


def test_check_a_good_and_a_bad_pack(tmp_path: Path, capsys) -> None:
    assert main(["voice", "check", str(BUILTIN)]) == 0
    assert "合格" in capsys.readouterr().out
    bad = tmp_path / "bad"
    shutil.copytree(BUILTIN, bad)
    (bad / "hao4.wav").unlink()
    assert main(["voice", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "错误 error: “号”：找不到文件 hao4.wav / '号': no file hao4.wav" in err
    assert "不合格" in err and "not usable: 1 error(s)" in err


def test_clips_lists_what_a_pack_needs(tmp_path: Path, capsys) -> None:
    assert main(["voice", "clips", "--word", "顾客"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("提示音 chime\tchime.wav")
    assert "窗口\tchuang1kou3.wav\tchuang1kou3.wav" in lines
    assert "A\tletter_A.wav\tletter_A.wav" in lines
    assert lines[-1] == "顾客\tgu4ke4.wav\t-"  # the hall's word: not in the built-in pack
    assert len(lines) == 46


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
def test_make_pack_renders_a_pack_that_checks_good(tmp_path: Path, capsys) -> None:
    out = tmp_path / "pack"
    assert main(["voice", "make-pack", str(out), "--word", "顾客"]) == 0
    assert "已生成语音包" in capsys.readouterr().out
    assert main(["voice", "check", str(out), "--word", "顾客"]) == 0
    pack = Pack.load(out)
    assert pack.files["顾客"] == "gu4ke4.wav" and pack.rate == 16000
    assert (out / MANIFEST).read_text(encoding="utf-8") == (BUILTIN / MANIFEST).read_text(
        encoding="utf-8"
    ) + '"顾客" = "gu4ke4.wav"\n'
    assert main(["voice", "say", "请A001号顾客到3号窗口", "--out", str(tmp_path / "g.wav"),
                 "--pack", str(out)]) == 0  # fmt: skip


def test_say_on_a_speech_module_over_a_pty(capsys) -> None:
    from hardware.ttschip import TtsChipEmulator

    with TtsChipEmulator(per_char=0.002) as emu:
        assert main(["voice", "say", "请A001号到12号窗口办理", "--chip", emu.path]) == 0
        assert [text for _, _, text in emu.spoken] == ["请A零零一号到十二号窗口办理"]
        assert "已读完" in capsys.readouterr().out
        emu.silent = True
        assert main(["voice", "say", "请A001号", "--chip", emu.path]) == 2
        assert "没有应答" in capsys.readouterr().err
