"""scripts/system-packages: installs what is missing as root, or names the command to run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from support import ROOT

SCRIPT = ROOT / "scripts" / "system-packages"


def _fake_bin(tmp_path: Path, uid: int, installed: bool) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    status = "install ok installed" if installed else "unknown ok not-installed"
    tools = {
        "id": f"#!/bin/sh\necho {uid}\n",
        "dpkg-query": f"#!/bin/sh\nprintf '%s' '{status}'\n",
        "apt-get": f'#!/bin/sh\necho apt-get "$@" >> {tmp_path}/apt.log\n',
    }
    for name, body in tools.items():
        path = bin_dir / name
        path.write_text(body)
        path.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}


def _run(env: dict[str, str], group: str = "run") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(SCRIPT), group], env=env, capture_output=True, text=True, timeout=30
    )


def test_a_user_without_root_is_told_the_exact_command(tmp_path: Path) -> None:
    done = _run(_fake_bin(tmp_path, uid=1000, installed=False))
    assert done.returncode == 0
    assert "sudo apt-get install --no-install-recommends" in done.stderr
    assert "fonts-noto-cjk" in done.stderr and "libegl1" in done.stderr
    assert "chromium" not in done.stderr  # only the tests need the browser
    assert not (tmp_path / "apt.log").exists()


def test_root_installs_what_is_missing(tmp_path: Path) -> None:
    done = _run(_fake_bin(tmp_path, uid=0, installed=False), "test")
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "apt.log").read_text()
    assert "update" in log and "install" in log and "chromium-driver" in log


def test_nothing_is_done_when_everything_is_there(tmp_path: Path) -> None:
    done = _run(_fake_bin(tmp_path, uid=0, installed=True), "test")
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    assert not (tmp_path / "apt.log").exists()


def test_a_wrong_group_is_refused(tmp_path: Path) -> None:
    done = _run(_fake_bin(tmp_path, uid=0, installed=True), "everything")
    assert done.returncode == 2 and "usage" in done.stderr
