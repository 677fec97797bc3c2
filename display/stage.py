"""A sample hall on a real ``onetrip server`` process, and a busy morning played on it: what the
screenshots and ``onetrip bench display`` show the boards.

    with Stage(folder) as stage:              # the sample hall, always open, a fresh database
        eventloop.run(morning(stage))          # tickets, calls, a recall, a pause, a notice
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

from shared.client import HubClient
from shared.sample import write_hall

PIN = "246810"


class Stage:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.config = folder / "hall.toml"
        self.db = folder / "hall.db"
        creds = write_hall(self.config, pin=PIN, fast=True, always_open=True, force=True)
        self.tokens = creds.tokens
        self.port = 0
        self.proc: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None

    def start(self, timeout: float = 20.0) -> Stage:
        self._log = (self.folder / "server.log").open("a", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server.hub", "--config", str(self.config), "--db",
             str(self.db), "--host", "127.0.0.1", "--port", str(self.port),
             "--rate", "caller=100000", "--rate", "kiosk=100000", "--rate", "admin=100000"],
            env={**os.environ, "PYTHONUNBUFFERED": "1"}, text=True,
            stdout=subprocess.PIPE, stderr=self._log,
        )  # fmt: skip
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the server did not start: see {self.folder / 'server.log'}")
            m = re.search(r"listening on ws://[\d.]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                return self
        raise TimeoutError("the server did not report its port")

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Stage:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def client(self, device: str, topics: tuple[str, ...] = ()) -> HubClient:
        client = HubClient(
            self.url, device=device, token=self.tokens[device], topics=topics, keep_events=0
        )
        return await client.connect(10)


ZONES = ("shangshi", "budongchan", "gongan", "shehui", "gongjijin")


async def morning(stage: Stage, *, windows: int = 10) -> dict[str, Any]:
    """Tickets in every zone, windows 1..``windows`` staffed and calling, one served, one
    paused with its reason, a recall last and a notice: a board with every part filled."""
    kiosk = await stage.client("kiosk-1")
    admin = await stage.client("admin")
    for i in range(40):
        await kiosk.request("issue", zone=ZONES[i % len(ZONES)])
    callers = []
    for n in range(1, windows + 1):
        caller = await stage.client(f"caller-{n}")
        await caller.request("login", window=n, staff=f"s{n:03d}", pin=PIN)
        callers.append(caller)
    paused = windows  # the last one takes a break
    for n, caller in enumerate(callers, start=1):
        if n == paused:
            await caller.request("pause", window=n, reason="午间轮休")
            continue
        await caller.request("call_next", window=n)
        if n % 3 == 0:
            await caller.request("start", window=n)
    await callers[1].request("recall", window=2)
    await admin.request(
        "notice",
        text="今日下午 14:00-15:00 不动产登记系统升级，请先取号等候",
        text_en="Real estate registration system upgrade 14:00-15:00",
        minutes=60,
    )
    for c in (kiosk, admin, *callers):
        await c.close()
    return {"windows": windows}
