"""The docs say what the code does: the tables of docs/ are checked against the code.

In the manner of sqlite-utils' documentation tests: the role × op table, the refusal codes,
the lifecycle, the replies and the ticket shape of docs/protocol.md, the CLI subcommands in
the docs, and the commands the README tells people to run.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import shlex
from pathlib import Path

from server.engine.lifecycle import markdown
from server.engine.views import ticket_view
from shared.commands import COMMANDS
from shared.protocol import ANONYMOUS, PERMISSIONS, ROLES
from shared.texts.errors import TEXTS as ERROR_TEXTS

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
# the role letters of docs/protocol.md §5
LETTERS = {"A": ANONYMOUS, "K": "kiosk", "C": "caller", "D": "display", "B": "bridge", "M": "admin"}


def between(text: str, name: str) -> str:
    match = re.search(rf"<!-- {name}: begin -->\n(.*?)<!-- {name}: end -->", text, re.S)
    assert match, f"docs/protocol.md has no {name} block"
    return match.group(1)


def op_rows() -> dict[str, list[str]]:
    """The rows of §5's op tables: op -> [roles, fields, result, errors]."""
    rows = {}
    for line in PROTOCOL.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 5 and cells[1] != "roles":
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_the_lifecycle_table_is_the_engines():
    assert between(PROTOCOL, "lifecycle") == markdown(), (
        "docs/protocol.md §5.2 differs from server.engine.lifecycle; put this there:\n" + markdown()
    )


def test_the_role_table_is_permissions():
    documented = {}
    for op, (roles, *_) in op_rows().items():
        if roles == "all":
            documented[op] = frozenset(ROLES)
        else:
            documented[op] = frozenset(LETTERS[letter] for letter in roles.split())
    assert documented == PERMISSIONS


def test_every_command_documents_the_reply_it_declares():
    rows = op_rows()
    shape = {"ticket": "`{ticket}`", "queued": "`{ticket}`", "window": "`{window}`"}
    for op, command in COMMANDS.items():
        result = rows[op][2]
        assert result.startswith(shape.get(command.reply, "`{card}`")), (op, result)
        if command.reply == "queued":
            assert "`ahead`" in result and "`wait_minutes`" in result, op


def raised_codes() -> set[str]:
    """Every refusal code the hall's code can raise."""
    codes: set[str] = set()
    for folder in ("server", "shared", "hardware", "onetrip"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            codes |= set(re.findall(r'Refused\(\s*"([a-z_]+)"', text))
    # the hours answer with the code to refuse with (``Hours.issuing_refusal``)
    hours = (ROOT / "shared" / "hours.py").read_text(encoding="utf-8")
    codes |= set(re.findall(r'return "([a-z_]+)"', hours))
    return codes


def test_every_refusal_code_is_documented_and_none_that_cannot_be_raised():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", between(PROTOCOL, "refusals"), re.M))
    raised = raised_codes()
    assert raised - documented == set(), "raised but not in docs/protocol.md §5.3"
    assert documented - raised == set(), "documented but never raised"
    texts = {key.removeprefix("error.") for key in ERROR_TEXTS if key.startswith("error.")}
    assert texts == raised, "every code raised has its text, and no text is left over"
    # the errors column of the op tables names only real codes
    for op, (*_, errors) in op_rows().items():
        fields = {f.name for f in dataclasses.fields(COMMANDS[op])} if op in COMMANDS else set()
        named = set(re.findall(r"`([a-z_]+)`", errors)) - fields  # the notes name fields too
        assert named <= raised, (op, named - raised)


def test_the_ticket_shape_is_complete(open_config):
    from desk import Desk

    desk = Desk(open_config)
    view = ticket_view(open_config, desk.ticket(desk.issue()))
    match = re.search(r"\*ticket\* is `server.engine.views.ticket_view`: `\{([^}]*)\}`", PROTOCOL)
    assert match, "docs/protocol.md §4 lists the ticket view's fields"
    assert [f.strip() for f in match.group(1).replace("\n", " ").split(",")] == list(view)


def subcommands() -> dict[str, argparse.ArgumentParser]:
    from onetrip.cli import build_parser

    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[prefix + name] = sub
                    walk(sub, prefix + name + " ")

    walk(build_parser(), "")
    return found


def test_every_cli_subcommand_is_in_the_docs():
    missing = [name for name in subcommands() if f"onetrip {name}" not in DOCS]
    assert missing == [], "subcommands no doc shows"


def readme_commands() -> list[str]:
    """The commands in the README's indented code blocks (the comments left off)."""
    commands = []
    for line in README.splitlines():
        if line.startswith("    ") and line.strip():
            commands.append(line.split("#")[0].strip())
    return commands


def test_the_readmes_commands_exist():
    subs = subcommands()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][\w.-]*):", makefile, re.M))
    seen = 0
    for command in readme_commands():
        words = shlex.split(command.replace("\\", "/"))
        program = Path(words[0]).name
        if program == "make":
            assert words[1] in targets, command
        elif program == "onetrip":
            name = " ".join(w for w in words[1:3] if not w.startswith("-") and "." not in w)
            while name and name not in subs:
                name = name.rsplit(" ", 1)[0] if " " in name else ""
            assert name, command
            known = {o for a in subs[name]._actions for o in a.option_strings}
            used = {w.split("=")[0] for w in words if w.startswith("--")}
            assert used <= known, (command, used - known)
        else:
            continue
        seen += 1
    assert seen >= 8  # the README's two commands and its hall of one's own
