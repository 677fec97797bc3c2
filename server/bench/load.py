"""Load generators for ``onetrip bench``, each run as its own process against a real server.

    python -m server.bench.load boards  FOLDER URL --first 1 --count 25
    python -m server.bench.load windows FOLDER URL --windows 200 --kiosks 20 --seconds 20
    python -m server.bench.load issue   FOLDER URL --first 1 --kiosks 10 --seconds 10
    python -m server.bench.load raw     FOLDER URL --op ping --first 1 --kiosks 10 --seconds 10
    python -m server.bench.load day     FOLDER URL --tickets 7000 --kiosks 20 --windows 100

Each prints one JSON object on its last line. Times that cross processes are wall-clock
nanoseconds (``time.time_ns``): every process runs on the same machine and clock.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import time
import tomllib
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from shared import eventloop
from shared.client import HubClient, HubError
from shared.protocol import HALL, Events

from .hall import ZONES

STOP = "stop"


def tokens(folder: Path) -> dict[str, str]:
    creds = tomllib.loads((folder / "hall.credentials.toml").read_text(encoding="utf-8"))
    return dict(creds["tokens"])


def client(url: str, folder: Path, device: str, **options: Any) -> HubClient:
    return HubClient(
        url,
        device=device,
        token=tokens(folder)[device],
        name=device,
        request_timeout=30,
        connect_timeout=30,
        **options,
    )


async def wait_for_stop(folder: Path) -> None:
    while not (folder / STOP).exists():
        await asyncio.sleep(0.05)


async def boards(folder: Path, url: str, first: int, count: int) -> dict[str, Any]:
    """Hall boards ``first`` … ``first + count - 1``; every call each one is pushed, with its
    arrival time. Real boards are machines of their own: the bench spreads them over a few
    processes so that one process reading a hundred sockets in turn does not add its own delay."""
    seen: list[tuple[int, str, int]] = []

    def board(n: int) -> HubClient:
        def on_event(push: dict[str, Any]) -> None:
            if push.get("event") == Events.CALLED:
                seen.append((n, push["call"]["ticket_id"], time.time_ns()))

        return client(url, folder, f"display-{n}", topics=[HALL], on_event=on_event, keep_events=0)

    clients = [board(n) for n in range(first, first + count)]
    await asyncio.gather(*(c.connect() for c in clients))
    (folder / f"boards-{first}.ready").touch()
    await wait_for_stop(folder)
    await asyncio.sleep(0.5)  # the last pushes
    await asyncio.gather(*(c.close() for c in clients))
    (folder / f"received-{first}.json").write_text(json.dumps(seen))
    return {"boards": count, "received": len(seen)}


async def windows(
    folder: Path,
    url: str,
    count: int,
    kiosks: int,
    seconds: float,
    call_every: float,
    issue_rate: float,
) -> dict[str, Any]:
    """``kiosks`` issuing at ``issue_rate`` in all, ``count`` windows each calling about every
    ``call_every`` seconds; the send and reply times of every call that got a ticket (the hub
    writes a call's pushes to every board before its reply). Every window logs in
    (a slow PIN check each, by design) before the clock starts: the figure is about calls."""
    sent: dict[str, tuple[int, int]] = {}
    rng = random.Random(7)

    async def kiosk(c: HubClient, n: int, end: float) -> None:
        zones = itertools.cycle(
            [z for z, _, _ in ZONES][n % len(ZONES) :] + [z for z, _, _ in ZONES]
        )
        while time.monotonic() < end:
            await c.request("issue", zone=next(zones))
            await asyncio.sleep(rng.expovariate(issue_rate / kiosks))

    async def window(c: HubClient, n: int, end: float) -> None:
        await asyncio.sleep(rng.uniform(0, call_every))
        while time.monotonic() < end:
            gap = rng.uniform(0.5, 1.5) * call_every
            start = time.time_ns()
            try:
                reply = await c.request("call_next", window=n)
            except HubError as e:
                if e.code != "queue_empty":
                    raise
                await asyncio.sleep(gap)
                continue
            sent[reply["ticket"]["id"]] = (start, time.time_ns())
            serving = rng.uniform(0.3, 0.7) * gap  # the citizen is served, then the next
            await asyncio.sleep(serving)
            await c.request("finish", window=n)
            await asyncio.sleep(gap - serving)

    kiosk_clients = [client(url, folder, f"kiosk-{n}") for n in range(1, kiosks + 1)]
    window_clients = [client(url, folder, f"caller-{n}") for n in range(1, count + 1)]
    await asyncio.gather(*(c.connect() for c in kiosk_clients + window_clients))
    await asyncio.gather(
        *(
            c.request("login", window=n, staff=f"s{n}", pin="123456")
            for n, c in enumerate(window_clients, 1)
        )
    )
    end = time.monotonic() + seconds
    await asyncio.gather(
        *(kiosk(c, n, end) for n, c in enumerate(kiosk_clients, 1)),
        *(window(c, n, end) for n, c in enumerate(window_clients, 1)),
    )
    await asyncio.gather(*(c.close() for c in kiosk_clients + window_clients))
    (folder / "sent.json").write_text(json.dumps(sent))
    return {"calls": len(sent)}


async def issue(
    folder: Path, url: str, first: int, kiosks: int, seconds: float, start_at: float
) -> dict[str, Any]:
    """``kiosks`` kiosks issuing as fast as the hub answers, each waiting for its reply."""
    clients = [client(url, folder, f"kiosk-{n}") for n in range(first, first + kiosks)]
    await asyncio.gather(*(c.connect() for c in clients))
    await asyncio.sleep(max(0.0, start_at - time.time()))
    acked = 0
    end = time.monotonic() + seconds

    async def loop(c: HubClient, n: int) -> None:
        nonlocal acked
        zone = ZONES[n % len(ZONES)][0]
        while time.monotonic() < end:
            await c.request("issue", zone=zone)
            acked += 1

    began = time.monotonic()
    await asyncio.gather(*(loop(c, n) for n, c in enumerate(clients)))
    took = time.monotonic() - began
    await asyncio.gather(*(c.close() for c in clients))
    return {"acked": acked, "seconds": took}


# What each layer of the hub costs: the same kiosks' requests, sent by bare websockets clients
# (so that no client library weighs on the figure), each op adding a layer to the one before.
RAW_OPS = {
    "ping": {"op": "ping"},  # websockets, the hub's parse, its policy and the reply
    "refused": {"op": "issue", "zone": "nowhere"},  # and the group commit, the rules refusing
    "issue": {"op": "issue"},  # and a ticket applied, written and committed durably
}


async def raw(
    folder: Path, url: str, op: str, first: int, kiosks: int, seconds: float, start_at: float
) -> dict[str, Any]:
    """``kiosks`` bare websockets connections sending ``op`` (``RAW_OPS``) as fast as the hub
    answers, each waiting for its reply; pushes that come between are read and passed over."""
    creds = tokens(folder)
    sockets = []
    for n in range(first, first + kiosks):
        device = f"kiosk-{n}"
        headers = {"Authorization": f"Bearer {creds[device]}", "X-Onetrip-Device": device}
        ws = await connect(url, additional_headers=headers, compression=None)
        await ws.send(json.dumps({"op": "hello", "id": "hello", "client": device}))
        while json.loads(await ws.recv()).get("re") != "hello":
            pass  # a push to every connection (another process's kiosk opened the day)
        sockets.append(ws)
    await asyncio.sleep(max(0.0, start_at - time.time()))
    acked = refused = 0
    end = time.monotonic() + seconds

    async def loop(ws: Any, n: int) -> None:
        nonlocal acked, refused
        message = dict(RAW_OPS[op])
        if op == "issue":
            message["zone"] = ZONES[n % len(ZONES)][0]
        i = 0
        while time.monotonic() < end:
            i += 1
            message["id"] = i
            await ws.send(json.dumps(message))
            while "re" not in (reply := json.loads(await ws.recv())):
                pass  # a push (the day opening, say)
            if reply.get("ok"):
                acked += 1
            elif op == "refused" and reply["error"]["code"] == "unknown_zone":
                refused += 1
            else:
                raise RuntimeError(f"{op}: {reply}")

    began = time.monotonic()
    await asyncio.gather(*(loop(ws, n) for n, ws in enumerate(sockets)))
    took = time.monotonic() - began
    for ws in sockets:
        await ws.close()
    return {"acked": acked, "refused": refused, "seconds": took}


async def day(folder: Path, url: str, tickets: int, kiosks: int, count: int) -> dict[str, Any]:
    """A whole day's tickets issued and served as fast as it goes."""
    kiosk_clients = [client(url, folder, f"kiosk-{n}") for n in range(1, kiosks + 1)]
    window_clients = [client(url, folder, f"caller-{n}") for n in range(1, count + 1)]
    await asyncio.gather(*(c.connect() for c in kiosk_clients + window_clients))
    for n, c in enumerate(window_clients, 1):
        await c.request("login", window=n, staff=f"s{n}", pin="123456")
    issued = served = 0
    began = time.monotonic()

    async def kiosk(c: HubClient, n: int) -> None:
        nonlocal issued
        zones = [z for z, _, _ in ZONES]
        while issued < tickets:
            issued += 1
            await c.request("issue", zone=zones[issued % len(zones)])

    async def window(c: HubClient, n: int) -> None:
        nonlocal served
        while served < tickets:
            try:
                await c.request("call_next", window=n)
            except HubError as e:
                if e.code != "queue_empty":
                    raise
                await asyncio.sleep(0.01)
                continue
            await c.request("finish", window=n)
            served += 1

    await asyncio.gather(
        *(kiosk(c, n) for n, c in enumerate(kiosk_clients, 1)),
        *(window(c, n) for n, c in enumerate(window_clients, 1)),
    )
    took = time.monotonic() - began
    await asyncio.gather(*(c.close() for c in kiosk_clients + window_clients))
    return {"issued": issued, "served": served, "seconds": took}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", choices=["boards", "windows", "issue", "raw", "day"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("url")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--windows", type=int, default=200)
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--call-every", type=float, default=2.0)
    parser.add_argument("--issue-rate", type=float, default=100)
    parser.add_argument("--start-at", type=float, default=0)
    parser.add_argument("--tickets", type=int, default=7000)
    parser.add_argument("--op", choices=sorted(RAW_OPS), default="ping")
    a = parser.parse_args()
    job = {
        "boards": lambda: boards(a.folder, a.url, a.first, a.count),
        "windows": lambda: windows(
            a.folder, a.url, a.windows, a.kiosks, a.seconds, a.call_every, a.issue_rate
        ),
        "issue": lambda: issue(a.folder, a.url, a.first, a.kiosks, a.seconds, a.start_at),
        "raw": lambda: raw(a.folder, a.url, a.op, a.first, a.kiosks, a.seconds, a.start_at),
        "day": lambda: day(a.folder, a.url, a.tickets, a.kiosks, a.windows),
    }[a.scenario]
    print(json.dumps(eventloop.run(job())), flush=True)


if __name__ == "__main__":
    main()
