"""``onetrip bench``: the hall server's figures, measured between real processes on loopback.

Prints one JSON object per line, ``{"bench", "metric", "value", "unit"}``:

- ``disk``: what one fsync costs where the database lives, the floor under a durable commit.

- ``fanout``: 100 boards, 200 windows calling, 20 kiosks issuing; the time from a window's
  ``call_next`` leaving the caller to the ``called`` push arriving at each board (``board``),
  at the last of them (``all_boards``), and to the caller's reply, which the hub writes only
  after the push to every board (``reply``), and the hub's own time for every change it made
  in the run, from the request read to the pushes and the reply written (``hub``, from
  ``/healthz``).
- ``throughput``: 20 kiosks issuing as fast as they are answered, with durable commits
  (``synchronous=FULL``): acknowledged tickets per second.
- ``layers``: the throughput bench's kiosks as bare websockets clients sending ``ping``, an
  ``issue`` the rules refuse, and an ``issue``: what each layer of the hub costs a request.
- ``busyday``: a day of 7,000 tickets (鄞州's daily load) issued and served end to end as fast
  as it goes: wall time, and the server's peak memory.
- ``bare``: the limits of the stack onetrip stands on, in the same run (``server.bench.bare``):
  a bare SQLite WAL writer with group commit, the same behind a bare websockets server, and a
  bare websockets broadcast to as many boards. ``ratio`` lines then put onetrip's figures
  beside them: ``throughput / bare``, ``board p99 / bare broadcast p99``. Absolute figures
  move with the machine; the ratios are what the code is worth.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from server.hub.process import HubProcess
from shared.benchline import RESULTS, cpu_seconds, emit, memory_mib, percentile

from .hall import write_big_hall

RATES = ["kiosk=100000", "caller=100000", "display=100000"]
THROUGHPUT_SECONDS = {False: 15.0, True: 4.0}  # by --quick
BOARDS, BOARD_PROCESSES = 100, 4


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("bench", help="measure the hall server (fan-out, throughput, busy day)")
    p.add_argument(
        "which",
        nargs="*",
        metavar="BENCH",
        help="bare, fanout, …, hall (default: all)",
    )
    p.add_argument("--quick", action="store_true", help="shorter runs (a smoke test)")
    p.add_argument("--dir", type=Path, help="work in this folder and keep it (logs, raw times)")
    p.add_argument(
        "--rounds",
        type=int,
        help="with bare: measure each ratio this many times, each pair back to back "
        "(default 3, 1 with --quick)",
    )
    p.set_defaults(func=cmd_bench)


class Server:
    """``onetrip server`` in its own process on a fresh database."""

    def __init__(self, folder: Path) -> None:
        folder = folder.resolve()  # the server runs from the checkout
        (folder / "hall.db").unlink(missing_ok=True)
        self.process = HubProcess(
            folder / "hall.toml", folder / "hall.db", extra=[f"--rate={r}" for r in RATES]
        )
        self.process.log_path = folder / "server.log"
        self.process.start()
        assert self.process.proc is not None
        self.proc = self.process.proc
        self.port = self.process.port
        self.url = f"ws://127.0.0.1:{self.port}"

    def health(self) -> dict[str, Any]:
        url = f"http://127.0.0.1:{self.port}/healthz"
        with urllib.request.urlopen(url, timeout=10) as response:
            return dict(json.loads(response.read()))

    def cpu_seconds(self) -> float:
        """The server process's CPU time so far (user and system, all its threads)."""
        return cpu_seconds(self.proc.pid)

    def peak_memory_mib(self) -> float:
        """VmHWM: the most resident memory the server process ever had (Linux)."""
        return memory_mib(self.proc.pid, "VmHWM")

    def stop(self) -> None:
        self.process.stop()


def load_process(folder: Path, url: str, *args: str) -> subprocess.Popen[str]:
    """``python -m server.bench.load`` with ``args`` (a scenario and its options)."""
    return subprocess.Popen(
        [sys.executable, "-m", "server.bench.load", args[0], str(folder), url, *args[1:]],
        stdout=subprocess.PIPE,
        text=True,
    )


def result(proc: subprocess.Popen[str], timeout: float = 600) -> dict[str, Any]:
    out, _ = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"a load process failed ({proc.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def fanout(folder: Path, quick: bool) -> None:
    server = Server(folder)
    try:
        (folder / "stop").unlink(missing_ok=True)
        firsts = range(1, BOARDS + 1, BOARDS // BOARD_PROCESSES)
        boards = [
            load_process(
                folder,
                server.url,
                "boards",
                "--first",
                str(first),
                "--count",
                str(BOARDS // BOARD_PROCESSES),
            )
            for first in firsts
        ]
        deadline = time.monotonic() + 60
        while not all((folder / f"boards-{first}.ready").exists() for first in firsts):
            if time.monotonic() > deadline or any(b.poll() is not None for b in boards):
                raise RuntimeError("the boards did not connect")
            time.sleep(0.05)
        seconds = "15" if quick else "60"
        callers = load_process(
            folder,
            server.url,
            "windows",
            "--windows",
            "200",
            "--kiosks",
            "20",
            "--seconds",
            seconds,
            "--call-every",
            "20",
            "--issue-rate",
            "10",
        )
        result(callers)
        (folder / "stop").touch()
        for b in boards:
            result(b)
        health = server.health()
        hub, commits = health["latency_ms"], health["commit_ms"]
    finally:
        server.stop()
    times: dict[str, list[int]] = json.loads((folder / "sent.json").read_text())
    sent = {t: start for t, (start, _) in times.items()}
    replied = [(end - start) / 1e6 for start, end in times.values()]
    received = [
        r for first in firsts for r in json.loads((folder / f"received-{first}.json").read_text())
    ]
    per_board = [(ns - sent[t]) / 1e6 for _, t, ns in received if t in sent]
    last: dict[str, int] = {}
    for _, t, ns in received:
        last[t] = max(last.get(t, 0), ns)
    to_all = [(ns - sent[t]) / 1e6 for t, ns in last.items() if t in sent]
    counts: dict[str, int] = {}
    for _, t, _ns in received:
        counts[t] = counts.get(t, 0) + 1
    missing = sum(BOARDS - counts.get(t, 0) for t in sent)
    emit("fanout", "calls", len(sent), "calls")
    emit("fanout", "calls_per_second", len(sent) / float(seconds), "calls/s")
    emit("fanout", "pushes_missing", missing, "pushes")
    # the hub's own time for each change, and the disk's part of it (COMMIT and fsync)
    for kind, summary in (("hub", hub), ("commit", commits)):
        for name in ("p50", "p99", "max"):
            emit("fanout", f"{kind}_{name}", summary[name], "ms")
    for name, values in (("reply", replied), ("board", per_board), ("all_boards", to_all)):
        emit("fanout", f"{name}_p50", percentile(values, 50), "ms")
        emit("fanout", f"{name}_p99", percentile(values, 99), "ms")
        emit("fanout", f"{name}_max", max(values), "ms")


def throughput(folder: Path, quick: bool) -> None:
    server = Server(folder)
    try:
        seconds = str(THROUGHPUT_SECONDS[quick])
        start = str(time.time() + 3)
        procs = [
            load_process(
                folder,
                server.url,
                "issue",
                "--first",
                str(first),
                "--kiosks",
                "10",
                "--seconds",
                seconds,
                "--start-at",
                start,
            )
            for first in (1, 11)
        ]
        results = [result(p) for p in procs]
    finally:
        server.stop()
    acked = sum(r["acked"] for r in results)
    took = max(r["seconds"] for r in results)
    emit("throughput", "tickets_per_second", acked / took, "tickets/s")
    emit("throughput", "tickets", acked, "tickets")


def layers(folder: Path, quick: bool) -> None:
    """What each layer of the hub costs a request: the throughput bench's 20 kiosks, as bare
    websockets clients, sending ``ping`` (websockets and the hub's parse, policy and reply), an
    ``issue`` the rules refuse (and the group commit, nothing written), and an ``issue``
    (and the ticket applied, written and committed durably). Requests per second for each, and
    the server's CPU time per request (all its threads), and what each op adds to the one
    before it (``refused_minus_ping_us``, ``issue_minus_refused_us``)."""
    from .load import RAW_OPS

    seconds = str(THROUGHPUT_SECONDS[quick])
    cpu: dict[str, float] = {}
    for op in RAW_OPS:
        server = Server(folder)
        try:
            start = time.time() + 3
            procs = [
                load_process(folder, server.url, "raw", "--op", op, "--first", str(first),
                     "--kiosks", "10", "--seconds", seconds, "--start-at", str(start))
                for first in (1, 11)
            ]  # fmt: skip
            time.sleep(max(0.0, start - time.time()))
            used = server.cpu_seconds()
            results = [result(p) for p in procs]
            used = server.cpu_seconds() - used
        finally:
            server.stop()
        done = sum(r["acked"] + r["refused"] for r in results)
        emit("layers", f"{op}_per_second", done / max(r["seconds"] for r in results), "requests/s")
        cpu[op] = used / done * 1e6 if done else 0.0
        emit("layers", f"{op}_server_cpu_us", cpu[op], "us/request")
    for below, above in itertools.pairwise(RAW_OPS):
        emit("layers", f"{above}_minus_{below}_us", cpu[above] - cpu[below], "us/request")


def busyday(folder: Path, quick: bool) -> None:
    server = Server(folder)
    try:
        tickets = "1000" if quick else "7000"
        r = result(
            load_process(
                folder,
                server.url,
                "day",
                "--tickets",
                tickets,
                "--kiosks",
                "20",
                "--windows",
                "100",
            )
        )
        memory = server.peak_memory_mib()
    finally:
        server.stop()
    emit("busyday", "tickets", r["served"], "tickets")
    emit("busyday", "wall_time", r["seconds"], "s")
    emit("busyday", "tickets_per_second", r["served"] / r["seconds"], "tickets/s")
    emit("busyday", "server_peak_memory", memory, "MiB")


def disk(folder: Path) -> None:
    """The fsync of a 4 KiB append in the bench's folder: the floor under every durable commit,
    and the figure that differs most between machines of the same kind."""
    path = folder / "fsync.probe"
    took = []
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND)
    try:
        for _ in range(200):
            os.write(fd, b"\0" * 4096)
            began = time.perf_counter()
            os.fsync(fd)
            took.append((time.perf_counter() - began) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    emit("disk", "fsync_p50", percentile(took, 50), "ms")
    emit("disk", "fsync_p99", percentile(took, 99), "ms")


def bare_sqlite(folder: Path, quick: bool) -> None:
    from . import bare

    seconds = 3.0 if quick else 10.0
    emit("bare", "sqlite_rows_per_second", bare.sqlite_rows_per_second(folder, seconds), "rows/s")


def bare_ws_sqlite(folder: Path, quick: bool) -> None:
    from . import bare

    seconds = THROUGHPUT_SECONDS[quick]  # as long as the throughput bench it is set beside
    emit("bare", "ws_sqlite_per_second", bare.ws_sqlite(folder, seconds), "requests/s")


def bare_broadcast(folder: Path, quick: bool) -> None:
    from . import bare

    arrivals = bare.bare_broadcast(folder, 5.0 if quick else 20.0, percentile)
    emit("bare", "broadcast_p50", percentile(arrivals, 50), "ms")
    emit("bare", "broadcast_p99", percentile(arrivals, 99), "ms")


def bare_limits(folder: Path, quick: bool) -> None:
    bare_sqlite(folder, quick)
    bare_ws_sqlite(folder, quick)
    bare_broadcast(folder, quick)


# Each ratio: its name, onetrip's figure, the bare stack's, and the two benches that make them.
RATIOS = (
    ("throughput_over_bare_ws_sqlite", ("throughput", "tickets_per_second"),
     ("bare", "ws_sqlite_per_second")),
    ("board_p99_over_bare_broadcast_p99", ("fanout", "board_p99"), ("bare", "broadcast_p99")),
    ("board_p50_over_bare_broadcast_p50", ("fanout", "board_p50"), ("bare", "broadcast_p50")),
)  # fmt: skip
PAIRS = {"throughput": bare_ws_sqlite, "fanout": bare_broadcast}  # onetrip bench -> its limit


def paired(
    folder: Path, quick: bool, name: str, ours: Any, rounds: int, rnd: list[dict[str, float]]
) -> None:
    """``name`` and its bare limit back to back, ``rounds`` times, alternating which goes first
    (ABBA: a machine that drifts during the run weighs on both sides alike). Each round's
    figures are kept for its ratios; the spread over the rounds is what a reader should trust.
    """
    for r in range(rounds):
        order = (PAIRS[name], ours) if r % 2 == 0 else (ours, PAIRS[name])
        for bench in order:
            bench(folder, quick)
        while len(rnd) <= r:
            rnd.append({})
        for ratio, mine, theirs in RATIOS:
            if mine[0] == name and RESULTS.get(theirs):
                rnd[r][ratio] = RESULTS[mine] / RESULTS[theirs]


def ratios(rounds: list[dict[str, float]]) -> None:
    """onetrip's figures as shares of the bare stack's, where both were measured: per round,
    then the median and the spread (lowest, highest) over the rounds."""
    for name, _, _ in RATIOS:
        values = [r[name] for r in rounds if name in r]
        for i, value in enumerate(values, 1):
            emit("ratio", f"{name}_round{i}", value, "x")
        if values:
            emit("ratio", name, statistics.median(values), "x")
            emit("ratio", f"{name}_min", min(values), "x")
            emit("ratio", f"{name}_max", max(values), "x")
    if RESULTS.get(("bare", "sqlite_rows_per_second")) and ("throughput", "tickets_per_second") in (
        RESULTS
    ):
        emit(
            "ratio",
            "throughput_over_bare_sqlite",
            RESULTS[("throughput", "tickets_per_second")]
            / RESULTS[("bare", "sqlite_rows_per_second")],
            "x",
        )


def _bench(where: str) -> Any:
    """A bench by ``module:function``, imported when it runs: ``onetrip`` starts without the
    apps' modules."""
    module, function = where.split(":")
    return getattr(importlib.import_module(module), function)


def cmd_bench(args: argparse.Namespace) -> int:
    print(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}, {platform.system()}"
            }
        ),
        flush=True,
    )
    benches = {  # one line each, in the order make bench runs them: module:function
        "bare": "server.bench:bare_limits",
        "fanout": "server.bench:fanout",
        "throughput": "server.bench:throughput",
        "busyday": "server.bench:busyday",
        "layers": "server.bench:layers",
        "voice": "voice.bench:bench",
        "kiosk": "kiosk.bench:bench",
        "reports": "server.reports.bench:bench",
        "caller": "caller.bench:bench",
        "display": "display.bench:bench",
        "history": "server.bench.history:bench",
        "hall": "onetrip.bench:bench",
    }
    unknown = [which for which in args.which if which not in benches]
    if unknown:
        print(
            f"onetrip bench: no bench '{unknown[0]}' ({', '.join(benches)})",
            file=sys.stderr,
        )
        return 2
    chosen = args.which or list(benches)
    rounds = max(1, args.rounds or (1 if args.quick else 3))
    per_round: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="onetrip-bench-") as tmp:
        folder = args.dir or Path(tmp)
        write_big_hall(folder)
        disk(folder)
        for which in chosen:
            if "bare" in chosen and which == "bare":
                bare_sqlite(folder, args.quick)  # the rest beside the bench it is a limit of
                for name, limit in PAIRS.items():
                    if name not in chosen:
                        limit(folder, args.quick)
            elif "bare" in chosen and which in PAIRS:
                paired(folder, args.quick, which, _bench(benches[which]), rounds, per_round)
            else:
                _bench(benches[which])(folder, args.quick)
        ratios(per_round)
    return 0
