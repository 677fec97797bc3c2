"""The hall configuration: the sample, `onetrip init`, `onetrip config check`, hashes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from shared.config import ConfigError, load_config, parse_config
from shared.sample import write_hall
from shared.security import hash_token, verify_pin, verify_token
from shared.tomlreader import TomlReader

ONETRIP = [sys.executable, "-m", "onetrip.cli"]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ONETRIP, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


def test_init_writes_a_sample_that_checks_clean(tmp_path: Path):
    path = tmp_path / "hall.toml"
    result = run("init", str(path))
    assert result.returncode == 0, result.stderr
    config = load_config(path)
    assert config.name == "余姚市行政服务中心"
    assert {z.name for z in config.zones.values()} >= {
        "商事登记",
        "不动产登记",
        "公安",
        "社会事务",
        "公积金",
    }
    assert len(config.windows) == 20
    assert config.staff["s001"].backup == "s002"
    assert [str(p) for p in config.hours.weekly[1]][-1] == "13:30-19:30"  # Tuesday evening
    secret = tmp_path / "hall.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert secret.read_text().strip().encode() == config.secret
    creds = tomllib.loads((tmp_path / "hall.credentials.toml").read_text())
    # Only hashes live in the config; the plain values in the private credentials file.
    assert verify_pin(creds["pins"]["s001"], config.staff["s001"].pin_hash)
    assert verify_token(creds["tokens"]["kiosk-1"], config.devices["kiosk-1"].token_hash)
    text = path.read_text()
    assert creds["pins"]["s001"] not in text.replace(config.staff["s001"].pin_hash, "")
    assert creds["tokens"]["kiosk-1"] not in text
    assert "#" in text  # commented
    check = run("config", "check", str(path))
    assert check.returncode == 0 and "20 windows" in check.stdout


def test_init_does_not_overwrite(tmp_path: Path):
    path = tmp_path / "hall.toml"
    assert run("init", str(path)).returncode == 0
    again = run("init", str(path))
    assert again.returncode == 1 and "exists" in again.stderr


def test_config_check_reports_every_error_with_file_key_and_reason(tmp_path: Path):
    write_hall(tmp_path / "hall.toml", pin="123456", fast=True)
    text = (tmp_path / "hall.toml").read_text()
    text = text.replace('prefix = "B"', 'prefix = "A"')  # duplicate prefix
    text = text.replace('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"')
    text = text.replace('backup = "s002"', 'backup = "s999"', 1)
    text = text.replace('tue = ["08:30-12:00", "13:30-19:30"]', 'tue = ["08:30-07:00"]')
    text = text.replace("zones = { shangshi = 1 }\n", "zones = { nowhere = 1 }\n", 1)
    text = text.replace("recall_limit = 3 ", 'recall_limit = "three" ')
    text = text.replace('role = "kiosk"', 'role = "printer"', 1)
    text = text.replace("[policy]", '[policy]\ncolour = "red"')
    (tmp_path / "bad.toml").write_text(text)
    result = run("config", "check", str(tmp_path / "bad.toml"))
    assert result.returncode == 1
    err = result.stderr
    expected = [
        "zones[1].prefix: 'A' is already used by zone 'shangshi'",
        "hall.timezone: unknown time zone 'Mars/Olympus'",
        "staff[0].backup: no staff member 's999'",
        "hours.tue[0]: '08:30-07:00' ends before it starts",
        "windows[0].zones.nowhere: no such zone",
        "policy.recall_limit: must be a whole number, not str",
        "devices[0].role: 'printer' is not one of",
        "policy.colour: unknown key",
    ]
    for line in expected:  # file: key: 中文 / English
        key, reason = line.split(": ", 1)
        assert any(f"bad.toml: {key}: " in out and reason in out for out in err.splitlines()), line
    assert "8 error(s)" in err


def test_config_errors_never_give_a_half_built_config(sample_toml: str):
    raw = tomllib.loads(sample_toml)
    raw["windows"][0]["zones"] = {}
    with pytest.raises(ConfigError) as info:
        parse_config(raw, secret=b"x" * 32)
    assert [i.key for i in info.value.issues] == ["windows[0].zones"]


def test_missing_secret_and_unreadable_files(tmp_path: Path):
    write_hall(tmp_path / "hall.toml", pin="123456", fast=True)
    (tmp_path / "hall.secret").unlink()
    with pytest.raises(ConfigError, match="cannot read the secret file"):
        load_config(tmp_path / "hall.toml")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.toml")
    (tmp_path / "broken.toml").write_text("[hall\nname=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "broken.toml")


def test_secret_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_hall(tmp_path / "hall.toml", pin="123456", fast=True)
    (tmp_path / "hall.secret").unlink()
    monkeypatch.setenv("ONETRIP_HALL_SECRET", "e" * 40)
    assert load_config(tmp_path / "hall.toml").secret == b"e" * 40


def test_plain_pins_and_tokens_are_refused_in_the_config(sample_toml: str):
    raw = tomllib.loads(sample_toml)
    raw["staff"][0]["pin_hash"] = "123456"
    raw["devices"][0]["token_hash"] = "my-token"
    with pytest.raises(ConfigError) as info:
        parse_config(raw, secret=b"x" * 32)
    assert {i.key for i in info.value.issues} == {"staff[0].pin_hash", "devices[0].token_hash"}


def test_hash_pin_and_hash_token_commands():
    result = run("config", "hash-pin", stdin="246810\n")
    assert result.returncode == 0
    assert verify_pin("246810", result.stdout.strip())
    assert not verify_pin("246811", result.stdout.strip())
    assert run("config", "hash-pin", stdin="12\n").returncode == 1
    token = run("config", "hash-token")
    lines = token.stdout.splitlines()
    plain = lines[0].removeprefix("token: ")
    assert lines[1] == f'token_hash = "{hash_token(plain)}"'


def test_the_sample_file_in_the_package_is_what_init_writes(tmp_path: Path):
    write_hall(tmp_path / "hall.toml", fast=True)
    assert os.path.getsize(tmp_path / "hall.toml") > 5000


def test_importing_the_engine_imports_no_io():
    """The engine takes the frozen config; the loader (TOML, environment, files) stays out."""
    import subprocess
    import sys

    code = (
        "import sys, server.engine; "
        "print(sorted(m for m in ('shared.config', 'tomllib', 'sqlite3', 'websockets', "
        "'shared.tomlreader', 'PySide6') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "env, file, expected, problem",
    [
        ("from-env", "from-file", "from-env", None),  # the environment first
        ("", "from-file\n", "from-file", None),  # then the file, stripped
        ("", None, None, None),  # neither: the caller says what is missing
        ("", "", "", "is empty"),
        ("", "missing", "", "cannot read the secret file"),
    ],
)
def test_one_reader_for_every_secret(tmp_path: Path, monkeypatch, env, file, expected, problem):
    """The hall's key and every device token are read the same way (TomlReader.secret)."""
    monkeypatch.setenv("SOME_SECRET", env)
    table = {}
    if file is not None:
        table["secret_file"] = "s.txt"
        if file != "missing":
            (tmp_path / "s.txt").write_text(file, encoding="utf-8")
    r = TomlReader("x.toml")
    assert r.secret(table, "t.secret_file", env="SOME_SECRET", base=tmp_path) == expected
    reasons = [i.reason for i in r.issues]
    assert (problem is None and reasons == []) or (
        len(reasons) == 1
        and problem in reasons[0]
        and [i.key for i in r.issues] == ["t.secret_file"]
    )
