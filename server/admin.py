"""``onetrip admin …``: manage a running hall server over the protocol, as its admin device.

Nothing here touches the database: every action is a request the server checks, records
and pushes like any other, so the boards and callers see it at once. The admin token comes
from ``--token-file`` (a file holding the token alone), ``--credentials`` (the
``hall.credentials.toml`` that ``onetrip init`` wrote) or ``$ONETRIP_ADMIN_TOKEN``.

    onetrip admin --credentials hall.credentials.toml notice post "系统维护" --minutes 30
    onetrip admin --token-file admin.token logout --window 3
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared import eventloop
from shared.client import HubClient, HubError
from shared.security import hash_pin
from shared.texts import t

from .startup import say

TOKEN_ENV = "ONETRIP_ADMIN_TOKEN"


@dataclass(frozen=True)
class Action:
    """One request to send and how to say its result."""

    op: str
    fields: dict[str, Any]
    done: str  # text key of the success line
    params: dict[str, Any]


class AdminError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(say(key, **params))


class NoServer(HubError):
    """No hall server answered at the URL in time."""


def refused(key: str, e: HubError, **params: object) -> str:
    """A hub's refusal (or a failure to connect) in both languages, the hub's own words."""
    zh = t(key, "zh_CN", reason=e.message, **params)
    en = t(key, "en", reason=e.message_en, **params)
    return f"{zh} / {en}"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("admin", help=say("ops.help.admin"))
    p.add_argument("--url", default="ws://127.0.0.1:8765/ws", help=say("ops.opt.url"))
    p.add_argument("--device", default="admin", help=say("ops.opt.device"))
    p.add_argument("--token-file", type=Path, help=say("ops.opt.token_file"))
    p.add_argument("--credentials", type=Path, help=say("ops.opt.credentials"))
    p.add_argument("--timeout", type=float, default=5.0, help=say("ops.opt.timeout"))
    asub = p.add_subparsers(dest="admin_command", metavar="ACTION", required=True)

    notice = asub.add_parser("notice", help=say("ops.help.admin_notice"))
    nsub = notice.add_subparsers(dest="notice_command", metavar="ACTION", required=True)
    n = nsub.add_parser("post", help=say("ops.help.admin_post"))
    n.add_argument("text", help=say("ops.opt.text"))
    n.add_argument("--en", default="", help=say("ops.opt.text_en"))
    n.add_argument("--minutes", type=int, default=60, help=say("ops.opt.minutes"))
    n.set_defaults(func=cmd_admin, action=notice_post)
    n = nsub.add_parser("clear", help=say("ops.help.admin_clear"))
    n.set_defaults(func=cmd_admin, action=notice_clear)

    lo = asub.add_parser("logout", help=say("ops.help.admin_logout"))
    lo.add_argument("--window", type=int, required=True)
    lo.set_defaults(func=cmd_admin, action=logout)

    un = asub.add_parser("unlock", help=say("ops.help.admin_unlock"))
    un.add_argument("--staff", required=True)
    un.set_defaults(func=cmd_admin, action=unlock)

    rl = asub.add_parser("reload", help=say("ops.help.admin_reload"))
    rl.set_defaults(func=cmd_admin, action=reload)

    pin = asub.add_parser(
        "reset-pin",
        help=say("ops.help.admin_reset_pin"),
    )
    pin.add_argument("--staff", required=True)
    pin.add_argument("--config", type=Path, required=True, help=say("ops.opt.reset_config"))
    pin.set_defaults(func=cmd_reset_pin)


# -- the actions: arguments -> the request (pure) ---------------------------------------------
def notice_post(args: argparse.Namespace) -> Action:
    fields = {"text": args.text, "text_en": args.en, "minutes": args.minutes}
    said = {"minutes": args.minutes, "text": args.text}
    return Action("notice", fields, "ops.admin.notice_posted", said)


def notice_clear(args: argparse.Namespace) -> Action:
    return Action("notice", {"text": "", "clear": True}, "ops.admin.notice_cleared", {})


def logout(args: argparse.Namespace) -> Action:
    window = {"window": args.window}
    return Action("logout", window, "ops.admin.logged_out", window)


def unlock(args: argparse.Namespace) -> Action:
    staff = {"staff": args.staff}
    return Action("unlock", staff, "ops.admin.unlocked", staff)


def reload(args: argparse.Namespace) -> Action:
    return Action("reload", {}, "ops.admin.reloaded", {})


_STAFF_TABLE = re.compile(r"(?ms)^\[\[staff\]\][ \t]*\n.*?(?=^\[|\Z)")
_PIN_LINE = re.compile(r'(?m)^(pin_hash\s*=\s*)"[^"\n]*"')
_ID_LINE = re.compile(r'(?m)^id\s*=\s*"([^"\n]*)"')


def set_pin_hash(text: str, staff: str, pin_hash: str) -> str:
    """The TOML ``text`` with the ``pin_hash`` of ``[[staff]]`` ``id = staff`` replaced, every
    comment and other line kept; ``KeyError`` when there is no such table with a pin_hash."""
    for table in _STAFF_TABLE.finditer(text):
        block = table.group(0)
        found = _ID_LINE.search(block)
        if found and found.group(1) == staff and _PIN_LINE.search(block):
            new = _PIN_LINE.sub(lambda m: f'{m.group(1)}"{pin_hash}"', block, count=1)
            return text[: table.start()] + new + text[table.end() :]
    raise KeyError(staff)


# -- the token and the exchange ---------------------------------------------------------------
def admin_token(args: argparse.Namespace) -> str:
    if args.token_file:
        try:
            return str(args.token_file.read_text(encoding="utf-8")).strip()
        except OSError as e:
            raise AdminError("ops.start.unreadable", db=args.token_file, reason=e.strerror) from e
    if args.credentials:
        try:
            raw = tomllib.loads(args.credentials.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise AdminError("ops.start.unreadable", db=args.credentials, reason=e) from e
        token = raw.get("tokens", {}).get(args.device)
        if not isinstance(token, str):
            raise AdminError("ops.admin.bad_credentials", path=args.credentials, device=args.device)
        return token
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        raise AdminError("ops.admin.no_token", env=TOKEN_ENV)
    return token


async def send(url: str, device: str, token: str, action: Action, timeout: float) -> dict[str, Any]:
    client = HubClient(
        url,
        device=device,
        token=token,
        connect_timeout=timeout,
        request_timeout=timeout,
        backoff=(0.1, 0.5),
        name="onetrip admin",
    )
    try:
        try:
            await client.connect()
        except HubError as e:
            if e.code == "timeout":
                raise NoServer(e.code, e.message, e.message_en) from e
            raise
        return await client.request(action.op, **action.fields)
    finally:
        await client.close()


def cmd_admin(args: argparse.Namespace) -> int:
    action: Action = args.action(args)
    if not getattr(args, "verbose", False):  # the refusal is said below, once
        logging.getLogger("onetrip.client").setLevel(logging.CRITICAL)
    try:
        token = admin_token(args)
        result = eventloop.run(send(args.url, args.device, token, action, args.timeout))
    except AdminError as e:
        print(f"onetrip admin: {e}", file=sys.stderr)
        return 1
    except HubError as e:
        if isinstance(e, NoServer):
            line = refused("ops.admin.cannot_connect", e, url=args.url)
        else:
            line = refused("ops.admin.refused", e)
        print(f"onetrip admin: {line}", file=sys.stderr)
        return 1
    print(say(action.done, **action.params))
    said = result.get("changes")
    if isinstance(said, dict):  # what a reload took
        zh = said.get("zh_CN") or t("ops.reload.nothing")
        en = said.get("en") or t("ops.reload.nothing", "en")
        print(f"  {zh} / {en}")
    return 0


def cmd_reset_pin(args: argparse.Namespace) -> int:
    """A new PIN: its hash goes into the configuration file (the one place PIN hashes live),
    then the server reloads that file and the staff id is unlocked."""
    from .cli import read_pin

    try:
        token = admin_token(args)
        text = args.config.read_text(encoding="utf-8")
        pin = read_pin("admin reset-pin")
        if pin is None:
            return 1
        try:
            updated = set_pin_hash(text, args.staff, hash_pin(pin))
        except KeyError:
            raise AdminError("ops.admin.no_staff", staff=args.staff, path=args.config) from None
        args.config.write_text(updated, encoding="utf-8")
        for action in (reload(args), unlock(args)):
            eventloop.run(send(args.url, args.device, token, action, args.timeout))
    except OSError as e:
        print(f"onetrip admin: {say('ops.start.unreadable', db=args.config, reason=e)}",
              file=sys.stderr)  # fmt: skip
        return 1
    except AdminError as e:
        print(f"onetrip admin: {e}", file=sys.stderr)
        return 1
    except HubError as e:
        print(f"onetrip admin: {refused('ops.admin.refused', e)}", file=sys.stderr)
        return 1
    print(say("ops.admin.pin_reset", staff=args.staff, path=args.config))
    return 0
