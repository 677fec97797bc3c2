"""Subcommands of the hall server: init, config, db (the hub adds ``server``).

Every message is Chinese first with English (texts in ``shared.texts.ops``). The ``db``
commands only read the database: they never create one, never migrate one, and run beside a
server that holds it."""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
from pathlib import Path

from shared.config import ConfigError, HallConfig, load_config
from shared.sample import write_hall
from shared.security import hash_pin, hash_token, new_token

from .configtext import issue_line
from .startup import say

# The sample's public_url: a hall still using it prints QR codes that point nowhere.
SAMPLE_PUBLIC_URL = "http://192.168.1.10:8765"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help=say("ops.help.init"))
    p.add_argument("path", type=Path, help=say("ops.opt.init_path"))
    p.add_argument("--force", action="store_true", help=say("ops.opt.force"))
    p.add_argument("--pin", help=say("ops.opt.pin"))
    p.set_defaults(func=cmd_init)

    config = sub.add_parser("config", help=say("ops.help.config"))
    csub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    p = csub.add_parser("check", help=say("ops.help.check"))
    p.add_argument("path", type=Path)
    p.set_defaults(func=cmd_config_check)
    p = csub.add_parser("hash-pin", help=say("ops.help.hash_pin"))
    p.set_defaults(func=cmd_hash_pin)
    p = csub.add_parser("hash-token", help=say("ops.help.hash_token"))
    p.add_argument("--token", help=say("ops.opt.token"))
    p.set_defaults(func=cmd_hash_token)

    db = sub.add_parser("db", help=say("ops.help.db"))
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    p = dsub.add_parser("backup", help=say("ops.help.backup"))
    p.add_argument("--db", type=Path, required=True, help=say("ops.opt.db"))
    p.add_argument("dest", type=Path)
    p.set_defaults(func=cmd_db_backup)
    p = dsub.add_parser("check", help=say("ops.help.db_check"))
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--quick", action="store_true", help=say("ops.opt.quick_check"))
    p.set_defaults(func=cmd_db_check)


def _error(command: str, key: str, **params: object) -> int:
    print(f"onetrip {command}: {say(key, **params)}", file=sys.stderr)
    return 1


def cmd_init(args: argparse.Namespace) -> int:
    try:
        creds = write_hall(args.path, pin=args.pin, force=args.force)
    except FileExistsError as e:
        return _error("init", "ops.init.exists", path=e)
    print(say("ops.init.wrote", path=args.path, secret=args.path.with_name("hall.secret")))
    print(
        say(
            "ops.init.credentials",
            path=args.path.with_suffix(".credentials.toml"),
            staff=len(creds.pins),
            devices=len(creds.tokens),
        )
    )
    print(say("ops.init.next", path=args.path))
    return 0


def warnings(config: HallConfig, path: Path) -> list[str]:
    """What is allowed but almost surely wrong in a hall of one's own."""
    found = []
    if config.public_url.rstrip("/") == SAMPLE_PUBLIC_URL:
        found.append(say("ops.check.sample_url", path=path, url=config.public_url))
    return found


def cmd_config_check(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.path)
    except ConfigError as e:
        for issue in e.issues:
            print(issue_line(issue), file=sys.stderr)
        print(say("ops.check.errors", n=len(e.issues)), file=sys.stderr)
        return 1
    for line in warnings(config, args.path):
        print(line, file=sys.stderr)
    print(
        say(
            "ops.check.ok",
            path=args.path,
            name=config.name,
            zones=len(config.zones),
            windows=len(config.windows),
            staff=len(config.staff),
            devices=len(config.devices),
        )
    )
    return 0


def read_pin(command: str = "config hash-pin") -> str | None:
    """A new PIN from the terminal (asked twice) or a line of stdin; None, said, if bad."""
    if sys.stdin.isatty():
        pin = getpass.getpass(say("ops.pin.prompt") + " ")
        if getpass.getpass(say("ops.pin.again") + " ") != pin:
            _error(command, "ops.pin.differ")
            return None
    else:
        pin = sys.stdin.readline().strip()
        if not pin:
            _error(command, "ops.pin.empty")
            return None
    if not (4 <= len(pin) <= 12 and pin.isdigit()):
        _error(command, "ops.pin.format")
        return None
    return pin


def cmd_hash_pin(args: argparse.Namespace) -> int:
    pin = read_pin()
    if pin is None:
        return 1
    print(hash_pin(pin))
    return 0


def cmd_hash_token(args: argparse.Namespace) -> int:
    token = args.token or new_token()
    if not args.token:
        print(f"token: {token}")
    print(f'token_hash = "{hash_token(token)}"')
    return 0


class _Unreadable(Exception):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params


def open_readonly(db: Path) -> sqlite3.Connection:
    """An existing hall database opened read-only; ``_Unreadable`` for a missing file, a file
    that is no SQLite database, or one without the hall's tables."""
    if not db.is_file():
        raise _Unreadable("ops.db.missing", db=db)
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.Error:
            conn.close()
            raise
    except sqlite3.Error as e:
        raise _Unreadable("ops.db.not_db", db=db, reason=e) from e
    if "events" not in tables:
        conn.close()
        raise _Unreadable("ops.db.not_hall", db=db)
    return conn


def cmd_db_backup(args: argparse.Namespace) -> int:
    try:
        conn = open_readonly(args.db)
    except _Unreadable as e:
        return _error("db backup", e.key, **e.params)
    try:
        target = sqlite3.connect(args.dest)
        try:
            conn.backup(target)  # SQLite's online backup: consistent while the server writes
        finally:
            target.close()
    finally:
        conn.close()
    print(say("ops.db.backed_up", db=args.db, dest=args.dest))
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    try:
        conn = open_readonly(args.db)
    except _Unreadable as e:
        return _error("db check", e.key, **e.params)
    try:
        pragma = "quick_check" if args.quick else "integrity_check"
        result = str(conn.execute(f"PRAGMA {pragma}").fetchone()[0])
        events = int(conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0])
        schema = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as e:
        return _error("db check", "ops.db.not_db", db=args.db, reason=e)
    finally:
        conn.close()
    print(say("ops.db.check", result=result, events=events, schema=schema))
    return 0 if result == "ok" else 1
