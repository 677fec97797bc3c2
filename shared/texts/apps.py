"""Texts of the Qt apps' shared parts: the connection banner, the keypad, start-up
(key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {
    "apps.banner.offline": (
        "服务暂不可用，请稍候或到咨询台",
        "Service unavailable: please wait or ask at the information desk",
    ),
    "apps.banner.lost": ("连接中断", "Connection lost"),
    "apps.keypad.back": ("删除", "Delete"),
    "apps.keypad.ok": ("确定", "OK"),
    "apps.no_display": (
        "没有可用的显示器（未设置 DISPLAY）：请在图形桌面中运行，或设置 QT_QPA_PLATFORM=offscreen",
        "No display (DISPLAY is not set): run on a desktop, or set QT_QPA_PLATFORM=offscreen",
    ),
}
