"""The one error a report raises: a text key and its parameters, shown in both languages."""

from __future__ import annotations

from shared.texts import t


class ReportError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(self.message())

    def message(self) -> str:
        """Chinese first, then English: ``错误 / error``."""
        return f"{t(self.key, 'zh_CN', **self.params)} / {t(self.key, 'en', **self.params)}"
