"""Typed access to raw TOML that records a ``ConfigIssue`` instead of raising.

The hall config (``shared.config``) and the bridge config (``hardware.bridge_config``) both
read their tables through one ``TomlReader``, so a problem reads the same in either file:
``file: key: reason``. Nothing is raised here: the caller looks at ``reader.issues`` at the
end and raises ``shared.config.ConfigError`` with all of them at once.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ConfigIssue:
    file: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.reason}"


# A default meaning "the key must be there": None is a real default for optional numbers.
REQUIRED: Any = object()


class TomlReader:
    """Typed access to the raw TOML that records a ConfigIssue instead of raising.

    ``key`` is always the dotted path from the top of the file (``"devices[2].window"``): its
    last part is looked up in ``table``, the whole of it names the problem.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[ConfigIssue] = []

    def fail(self, key: str, reason: str) -> None:
        self.issues.append(ConfigIssue(self.file, key, reason))

    def _get(
        self,
        table: dict[str, Any],
        key: str,
        default: Any,
        kind: type | tuple[type, ...],
        what: str,
        check: Callable[[Any], str | None] | None = None,
    ) -> Any:
        leaf = key.rsplit(".", 1)[-1]
        if leaf not in table:
            if default is REQUIRED:
                self.fail(key, "missing")
                return None
            return default
        value = table[leaf]
        # bool is an int in Python, but `true` is no answer to "a whole number".
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            self.fail(key, f"must be {what}, not {type(value).__name__}")
            return None if default is REQUIRED else default
        problem = check(value) if check else None
        if problem:
            self.fail(key, problem)
            return None if default is REQUIRED else default
        return value

    def text(self, table: dict[str, Any], key: str, default: str | None = None) -> str:
        """A string; ``default=None`` makes it required."""
        value = self._get(table, key, REQUIRED if default is None else default, str, "text")
        return value or ""

    def secret(self, table: dict[str, Any], key: str, *, env: str, base: Path | None) -> str | None:
        """A secret (the hall's key, a device token): from the environment variable ``env``
        when it is set, else from the file that ``key`` names (relative to ``base``), stripped;
        ``None`` when neither is set. A file that cannot be read or is empty is ``key``'s
        problem and gives ``""``: a typo in a path never starts a program without its secret."""
        if env and os.environ.get(env, "").strip():
            return os.environ[env].strip()
        name = self.text(table, key, "")
        if not name:
            return None
        path = (base or Path.cwd()) / name
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as e:
            self.fail(key, f"cannot read the secret file {path} ({e.strerror})")
            return ""
        if not value:
            self.fail(key, f"the secret file {path} is empty")
        return value

    def ident(self, table: dict[str, Any], key: str) -> str:
        def check(v: str) -> str | None:
            ok = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", v)
            return None if ok else "use letters, digits, '-' and '_'"

        return self._get(table, key, REQUIRED, str, "text", check) or ""

    def flag(self, table: dict[str, Any], key: str, default: bool) -> bool:
        return bool(self._get(table, key, default, bool, "true or false"))

    def count(
        self, table: dict[str, Any], key: str, default: int | None, low: int = 0
    ) -> int | None:
        """A whole number of at least ``low``."""

        def check(v: int) -> str | None:
            return None if v >= low else f"must be at least {low}"

        value: int | None = self._get(table, key, default, int, "a whole number", check)
        return value

    def integer(
        self, table: dict[str, Any], key: str, default: int | None, low: int, high: int
    ) -> int | None:
        """A whole number in ``low..high``; ``default=REQUIRED`` for a key that must be there."""

        def check(v: int) -> str | None:
            return None if low <= v <= high else f"{v} is out of range {low}..{high}"

        value: int | None = self._get(table, key, default, int, "a whole number", check)
        return value

    def number(self, table: dict[str, Any], key: str, default: float, low: float = 0) -> float:
        def check(v: float) -> str | None:
            return None if v >= low else f"must be at least {low}"

        return float(self._get(table, key, default, (int, float), "a number", check))

    def table(self, table: dict[str, Any], key: str, required: bool = True) -> dict[str, Any]:
        value = self._get(table, key, REQUIRED if required else {}, dict, "a table")
        return value or {}

    def array(
        self, table: dict[str, Any], key: str, required: bool = False
    ) -> list[dict[str, Any]]:
        """A list of tables (``[[key]]``); ``required``: at least one."""
        value = self._get(table, key, REQUIRED if required else [], list, "a list of tables")
        items = []
        for i, item in enumerate(value or []):
            if isinstance(item, dict):
                items.append(item)
            else:
                self.fail(f"{key}[{i}]", "must be a table")
        if required and value == []:
            self.fail(key, "at least one is needed")
        return items

    def array_of(self, table: dict[str, Any], key: str, kind: type) -> list[Any]:
        value = self._get(table, key, [], list, "a list")
        good = []
        for i, item in enumerate(value or []):
            if isinstance(item, kind) and not isinstance(item, bool):
                good.append(item)
            else:
                self.fail(f"{key}[{i}]", f"must be {kind.__name__}")
        return good

    def unknown(self, table: dict[str, Any], prefix: str, known: set[str]) -> None:
        for name in table:
            if name not in known:
                near = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
                reason = (
                    f"unknown key, did you mean {near[0]}?" if near else "unknown key (misspelt?)"
                )
                self.fail(f"{prefix}{name}", reason)
