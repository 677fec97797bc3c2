"""``onetrip server``: run the hall hub until SIGINT or SIGTERM.

Every start-up failure is one bilingual line on stderr and exit code 2 (a traceback only with
``--verbose``); the checks are in ``server.startup``, the one-server-per-database lock in
``server.dblock``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import sqlite3
import ssl as ssl_module
import sys
from pathlib import Path

from server.dblock import DatabaseInUse, DatabaseLock
from server.startup import StartupError, check_database, listen_error, load_hall, say
from shared import eventloop
from shared.config import HallConfig
from shared.texts import t

log = logging.getLogger("onetrip.hub")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("server", help=say("ops.help.server"))
    p.add_argument("--config", type=Path, required=True, help=say("ops.opt.config"))
    p.add_argument("--db", type=Path, required=True, help=say("ops.opt.server_db"))
    p.add_argument("--host", default="0.0.0.0", help=say("ops.opt.host"))
    p.add_argument("--port", type=int, default=8765, help=say("ops.opt.port"))
    p.add_argument("--tls-cert", type=Path, help=say("ops.opt.tls_cert"))
    p.add_argument("--tls-key", type=Path, help=say("ops.opt.tls_key"))
    p.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="ROLE=N",
        help=say("ops.opt.rate"),
    )
    p.set_defaults(func=cmd_server)


def cmd_server(args: argparse.Namespace) -> int:
    lock: DatabaseLock | None = None
    try:
        config = load_hall(args.config)
        limits = _limits(args.rate)
        ssl = _tls(args.tls_cert, args.tls_key)
        check_database(args.db)
        try:
            lock = DatabaseLock(args.db).acquire()
        except DatabaseInUse as e:
            holder = e.holder or t("ops.start.holder_unknown")
            raise StartupError("ops.start.in_use", db=args.db, holder=holder) from None
        except OSError as e:
            raise StartupError("ops.start.unreadable", db=args.db, reason=e.strerror) from e
        return eventloop.run(_serve(config, args, limits, ssl))
    except StartupError as e:
        print(f"onetrip server: {e}", file=sys.stderr)
        return 2
    except Exception as e:
        if getattr(args, "verbose", False):
            raise
        print(f"onetrip server: {say('ops.start.failed', reason=e)}", file=sys.stderr)
        return 2
    finally:
        if lock is not None:
            lock.release()


def _limits(rates_given: list[str]) -> object:
    from .limits import HubLimits

    limits = HubLimits()
    roles = sorted(limits.rates)
    try:
        rates = {role: float(n) for role, n in (r.split("=") for r in rates_given)}
        if not set(rates) <= set(roles) or not all(0 < n < math.inf for n in rates.values()):
            raise ValueError
    except ValueError:
        raise StartupError("ops.start.bad_rate", roles=", ".join(roles)) from None
    for role, per_second in rates.items():
        limits = limits.with_rate(role, per_second)
    return limits


def _tls(cert: Path | None, key: Path | None) -> ssl_module.SSLContext | None:
    if bool(cert) != bool(key):
        raise StartupError("ops.start.tls_pair")
    if cert is None or key is None:
        return None
    from .server import tls_context

    try:
        return tls_context(cert, key)
    except (OSError, ssl_module.SSLError) as e:
        raise StartupError("ops.start.tls_bad", reason=e) from e


async def _serve(
    config: HallConfig,
    args: argparse.Namespace,
    limits: object,
    ssl: ssl_module.SSLContext | None,
) -> int:
    from server.store import StoreError

    from .server import settle_heap, start_hub

    try:
        running = await start_hub(
            config,
            args.db,
            host=args.host,
            port=args.port,
            ssl=ssl,
            limits=limits,  # type: ignore[arg-type]
        )
    except (sqlite3.Error, StoreError) as e:
        if "schema" in str(e):
            from server.schema import SCHEMA_VERSION

            raise StartupError(
                "ops.start.newer_schema", db=args.db, found="?", known=SCHEMA_VERSION
            ) from e
        raise StartupError("ops.start.unreadable", db=args.db, reason=e) from e
    except OSError as e:
        raise listen_error(e, args.host, args.port) from e
    running.hub.config_path = args.config  # what `onetrip admin reload` re-reads
    settle_heap()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    eventloop.on_stop_signals(loop, stop.set)
    host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    scheme = "wss" if ssl else "ws"
    # The first line on stdout: scripts (tests, the demo) wait for it to learn the port.
    print(f"onetrip server listening on {scheme}://{host}:{running.port}/ws", flush=True)
    for line in banner(config, args.db, f"{'https' if ssl else 'http'}://{host}:{running.port}",
                       running.hub.fanout.seq):  # fmt: skip
        print(line, flush=True)
    log.info(
        "started: %s on port %d, database %s at seq %d",
        config.name,
        running.port,
        args.db,
        running.hub.fanout.seq,
    )
    await stop.wait()
    log.info("stopping")
    await running.close()
    return 0


def banner(config: HallConfig, db: Path, http: str, seq: int) -> list[str]:
    """What an operator reads at start: the hall, where to look, the database, the counts."""
    return [
        "  " + say("ops.banner.hall", name=config.name),
        "  " + say("ops.banner.board", url=f"{http}/display"),
        "  " + say("ops.banner.health", url=f"{http}/healthz"),
        "  " + say("ops.banner.db", db=db, size=_size(db), events=seq),
        "  "
        + say(
            "ops.banner.counts",
            windows=len(config.windows),
            devices=len(config.devices),
            staff=len(config.staff),
        ),
    ]


def _size(db: Path) -> str:
    total = float(sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists()))
    for unit in ("B", "KiB", "MiB", "GiB"):
        if total < 1024 or unit == "GiB":
            return f"{total:.0f} {unit}" if unit == "B" else f"{total:.1f} {unit}"
        total /= 1024
    return ""  # pragma: no cover
