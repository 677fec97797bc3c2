"""The bridge's config file (every problem as file: key: reason), its token sources, the
``onetrip bridge`` command, and what the bridge shows for a window's state."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.bridge_config import TOKEN_ENV, load_bridge_config
from hardware.bridge_views import error_display, keypad_display, strip_view
from onetrip.cli import main
from shared.config import ConfigError

GOOD = """
[hub]
url = "ws://127.0.0.1:8765/ws"
device = "bridge-1"
token_file = "bridge.token"

[serial]
port = "socket://127.0.0.1:4001"

[keypad]
staff_prefix = "s"
pause_reasons = { "1" = "会议", "2" = "培训" }

[strip]
brightness = 9

[[devices]]
address = 3
kind = "keypad"
window = 3

[[devices]]
address = 0x83
kind = "evaluator"
window = 3

[[devices]]
address = 0x43
kind = "strip"
window = 3

[[devices]]
address = 503
kind = "strip"
window = 3
adapter = "ascii"
"""


def write(tmp_path: Path, text: str, token: str | None = "secret-token") -> Path:
    if token is not None:
        (tmp_path / "bridge.token").write_text(token + "\n")
    path = tmp_path / "bridge.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_bridge_config(path)
    return [str(issue) for issue in info.value.issues]


def test_a_good_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    config = load_bridge_config(write(tmp_path, GOOD))
    assert config.token == "secret-token" and "secret-token" not in repr(config)
    assert config.windows == [3]
    assert config.keypad(3).address == 3  # type: ignore[union-attr]
    assert config.evaluator(3).address == 0x83  # type: ignore[union-attr]
    assert [s.adapter for s in config.of_kind("strip", 3)] == ["generic", "ascii"]
    assert config.pause_reasons == {"1": "会议", "2": "培训"}
    assert config.strip_brightness == 9 and config.baudrate == 9600


def test_the_token_from_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    assert load_bridge_config(write(tmp_path, GOOD, token=None)).token == "from-env"


def test_every_problem_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    text = """
[hub]
url = "http://hall:8765"
device = "bridge-1"

[serial]
baudrate = "fast"
colour = 1

[[devices]]
address = 3
kind = "keypad"
window = 3

[[devices]]
address = 3
kind = "strip"
window = 4

[[devices]]
address = 300
kind = "evaluator"
window = 3

[[devices]]
address = 4
kind = "keypad"
window = 3

[[devices]]
address = 5
kind = "printer"
window = 3

[[devices]]
address = 6
kind = "strip"
window = 3
adapter = "neon"
"""
    found = problems(write(tmp_path, text, token=None))
    file = str(tmp_path / "bridge.toml")
    assert all(p.startswith(f"{file}: ") for p in found)
    expected = [
        "hub.url: must start with ws:// or wss://",
        "hub.token: no device token",
        "serial.port: missing",
        "serial.baudrate: must be a whole number, not str",
        "serial.colour: unknown key",
        "devices[1].address: address 3 is used twice",
        "devices[2].address: 300 is out of range 1..255",
        "devices[3].window: window 3 already has a keypad",
        "devices[4].kind: 'printer' is not one of keypad, evaluator, strip",
        "devices[5].adapter: 'neon' is not one of generic, ascii",
    ]
    for want in expected:
        assert any(want in p for p in found), (want, found)
    assert len(found) == len(expected)


def test_unreadable_files(tmp_path: Path) -> None:
    assert "cannot read" in problems(tmp_path / "missing.toml")[0]
    assert "not valid TOML" in problems(write(tmp_path, "[hub"))[0]
    path = write(tmp_path, GOOD.replace('token_file = "bridge.token"', 'token_file = "nope"'))
    assert any("hub.token_file: cannot read" in p for p in problems(path))


def test_cli_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert main(["bridge", "--config", str(write(tmp_path, GOOD)), "--check"]) == 0
    assert "4 devices" in capsys.readouterr().out
    bad = write(tmp_path, GOOD.replace('kind = "keypad"', 'kind = "keyboard"'))
    assert main(["bridge", "--config", str(bad), "--check"]) == 2
    err = capsys.readouterr().err
    assert "devices[0].kind" in err and "the bridge did not start" in err


def test_keypad_display_per_window_state() -> None:
    assert keypad_display(None) == "----"
    assert keypad_display({"status": "logged_out"}) == "----"
    assert keypad_display({"status": "idle", "ticket": None}) == "0000"
    assert keypad_display({"status": "calling", "ticket": "A012"}) == "A012"
    assert keypad_display({"status": "serving", "ticket": "B003"}) == "B003"
    assert keypad_display({"status": "paused"}) == "PAUSE"
    assert error_display("queue_empty") == "E-01"
    assert error_display("something_new") == "E-99"


def test_strip_view_per_window_state() -> None:
    call = {"ticket": "A001", "announce": {"zh_CN": "请A001号到3号窗口办理", "en": "A001 to 3"}}
    calling = {"status": "calling", "ticket": "A001"}
    assert strip_view(3, calling, call, "zh_CN").text == "请A001号到3号窗口办理"
    assert strip_view(3, calling, call, "en").text == "A001 to 3"
    assert strip_view(3, calling, None, "zh_CN").text == "请A001号到3号窗口办理"
    shown = strip_view(3, {"status": "serving", "ticket": "A001"}, call, "zh_CN")
    assert shown.text == "3号窗口 正在办理A001号" and shown.mode == "static"
    assert (
        strip_view(3, {"status": "paused", "pause_reason": "会议"}, None, "zh_CN").text
        == "3号窗口 暂停服务：会议"
    )
    assert strip_view(3, {"status": "idle"}, call, "zh_CN").text == ""  # the idle text
    assert strip_view(3, None, None, "zh_CN").text == "3号窗口 暂停办理"
