"""Texts printed on tickets and cards, and the printer's own messages (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {
    # ticket (号票)
    "print.kind.normal": ("", ""),
    "print.kind.priority": ("优先", "Priority"),
    "print.kind.appointment": ("预约", "Appointment"),
    "print.kind.followup": ("续办", "Follow-up"),
    "print.zone": ("服务区：{zone}", "Zone: {zone}"),
    "print.matter": ("办理事项：{matter}", "Matter: {matter}"),
    "print.your_number": ("您的号码", "Your number"),
    "print.people_ahead": ("前面还有{n}人", "{n} ahead of you"),
    "print.wait_minutes": ("预计等候约{minutes}分钟", "Estimated wait about {minutes} min"),
    "print.appointment_at": ("预约时间：{time}", "Appointment at {time}"),
    "print.appointment_note": (
        "请在预约时间前到达，到时优先叫号",
        "Please arrive before your time: you are called first then",
    ),
    "print.issued_at": ("取号时间：{time}", "Issued: {time}"),
    "print.scan_status": ("微信扫码查看排队进度", "Scan to follow your place in the queue"),
    "print.keep_ticket": (
        "请留意叫号，过号请到服务台重新排队",
        "Please listen for your number; if missed, ask at the service desk",
    ),
    # 续办服务卡 (follow-up service card)
    "print.card.title": ("最多跑一次续办服务卡", "Follow-up Service Card"),
    "print.card.staff": ("业务受理人员：{name}", "Accepted by: {name}"),
    "print.card.window": ("受理窗口：{window}号窗口", "Window: {window}"),
    "print.card.phone": ("联系电话：{phone}", "Phone: {phone}"),
    "print.card.zone": ("服务区：{zone}", "Zone: {zone}"),
    "print.card.matter": ("办理事项：{matter}", "Matter: {matter}"),
    "print.card.tips": ("温馨提示：", "Tips:"),
    "print.card.number": ("卡号：{card_no}", "Card no.: {card_no}"),
    "print.card.valid_until": ("有效期至：{date}", "Valid until: {date}"),
    "print.card.scan": (
        "再次来办时请在取号机扫描此码，无需重新叫号，可直接享受续办服务",
        "Scan this code at the kiosk when you come back: no need to queue again",
    ),
    # printer test page
    "print.test.title": ("打印机测试页", "Printer test page"),
    "print.test.sample": (
        "中文测试：全角标点，。；：！？（）【】《》“”、——镕喆犇",
        "Chinese test: full-width punctuation，。；：！？（）【】《》“”、——镕喆犇",
    ),
    # printer state, as shown to staff and in logs
    "print.status.ok": ("打印机正常", "Printer ready"),
    "print.status.near_end": ("打印纸即将用完", "Paper is running low"),
    "print.status.unknown": ("此连接方式无法读取打印机状态", "This connection cannot read status"),
    # why a print failed (PrintFailed.reason -> print.fail.<reason>)
    "print.fail.offline": ("打印机无响应（脱机或未连接）", "The printer does not answer (offline)"),
    "print.fail.paper_out": ("打印机缺纸", "The printer is out of paper"),
    "print.fail.cover_open": ("打印机纸仓盖未关", "The printer cover is open"),
    "print.fail.error": ("打印机故障：{detail}", "Printer error: {detail}"),
    "print.fail.write_failed": (
        "打印数据发送失败：{detail}",
        "Could not send to the printer: {detail}",
    ),
    "print.fail.connect_failed": (
        "无法连接打印机：{detail}",
        "Cannot connect to the printer: {detail}",
    ),
    "print.fail.timeout": ("打印机响应超时", "The printer timed out"),
    # configuration errors
    "print.bad_url_tcp": (
        "打印机地址缺少协议：{url}；网络打印机请写 {suggestion}",
        "Printer address without a scheme: {url}; for a network printer write {suggestion}",
    ),
    "print.virtual_elsewhere": (
        "virtual://{name} 是程序内的虚拟打印机，在命令行中打印不会出现在任何地方。"
        "请先运行 onetrip printer virtual --port 9100 --name {name} --out 目录，"
        "再用 --printer tcp://127.0.0.1:9100 测试",
        "virtual://{name} is an in-process virtual printer: printed from the command line it "
        "appears nowhere. Run onetrip printer virtual --port 9100 --name {name} --out DIR first, "
        "then test with --printer tcp://127.0.0.1:9100",
    ),
    "print.bad_url": (
        "打印机地址无法识别：{url}（支持 tcp://、usb://、serial://、socket://、loop://、"
        "win32://、file://、virtual://）",
        "Unknown printer address: {url} (use tcp://, usb://, serial://, socket://, loop://, "
        "win32://, file:// or virtual://)",
    ),
    "print.bad_setting": ("打印机参数有误：{detail}", "Bad printer setting: {detail}"),
    "print.no_font": (
        "找不到中文字体，请安装 fonts-noto-cjk 或 fonts-wqy-microhei，"
        "或用环境变量 ONETRIP_CJK_FONT 指定字体文件",
        "No CJK font found: install fonts-noto-cjk or fonts-wqy-microhei, "
        "or set ONETRIP_CJK_FONT to a font file",
    ),
}
