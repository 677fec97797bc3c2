"""Texts of the kiosk (取号机) (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {}
