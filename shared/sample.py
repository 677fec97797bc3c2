"""The sample hall (modelled on the 余姚 hall) and ``onetrip init``'s fresh secrets for it."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .security import hash_pin, hash_token, new_hall_secret, new_token

_PLACEHOLDER = re.compile(r"@(PIN_HASH|TOKEN_HASH):([A-Za-z0-9_-]+)@")


@dataclass
class Credentials:
    """The plain PINs and tokens ``init`` made: shown once, kept only by the administrator."""

    pins: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def to_text(self) -> str:
        lines = ["# onetrip 初始凭据 / initial credentials: keep this file private.", "[pins]"]
        lines += [f'{k} = "{v}"' for k, v in self.pins.items()]
        lines += ["", "[tokens]"] + [f'"{k}" = "{v}"' for k, v in self.tokens.items()]
        return "\n".join(lines) + "\n"


def template() -> str:
    return resources.files("shared").joinpath("sample_hall.toml").read_text(encoding="utf-8")


def render(
    pin: str | None = None, *, fast: bool = False, always_open: bool = False
) -> tuple[str, Credentials]:
    """The sample configuration with a fresh hash for every PIN and token.

    ``pin`` gives every staff member the same PIN (demo and tests); otherwise each gets a
    random six-digit one. ``fast`` uses a cheap KDF setting, for tests only. ``always_open``
    leaves out the opening hours, so that a demo runs at any time of day.
    """
    creds = Credentials()
    text = template()
    if always_open:
        start, end = text.index("# 开放时间"), text.index("[[zones]]")
        text = text[:start] + text[end:]

    def fill(m: re.Match[str]) -> str:
        kind, name = m.groups()
        if kind == "PIN_HASH":
            creds.pins[name] = pin or f"{secrets.randbelow(10**6):06d}"
            return hash_pin(creds.pins[name], fast=fast)
        creds.tokens[name] = new_token()
        return hash_token(creds.tokens[name])

    return _PLACEHOLDER.sub(fill, text), creds


def write_hall(
    path: Path,
    *,
    pin: str | None = None,
    force: bool = False,
    fast: bool = False,
    always_open: bool = False,
) -> Credentials:
    """Write the sample config at ``path``, its secret beside it and the credentials file."""
    secret_path = path.with_name("hall.secret")
    creds_path = path.with_suffix(".credentials.toml")
    for p in (path, secret_path, creds_path):
        if p.exists() and not force:
            raise FileExistsError(p)
    text, creds = render(pin, fast=fast, always_open=always_open)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    _write_private(secret_path, new_hall_secret() + "\n")
    _write_private(creds_path, creds.to_text())
    return creds


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
