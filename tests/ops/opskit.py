"""What the operator tests share: a sample hall on disk and ``onetrip`` run as a process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from support import PIN, ROOT

from shared.sample import write_hall


@dataclass
class Hall:
    dir: Path
    config: Path
    credentials: Path
    tokens: dict[str, str]


def write(dir: Path) -> Hall:
    dir.mkdir(parents=True, exist_ok=True)
    path = dir / "hall.toml"
    creds = write_hall(path, pin=PIN, fast=True, force=True)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^\[hours\].*?(?=^\[\[zones\]\])", "", text)  # open at any time
    path.write_text(text, encoding="utf-8")
    return Hall(dir, path, path.with_suffix(".credentials.toml"), creds.tokens)


def onetrip(
    *args: str, stdin: str | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """``onetrip ARGS`` in a process of its own, its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "onetrip", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
