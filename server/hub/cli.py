"""``onetrip server``: run the hall hub until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import signal
import sys
from pathlib import Path

from shared import eventloop
from shared.config import ConfigError, load_config
from shared.hallconfig import HallConfig

log = logging.getLogger("onetrip.hub")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("server", help="run the hall server (websocket hub and web pages)")
    p.add_argument("--config", type=Path, required=True, help="the hall TOML file")
    p.add_argument("--db", type=Path, required=True, help="the hall database (made if missing)")
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default all)")
    p.add_argument("--port", type=int, default=8765, help="port (0: any free port)")
    p.add_argument("--tls-cert", type=Path, help="PEM certificate: serve wss:// and https://")
    p.add_argument("--tls-key", type=Path, help="PEM private key for --tls-cert")
    p.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="ROLE=N",
        help="requests per second one device of ROLE may send, over all its connections, "
        "e.g. kiosk=50 (each anonymous connection has its own) "
        "(defaults: kiosk 10, caller 20, display 20, bridge 200)",
    )
    p.set_defaults(func=cmd_server)


def cmd_server(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as e:
        e.report("the server did not start")
        return 2
    from .limits import HubLimits

    roles = sorted(HubLimits().rates)
    try:
        rates = {role: float(n) for role, n in (r.split("=") for r in args.rate)}
        if not set(rates) <= set(roles) or not all(0 < n < math.inf for n in rates.values()):
            raise ValueError
    except ValueError:
        print(
            f"--rate takes ROLE=N with N > 0 and ROLE one of {', '.join(roles)}; "
            "e.g. --rate kiosk=50",
            file=sys.stderr,
        )
        return 2
    if bool(args.tls_cert) != bool(args.tls_key):
        print("--tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    try:
        return eventloop.run(_serve(config, args, rates))
    except OSError as e:
        print(f"onetrip server: {e}", file=sys.stderr)
        return 1


async def _serve(config: HallConfig, args: argparse.Namespace, rates: dict[str, float]) -> int:
    from .limits import HubLimits
    from .server import start_hub, tls_context

    limits = HubLimits()
    for role, per_second in rates.items():
        limits = limits.with_rate(role, per_second)
    ssl = tls_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    running = await start_hub(
        config,
        args.db,
        host=args.host,
        port=args.port,
        ssl=ssl,
        limits=limits,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    # One line on stdout that scripts (tests, the demo) wait for to learn the port.
    print(
        f"onetrip server listening on {'wss' if ssl else 'ws'}://{host}:{running.port}/ws",
        flush=True,
    )
    log.info(
        "%s: %d windows, %d devices; seq %d",
        config.name,
        len(config.windows),
        len(config.devices),
        running.hub.fanout.seq,
    )
    await stop.wait()
    log.info("stopping")
    await running.close()
    return 0
