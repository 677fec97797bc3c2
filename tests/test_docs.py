"""The docs say what the code does: tables in docs/ are checked against the code they describe."""

from __future__ import annotations

import re
from pathlib import Path

from server.engine.lifecycle import markdown
from shared.commands import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")


def between(text: str, name: str) -> str:
    match = re.search(rf"<!-- {name}: begin -->\n(.*?)<!-- {name}: end -->", text, re.S)
    assert match, f"docs/protocol.md has no {name} block"
    return match.group(1)


def test_the_lifecycle_table_is_the_engines():
    assert between(PROTOCOL, "lifecycle") == markdown(), (
        "docs/protocol.md §5.2 differs from server.engine.lifecycle; put this there:\n" + markdown()
    )


def op_rows() -> dict[str, list[str]]:
    """The rows of §5's op tables: op -> [roles, fields, result, errors]."""
    rows = {}
    for line in PROTOCOL.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 5:
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_every_command_documents_the_reply_it_declares():
    rows = op_rows()
    shape = {"ticket": "`{ticket}`", "queued": "`{ticket}`", "window": "`{window}`"}
    for op, command in COMMANDS.items():
        result = rows[op][2]
        assert result.startswith(shape.get(command.reply, "`{card}`")), (op, result)
        if command.reply == "queued":
            assert "`ahead`" in result and "`wait_minutes`" in result, op
