"""Texts the serial bridge puts on window LED strips (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {
    "bridge.strip.call": (
        "请{ticket}号到{window}号窗口办理",
        "Number {ticket}, please go to window {window}",
    ),
    "bridge.strip.serving": (
        "{window}号窗口 正在办理{ticket}号",
        "Window {window}: serving {ticket}",
    ),
    "bridge.strip.idle": ("{window}号窗口 欢迎光临", "Window {window}: welcome"),
    "bridge.strip.paused": ("{window}号窗口 暂停服务", "Window {window}: paused"),
    "bridge.strip.paused_reason": (
        "{window}号窗口 暂停服务：{reason}",
        "Window {window}: paused ({reason})",
    ),
    "bridge.strip.closed": ("{window}号窗口 暂停办理", "Window {window}: closed"),
    "bridge.pause.default": ("暂时离开", "Away for a moment"),
}
