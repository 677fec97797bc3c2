"""Texts of the hall board, the window screen and the web board (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {}
