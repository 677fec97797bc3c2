"""The ``onetrip`` command. Each package adds its own subcommands through a ``register``
function; they are imported here by name so that ``onetrip --help`` stays quick and a
program that needs no Qt never loads it."""

from __future__ import annotations

import argparse
import importlib
import sys
from importlib.metadata import PackageNotFoundError, version

from server.logsetup import FORMATS, setup
from server.startup import say
from shared.texts import TEXTS

# Modules whose ``register(subparsers)`` adds subcommands, in the order --help shows them.
PARTS = (  # one line each
    "server.cli",
    "server.hub.cli",
    "server.admin",
    "onetrip.demo",
    "server.bench",
    "hardware.cli",
    "voice.cli",
    "server.reports.cli",
    "caller.cli",
    "display.cli",
    "kiosk.cli",
)


def onetrip_version() -> str:
    try:
        return version("onetrip")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onetrip",
        description="onetrip: 政务服务大厅排队叫号系统 / service hall queue system",
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help=say("ops.help.help"))
    parser.add_argument(
        "--version", action="version", version=f"onetrip {onetrip_version()}",
        help=say("ops.help.version"),
    )  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help=say("ops.help.verbose"))
    parser.add_argument(
        "--log-format", choices=FORMATS, default="text", help=say("ops.help.log_format")
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in PARTS:
        importlib.import_module(name).register(sub)
    # Chinese first in the list of commands, whichever part registered them.
    for action in sub._choices_actions:
        key = f"ops.help.cmd.{action.dest}"
        if key in TEXTS:
            action.help = say(key)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup(args.verbose, args.log_format)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        # One line for a failure nobody foresaw; the traceback is for --verbose.
        if args.verbose:
            raise
        print(f"onetrip {args.command}: {say('ops.failed', reason=e)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
