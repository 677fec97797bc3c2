"""JSON for the wire and the store, in one place: orjson.

Every request, reply, push and stored event is JSON, and the standard library's encoder was the
hub's largest single cost per ticket (10–15 µs for a ticket's row, against under 1 µs here);
decoding a push is most of what a board does when a call goes out. Output is compact UTF-8
(Chinese stays Chinese, as ``ensure_ascii=False``). Keys that are not strings are written as
strings, as ``json.dumps`` does. Where orjson is stricter than ``json`` — NaN, integers past
64 bits — a request is refused as not valid JSON.
"""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["JSONDecodeError", "dumps", "dumps_bytes", "loads"]

JSONDecodeError = orjson.JSONDecodeError  # a ValueError
_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps_bytes(value: Any) -> bytes:
    return orjson.dumps(value, option=_OPTIONS)


def dumps(value: Any) -> str:
    return orjson.dumps(value, option=_OPTIONS).decode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)
