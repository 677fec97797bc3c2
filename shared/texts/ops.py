"""Texts of running a hall server: start-up, the admin commands, database tools (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {
    # -- start-up failures of `onetrip server` (one line each, then a non-zero exit) --------
    "ops.start.no_config": (
        "找不到配置文件 {path}；请先运行 onetrip init {path}",
        "no configuration at {path}: run `onetrip init {path}` first",
    ),
    "ops.start.bad_config": (
        "配置文件 {path} 有 {n} 处错误，服务器未启动（运行 onetrip config check {path} 查看）",
        "{path} has {n} error(s): the server did not start (see `onetrip config check {path}`)",
    ),
    "ops.start.no_secret": (
        "找不到大厅密钥 {path}；请先运行 onetrip init，或设置 secret_file",
        "no hall secret at {path}: run `onetrip init` first or set secret_file",
    ),
    "ops.start.no_dir": (
        "数据库所在的目录 {dir} 不存在；请先创建它",
        "the database's directory {dir} does not exist: create it first",
    ),
    "ops.start.in_use": (
        "{db} 已被另一个 onetrip 服务器使用（{holder}）",
        "{db} is already in use by another onetrip server ({holder})",
    ),
    "ops.start.holder_unknown": ("进程未知", "process unknown"),
    "ops.start.unreadable": (
        "无法读取数据库 {db}：{reason}",
        "cannot read the database {db}: {reason}",
    ),
    "ops.start.newer_schema": (
        "数据库 {db} 的版本为 {found}，本程序只认识到 {known}；请升级 onetrip",
        "{db} has schema {found}; this onetrip knows up to {known}: upgrade onetrip",
    ),
    "ops.start.port_in_use": (
        "端口 {port} 已被占用（{host}）；换一个 --port 或停止占用它的程序",
        "port {port} is already in use on {host}: choose another --port or stop what uses it",
    ),
    "ops.start.cannot_listen": (
        "无法在 {host}:{port} 监听：{reason}",
        "cannot listen on {host}:{port}: {reason}",
    ),
    "ops.start.bad_rate": (
        "--rate 的格式是 角色=N（N > 0，角色为 {roles} 之一），例如 --rate kiosk=50",
        "--rate takes ROLE=N with N > 0 and ROLE one of {roles}; e.g. --rate kiosk=50",
    ),
    "ops.start.tls_pair": (
        "--tls-cert 与 --tls-key 须同时给出",
        "--tls-cert and --tls-key go together",
    ),
    "ops.start.tls_bad": (
        "无法读取 TLS 证书或私钥：{reason}",
        "cannot load the TLS certificate or key: {reason}",
    ),
    "ops.start.failed": (
        "服务器启动失败：{reason}（加 --verbose 查看详情）",
        "the server failed to start: {reason} (--verbose shows the details)",
    ),
    "ops.failed": (
        "命令失败：{reason}（加 --verbose 查看详情）",
        "the command failed: {reason} (--verbose shows the details)",
    ),
    # -- the start banner --------------------------------------------------------------------
    "ops.banner.hall": ("大厅：{name}", "hall: {name}"),
    "ops.banner.board": ("大厅显示屏：{url}", "hall board: {url}"),
    "ops.banner.health": ("健康检查：{url}", "health check: {url}"),
    "ops.banner.db": (
        "数据库：{db}（{size}，{events} 条事件）",
        "database: {db} ({size}, {events} events)",
    ),
    "ops.banner.counts": (
        "已配置 {windows} 个窗口、{devices} 台设备、{staff} 名工作人员",
        "configured: {windows} windows, {devices} devices, {staff} staff",
    ),
    "ops.banner.stopping": ("服务器正在停止", "the server is stopping"),
    # -- onetrip init -------------------------------------------------------------------------
    "ops.init.exists": (
        "{path} 已存在（加 --force 覆盖）",
        "{path} exists (use --force to overwrite)",
    ),
    "ops.init.wrote": (
        "已写入配置 {path} 及其大厅密钥 {secret}",
        "wrote {path} and its hall secret {secret}",
    ),
    "ops.init.credentials": (
        "初始 PIN 与设备令牌：{path}（{staff} 名工作人员，{devices} 台设备；请妥善保管该文件）",
        "initial PINs and device tokens: {path} ({staff} staff, {devices} devices; "
        "keep that file private)",
    ),
    "ops.init.next": (
        "下一步：编辑 {path}（public_url 要改为本大厅服务器的地址），然后运行 "
        "onetrip config check {path}",
        "next: edit {path} (set public_url to this hall server's address), then run "
        "`onetrip config check {path}`",
    ),
    # -- onetrip config check -----------------------------------------------------------------
    "ops.check.ok": (
        "{path}：正确 — {name}：{zones} 个区域、{windows} 个窗口、{staff} 名工作人员、"
        "{devices} 台设备",
        "{path}: ok — {name}: {zones} zones, {windows} windows, {staff} staff, {devices} devices",
    ),
    "ops.check.errors": ("{n} 处错误", "{n} error(s)"),
    "ops.check.sample_url": (
        "警告：{path}：hall.public_url 仍是示例地址 {url}：每张票上的二维码都会指向它；"
        "请改为本大厅服务器的地址",
        "warning: {path}: hall.public_url is still the sample's address {url}: every QR code would "
        "point there; set it to this hall server's address",
    ),
    # -- configuration problems, the Chinese of the readers' English (server.configtext) ----
    "ops.issue.missing": ("缺少此项", "missing"),
    "ops.issue.wrong_type": ("应为{what}，而不是 {got}", ""),
    "ops.issue.at_least": ("不能小于 {low}", ""),
    "ops.issue.range": ("{v} 超出范围 {low}..{high}", ""),
    "ops.issue.table": ("应为一个表", ""),
    "ops.issue.text": ("应为文本", ""),
    "ops.issue.item": ("应为{what}", ""),
    "ops.issue.at_least_one": ("至少需要一项", ""),
    "ops.issue.unknown_near": ("未知键，是否为 {match}?", ""),
    "ops.issue.unknown": ("未知键（拼写错误？）", ""),
    "ops.issue.ident": ("只能使用字母、数字、“-”和“_”", ""),
    "ops.issue.cannot_read": ("无法读取：{reason}", ""),
    "ops.issue.toml": ("不是有效的 TOML：{reason}", ""),
    "ops.issue.timezone": ("未知时区“{tz}”", ""),
    "ops.issue.no_secret": (
        "没有大厅密钥：请设置 secret_file 或 ${env}（onetrip init 会生成）",
        "",
    ),
    "ops.issue.secret_unreadable": ("无法读取密钥文件 {path}（onetrip init 会生成）", ""),
    "ops.issue.secret_empty": ("密钥文件 {path} 是空的", ""),
    "ops.issue.secret_short": ("密钥少于 {n} 个字符", ""),
    "ops.issue.prefix": ("应为一个大写字母 A–Z", ""),
    "ops.issue.prefix_used": ("“{p}”已被区域“{zone}”使用", ""),
    "ops.issue.twice": ("{what}“{id}”重复定义", ""),
    "ops.issue.matter_twice": ("事项“{id}”在区域“{zone}”中重复定义", ""),
    "ops.issue.window_twice": ("{n} 号窗口重复定义", ""),
    "ops.issue.no_zone": ("没有这个区域", ""),
    "ops.issue.window_zones": ("窗口至少要服务一个区域", ""),
    "ops.issue.pin_hash": ("不是 PIN 哈希：请用 onetrip config hash-pin 生成", ""),
    "ops.issue.no_staff": ("没有工作人员“{id}”", ""),
    "ops.issue.self_backup": ("工作人员不能做自己的 B 角", ""),
    "ops.issue.not_one_of": ("“{v}”不是 {choices} 之一", ""),
    "ops.issue.one_of": ("应为 {choices} 之一", ""),
    "ops.issue.token_hash": ("不是令牌哈希：请用 onetrip config hash-token 生成", ""),
    "ops.issue.no_window": ("没有 {n} 号窗口", ""),
    "ops.issue.one_window": ("呼叫器只能服务一个窗口", ""),
    "ops.issue.hours_list": ("应为列表，例如 {example}", ""),
    "ops.issue.date": ("不是日期，应形如 {example}", ""),
    "ops.issue.period": ("“{text}”不是 HH:MM-HH:MM", ""),
    "ops.issue.period_order": ("“{text}”的结束时间早于开始时间", ""),
    # -- onetrip config hash-pin --------------------------------------------------------------
    "ops.pin.prompt": ("PIN 码：", "PIN: "),
    "ops.pin.again": ("再输入一次：", "again: "),
    "ops.pin.differ": ("两次输入的 PIN 不一致", "the two PINs differ"),
    "ops.pin.format": ("PIN 为 4 到 12 位数字", "a PIN is 4 to 12 digits"),
    "ops.pin.empty": ("没有读到 PIN", "no PIN was read"),
    # -- onetrip db ----------------------------------------------------------------------------
    "ops.db.missing": ("找不到数据库 {db}", "no database at {db}"),
    "ops.db.not_db": (
        "{db} 不是 SQLite 数据库：{reason}",
        "{db} is not an SQLite database: {reason}",
    ),
    "ops.db.not_hall": (
        "{db} 不是 onetrip 大厅数据库（没有事件表）",
        "{db} is not an onetrip hall database (no events table)",
    ),
    "ops.db.check": (
        "完整性：{result}；事件：{events}；版本：{schema}",
        "integrity: {result}; events: {events}; schema: {schema}",
    ),
    "ops.db.backed_up": ("已将 {db} 备份到 {dest}", "backed up {db} to {dest}"),
    # -- onetrip admin -------------------------------------------------------------------------
    "ops.admin.no_token": (
        "缺少管理令牌：用 --token-file 指定，或设置环境变量 {env}",
        "no admin token: give --token-file or set {env}",
    ),
    "ops.admin.cannot_connect": (
        "无法连接大厅服务器 {url}：{reason}",
        "cannot reach the hall server at {url}: {reason}",
    ),
    "ops.admin.refused": ("服务器拒绝：{reason}", "the server refused: {reason}"),
    "ops.admin.notice_posted": (
        "已发布通知，显示 {minutes} 分钟：{text}",
        "notice posted for {minutes} minutes: {text}",
    ),
    "ops.admin.notice_cleared": ("已清除大厅通知", "the hall's notices are cleared"),
    "ops.admin.logged_out": ("{window} 号窗口已退出登录", "window {window} is logged out"),
    "ops.admin.unlocked": ("工号 {staff} 已解除锁定", "staff id {staff} is unlocked"),
    "ops.admin.reloaded": ("服务器已重新加载配置", "the server reloaded its configuration"),
    "ops.admin.pin_reset": (
        "{staff} 的新 PIN 已写入 {path}，服务器已重新加载并解除锁定",
        "the new PIN of {staff} is in {path}; the server reloaded it and unlocked the id",
    ),
    "ops.admin.no_staff": (
        "{path} 中没有工作人员“{staff}”（或其没有 pin_hash）",
        "{path} has no staff member '{staff}' with a pin_hash",
    ),
    "ops.admin.bad_credentials": (
        "{path} 中没有设备“{device}”的令牌",
        "{path} has no token for the device '{device}'",
    ),
    # -- reloading the configuration (server.reload) ----------------------------------------
    "ops.reload.hall": ("{key} 的更改需要重启服务器", "a change of {key} needs a restart"),
    "ops.reload.zones": (
        "增删区域需要重启服务器（排队状态以区域为基础）",
        "adding or removing zones needs a restart (the queues are built on them)",
    ),
    "ops.reload.zone": (
        "区域“{zone}”的前缀、名称或午间值班的更改需要重启服务器",
        "a change of zone '{zone}' (prefix, name, noon duty) needs a restart",
    ),
    "ops.reload.matter_gone": (
        "不能在运行中删除区域“{zone}”的事项“{matter}”：等候中的票可能用到它",
        "matter '{matter}' of zone '{zone}' cannot go while running: waiting tickets may name it",
    ),
    "ops.reload.windows": ("窗口的更改需要重启服务器", "a change of the windows needs a restart"),
    "ops.reload.devices": (
        "设备的更改需要重启服务器（连接以设备为基础）",
        "a change of the devices needs a restart (connections are built on them)",
    ),
    "ops.reload.staff_busy": (
        "工作人员“{staff}”仍在窗口登录，不能删除；请先让其退出登录",
        "staff '{staff}' is logged in at a window: log them out before removing them",
    ),
    "ops.reload.staff_added": ("新增工作人员：{staff}", "staff added: {staff}"),
    "ops.reload.staff_changed": ("已更新工作人员：{staff}", "staff changed: {staff}"),
    "ops.reload.staff_removed": ("已删除工作人员：{staff}", "staff removed: {staff}"),
    "ops.reload.matters": ("事项已更新", "matters changed"),
    "ops.reload.hours": ("办公时间已更新", "opening hours changed"),
    "ops.reload.policy": ("规则限值已更新", "policy limits changed"),
    "ops.reload.nothing": ("配置没有变化", "the configuration is unchanged"),
    # the web board (/display?device=ID&token=TOKEN) when the hub refuses its token
    "ops.board.bad_token": ("设备令牌无效", "invalid device token"),
    # -- help texts ----------------------------------------------------------------------------
    "ops.help.init": (
        "写入示例大厅配置（余姚模式）",
        "write a sample hall configuration (Yuyao model)",
    ),
    "ops.help.config": ("检查配置，生成 PIN 与令牌的哈希", "check a configuration, make hashes"),
    "ops.help.check": ("列出大厅配置中的每一处错误", "report every error in a hall configuration"),
    "ops.help.hash_pin": (
        "生成工作人员 PIN 的哈希（从终端或标准输入读取）",
        "hash a staff PIN (read from the terminal or stdin)",
    ),
    "ops.help.hash_token": (
        "生成新的设备令牌并打印其哈希",
        "make a new device token and print it with its hash",
    ),
    "ops.help.db": ("数据库工具", "database tools"),
    "ops.help.backup": ("在线备份大厅数据库", "online backup of a hall database"),
    "ops.help.db_check": (
        "完整性检查与事件计数（只读）",
        "integrity check and event count (read-only)",
    ),
    "ops.opt.quick_check": (
        "快速检查（PRAGMA quick_check：不逐一核对索引与表，适合大文件）",
        "quick check (PRAGMA quick_check: does not match each index against its table; for "
        "big files)",
    ),
    "ops.help.server": (
        "运行大厅服务器（websocket 中心与网页）",
        "run the hall server (websocket hub, web pages)",
    ),
    "ops.help.admin": (
        "通过协议管理运行中的服务器（需管理令牌）",
        "manage a running server over the protocol (admin token)",
    ),
    # the top-level commands other parts register, as `onetrip --help` lists them
    "ops.help.cmd.demo": (
        "运行整个演示大厅（服务器、取号机、窗口、显示屏）",
        "run a whole demo hall (server, kiosks, windows, boards)",
    ),
    "ops.help.cmd.bench": (
        "测量大厅服务器（推送、吞吐量、繁忙的一天）",
        "measure the hall server (fan-out, throughput, busy day)",
    ),
    "ops.help.cmd.bridge": (
        "连接键盘、评价器与 LED 条屏的串口总线",
        "connect a serial bus of keypads, evaluators and LED strips",
    ),
    "ops.help.cmd.printer": (
        "热敏打印机：测试、状态、虚拟打印机",
        "thermal printers: test, status, virtual",
    ),
    "ops.help.cmd.voice": ("语音包与语音播报", "voice packs and announcements"),
    "ops.help.cmd.report": (
        "报表：办件、等候、好差评、最多跑一次实现率（可导出 Excel）",
        "reports: cases, waits, ratings, the one-trip rate (Excel too)",
    ),
    "ops.help.cmd.caller": (
        "窗口呼叫器与好差评评价器",
        "the window's caller bar and its evaluator",
    ),
    # options of the server's commands
    "ops.opt.init_path": (
        "配置文件的写入位置，例如 hall.toml",
        "where to write the TOML file, e.g. hall.toml",
    ),
    "ops.opt.force": ("覆盖已有文件", "overwrite existing files"),
    "ops.opt.pin": (
        "所有工作人员使用此 PIN（仅用于演示）",
        "give every staff member this PIN (demo only)",
    ),
    "ops.opt.token": ("对此令牌做哈希，而不是新生成一个", "hash this token instead of making one"),
    "ops.opt.db": ("大厅数据库", "the hall database"),
    "ops.opt.config": ("大厅配置文件（TOML）", "the hall TOML file"),
    "ops.opt.server_db": ("大厅数据库（不存在时新建）", "the hall database (made if missing)"),
    "ops.opt.host": ("监听地址（默认全部）", "address to listen on (default all)"),
    "ops.opt.port": ("端口（0：任一空闲端口）", "port (0: any free port)"),
    "ops.opt.tls_cert": (
        "PEM 证书：提供 wss:// 与 https://",
        "PEM certificate: serve wss:// and https://",
    ),
    "ops.opt.tls_key": ("--tls-cert 的 PEM 私钥", "PEM private key for --tls-cert"),
    "ops.opt.url": ("大厅服务器的 websocket 地址", "the hall server's websocket"),
    "ops.opt.device": ("管理设备的编号（默认 admin）", "the admin device's id (default admin)"),
    "ops.opt.token_file": ("只含管理令牌的文件", "a file holding the admin token alone"),
    "ops.opt.credentials": (
        "onetrip init 写入的 hall.credentials.toml",
        "hall.credentials.toml written by init",
    ),
    "ops.opt.timeout": ("等待服务器的秒数", "seconds to wait for the server"),
    "ops.help.admin_notice": ("大厅显示屏公告", "hall board notices"),
    "ops.help.admin_post": ("在每块大厅显示屏上发布公告", "post a notice on every hall board"),
    "ops.opt.text": ("公告的中文内容", "the notice in Chinese"),
    "ops.opt.text_en": ("公告的英文内容", "the notice in English"),
    "ops.opt.minutes": ("显示屏显示的分钟数", "how long boards show it"),
    "ops.help.admin_clear": ("撤下所有公告", "take every notice down"),
    "ops.help.admin_logout": ("让窗口的工作人员退出登录", "log a window's staff member out"),
    "ops.help.admin_unlock": (
        "解除因 PIN 错误而被锁定的工号",
        "unlock a staff id locked out by wrong PINs",
    ),
    "ops.help.admin_reload": (
        "重新加载配置（工作人员、事项、时间、限值）",
        "reload the configuration (staff, matters, hours, limits)",
    ),
    "ops.opt.reset_config": ("服务器所用的大厅配置文件", "the hall TOML the server runs"),
    "ops.help.admin_reset_pin": (
        "重设 PIN：写入配置文件并让服务器重新加载",
        "reset a PIN: written to the configuration, which the server reloads",
    ),
    "ops.opt.rate": (
        "某角色每个连接每秒可发的请求数，例如 kiosk=50（默认：kiosk 10、caller 20、display 20、bridge 200）",
        "requests per second one connection of ROLE may send, e.g. kiosk=50 "
        "(defaults: kiosk 10, caller 20, display 20, bridge 200)",
    ),
    "ops.help.help": ("显示本帮助并退出", "show this help and exit"),
    "ops.help.version": ("显示版本并退出", "show the version and exit"),
    "ops.help.verbose": ("输出更多日志（出错时显示详情）", "log more (and show details on errors)"),
    "ops.help.log_format": ("日志格式：text 或 json", "log format: text or json"),
}
