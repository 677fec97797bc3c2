"""What the simulated hall's programs share: the demo folder's files and a stop signal.

The demo runs every simulated kiosk, window and display as its own process speaking the real
protocol. They learn of each other only through the hub, and through a few files in the demo
folder: the plain device tokens, the 续办服务卡 handed out (so a citizen can come back with one),
a log of what each saw, and a ``stop`` file that ends them all (portable, unlike signals).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

STOP = "stop"  # kiosks and windows end
STOP_BOARDS = "stop-boards"  # then the boards, so that they see the last call
CARDS = "cards.jsonl"
PACE = "autopilot.json"  # the pace of the apps' autopilots (``onetrip demo --autopilot``)


class DemoDir:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @property
    def config(self) -> Path:
        return self.path / "hall.toml"

    @property
    def db(self) -> Path:
        return self.path / "hall.db"

    def tokens(self) -> dict[str, str]:
        creds = tomllib.loads((self.path / "hall.credentials.toml").read_text(encoding="utf-8"))
        return dict(creds["tokens"])

    def pins(self) -> dict[str, str]:
        creds = tomllib.loads((self.path / "hall.credentials.toml").read_text(encoding="utf-8"))
        return dict(creds["pins"])

    def pace(self, app: str) -> dict[str, Any]:
        """What ``onetrip demo`` tells the on-screen app ``app`` (``kiosk-1``, ``caller-3``,
        ``evaluator-3``) to do on autopilot, with the demo's ``speed``; {} if nothing."""
        path = self.path / PACE
        if not path.exists():
            return {}
        pace = json.loads(path.read_text(encoding="utf-8"))
        return {"speed": pace.get("speed", 60.0), **pace.get("apps", {}).get(app, {})}

    def write_pace(self, speed: float, apps: dict[str, dict[str, Any]]) -> None:
        text = json.dumps({"speed": speed, "apps": apps}, ensure_ascii=False, indent=1)
        (self.path / PACE).write_text(text, encoding="utf-8")

    def stopped(self, flag: str = STOP) -> bool:
        return (self.path / flag).exists()

    def stop(self, flag: str = STOP) -> None:
        (self.path / flag).touch()

    def append(self, name: str, record: dict[str, Any]) -> None:
        """One JSON line, written whole (O_APPEND) so readers never see half a line."""
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        fd = os.open(self.path / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    def read(self, name: str) -> Iterator[dict[str, Any]]:
        path = self.path / name
        if not path.exists():
            return
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.endswith("\n"):
                    yield json.loads(line)

    async def sleep(self, seconds: float, flag: str = STOP) -> bool:
        """Sleep up to ``seconds``; False as soon as the demo is told to stop."""
        end = time.monotonic() + seconds
        while not self.stopped(flag):
            left = end - time.monotonic()
            if left <= 0:
                return True
            await asyncio.sleep(min(left, 0.2))
        return False
