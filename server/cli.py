"""Subcommands of the hall server: init, config, db (the hub adds ``server``)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from shared.config import ConfigError, load_config
from shared.sample import write_hall
from shared.security import hash_pin, hash_token, new_token


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="write a sample hall configuration (余姚 model)")
    p.add_argument("path", type=Path, help="where to write the TOML file, e.g. hall.toml")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument("--pin", help="give every staff member this PIN (demo only)")
    p.set_defaults(func=cmd_init)

    config = sub.add_parser("config", help="check a configuration, make PIN and token hashes")
    csub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    p = csub.add_parser("check", help="report every error in a hall configuration")
    p.add_argument("path", type=Path)
    p.set_defaults(func=cmd_config_check)
    p = csub.add_parser("hash-pin", help="hash a staff PIN (read from the terminal or stdin)")
    p.set_defaults(func=cmd_hash_pin)
    p = csub.add_parser("hash-token", help="make a new device token and print it with its hash")
    p.add_argument("--token", help="hash this token instead of making one")
    p.set_defaults(func=cmd_hash_token)

    db = sub.add_parser("db", help="database tools")
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    p = dsub.add_parser("backup", help="online backup of a hall database")
    p.add_argument("--db", type=Path, required=True, help="the hall database")
    p.add_argument("dest", type=Path)
    p.set_defaults(func=cmd_db_backup)
    p = dsub.add_parser("check", help="integrity check and event count")
    p.add_argument("--db", type=Path, required=True)
    p.set_defaults(func=cmd_db_check)


def cmd_init(args: argparse.Namespace) -> int:
    try:
        creds = write_hall(args.path, pin=args.pin, force=args.force)
    except FileExistsError as e:
        print(f"onetrip init: {e} exists (use --force to overwrite)", file=sys.stderr)
        return 1
    print(f"wrote {args.path}, its secret {args.path.with_name('hall.secret')}")
    print(f"initial PINs and device tokens: {args.path.with_suffix('.credentials.toml')}")
    print(f"  ({len(creds.pins)} staff, {len(creds.tokens)} devices; keep that file private)")
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.path)
    except ConfigError as e:
        e.report()
        return 1
    print(
        f"{args.path}: ok — {config.name}: {len(config.zones)} zones, "
        f"{len(config.windows)} windows, {len(config.staff)} staff, "
        f"{len(config.devices)} devices"
    )
    return 0


def cmd_hash_pin(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        pin = getpass.getpass("PIN: ")
        if getpass.getpass("again: ") != pin:
            print("the two PINs differ", file=sys.stderr)
            return 1
    else:
        pin = sys.stdin.readline().strip()
    if not (4 <= len(pin) <= 12 and pin.isdigit()):
        print("a PIN is 4 to 12 digits", file=sys.stderr)
        return 1
    print(hash_pin(pin))
    return 0


def cmd_hash_token(args: argparse.Namespace) -> int:
    token = args.token or new_token()
    if not args.token:
        print(f"token: {token}")
    print(f'token_hash = "{hash_token(token)}"')
    return 0


def cmd_db_backup(args: argparse.Namespace) -> int:
    from .store import Store

    if not args.db.exists():
        print(f"no database at {args.db}", file=sys.stderr)
        return 1
    store = Store(args.db)
    try:
        store.backup(args.dest)
    finally:
        store.close()
    print(f"backed up {args.db} to {args.dest}")
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    from .store import Store

    store = Store(args.db)
    try:
        result = store.integrity()
        print(f"integrity: {result}; events: {store.max_seq()}; schema: {store.version}")
    finally:
        store.close()
    return 0 if result == "ok" else 1
