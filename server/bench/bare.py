"""The bare limits under onetrip's figures, measured in the same run on the same disk and cores.

An absolute figure moves with the machine (the same code did 5,363 and 1,789 tickets/s on two
machines of one kind). What onetrip adds is its ratio to what the stack it stands on can do
there and then:

- ``sqlite``: a bare SQLite writer (WAL, ``synchronous=FULL``), one process, committing what
  ``CLIENTS`` waiting clients sent as one group commit each time: durable rows per second.
- ``ws_sqlite``: the same writer behind a bare websockets server (the same library and event
  loop as the hub, the fsync on a thread of its own as the hub does), with ``CLIENTS`` clients
  in two processes, each waiting for its reply: acknowledged requests per second. onetrip's
  ``throughput`` bench is the same shape, with the hall's rules on top.
- ``broadcast``: a bare websockets server pushing one frame per "call" to ``BOARDS`` clients
  in ``BOARD_PROCESSES`` processes (the fan-out bench's layout), a caller process sending the
  calls: the time from the call's send to each board's arrival, p50 and p99.

    python -m server.bench.bare serve FOLDER            # prints "listening PORT"
    python -m server.bench.bare issue URL --clients 10 --seconds 5 --start-at T
    python -m server.bench.bare boards FOLDER URL --first 1 --count 25
    python -m server.bench.bare calls FOLDER URL --seconds 10 --rate 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

from shared import eventloop

CLIENTS = 20  # the throughput bench's kiosks
BOARDS, BOARD_PROCESSES = 100, 4  # the fan-out bench's boards
ROW = b'{"zone":"shangshi","matter":"qiye-sheli","kind":"normal","ahead":12}' * 3  # ~200 B


def open_db(path: Path) -> sqlite3.Connection:
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
    return db


def commit(db: sqlite3.Connection, rows: list[bytes]) -> None:
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO events (payload) VALUES (?)", [(r,) for r in rows])
    db.execute("COMMIT")


def sqlite_rows_per_second(folder: Path, seconds: float) -> float:
    """Group commits of ``CLIENTS`` rows each, as fast as the disk allows."""
    db = open_db(folder / "bare.db")
    try:
        rows = [ROW] * CLIENTS
        done = 0
        began = time.perf_counter()
        while (took := time.perf_counter() - began) < seconds:
            commit(db, rows)
            done += len(rows)
        return done / took
    finally:
        db.close()


# --- the bare server ----------------------------------------------------------------------
class BareServer:
    """Requests in, group commit on a thread, replies out; calls broadcast to every board."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.pending: list[tuple[ServerConnection, Any, bytes]] = []
        self.wake = asyncio.Event()
        self.boards: set[ServerConnection] = set()
        self.syncer = ThreadPoolExecutor(1, thread_name_prefix="bare-fsync")

    async def handler(self, ws: ServerConnection) -> None:
        async for frame in ws:
            message = orjson.loads(frame)
            op = message.get("op")
            if op == "issue":
                self.pending.append((ws, message["id"], ROW))
                self.wake.set()
            elif op == "board":
                self.boards.add(ws)
                await ws.send(orjson.dumps({"re": message["id"], "ok": True}).decode())
            elif op == "call":
                broadcast(self.boards, orjson.dumps({"call": message["call"]}).decode())
                await ws.send(orjson.dumps({"re": message["id"], "ok": True}).decode())
        self.boards.discard(ws)

    async def committer(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self.wake.wait()
            self.wake.clear()
            batch, self.pending = self.pending, []
            if not batch:
                continue
            await loop.run_in_executor(self.syncer, commit, self.db, [row for _, _, row in batch])
            for ws, rid, _ in batch:
                with contextlib.suppress(ConnectionClosed):  # a client gone: nothing to answer
                    await ws.send(orjson.dumps({"re": rid, "ok": True}).decode())


async def serve_forever(folder: Path) -> None:
    server = BareServer(open_db(folder / "bare-server.db"))
    committer = asyncio.create_task(server.committer())
    async with serve(server.handler, "127.0.0.1", 0, compression=None) as ws_server:
        port = next(iter(ws_server.sockets)).getsockname()[1]
        print(f"listening {port}", flush=True)
        await asyncio.Future()  # until killed
    committer.cancel()


# --- clients --------------------------------------------------------------------------
async def issue(url: str, clients: int, seconds: float, start_at: float) -> dict[str, Any]:
    sockets = [await connect(url, compression=None) for _ in range(clients)]
    await asyncio.sleep(max(0.0, start_at - time.time()))
    acked = 0
    end = time.monotonic() + seconds

    async def loop(ws: Any, n: int) -> None:
        nonlocal acked
        i = 0
        while time.monotonic() < end:
            i += 1
            await ws.send(orjson.dumps({"op": "issue", "id": f"{n}-{i}"}).decode())
            await ws.recv()
            acked += 1

    began = time.monotonic()
    await asyncio.gather(*(loop(ws, n) for n, ws in enumerate(sockets)))
    took = time.monotonic() - began
    for ws in sockets:
        await ws.close()
    return {"acked": acked, "seconds": took}


async def boards(folder: Path, url: str, first: int, count: int) -> dict[str, Any]:
    seen: list[tuple[int, int]] = []

    async def board(n: int) -> Any:
        ws = await connect(url, compression=None)
        await ws.send(orjson.dumps({"op": "board", "id": n}).decode())
        await ws.recv()
        return ws

    async def read(ws: Any) -> None:
        async for frame in ws:
            seen.append((orjson.loads(frame)["call"], time.time_ns()))

    sockets = [await board(n) for n in range(first, first + count)]
    readers = [asyncio.create_task(read(ws)) for ws in sockets]
    (folder / f"bare-boards-{first}.ready").touch()
    while not (folder / "bare-stop").exists():
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    for ws in sockets:
        await ws.close()
    await asyncio.gather(*readers, return_exceptions=True)
    (folder / f"bare-received-{first}.json").write_bytes(orjson.dumps(seen))
    return {"received": len(seen)}


async def calls(folder: Path, url: str, seconds: float, rate: float) -> dict[str, Any]:
    ws = await connect(url, compression=None)
    sent: dict[int, int] = {}
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        sent[n] = time.time_ns()
        await ws.send(orjson.dumps({"op": "call", "id": n, "call": n}).decode())
        await ws.recv()
        await asyncio.sleep(1 / rate)
    await ws.close()
    (folder / "bare-sent.json").write_bytes(orjson.dumps(sent, option=orjson.OPT_NON_STR_KEYS))
    return {"calls": n}


# --- the bench, run by ``onetrip bench`` ----------------------------------------------------
def _python(*args: str, **options: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "server.bench.bare", *args], stdout=subprocess.PIPE, text=True,
        **options,
    )  # fmt: skip


def _last_json(proc: subprocess.Popen[str], timeout: float = 300) -> dict[str, Any]:
    out, _ = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"a bare bench process failed ({proc.returncode})")
    return dict(orjson.loads(out.strip().splitlines()[-1]))


class _Server:
    def __init__(self, folder: Path) -> None:
        self.proc = _python("serve", str(folder))
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("listening"):
            raise RuntimeError("the bare server did not start")
        self.url = f"ws://127.0.0.1:{line.split()[1]}"

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(10)


def ws_sqlite(folder: Path, seconds: float) -> float:
    server = _Server(folder)
    try:
        start = str(time.time() + 2)
        half = str(CLIENTS // 2)
        procs = [
            _python("issue", server.url, "--clients", half, "--seconds", str(seconds),
                    "--start-at", start)
            for _ in range(2)
        ]  # fmt: skip
        results = [_last_json(p) for p in procs]
    finally:
        server.stop()
    return sum(r["acked"] for r in results) / max(r["seconds"] for r in results)


def bare_broadcast(folder: Path, seconds: float, percentile: Callable[..., float]) -> list[float]:
    server = _Server(folder)
    (folder / "bare-stop").unlink(missing_ok=True)
    per = BOARDS // BOARD_PROCESSES
    firsts = range(1, BOARDS + 1, per)
    readers: list[subprocess.Popen[str]] = []
    try:
        readers = [
            _python("boards", str(folder), server.url, "--first", str(f), "--count", str(per))
            for f in firsts
        ]
        deadline = time.monotonic() + 60
        while not all((folder / f"bare-boards-{f}.ready").exists() for f in firsts):
            if time.monotonic() > deadline or any(r.poll() is not None for r in readers):
                raise RuntimeError("the bare boards did not connect")
            time.sleep(0.05)
        _last_json(_python("calls", str(folder), server.url, "--seconds", str(seconds)))
        (folder / "bare-stop").touch()
        for r in readers:
            _last_json(r)
    finally:
        (folder / "bare-stop").touch()
        for r in readers:
            if r.poll() is None:
                r.kill()
        server.stop()
    sent = {int(k): v for k, v in orjson.loads((folder / "bare-sent.json").read_bytes()).items()}
    return [
        (ns - sent[call]) / 1e6
        for f in firsts
        for call, ns in orjson.loads((folder / f"bare-received-{f}.json").read_bytes())
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("job", choices=["serve", "issue", "boards", "calls"])
    parser.add_argument("args", nargs="*")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--start-at", type=float, default=0)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--count", type=int, default=25)
    parser.add_argument("--rate", type=float, default=10)
    a = parser.parse_args()
    if a.job == "serve":
        eventloop.run(serve_forever(Path(a.args[0])))
        return
    job = {
        "issue": lambda: issue(a.args[0], a.clients, a.seconds, a.start_at),
        "boards": lambda: boards(Path(a.args[0]), a.args[1], a.first, a.count),
        "calls": lambda: calls(Path(a.args[0]), a.args[1], a.seconds, a.rate),
    }[a.job]
    print(orjson.dumps(eventloop.run(job())).decode(), flush=True)


if __name__ == "__main__":
    main()
