"""``onetrip caller init`` and a bad ``--config``: said plainly, nothing started."""

from __future__ import annotations

from pathlib import Path

import pytest

from caller.config import load_caller_config
from onetrip.cli import main


def test_init_writes_a_sample_that_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "caller.toml"
    assert main(["caller", "init", str(path), "--window", "5"]) == 0
    assert "已写入呼叫器配置示例" in capsys.readouterr().out
    (tmp_path / "caller-5.token").write_text("secret-token\n", encoding="utf-8")
    monkeypatch.delenv("ONETRIP_CALLER_TOKEN", raising=False)
    config = load_caller_config(path)
    assert (config.window, config.device, config.token) == (5, "caller-5", "secret-token")
    assert main(["caller", "init", str(path)]) == 1  # never overwritten without --force
    assert "--force" in capsys.readouterr().err


def test_a_bad_config_is_listed_and_nothing_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ONETRIP_CALLER_TOKEN", raising=False)
    path = tmp_path / "caller.toml"
    path.write_text('[hub]\nurl = "ws://x/ws"\ndevice = "caller-3"\n[caller]\nwindow = "3"\n')
    assert main(["caller", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "caller.window: must be a whole number" in err and "hub.token" in err
    assert "the caller did not start" in err
    assert main(["caller"]) == 2
    assert "--config" in capsys.readouterr().err
