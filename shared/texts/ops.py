"""Texts of running a hall server: start-up, the admin commands, database tools (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {}
