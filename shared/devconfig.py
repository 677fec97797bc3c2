"""The ``[hub]`` table every device program's TOML has: where the hall server is, which device
this is, and its token.

    [hub]
    url = "ws://hall-server:8765/ws"
    device = "kiosk-1"
    token_file = "kiosk-1.token"     # beside this file, readable by the program's user only
    # token_env = "ONETRIP_TOKEN"    # or the token in this environment variable
    # token = "…"                    # or here, on the device itself (never in a repository)
    request_timeout = 5

The token is looked for in the environment variable first (``token_env``, default
``ONETRIP_TOKEN`` or the program's own default), then ``token_file``, then ``token``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .config import read_toml
from .tomlreader import TomlReader

T = TypeVar("T")

HUB_KEYS = {"url", "device", "token", "token_file", "token_env", "request_timeout"}


@dataclass(frozen=True)
class HubSettings:
    url: str
    device: str
    token: str = field(repr=False)
    request_timeout: float = 5.0


def load_device_config(path: str | os.PathLike[str], parse: Callable[..., T]) -> T:
    """A device program's TOML read by its ``parse`` (``parse(raw, file=, base=)``): secrets
    and photos named in it are found beside the file."""
    path = Path(path)
    return parse(read_toml(path), file=str(path), base=path.parent)


def read_hub(
    r: TomlReader, raw: dict[str, Any], *, base: Path | None, token_env: str = "ONETRIP_TOKEN"
) -> HubSettings:
    """The ``[hub]`` table of ``raw``; problems go to ``r`` as ``hub.KEY: reason``."""
    hub = r.table(raw, "hub")
    url = r.text(hub, "hub.url")
    if url and not url.startswith(("ws://", "wss://")):
        r.fail("hub.url", "must start with ws:// or wss://")
    device = r.text(hub, "hub.device")
    env = r.text(hub, "hub.token_env", token_env)
    token = _token(r, hub, base, env)
    timeout = r.number(hub, "hub.request_timeout", 5.0, low=0.5)
    r.unknown(hub, "hub.", HUB_KEYS)
    return HubSettings(url=url, device=device, token=token, request_timeout=timeout)


def _token(r: TomlReader, hub: dict[str, Any], base: Path | None, env: str) -> str:
    token = r.secret(hub, "hub.token_file", env=env, base=base)
    if token is not None:
        return token
    token = r.text(hub, "hub.token", "")
    if not token:
        r.fail("hub.token", f"no device token: set token_file, token or ${env}")
    return token
