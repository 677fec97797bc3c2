"""Texts of the Qt apps' shared parts (connection banner, keypad, maintenance) (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {}
