"""Greetings, help, menus and the answers every flow shares."""

ZH = {
    "common.start.worker": (
        "您好，{name}！这里是<b>匠心点单</b>——劳模工匠志愿服务平台。\n\n"
        "遇到生产难题、家电坏了、劳动纠纷、身体不适……直接用一句话告诉我您的需求，"
        "例如“注塑件毛边太多怎么办”，我会为您匹配合适的专业服务队。\n\n"
        "也可以发送 /order 浏览服务清单，/myorders 查看我的订单，/help 查看帮助。"
    ),
    "common.start.volunteer": (
        "您好，{name}师傅！欢迎回到<b>匠心点单</b>。\n\n"
        "有新的服务需求时我会第一时间推送给您，点“认领”即可接单。\n"
        "/jobs 我的服务任务　/board 待认领需求　/available 接单　/busy 暂停接单\n\n"
        "您也可以像普通用户一样直接发消息下单。"
    ),
    "common.start.admin": (
        "您好，{name}！您是<b>匠心点单</b>的管理员。\n\n"
        "/admin 管理菜单　/orders 订单　/volunteers 志愿者　/stats 统计\n"
        "管理员同样可以直接发消息下单、测试流程。"
    ),
    "common.help.worker": (
        "<b>怎么用匠心点单</b>\n"
        "1. 直接说出您的需求，比如“空调不制冷”“老板拖欠工资”。\n"
        "2. 确认服务队，填写地点、时间和联系电话。\n"
        "3. 劳模工匠志愿者认领后会与您联系，服务完成后请为服务打分。\n\n"
        "/order 浏览服务清单\n/myorders 我的订单\n/cancel 取消当前操作\n"
        "/volunteer 申请成为志愿者"
    ),
    "common.help.volunteer": (
        "<b>志愿者帮助</b>\n"
        "/jobs 我的服务任务\n/board 待认领的需求（企业问题清单）\n"
        "/available 恢复接单　/busy 暂停接单\n/profile 我的资料\n"
        "/cancel 取消当前操作\n\n收到派单时点“认领”接单，点“不方便”会转给其他志愿者。"
    ),
    "common.help.admin": ("<b>管理员帮助</b>\n发送 /admin 打开管理菜单，查看全部管理命令。"),
    "common.cancelled": "已取消。需要帮助时随时给我发消息。",
    "common.dialog_pending": (
        "⚠️ 您还有一项未完成的操作（例如正在填写的订单）。请继续回答上面的问题，"
        "或发送 /cancel 取消。"
    ),
    "common.nothing_to_cancel": "当前没有进行中的操作。",
    "common.unknown_command": "没有这个命令。发送 /help 查看可用的命令。",
    "common.unsupported": "抱歉，我暂时看不懂{media}。请用文字描述您的需求。",
    "common.media.sticker": "表情",
    "common.media.voice": "语音",
    "common.media.audio": "音频",
    "common.media.video": "视频",
    "common.media.document": "文件",
    "common.media.photo": "图片",
    "common.media.other": "这类消息",
    "common.too_long": (
        "内容太长了（{length}字），请精简到{limit}字以内再发送。之前填写的内容都还在。"
    ),
    "common.expired": "已过期",
    "common.forbidden": "无权限",
    "common.error": "抱歉，系统出了点问题，请稍后再试。您已填写的内容不会丢失。",
    "common.busy": "操作太频繁，请稍后再试。",
    "common.back": "返回",
    "common.cancel_button": "取消",
    "common.skip_button": "跳过",
    "common.friend": "朋友",
    "common.yes": "是",
    "common.no": "否",
    "status.new": "待派单",
    "status.offered": "待认领",
    "status.claimed": "已认领",
    "status.scheduled": "已预约",
    "status.in_progress": "服务中",
    "status.done": "待确认",
    "status.confirmed": "已解决",
    "status.rated": "已评价",
    "status.cancelled": "已取消",
    "status.expired": "无人认领，人工处理中",
    "order.no_team": "待人工分配",
    "order.status_changed": "您的订单 <b>{code}</b> 状态更新：{status}",
    "menu.start": "开始使用",
    "menu.help": "帮助",
    "menu.cancel": "取消当前操作",
}

EN = {
    "common.start.worker": (
        "Hello, {name}! This is <b>Jiangxin</b>, the model-worker volunteer service.\n\n"
        'Tell me what you need in one sentence, e.g. "the moulded parts have too much '
        'flash", and I will find the right specialist team.\n\n'
        "/order browse the service list, /myorders your orders, /help help."
    ),
    "common.start.volunteer": (
        "Hello, {name}! Welcome back to <b>Jiangxin</b>.\n\n"
        "New requests are offered to you here; press Claim to take one.\n"
        "/jobs my jobs  /board open requests  /available  /busy"
    ),
    "common.start.admin": (
        "Hello, {name}! You are an administrator of <b>Jiangxin</b>.\n\n"
        "/admin menu  /orders  /volunteers  /stats"
    ),
    "common.help.worker": (
        "<b>How it works</b>\n1. Describe your need.\n2. Confirm the team and give place, "
        "time and phone.\n3. A volunteer claims it and contacts you; rate the service.\n\n"
        "/order service list\n/myorders my orders\n/cancel cancel\n/volunteer volunteer"
    ),
    "common.help.volunteer": (
        "<b>Volunteer help</b>\n/jobs my jobs\n/board open requests\n/available  /busy\n"
        "/profile my profile\n/cancel cancel"
    ),
    "common.help.admin": "<b>Admin help</b>\nSend /admin for the admin menu.",
    "common.cancelled": "Cancelled. Message me whenever you need help.",
    "common.dialog_pending": (
        "⚠️ You are in the middle of something (e.g. an order). Please answer the question "
        "above, or send /cancel to stop."
    ),
    "common.nothing_to_cancel": "Nothing to cancel.",
    "common.unknown_command": "Unknown command. Send /help for the list.",
    "common.unsupported": "Sorry, I can't read {media} yet. Please describe your need in text.",
    "common.media.sticker": "stickers",
    "common.media.voice": "voice messages",
    "common.media.audio": "audio",
    "common.media.video": "videos",
    "common.media.document": "files",
    "common.media.photo": "photos",
    "common.media.other": "this kind of message",
    "common.too_long": "That is too long ({length} characters); please keep it under {limit}. "
    "Nothing you entered before is lost.",
    "common.expired": "Expired",
    "common.forbidden": "Not allowed",
    "common.error": "Sorry, something went wrong. Please try again; nothing you entered is lost.",
    "common.busy": "Too many requests, please try again shortly.",
    "common.back": "Back",
    "common.cancel_button": "Cancel",
    "common.skip_button": "Skip",
    "common.friend": "there",
    "common.yes": "Yes",
    "common.no": "No",
    "status.new": "waiting for dispatch",
    "status.offered": "offered to volunteers",
    "status.claimed": "claimed",
    "status.scheduled": "appointment set",
    "status.in_progress": "in service",
    "status.done": "awaiting your confirmation",
    "status.confirmed": "resolved",
    "status.rated": "rated",
    "status.cancelled": "cancelled",
    "status.expired": "unclaimed, handled by staff",
    "order.no_team": "to be assigned by staff",
    "order.status_changed": "Your order <b>{code}</b> is now: {status}",
    "menu.start": "Start",
    "menu.help": "Help",
    "menu.cancel": "Cancel the current step",
}
