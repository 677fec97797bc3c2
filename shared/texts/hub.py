"""Texts of the hall hub: its web pages (ticket status, web hall board) and its notices."""

TEXTS: dict[str, tuple[str, str]] = {
    # /t/<code>: the page a ticket's QR code opens on a phone
    "hub.ticket.title": ("号票查询", "Your ticket"),
    "hub.ticket.number": ("您的号码", "Your number"),
    "hub.ticket.ahead": ("前面还有 {ahead} 人", "{ahead} ahead of you"),
    "hub.ticket.wait": ("预计等候约 {minutes} 分钟", "About {minutes} minutes to wait"),
    "hub.ticket.called": ("请到 {window} 号窗口办理", "Please go to window {window}"),
    "hub.ticket.serving": ("正在 {window} 号窗口办理", "Being served at window {window}"),
    "hub.ticket.done": ("业务已办结，感谢您的耐心", "Done: thank you for your patience"),
    "hub.ticket.missed": (
        "您已过号，请到取号机或咨询台重新排队",
        "You missed your call: ask at the kiosk or the help desk",
    ),
    "hub.ticket.suspended": (
        "业务已挂起，请备齐材料后回到 {window} 号窗口",
        "On hold: come back to window {window} when ready",
    ),
    "hub.ticket.ended": ("该号票已失效", "This ticket is no longer valid"),
    "hub.ticket.live": ("实时更新", "Live"),
    "hub.ticket.offline": ("连接中断，正在重新连接…", "Connection lost, reconnecting…"),
    "hub.ticket.unknown": ("查无此号票，可能已过期", "No such ticket; it may have expired"),
    "hub.ticket.hint": (
        "请留意大厅叫号屏和语音提示",
        "Watch the hall screens and listen for your number",
    ),
    # /display: the basic web hall board
    "hub.display.title": ("叫号信息", "Calls"),
    "hub.display.recent": ("最近叫号", "Recent calls"),
    "hub.display.waiting": ("等候人数", "Waiting"),
    "hub.display.window": ("窗口", "Window"),
    "hub.display.number": ("号码", "Number"),
    "hub.display.closed": ("公共叫号信息未开放", "The public board is not enabled"),
    "hub.display.token": (
        "请在地址中加上设备编号与令牌：/display?device=…&token=…",
        "Add the device id and token to the address: /display?device=…&token=…",
    ),
    # pages in general
    "hub.not_found": ("页面不存在", "Not found"),
    "hub.get_only": ("此地址只能用 GET 读取", "Only GET is answered here"),
    "hub.ok": ("运行正常", "OK"),
    # notices sent on a connection
    "hub.notice.shutdown": (
        "服务器正在重启，请稍候，终端将自动重新连接",
        "The server is restarting; terminals reconnect by themselves",
    ),
    "hub.notice.slow": ("连接过慢，已断开", "Too slow: disconnected"),
}
