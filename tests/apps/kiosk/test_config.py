"""The kiosk's TOML: ``onetrip kiosk init`` writes one that loads, and a bad one is refused with
every problem listed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import ROOT

from kiosk.config import load_kiosk_config, parse_kiosk_config
from shared.config import ConfigError
from shared.security import verify_pin


def onetrip(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "onetrip.cli", *args],
        cwd=cwd, capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip


def test_init_writes_a_config_that_loads_with_its_token_pin_and_hall(
    tmp_path: Path, app_hall: Any
) -> None:
    hall = tmp_path / "hall.toml"
    hall.write_text(app_hall.config_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "hall.secret").write_text((app_hall.dir / "hall.secret").read_text())
    creds = app_hall.config_path.with_suffix(".credentials.toml").read_text(encoding="utf-8")
    hall.with_suffix(".credentials.toml").write_text(creds, encoding="utf-8")
    done = onetrip(
        "kiosk",
        "init",
        str(tmp_path / "kiosk.toml"),
        "--hall",
        str(hall),
        "--device",
        "kiosk-2",
        "--printer",
        "tcp://127.0.0.1:9101",
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    pin = done.stdout.split("PIN:")[1].strip()
    config = load_kiosk_config(tmp_path / "kiosk.toml")
    assert config.hub.device == "kiosk-2" and config.hub.token == app_hall.tokens["kiosk-2"]
    assert (tmp_path / "kiosk-2.token").stat().st_mode & 0o077 == 0  # private
    assert config.printer_url == "tcp://127.0.0.1:9101" and config.printer_policy == "refuse"
    assert verify_pin(pin, config.pin_hash)
    assert config.public is not None and "shangshi" in config.public.zones
    assert config.public.priority_kinds == ("elderly", "disabled", "pregnant", "military")
    again = onetrip("kiosk", "init", str(tmp_path / "kiosk.toml"), cwd=ROOT)
    assert again.returncode == 1 and "已存在" in again.stderr and "--force" in again.stderr


def test_a_bad_config_lists_every_problem_and_the_kiosk_does_not_start(tmp_path: Path) -> None:
    bad = tmp_path / "kiosk.toml"
    bad.write_text(
        '[hub]\nurl = "http://x"\ndevice = "kiosk-1"\ntoken = "t"\n'
        '[printer]\nurl = "carrier-pigeon://x"\nwidth = 70\nwhen_broken = "shrug"\n'
        '[screen]\norientation = "diagonal"\n'
        '[kiosk]\nlang = "fr"\nidle_seconds = 1\n'
        '[maintenance]\npin_hash = "123456"\n'
        "[extra]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_kiosk_config(bad)
    keys = [issue.key for issue in caught.value.issues]
    assert keys == [
        "hub.url", "printer.url", "printer.width", "printer.when_broken", "screen.orientation",
        "kiosk.lang", "kiosk.idle_seconds", "maintenance.pin_hash", "extra",
    ]  # fmt: skip
    done = onetrip("kiosk", "--config", str(bad), cwd=ROOT)
    assert done.returncode == 2
    assert "9 error(s): 取号机配置有误 / The kiosk configuration has errors" in done.stderr
    assert "printer.when_broken: must be one of screen, refuse" in done.stderr


def test_the_token_comes_from_the_environment_first(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("ONETRIP_KIOSK_TOKEN", "from-env")
    config = parse_kiosk_config(
        {"hub": {"url": "ws://h/ws", "device": "kiosk-1"}, "printer": {"url": "tcp://p:9100"}},
        base=tmp_path,
    )
    assert config.hub.token == "from-env" and config.size == (1920, 1080)


def test_kiosk_without_a_config_says_how_to_get_one(tmp_path: Path) -> None:
    done = onetrip("kiosk", cwd=ROOT)
    assert done.returncode == 2 and "onetrip kiosk init" in done.stderr
