"""Refusals with a stable code: what every layer raises and every client can show."""

from __future__ import annotations

from typing import Any

from .texts import both, t


class Refused(Exception):
    """A request refused by the rules; nothing was changed.

    ``code`` is stable (clients switch on it); the message comes from ``shared.texts``.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {self.message('en')}")

    def message(self, lang: str = "zh_CN") -> str:
        return t(f"error.{self.code}", lang, **self.params)

    def to_dict(self) -> dict[str, Any]:
        messages = both(f"error.{self.code}", **self.params)
        return {"code": self.code, "message": messages["zh_CN"], "message_en": messages["en"]}
