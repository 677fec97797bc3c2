"""Every text a person reads, in one place: zh_CN first, English beside it.

Each area keeps its own table (``errors``, ``printing`` …); ``t()`` looks a key up in all of
them. A missing English text falls back to Chinese, a missing key is a programming error.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import (
    apps,
    bridge,
    caller,
    display,
    domain,
    errors,
    hub,
    kiosk,
    ops,
    printing,
    reports,
    voice,
)

LANGS = ("zh_CN", "en")
DEFAULT_LANG = "zh_CN"

_TABLES: tuple[Mapping[str, tuple[str, str]], ...] = (
    domain.TEXTS,
    errors.TEXTS,
    printing.TEXTS,
    hub.TEXTS,
    bridge.TEXTS,
    apps.TEXTS,
    kiosk.TEXTS,
    caller.TEXTS,
    display.TEXTS,
    voice.TEXTS,
    reports.TEXTS,
    ops.TEXTS,
)
TEXTS: dict[str, tuple[str, str]] = {}
for _table in _TABLES:
    _clash = TEXTS.keys() & _table.keys()
    if _clash:  # one key, one meaning
        raise RuntimeError(f"text keys defined twice: {sorted(_clash)}")
    TEXTS.update(_table)


class Text(str):
    """A parameter that is itself a text key, translated along with the text it fills."""


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The text for ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    zh, en = TEXTS[key]
    template = en if lang == "en" and en else zh
    if not params:
        return template
    filled = {k: t(v, lang) if isinstance(v, Text) else v for k, v in params.items()}
    return template.format(**filled)


def both(key: str, **params: object) -> dict[str, str]:
    """The text in every language, as sent in protocol error replies."""
    return {lang: t(key, lang, **params) for lang in LANGS}
