"""Texts of reports, charts and the hall monitor (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {}
