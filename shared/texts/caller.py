"""Texts of the caller (呼叫器) and the evaluator screen (好差评) (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {}
