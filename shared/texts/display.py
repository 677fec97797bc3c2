"""Texts of the hall board, the window screen and the web board (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {
    # the hall board (综合屏)
    "display.now_calling": ("正在呼叫", "Now calling"),
    "display.go_to": ("请到 {window} 号窗口办理", "Please go to window {window}"),
    "display.recall": ("第 {n} 次呼叫", "Call no. {n}"),
    "display.recall_short": ("重呼", "again"),
    "display.no_calls": ("暂无叫号", "No calls yet"),
    "display.recent": ("最近叫号", "Recent calls"),
    "display.waiting": ("等候人数", "Waiting"),
    "display.waiting_n": ("{n} 人", "{n}"),
    "display.windows": ("窗口状态", "Windows"),
    "display.window_n": ("{n} 号窗口", "Window {n}"),
    "display.state.logged_out": ("未登录", "Closed"),
    "display.state.idle": ("空闲", "Free"),
    "display.state.calling": ("呼叫 {ticket}", "Calling {ticket}"),
    "display.state.serving": ("办理中 {ticket}", "Serving {ticket}"),
    "display.state.paused": ("暂停服务", "Paused"),
    "display.state.paused_reason": ("暂停服务：{reason}", "Paused: {reason}"),
    "display.hours": ("今日办公 {hours}", "Open today {hours}"),
    "display.hours_closed": ("今日不办公", "Closed today"),
    "display.offline": ("连接中断", "Offline"),
    "display.staff": ("工号 {id}", "Staff no. {id}"),
    "display.window_waiting": ("本窗口等候 {n} 人", "{n} waiting for this window"),
    # the web board (/display) and the ticket page's unknown-code answer
    "display.web.title": ("叫号信息", "Calls"),
    "display.web.audio": ("点击任意位置开启语音播报", "Tap anywhere to turn the announcements on"),
    "display.ticket.unknown_title": ("号码不存在或已过期", "Unknown or expired number"),
    "display.ticket.unknown_help": (
        "号票只在取号当天有效。请到取号机重新取号，或到咨询台询问工作人员。",
        "A ticket is valid on the day it was taken only. Take a new one at a kiosk, "
        "or ask at the help desk.",
    ),
    # onetrip display (the command)
    "display.cli.help": ("大厅综合屏与窗口屏", "the hall board and the window screen"),
    "display.cli.written": ("已写入示例配置：{path}", "Sample configuration written: {path}"),
    "display.cli.exists": (
        "文件已存在：{path}（用 --force 覆盖）",
        "The file exists: {path} (--force overwrites it)",
    ),
    "display.cli.no_voice": (
        '不播报也可运行：加 --no-voice，或在 [voice] 中写 engine = "none"',
        'To run silent: add --no-voice, or engine = "none" in [voice]',
    ),
    "display.config.mode": (
        "mode 必须是 hall 或 window",
        "mode must be hall or window",
    ),
    "display.config.window": (
        '窗口屏（mode = "window"）需要 window = 窗口号',
        'A window screen (mode = "window") needs window = its number',
    ),
    "display.config.photos": ("照片目录不存在：{path}", "The photo folder does not exist: {path}"),
}
