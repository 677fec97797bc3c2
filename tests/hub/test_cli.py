"""``onetrip server`` refuses to start on a broken configuration, naming every problem."""

from __future__ import annotations

import subprocess
import sys

from support import ROOT


def test_a_config_error_lists_every_issue_and_does_not_start(hall_files, tmp_path):
    text = hall_files.config_path.read_text(encoding="utf-8")
    text = text.replace('prefix = "B"', 'prefix = "A"').replace(
        'role = "display"', 'role = "screen"', 1
    )
    broken = hall_files.dir / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.hub",
            "--config",
            str(broken),
            "--db",
            str(tmp_path / "x.db"),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 2
    assert "prefix" in run.stderr and "role" in run.stderr and "2 error(s)" in run.stderr
    assert "listening" not in run.stdout
    assert not (tmp_path / "x.db").exists()


def test_a_rate_for_no_role_is_refused(hall_files, tmp_path):
    for rate in ("kiosks=50", "kiosk=fast", "kiosk=0", "kiosk", "kiosk=nan", "kiosk=inf"):
        run = subprocess.run(
            [sys.executable, "-m", "server.hub", "--config", str(hall_files.config_path),
             "--db", str(tmp_path / "x.db"), "--port", "0", f"--rate={rate}"],
            cwd=ROOT, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert run.returncode == 2, rate
        assert "--rate takes ROLE=N" in run.stderr and "kiosk" in run.stderr
        assert "listening" not in run.stdout and not (tmp_path / "x.db").exists()
