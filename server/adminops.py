"""The admin ops the hub answers beyond the engine's commands: unlock a staff id, reload the
configuration. The hub dispatches to these; the rules of what a reload may change are in
``server.reload`` (pure), the texts in ``shared.texts.ops``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from shared.config import ConfigError, HallConfig, load_config
from shared.errors import Refused
from shared.texts import t

from .configtext import issue_line
from .reload import changes, unsafe_changes

log = logging.getLogger("onetrip.hub")


def unlock(hub: Any, staff: str) -> dict[str, Any]:
    """Clear the wrong-PIN count and lock of a staff id (and of every window's device key)."""
    if staff not in hub.config.staff:
        raise Refused("unknown_staff", staff=staff)
    hub.lockout.unlock(staff)
    log.info("staff %s unlocked by the admin", staff)
    return {"staff": staff, "unlocked": True}


def _said(reasons: list[tuple[str, dict[str, object]]], lang: str) -> str:
    return (
        "；".join(t(k, lang, **p) for k, p in reasons)
        if lang == "zh_CN"
        else "; ".join(t(k, lang, **p) for k, p in reasons)
    )


def reload(hub: Any, path: Path | None) -> dict[str, Any]:
    """Read the configuration file again and take it if every change is safe; else refuse
    with the reasons and keep the one running."""
    if path is None:
        raise Refused("reload_no_file")
    old: HallConfig = hub.config
    try:
        new = load_config(path, secret=old.secret)
    except ConfigError as e:
        lines = [issue_line(i) for i in e.issues]
        raise Refused("reload_bad_config", n=len(lines), first=lines[0]) from None
    logged_in = {w.staff for w in hub.hall.state.windows.values() if w.staff}
    unsafe = unsafe_changes(old, new, logged_in)
    if unsafe:
        raise Refused("reload_unsafe", zh=_said(unsafe, "zh_CN"), en=_said(unsafe, "en"))
    said = changes(old, new)
    for holder in (hub, hub.hall, getattr(hub.hall, "engine", None), getattr(hub, "fanout", None)):
        if holder is not None and getattr(holder, "config", None) is old:
            holder.config = new
    log.info("configuration reloaded from %s: %s", path, _said(said, "en") or "no change")
    return {
        "reloaded": True,
        "changes": {"zh_CN": _said(said, "zh_CN"), "en": _said(said, "en")},
    }
