"""A hall to try the kiosk against, on this machine: the sample hall's ``onetrip server`` in its
own process on a fresh database, a virtual printer on a loopback port, a kiosk config for them,
and window staff as a protocol client. The screenshots and the benchmark use it.

    with TrialHall(folder) as hall:
        config = hall.kiosk_config()
        hall.staff("caller-3", "login", window=3, staff="s003", pin=hall.pin)
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import threading
import tomllib
from pathlib import Path
from typing import Any

from hardware.virtual_printer import VirtualPrinter, VirtualPrinterServer
from shared.client import HubClient
from shared.sample import write_hall
from shared.security import hash_pin

from .config import KioskConfig, parse_kiosk_config

PIN = "135790"  # every staff member's PIN in a trial hall


class TrialHall:
    def __init__(self, folder: Path, *, rates: tuple[str, ...] = ()) -> None:
        self.folder = folder
        self.rates = rates
        self.pin = PIN
        self.proc: subprocess.Popen[str] | None = None
        self.printer: VirtualPrinterServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clients: dict[str, HubClient] = {}

    def __enter__(self) -> TrialHall:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config_path = self.folder / "hall.toml"
        write_hall(self.config_path, pin=PIN, force=True, fast=True, always_open=True)
        creds = tomllib.loads(
            self.config_path.with_suffix(".credentials.toml").read_text(encoding="utf-8")
        )
        self.tokens: dict[str, str] = dict(creds["tokens"])
        db = self.folder / "hall.db"
        for stale in (db, db.with_name("hall.db-wal"), db.with_name("hall.db-shm")):
            stale.unlink(missing_ok=True)
        self.log = (self.folder / "server.log").open("a", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "onetrip.cli", "server", "--config", str(self.config_path),
             "--db", str(db), "--host", "127.0.0.1", "--port", "0",
             *[f"--rate={r}" for r in self.rates]],
            stdout=subprocess.PIPE, stderr=self.log, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (ws://[\d.]+:\d+/ws)", line)
        if not match:
            self.__exit__()
            raise RuntimeError(f"the server did not start: see {self.folder / 'server.log'}")
        self.url = match.group(1)
        device = VirtualPrinter("kiosk", out_dir=self.folder / "receipts")
        self.printer = VirtualPrinterServer(device, host="127.0.0.1", port=0).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None:
            for client in self._clients.values():
                asyncio.run_coroutine_threadsafe(client.close(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self.printer is not None:
            self.printer.stop()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def kiosk_config(self, device: str = "kiosk-1", **kiosk: Any) -> KioskConfig:
        assert self.printer is not None
        policy = kiosk.pop("when_broken", "refuse")
        orientation = kiosk.pop("orientation", "landscape")
        return parse_kiosk_config(
            {
                "hub": {"url": self.url, "device": device, "token": self.tokens[device]},
                "printer": {"url": self.printer.url, "when_broken": policy, "poll_seconds": 0.5},
                "screen": {"orientation": orientation, "diagonal_inches": 21.5},
                "kiosk": kiosk,
                "maintenance": {"pin_hash": hash_pin(PIN, fast=True)},
                "hall": {"config": str(self.config_path)},
            },
            file="trial-kiosk.toml",
            base=self.folder,
        )

    def staff(self, device: str, op: str, **fields: Any) -> dict[str, Any]:
        """A request by another device of the hall (a caller, the admin), waited for."""
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            threading.Thread(target=self._loop.run_forever, daemon=True).start()
        if device not in self._clients:
            client = HubClient(self.url, device=device, token=self.tokens[device])
            asyncio.run_coroutine_threadsafe(client.connect(10), self._loop).result(15)
            self._clients[device] = client
        future = asyncio.run_coroutine_threadsafe(
            self._clients[device].request(op, **fields), self._loop
        )
        return future.result(15)
