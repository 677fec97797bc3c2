"""Fixtures for the hub tests: the sample hall on disk, hub servers (a real ``onetrip server``
process, or in-process for what only in-process can show) and protocol clients."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import websockets
from support import PIN, HubProcess

from server.hub import RunningHub, start_hub
from shared.client import HubClient
from shared.config import HallConfig, load_config
from shared.sample import write_hall


@dataclass
class HallFiles:
    """A sample hall written to disk (open day and night), with its plain device tokens."""

    dir: Path
    config_path: Path
    tokens: dict[str, str]
    config: HallConfig = field(init=False)

    def __post_init__(self) -> None:
        self.config = load_config(self.config_path)

    def db(self, name: str = "hall.db") -> Path:
        return self.dir / name


def _write(dir: Path, *, public_board: bool = True) -> HallFiles:
    dir.mkdir(parents=True, exist_ok=True)
    path = dir / "hall.toml"
    creds = write_hall(path, pin=PIN, fast=True, force=True)
    text = path.read_text(encoding="utf-8")
    # No [hours]: the hall is open at any time the tests run.
    text = re.sub(r"(?ms)^\[hours\].*?(?=^\[\[zones\]\])", "", text)
    if not public_board:
        text = text.replace("public_board = true", "public_board = false")
    path.write_text(text, encoding="utf-8")
    return HallFiles(dir, path, creds.tokens)


@pytest.fixture(scope="session")
def hall_files(tmp_path_factory: pytest.TempPathFactory) -> HallFiles:
    return _write(tmp_path_factory.mktemp("hall"))


@pytest.fixture(scope="session")
def private_hall_files(tmp_path_factory: pytest.TempPathFactory) -> HallFiles:
    return _write(tmp_path_factory.mktemp("private-hall"), public_board=False)


# --- a real server process ----------------------------------------------------------------
class ServerProcess(HubProcess):
    """``onetrip server`` for the hub tests, on a sample hall's files."""

    def __init__(
        self, files: HallFiles, db: Path, port: int = 0, extra: tuple[str, ...] = ()
    ) -> None:
        super().__init__(files.config_path, db, port, extra)
        self.files = files


@pytest.fixture(scope="session")
def server(
    hall_files: HallFiles, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One server process shared by the tests that only read or use their own windows."""
    proc = ServerProcess(hall_files, tmp_path_factory.mktemp("db") / "shared.db").start()
    yield proc
    proc.stop()


@pytest.fixture
def fresh_server(hall_files: HallFiles, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server process of the test's own, on a new database."""
    proc = ServerProcess(hall_files, tmp_path / "hall.db").start()
    yield proc
    proc.kill()


# --- in-process -------------------------------------------------------------------------------
@pytest.fixture
async def hub(hall_files: HallFiles, tmp_path: Path) -> AsyncIterator[RunningHub]:
    running = await start_hub(hall_files.config, tmp_path / "hall.db", port=0, synchronous="NORMAL")
    yield running
    await running.close()


# --- clients -----------------------------------------------------------------------------------
class Clients:
    """Makes protocol clients for devices of the sample hall and closes them all at the end."""

    def __init__(self, files: HallFiles) -> None:
        self.files = files
        self.made: list[HubClient] = []
        self.sockets: list[Any] = []

    async def device(
        self, url: str, device: str | None, topics: tuple[str, ...] = (), **options: Any
    ) -> HubClient:
        token = self.files.tokens.get(device) if device else None
        client = HubClient(
            url,
            device=device,
            token=token,
            topics=topics,
            request_timeout=options.pop("request_timeout", 5.0),
            backoff=options.pop("backoff", (0.05, 0.5)),
            **options,
        )
        self.made.append(client)
        return await client.connect(5)

    async def raw(self, url: str, device: str | None = None, **options: Any) -> Any:
        """A bare websocket (for hostile frames), with device headers when given."""
        headers = {}
        if device:
            headers = {
                "Authorization": f"Bearer {self.files.tokens[device]}",
                "X-Onetrip-Device": device,
            }
        ws = await websockets.connect(url, additional_headers=headers, compression=None, **options)
        self.sockets.append(ws)
        return ws

    async def close(self) -> None:
        for client in self.made:
            await client.close()
        for ws in self.sockets:
            await ws.close()


@pytest.fixture
async def clients(hall_files: HallFiles) -> AsyncIterator[Clients]:
    made = Clients(hall_files)
    yield made
    await made.close()


async def _ask(ws: Any, op: str, rid: str = "r1", **fields: Any) -> dict[str, Any]:
    """Send one request on a bare websocket and wait for its reply (pushes are skipped)."""
    await ws.send(json.dumps({"op": op, "id": rid, **fields}))
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if message.get("re") == rid:
            return message


async def _login(client: HubClient, window: int, staff: str, pin: str = PIN) -> dict[str, Any]:
    return await client.request("login", window=window, staff=staff, pin=pin)


@pytest.fixture
def ask() -> Callable[..., Any]:
    return _ask


@pytest.fixture
def login() -> Callable[..., Any]:
    return _login
