"""Texts of announcements and voice packs (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {}
