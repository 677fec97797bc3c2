"""``onetrip`` builds its command line from every part without importing what only a command's
run needs (NumPy, Qt, the hub itself): ``onetrip report`` and ``onetrip --help`` start quickly."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "matplotlib", "xlsxwriter", "PySide6.QtCore", "server.hub.hub", "sqlite_utils")


def test_the_command_line_is_built_without_the_heavy_modules() -> None:
    code = (
        "import json, sys, onetrip.cli\n"
        "onetrip.cli.build_parser()\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == []
