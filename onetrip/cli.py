"""The ``onetrip`` command. Each package adds its own subcommands through a ``register``
function; they are imported here by name so that ``onetrip --help`` stays quick and a
program that needs no Qt never loads it."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# Modules whose ``register(subparsers)`` adds subcommands, in the order --help shows them.
PARTS = (  # one line each
    "server.cli",
    "server.hub.cli",
    "onetrip.demo",
    "server.bench",
    "hardware.cli",
    "voice.cli",
    "server.reports.cli",
    "caller.cli",
    "display.cli",
    "kiosk.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onetrip", description="onetrip: 政务服务大厅排队叫号系统 / service hall queue system"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in PARTS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
