"""The display's configuration and its command: every problem at once, in both languages."""

from __future__ import annotations

import subprocess
import sys

import pytest

from display.cli import cmd_init
from display.config import SAMPLE, load_display_config, parse_display_config
from shared.config import ConfigError


def test_the_sample_is_a_valid_config(tmp_path):
    path = tmp_path / "display.toml"
    assert cmd_init(path, force=False) == 0
    (tmp_path / "display-hall.token").write_text("secret-token\n", encoding="utf-8")
    config = load_display_config(path)
    assert config.mode == "hall" and config.device == "display-hall"
    assert config.token == "secret-token" and config.diagonal_inches == 55
    assert config.voice is not None and config.voice.engine == "clips"
    assert cmd_init(path, force=False) == 2  # never overwritten unasked
    assert path.read_text(encoding="utf-8") == SAMPLE


def test_a_window_screen_is_silent_unless_asked():
    raw = {"hub": {"url": "ws://h:8765/ws", "device": "d", "token": "x"},
           "display": {"mode": "window", "window": 3}}  # fmt: skip
    config = parse_display_config(raw)
    assert config.window == 3 and config.voice is None
    config = parse_display_config({**raw, "voice": {"engine": "clips", "repeats": 1}})
    assert config.voice is not None and config.voice.policy.repeats == 1


def test_every_problem_at_once():
    raw = {
        "hub": {"url": "http://h", "device": "d", "token": "x"},
        "display": {"mode": "wall", "recent": 99, "colour": "red"},
        "voice": {"engine": "parrot"},
        "extra": {},
    }
    with pytest.raises(ConfigError) as info:
        parse_display_config(raw, file="d.toml")
    text = str(info.value)
    for key in ("hub.url", "display.mode", "display.recent", "display.colour", "voice.engine"):
        assert key in text
    assert "mode 必须是 hall 或 window" in text and "mode must be hall or window" in text


def test_a_window_screen_needs_its_window():
    raw = {"hub": {"url": "ws://h/ws", "device": "d", "token": "x"}, "display": {"mode": "window"}}
    with pytest.raises(ConfigError) as info:
        parse_display_config(raw)
    assert "窗口屏" in str(info.value) and "needs window" in str(info.value)


def test_the_command_refuses_a_bad_config(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[hub]\nurl = "ws://h/ws"\n[display]\nmode = "x"\n', encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "onetrip.cli", "display", "--config", str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert "display.mode" in run.stderr and "hub.token" in run.stderr
