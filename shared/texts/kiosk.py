"""Texts of the kiosk (取号机) (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {
    "kiosk.title": ("取号机", "Ticket kiosk"),
    "kiosk.home": ("返回首页", "Back to start"),
    "kiosk.back": ("返回", "Back"),
    "kiosk.touch_home": ("轻触屏幕返回首页", "Touch the screen to return to the start"),
    # home
    "kiosk.home.choose": ("请选择办理业务的服务区", "Please choose a service zone"),
    "kiosk.home.loading": ("正在连接大厅服务器…", "Connecting to the hall server…"),
    "kiosk.home.waiting": ("等候 {n} 人", "{n} waiting"),
    "kiosk.home.wait": ("预计等候约 {minutes} 分钟", "About {minutes} min wait"),
    "kiosk.home.card": ("续办服务卡", "Follow-up card"),
    "kiosk.home.elderly_on": ("长辈模式", "Large text"),
    "kiosk.home.elderly_off": ("标准模式", "Standard text"),
    "kiosk.home.lang": ("English", "中文"),
    "kiosk.home.reprint": ("补打号票", "Reprint my ticket"),
    # closed zones
    "kiosk.closed.closed": ("当前不在取号时间", "Not issuing tickets now"),
    "kiosk.closed.issuing_closed": ("今日本时段已停止取号", "Issuing has closed for this period"),
    "kiosk.closed.zone_closed": (
        "午间值班期间本区暂停取号",
        "Closed during the noon break",
    ),
    "kiosk.closed.hours": ("开放时间 {hours}", "Open {hours}"),
    # printer
    "kiosk.printer.checking": ("正在检查打印机…", "Checking the printer…"),
    "kiosk.printer.photo": (
        "{problem}：取号后请拍照留存号码",
        "{problem}: tickets are shown on screen, please take a photo",
    ),
    "kiosk.printer.refuse": (
        "{problem}，暂停取号：请到咨询台取号",
        "{problem}; no tickets here now: please ask at the information desk",
    ),
    "kiosk.printer.near_end": (
        "打印纸即将用完，请工作人员及时换纸",
        "Paper is running low: staff, please refill",
    ),
    # matters and 绿色通道
    "kiosk.matters.title": ("{zone}：请选择办理事项", "{zone}: please choose your matter"),
    "kiosk.matters.prev": ("上一页", "Previous"),
    "kiosk.matters.next": ("下一页", "Next"),
    "kiosk.matters.page": ("第 {page}/{pages} 页", "Page {page} of {pages}"),
    "kiosk.priority.title": ("是否需要绿色通道？", "Do you need the priority lane?"),
    "kiosk.priority.show_id": (
        "老年人、残疾人、孕妇、军人可优先办理，请在窗口出示相关证件",
        "Elderly, disabled, pregnant and military visitors go first: "
        "please show your papers at the window",
    ),
    "kiosk.priority.none": ("不需要，普通取号", "No, a normal ticket"),
    # in flight
    "kiosk.wait": ("正在取号，请稍候…", "Getting your ticket, please wait…"),
    "kiosk.wait.retrying": ("网络中断，正在重试…", "Connection lost, retrying…"),
    "kiosk.printing": ("正在打印…", "Printing…"),
    # the ticket
    "kiosk.ticket.your_number": ("您的号码", "Your number"),
    "kiosk.ticket.ahead": ("前面还有 {n} 人", "{n} ahead of you"),
    "kiosk.ticket.wait": ("预计等候约 {minutes} 分钟", "Estimated wait about {minutes} min"),
    "kiosk.ticket.priority": ("绿色通道：{reason}", "Priority lane: {reason}"),
    "kiosk.ticket.qr": ("扫码查看排队进度", "Scan to follow your place"),
    "kiosk.ticket.take": ("请取走您的号票", "Please take your ticket"),
    "kiosk.ticket.photo": (
        "{problem}，请拍照留存号码和二维码",
        "{problem}: please take a photo of the number and the code",
    ),
    "kiosk.print.voided": (
        "对不起，号票打印失败，{ticket}号已作废",
        "Sorry, the ticket did not print: number {ticket} is cancelled",
    ),
    "kiosk.print.copy": ("补打副本，号码不变", "Reprinted copy, same number"),
    # 续办服务卡
    "kiosk.card.title": ("续办服务", "Follow-up service"),
    "kiosk.card.scan": (
        "请将续办服务卡的二维码对准扫码口",
        "Please hold your follow-up card's QR code to the scanner",
    ),
    "kiosk.card.scan_hint": (
        "扫码后无需重新排队，直接找受理您业务的工作人员",
        "No need to queue again: you go straight to the person who took your case",
    ),
    "kiosk.card.go": (
        "请直接到{window}号窗口找{name}办理续办",
        "Please go straight to window {window} and see {name}",
    ),
    "kiosk.card.no_queue": ("无需重新排队", "No need to queue again"),
    "kiosk.card.backup": (
        "{name}今日不在岗，请到{window}号窗口找AB岗同事{backup}办理续办",
        "{name} is away today: please see their colleague {backup} at window {window}",
    ),
    "kiosk.card.head": (
        "受理人员今日不在岗，您已优先排在{zone}队首",
        "The person who took your case is away: you are first in line for {zone}",
    ),
    "kiosk.card.no_queue_head": (
        "请留意叫号屏，听到叫号后到相应窗口办理",
        "Please watch the board and go to the window called",
    ),
    "kiosk.card.wait_call": (
        "请留意叫号屏，{zone}的工作人员将为您办理",
        "Please watch the board: {zone} staff will call you",
    ),
    # a scanned ticket
    "kiosk.scan.unknown": ("无法识别此二维码", "This code cannot be read here"),
    "kiosk.status.title": ("号票状态", "Ticket status"),
    "kiosk.requeue.title": ("{ticket}号已过号", "Number {ticket} was missed"),
    "kiosk.requeue.penalty": (
        "可以重新排队：您将排在当前等候的第{n}位之后",
        "You may queue again: you will be placed after the next {n} people waiting",
    ),
    "kiosk.requeue.penalty_unknown": (
        "可以重新排队：您将排在几位等候者之后",
        "You may queue again, behind a few of the people waiting",
    ),
    "kiosk.requeue.once": ("每张号票当天只能重新排队一次", "A ticket can be requeued once a day"),
    "kiosk.requeue.confirm": ("重新排队", "Queue again"),
    "kiosk.requeue.done": ("{ticket}号已重新排队", "Number {ticket} is back in the queue"),
    # reprint
    "kiosk.reprint.title": ("补打{ticket}号票？", "Reprint ticket {ticket}?"),
    "kiosk.reprint.copy": (
        "补打的是副本，号码不变，不会重新排队",
        "A copy with the same number; your place does not change",
    ),
    "kiosk.reprint.confirm": ("补打", "Reprint"),
    "kiosk.reprint.failed": ("对不起，补打失败", "Sorry, the copy did not print"),
    # what to do next
    "kiosk.next.desk": ("如需帮助，请到咨询台", "For help, please ask at the information desk"),
    "kiosk.next.retry": (
        "请稍后再试，或到咨询台取号",
        "Please try again shortly, or ask at the information desk",
    ),
    "kiosk.next.requeue": (
        "请到咨询台，由工作人员为您处理",
        "Please ask at the information desk: staff will help you",
    ),
    "kiosk.next.card_forged": (
        "请携带此卡到咨询台核实",
        "Please bring this card to the information desk",
    ),
    "kiosk.next.card_unknown": (
        "请携带此卡到咨询台查询",
        "Please bring this card to the information desk",
    ),
    "kiosk.next.card_expired": (
        "请到咨询台重新办理，或按普通方式取号",
        "Please ask at the information desk, or take a normal ticket",
    ),
    "kiosk.next.card_closed": (
        "如有新的业务，请按普通方式取号；如有疑问请到咨询台",
        "For new business take a normal ticket; questions at the information desk",
    ),
    "kiosk.next.card_in_use": (
        "请按已取的号等候叫号；如有疑问请到咨询台",
        "Please wait for that number to be called; questions at the information desk",
    ),
    # maintenance
    "kiosk.pin.title": ("维护模式：请输入维护密码", "Maintenance: enter the PIN"),
    "kiosk.pin.wrong": ("密码错误，还可以再试{left}次", "Wrong PIN; {left} tries left"),
    "kiosk.pin.locked": (
        "密码错误次数过多，请{minutes}分钟后再试",
        "Too many wrong PINs; try again in {minutes} minutes",
    ),
    "kiosk.maint.title": ("取号机维护", "Kiosk maintenance"),
    "kiosk.maint.printer": ("打印机：{status}", "Printer: {status}"),
    "kiosk.maint.acked": ("缺纸提示已确认", "Low paper acknowledged"),
    "kiosk.maint.server": (
        "服务器：{url}（设备 {device}）{state}",
        "Server: {url} (device {device}) {state}",
    ),
    "kiosk.maint.online": ("已连接", "connected"),
    "kiosk.maint.offline": ("未连接", "not connected"),
    "kiosk.maint.counts": (
        "本次运行已取号 {issued} 张，打印 {prints} 次",
        "This run: {issued} tickets, {prints} prints",
    ),
    "kiosk.maint.lang": ("默认语言：{language}", "Default language: {language}"),
    "kiosk.maint.test": ("打印测试页", "Print a test page"),
    "kiosk.maint.testing": ("正在打印测试页…", "Printing a test page…"),
    "kiosk.maint.test_ok": ("测试页已打印", "Test page printed"),
    "kiosk.maint.ack": ("确认缺纸提示", "Acknowledge low paper"),
    "kiosk.maint.switch_lang": ("切换默认语言", "Switch default language"),
    "kiosk.maint.exit": ("退出取号程序", "Quit the kiosk"),
    "kiosk.maint.close": ("返回取号界面", "Back to the kiosk"),
    # the command
    "kiosk.bad_config": ("取号机配置有误", "The kiosk configuration has errors"),
    "kiosk.init.written": ("已写入 {path}", "Wrote {path}"),
    "kiosk.init.exists": (
        "{path} 已存在：加 --force 覆盖",
        "{path} exists: use --force to overwrite it",
    ),
}
