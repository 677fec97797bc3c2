"""Refusal messages, one per stable error code (key ``error.<code>``)."""

TEXTS: dict[str, tuple[str, str]] = {
    # input
    "error.bad_request": ("请求格式有误：{detail}", "Malformed request: {detail}"),
    "error.unknown_op": ("不支持的操作：{op}", "Unknown operation: {op}"),
    "error.unknown_zone": ("没有这个服务区：{zone}", "No such zone: {zone}"),
    "error.unknown_matter": (
        "本服务区没有这个事项：{matter}",
        "No such matter in this zone: {matter}",
    ),
    "error.unknown_window": ("没有这个窗口：{window}", "No such window: {window}"),
    "error.unknown_staff": ("没有这位工作人员：{staff}", "No such staff member: {staff}"),
    "error.unknown_ticket": ("没有这张号票：{ticket}", "No such ticket: {ticket}"),
    "error.bad_priority": ("不是可用的优先类别：{reason}", "Not a priority category: {reason}"),
    "error.appointment_not_today": (
        "该预约不是今天的（{day}），请按预约日期前来",
        "The appointment is not for today ({day}); please come on its day",
    ),
    # hours and limits
    "error.closed": (
        "当前不在办理时间，请在开放时间内取号",
        "The hall is not open for tickets now",
    ),
    "error.issuing_closed": ("今日本时段取号已截止", "Ticket issuing has closed for this period"),
    "error.zone_closed": (
        "午间值班期间本服务区暂停取号",
        "This zone does not issue tickets during the noon break",
    ),
    "error.daily_limit": ("今日号已取完：{matter}", "No tickets left today for {matter}"),
    "error.slot_limit": (
        "本时段号已取完，请稍后再来：{matter}",
        "No tickets left in this time slot for {matter}",
    ),
    # windows and staff
    "error.window_logged_out": ("窗口{window}尚未登录", "Window {window} has nobody logged in"),
    "error.window_busy": (
        "窗口{window}正在处理{ticket}号，请先办结、过号或挂起",
        "Window {window} is busy with {ticket}",
    ),
    "error.window_paused": ("窗口{window}已暂停服务", "Window {window} is paused"),
    "error.window_not_paused": ("窗口{window}未暂停", "Window {window} is not paused"),
    "error.window_taken": (
        "窗口{window}已由{staff}登录",
        "Window {window} is already logged in by {staff}",
    ),
    "error.staff_elsewhere": (
        "{staff}已在窗口{window}登录",
        "{staff} is already logged in at window {window}",
    ),
    "error.queue_empty": ("当前没有等候的号", "Nobody is waiting"),
    "error.no_ticket_at_window": ("窗口{window}当前没有号", "Window {window} has no ticket"),
    "error.recall_limit": (
        "{ticket}号已重呼{count}次，已达上限",
        "{ticket} was recalled {count} times",
    ),
    # ticket states
    "error.bad_state": (
        "{ticket}号当前状态为{state}，不能{action}",
        "Ticket {ticket} is {state}; cannot {action}",
    ),
    "error.not_today": ("{ticket}号不是今天的号", "Ticket {ticket} is not from today"),
    "error.requeue_limit": ("{ticket}号已重新排队{count}次", "{ticket} was requeued {count} times"),
    "error.already_rated": ("{ticket}号已评价过", "Ticket {ticket} has already been rated"),
    "error.bad_rating": ("评价应为1到5", "A rating is 1 to 5"),
    "error.bad_reasons": (
        "评价原因最多{most}条，每条不超过{length}字，且不能重复",
        "At most {most} reasons, each at most {length} characters, none twice",
    ),
    "error.reasons_not_poor": (
        "只有“不满意”和“非常不满意”可以选择原因",
        "Reasons go with 不满意 or 非常不满意 only",
    ),
    "error.unknown_reason": (
        "“{reason}”不是本大厅设定的差评原因",
        "'{reason}' is not one of the hall's reasons for a poor rating",
    ),
    "error.bad_transfer": ("转移须指定一个服务区、窗口或工作人员", "A transfer needs one target"),
    # 续办服务卡
    "error.card_forged": ("续办服务卡无效，请到咨询台核实", "This follow-up card is not valid"),
    "error.card_unknown": ("查无此续办服务卡", "No such follow-up card"),
    "error.card_expired": (
        "续办服务卡已于{date}过期，请到咨询台办理",
        "This follow-up card expired on {date}",
    ),
    "error.card_closed": (
        "该事项已办结，续办服务卡已失效",
        "This case is finished; the card is closed",
    ),
    "error.card_in_use": ("该续办服务卡已取号：{ticket}", "This card already has ticket {ticket}"),
    "error.card_exists": ("该办件已有续办服务卡：{card}", "This case already has card {card}"),
    # access
    "error.unauthenticated": ("请先登录", "Please authenticate first"),
    "error.forbidden": ("无权执行此操作：{op}", "Not allowed: {op}"),
    "error.bad_credentials": ("工号或密码错误", "Wrong staff id or PIN"),
    "error.locked_out": (
        "密码错误次数过多，请{minutes}分钟后再试",
        "Too many wrong PINs; try again in {minutes} minutes",
    ),
    "error.rate_limited": ("操作过于频繁，请稍后再试", "Too many requests; slow down"),
    "error.conflict": ("请求号已用于另一操作", "This request id was used for another request"),
    "error.internal": (
        "系统内部错误，请联系管理员",
        "Internal error; please tell the administrator",
    ),
    "error.storage": ("数据保存失败，操作未生效", "Could not save; nothing was changed"),
    # the hub (protocol v1)
    "error.bad_token": ("设备身份验证失败，请检查设备编号与令牌", "Device authentication failed"),
    "error.already_authenticated": (
        "本连接已完成身份验证",
        "This connection is already authenticated",
    ),
    "error.bad_topic": ("无法订阅：{topic}", "Cannot subscribe to: {topic}"),
    "error.too_many_topics": (
        "订阅的主题过多（最多{limit}个）",
        "Too many topics (at most {limit})",
    ),
    "error.window_not_bound": (
        "本设备不能操作{window}号窗口",
        "This device may not act on window {window}",
    ),
    "error.unknown_code": ("查无此号票，可能已过期", "No such ticket; it may have expired"),
    # the admin's reload (server.adminops)
    "error.reload_no_file": (
        "服务器不知道自己的配置文件，无法重新加载",
        "the server has no configuration file to reload",
    ),
    "error.reload_bad_config": (
        "配置未重新加载：有 {n} 处错误，第一处：{first}",
        "the configuration was not reloaded: {n} error(s), the first: {first}",
    ),
    "error.reload_unsafe": (
        "配置未重新加载：{zh}；请重启服务器",
        "the configuration was not reloaded: {en}; restart",
    ),
}
