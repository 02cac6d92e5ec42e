"""Ordering (点单) and tracking (/myorders): every sentence of both flows."""

ZH = {
    "menu.order": "浏览服务清单并点单",
    "menu.myorders": "我的订单",
    # --- starting an order
    "ordering.chitchat": (
        "您好！有什么需要帮忙的，直接用一句话告诉我就行，例如“空调不制冷”"
        "“注塑件毛边太多”“老板拖欠工资”。\n也可以发送 /order 浏览服务清单。"
    ),
    "ordering.stale_keyboard": "这一步已经结束了。需要帮助时，直接告诉我您的需求即可。",
    "ordering.busy_elsewhere": "您还有一项操作没有完成。请先完成它，或发送 /cancel 取消后再点单。",
    "ordering.limit": (
        "您今天已经提交了{limit}个需求，达到了每日上限。请明天再来，"
        "或发送 /myorders 查看已提交的订单。"
    ),
    "ordering.browse.title": "<b>服务清单</b>\n请选择需要的服务队：\n",
    "ordering.browse.item": "<b>{team}</b>\n{description}",
    "ordering.link.unknown_team": "这个二维码对应的服务队不存在或已停用，请从服务清单中选择。",
    "ordering.link.unknown_station": (
        "抱歉，没有找到这个服务站点（二维码可能已失效）。您仍然可以直接点单。"
    ),
    "ordering.describe.ask": "请用一两句话描述您的需求：",
    "ordering.describe.team": "您选择了【{team}】。\n请用一两句话描述您的需求：",
    "ordering.describe.station": (
        "欢迎来到【{station}】！\n请用一两句话描述您需要什么帮助，"
        "例如“车间焊接变形严重”“家里电线老化”。"
    ),
    "ordering.describe.edit": "当前的需求描述：\n{text}\n\n请发送新的描述：",
    # --- routing confirmation
    "ordering.confirm.ask": "您的需求：{text}\n\n您的需求将由【{team}】处理，对吗？",
    "ordering.confirm.unsure": (
        "您的需求：{text}\n\n我还不能确定该由哪个服务队处理。请再多说几句（比如哪里出了问题、"
        "需要什么帮助），或者直接从下面选择服务队："
    ),
    "ordering.confirm.pick": "您的需求：{text}\n\n请选择服务队：",
    "ordering.confirm.choose": "您的需求：{text}\n\n请问由哪个服务队处理更合适？",
    "ordering.confirm.chosen": "好的，将由【{team}】为您服务。",
    "ordering.confirm.triage": "好的，将由管理员为您人工分配服务队。",
    "ordering.btn.yes_team": "✅ 对，交给{team}",
    "ordering.btn.alt_team": "改为：{team}",
    "ordering.btn.triage": "都不是，请人工分配",
    "ordering.btn.cancel": "取消",
    "ordering.btn.submit": "确认提交",
    "ordering.btn.edit": "修改",
    "ordering.btn.back": "返回",
    "ordering.btn.photos_done": "完成",
    "ordering.btn.photos_skip": "跳过",
    # --- reply keyboard labels (they come back as text when tapped)
    "ordering.kb.location": "📍 发送当前位置",
    "ordering.kb.skip": "跳过",
    "ordering.kb.cancel": "取消",
    "ordering.kb.contact": "📱 分享我的手机号",
    "ordering.kb.saved_phone": "使用 {phone}",
    # --- place
    "ordering.place.ask": (
        "请告诉我服务地点：直接输入地址（如“XX镇XX村XX号”），或点下方按钮发送当前位置。\n"
        "不需要上门的，点“跳过”。"
    ),
    "ordering.place.saved": "📍 地点：{place}",
    "ordering.place.location": "已发送的位置（{lat}, {lon}）",
    "ordering.place.none": "无需上门",
    # --- time
    "ordering.time.ask": "希望什么时候服务？也可以直接输入，例如“周六上午”“11月30日下午3点”。",
    "ordering.time.custom": "请输入希望的时间，例如“周六上午”“明天下午3点”“12-01 14:30”：",
    "ordering.time.btn.asap": "尽快",
    "ordering.time.btn.today": "今天",
    "ordering.time.btn.tomorrow": "明天",
    "ordering.time.btn.weekend": "本周末",
    "ordering.time.btn.custom": "自己填写",
    "ordering.time.with_window": "{label}（{window}）",
    "ordering.time.saved": "🕘 时间：{time}",
    "ordering.time.passed": "您选择的服务时间已经过去了，请重新选择时间。",
    "ordering.time.unclear.no_day": "“{text}”是哪一天呢？请带上日期，例如“明天下午3点”“周六上午”。",
    "ordering.time.unclear.ampm": (
        "“{text}”是上午还是下午？请说清楚，例如“明天下午3点”“周六上午10点”。"
    ),
    "ordering.time.unclear.past": "“{text}”已经过去了，请选择以后的时间。",
    "ordering.time.unclear.too_far": "“{text}”太远了，请选择一年以内的时间。",
    "ordering.time.unclear.which_day": "周末是周六还是周日？请说具体哪一天，例如“周六上午”。",
    "ordering.time.unclear.unknown": (
        "没看懂“{text}”这个时间。请换个说法，例如“周六上午”“11月30日下午3点”，或点下方按钮选择。"
    ),
    # --- phone
    "ordering.phone.ask": (
        "请留一个联系电话，方便志愿者联系您：点下方按钮分享手机号，或直接输入手机号。"
    ),
    "ordering.phone.ask_saved": (
        "请留一个联系电话：可以使用上次的号码，点下方按钮分享，或直接输入手机号。"
    ),
    "ordering.phone.saved": "☎️ 联系电话：{phone}",
    # --- photos
    "ordering.photos.ask": (
        "如有现场照片，可以发给我（最多{limit}张），发完点“完成”；没有照片请点“跳过”。"
    ),
    "ordering.photos.got": "已收到第{count}张照片，还可以再发{left}张。发完请点“完成”。",
    "ordering.photos.full": "已收到{limit}张照片（已达上限）。",
    "ordering.photos.saved": "🖼 照片：{count}张",
    # --- summary, edit, submit
    "ordering.summary.title": "<b>请核对您的需求</b>",
    "ordering.summary.text": "需求：{text}",
    "ordering.summary.team": "服务队：{team}",
    "ordering.summary.station": "服务站点：{station}",
    "ordering.summary.place": "地点：{place}",
    "ordering.summary.time": "时间：{time}",
    "ordering.summary.phone": "联系电话：{phone}",
    "ordering.summary.photos": "照片：{count}张",
    "ordering.edit.ask": "要修改哪一项？",
    "ordering.edit.chosen": "修改：{field}",
    "ordering.edit.field.text": "需求描述",
    "ordering.edit.field.team": "服务队",
    "ordering.edit.field.place": "地点",
    "ordering.edit.field.time": "时间",
    "ordering.edit.field.phone": "联系电话",
    "ordering.edit.field.photos": "照片",
    "ordering.submitted.stamp": "✅ 已提交",
    "ordering.submitted": "✅ 提交成功！订单号：<b>{code}</b>",
    "ordering.next.team": (
        "接下来：我们会把需求推送给【{team}】的劳模工匠志愿者，有人认领后会通知您，"
        "志愿者会按您留的电话联系您。\n发送 /myorders 可以随时查看进度或取消订单。"
    ),
    "ordering.next.triage": (
        "接下来：管理员会尽快为您安排合适的服务队，有进展会第一时间通知您。\n"
        "发送 /myorders 可以随时查看进度或取消订单。"
    ),
    "ordering.cancelled": "已取消，这个需求没有提交。需要帮助时随时告诉我。",
    "ordering.lost": "抱歉，这次点单的进度无法继续了，请重新告诉我您的需求。",
    # --- hints for unexpected input at each step
    "ordering.hint.describe": "请用文字描述您的需求，或点“取消”。",
    "ordering.hint.confirm_team": "请点击下方按钮选择服务队，或者用文字再补充几句。",
    "ordering.hint.pick_team": "请点击下方按钮选择服务队。",
    "ordering.hint.place": "请输入服务地址，或点下方按钮发送位置；不需要上门请点“跳过”。",
    "ordering.hint.place_long": "地址太长了，请精简到{limit}字以内。",
    "ordering.hint.time": "请点击下方按钮选择时间，或直接输入，例如“周六上午”。",
    "ordering.hint.time_text": "请用文字输入时间，例如“周六上午”“明天下午3点”。",
    "ordering.hint.time_long": "时间描述太长了，请精简到{limit}字以内，例如“周六上午”。",
    "ordering.hint.phone": "请发送手机号或点击下方按钮分享。",
    "ordering.hint.phone_invalid": (
        "这不是有效的手机号，请输入11位中国大陆手机号，例如 13812345678。"
    ),
    "ordering.hint.phone_not_self": "请分享您本人的手机号（点下方按钮），或直接输入手机号。",
    "ordering.hint.phone_foreign": "目前只支持中国大陆手机号，请直接输入11位手机号。",
    "ordering.hint.photos": "请发送照片（最多{limit}张），或点“完成”/“跳过”。",
    "ordering.hint.summary": "请点击上方按钮：确认提交、修改或取消。",
    "ordering.hint.edit_choice": "请点击上方按钮选择要修改的内容。",
    "ordering.hint.too_long": "内容太长了，请精简到{limit}字以内。",
    # --- admins
    "ordering.admin.new": "🆕 新订单 <b>{code}</b>（尚未自动派单，请人工处理）",
    "ordering.admin.triage": "🆕 新订单 <b>{code}</b> 需要人工分配服务队",
    "ordering.admin.from": "来自：{name} {username}",
    # --- tracking (/myorders)
    "tracking.empty": "您还没有订单。直接告诉我您的需求就可以点单，或发送 /order 浏览服务清单。",
    "tracking.list.title": "<b>我的订单</b>（最近{count}个，点击查看详情）",
    "tracking.list.item": "<b>{code}</b> · {status}\n{team} · {when}\n{text}",
    "tracking.list.button": "{code} · {status}",
    "tracking.list.older": "<b>我的订单</b>（更早的第{first}–{last}个，点击查看详情）",
    "tracking.btn.older": "更早的订单 ›",
    "tracking.btn.newer": "‹ 较新的订单",
    "tracking.detail.title": "<b>订单 {code}</b>",
    "tracking.detail.status": "状态：{status}",
    "tracking.detail.team": "服务队：{team}",
    "tracking.detail.text": "需求：{text}",
    "tracking.detail.place": "地点：{place}",
    "tracking.detail.location": "已发送的位置",
    "tracking.detail.time": "希望时间：{time}",
    "tracking.detail.phone": "联系电话：{phone}",
    "tracking.detail.volunteer": "志愿者：{name}",
    "tracking.detail.appointment": "预约时间：{when}",
    "tracking.detail.timeline": "<b>进度</b>",
    "tracking.timeline.line": "{when}　{event}",
    "tracking.timeline.reason": "（原因：{reason}）",
    "tracking.event.created": "提交需求",
    "tracking.event.offered": "已推送给志愿者",
    "tracking.event.claimed": "志愿者已认领",
    "tracking.event.scheduled": "已预约上门时间",
    "tracking.event.started": "开始服务",
    "tracking.event.done": "服务完成",
    "tracking.event.confirmed": "您已确认",
    "tracking.event.rated": "您已评价",
    "tracking.event.cancelled": "已取消",
    "tracking.event.expired": "暂无志愿者认领，转人工处理",
    "tracking.btn.cancel": "取消订单",
    "tracking.btn.list": "返回列表",
    "tracking.btn.keep": "不取消了",
    "tracking.cancel.ask": "确定要取消订单 <b>{code}</b> 吗？请选择原因：",
    "tracking.cancel.type_reason": "请简单说一下取消订单 <b>{code}</b> 的原因（{limit}字以内）：",
    "tracking.cancel.busy": (
        "您还有一项操作没有完成。请先完成或发送 /cancel，再填写原因；也可以直接选择上面的原因。"
    ),
    "tracking.cancel.kept": "好的，订单没有取消。",
    "tracking.cancel.too_late": "订单状态已经变化，无法取消了。发送 /myorders 查看最新进度。",
    "tracking.reason.unneeded": "不需要了",
    "tracking.reason.solved": "问题已经解决了",
    "tracking.reason.time": "时间安排不开",
    "tracking.reason.other": "其他原因（自己填写）",
    "tracking.hint.reason": "请用文字写下取消原因（{limit}字以内），或点“不取消了”。",
    "tracking.hint.reason_long": "原因太长了，请精简到{limit}字以内。",
    "tracking.admin.cancelled": "❌ 订单 <b>{code}</b> 已被下单人取消。原因：{reason}",
}

EN = {
    "menu.order": "Browse the service list and order",
    "menu.myorders": "My orders",
    "ordering.chitchat": (
        'Hello! Tell me in one sentence what you need help with, e.g. "the air conditioner '
        'does not cool" or "my wages are unpaid".\nOr send /order to browse the service list.'
    ),
    "ordering.stale_keyboard": "That step is over. Just tell me what you need.",
    "ordering.busy_elsewhere": "You have something unfinished. Finish it or send /cancel first.",
    "ordering.limit": (
        "You have already submitted {limit} requests today, the daily limit. Please come back "
        "tomorrow, or send /myorders to see your orders."
    ),
    "ordering.browse.title": "<b>Service list</b>\nChoose a team:\n",
    "ordering.browse.item": "<b>{team}</b>\n{description}",
    "ordering.link.unknown_team": (
        "That team does not exist or was retired; please choose from the list."
    ),
    "ordering.link.unknown_station": (
        "Sorry, that service station was not found (the QR code may be old). You can still order."
    ),
    "ordering.describe.ask": "Please describe what you need in a sentence or two:",
    "ordering.describe.team": (
        "You chose {team}.\nPlease describe what you need in a sentence or two:"
    ),
    "ordering.describe.station": (
        "Welcome to {station}!\nPlease describe what you need in a sentence or two."
    ),
    "ordering.describe.edit": "Your description now:\n{text}\n\nSend the new description:",
    "ordering.confirm.ask": (
        "Your request: {text}\n\nYour request will be handled by {team}, right?"
    ),
    "ordering.confirm.unsure": (
        "Your request: {text}\n\nI can't tell yet which team should handle this. Tell me a "
        "little more, or pick a team below:"
    ),
    "ordering.confirm.pick": "Your request: {text}\n\nChoose a team:",
    "ordering.confirm.choose": "Your request: {text}\n\nWhich team fits it best?",
    "ordering.confirm.chosen": "OK, {team} will serve you.",
    "ordering.confirm.triage": "OK, an administrator will assign a team.",
    "ordering.btn.yes_team": "✅ Yes, {team}",
    "ordering.btn.alt_team": "Instead: {team}",
    "ordering.btn.triage": "None of these, assign by hand",
    "ordering.btn.cancel": "Cancel",
    "ordering.btn.submit": "Submit",
    "ordering.btn.edit": "Change",
    "ordering.btn.back": "Back",
    "ordering.btn.photos_done": "Done",
    "ordering.btn.photos_skip": "Skip",
    "ordering.kb.location": "📍 Send my location",
    "ordering.kb.skip": "Skip",
    "ordering.kb.cancel": "Cancel",
    "ordering.kb.contact": "📱 Share my phone number",
    "ordering.kb.saved_phone": "Use {phone}",
    "ordering.place.ask": (
        "Where should the service take place? Type the address or send your location with the "
        "button below. Press Skip if nobody needs to come."
    ),
    "ordering.place.saved": "📍 Place: {place}",
    "ordering.place.location": "shared location ({lat}, {lon})",
    "ordering.place.none": "no visit needed",
    "ordering.time.ask": (
        'When would suit you? You can also type it, e.g. "Saturday morning" or "tomorrow 3pm".'
    ),
    "ordering.time.custom": (
        'Type the time you would like, e.g. "Saturday morning", "tomorrow 3pm", "Dec 1 14:30":'
    ),
    "ordering.time.btn.asap": "As soon as possible",
    "ordering.time.btn.today": "Today",
    "ordering.time.btn.tomorrow": "Tomorrow",
    "ordering.time.btn.weekend": "This weekend",
    "ordering.time.btn.custom": "Type a time",
    "ordering.time.with_window": "{label} ({window})",
    "ordering.time.saved": "🕘 Time: {time}",
    "ordering.time.passed": "The time you chose has passed; please choose again.",
    "ordering.time.unclear.no_day": (
        'Which day is "{text}"? Please add the day, e.g. "tomorrow 3pm".'
    ),
    "ordering.time.unclear.ampm": 'Is "{text}" morning or afternoon? e.g. "tomorrow 3pm".',
    "ordering.time.unclear.past": '"{text}" has already passed; please choose a later time.',
    "ordering.time.unclear.too_far": (
        '"{text}" is too far ahead; please choose a time within a year.'
    ),
    "ordering.time.unclear.which_day": (
        'Saturday or Sunday? Please name the day, e.g. "Saturday morning".'
    ),
    "ordering.time.unclear.unknown": (
        'I could not read "{text}" as a time. Try e.g. "Saturday morning" or "tomorrow 3pm" '
        "(the day first), or use the buttons."
    ),
    "ordering.phone.ask": (
        "Please leave a phone number for the volunteer: share it with the button or type it."
    ),
    "ordering.phone.ask_saved": (
        "Please leave a phone number: use the last one, share it, or type it."
    ),
    "ordering.phone.saved": "☎️ Phone: {phone}",
    "ordering.photos.ask": (
        "Send photos of the problem if you have any (up to {limit}), then press Done; or press "
        "Skip."
    ),
    "ordering.photos.got": "Got photo {count}; you can send {left} more. Press Done when finished.",
    "ordering.photos.full": "Got {limit} photos (the maximum).",
    "ordering.photos.saved": "🖼 Photos: {count}",
    "ordering.summary.title": "<b>Please check your request</b>",
    "ordering.summary.text": "Request: {text}",
    "ordering.summary.team": "Team: {team}",
    "ordering.summary.station": "Service station: {station}",
    "ordering.summary.place": "Place: {place}",
    "ordering.summary.time": "Time: {time}",
    "ordering.summary.phone": "Phone: {phone}",
    "ordering.summary.photos": "Photos: {count}",
    "ordering.edit.ask": "What would you like to change?",
    "ordering.edit.chosen": "Change: {field}",
    "ordering.edit.field.text": "Description",
    "ordering.edit.field.team": "Team",
    "ordering.edit.field.place": "Place",
    "ordering.edit.field.time": "Time",
    "ordering.edit.field.phone": "Phone",
    "ordering.edit.field.photos": "Photos",
    "ordering.submitted.stamp": "✅ Submitted",
    "ordering.submitted": "✅ Submitted! Your order number: <b>{code}</b>",
    "ordering.next.team": (
        "Next: volunteers of {team} are told about it; when one claims it you will hear from "
        "me and they will call you.\nSend /myorders to follow it or cancel it."
    ),
    "ordering.next.triage": (
        "Next: an administrator will assign a suitable team and you will be told.\n"
        "Send /myorders to follow it or cancel it."
    ),
    "ordering.cancelled": "Cancelled; nothing was submitted. Message me whenever you need help.",
    "ordering.lost": "Sorry, this request can't be continued. Please tell me your need again.",
    "ordering.hint.describe": "Please describe your need in text, or press Cancel.",
    "ordering.hint.confirm_team": "Please choose a team with the buttons, or add a few words.",
    "ordering.hint.pick_team": "Please choose a team with the buttons.",
    "ordering.hint.place": (
        "Type the address or send your location; press Skip if no visit is needed."
    ),
    "ordering.hint.place_long": "The address is too long; please keep it under {limit} characters.",
    "ordering.hint.time": 'Choose a time with the buttons or type one, e.g. "Saturday morning".',
    "ordering.hint.time_text": 'Please type a time, e.g. "Saturday morning" or "tomorrow 3pm".',
    "ordering.hint.time_long": (
        'Please keep the time under {limit} characters, e.g. "Saturday morning".'
    ),
    "ordering.hint.phone": "Please send a phone number or press the button below to share it.",
    "ordering.hint.phone_invalid": (
        "That is not a valid mobile number; please type an 11-digit mainland China mobile number."
    ),
    "ordering.hint.phone_not_self": "Please share your own number (the button below) or type it.",
    "ordering.hint.phone_foreign": (
        "Only mainland China mobile numbers are supported; please type one."
    ),
    "ordering.hint.photos": "Send photos (up to {limit}), or press Done / Skip.",
    "ordering.hint.summary": "Please use the buttons: Submit, Change or Cancel.",
    "ordering.hint.edit_choice": "Please choose what to change with the buttons.",
    "ordering.hint.too_long": "That is too long; please keep it under {limit} characters.",
    "ordering.admin.new": (
        "🆕 New order <b>{code}</b> (not dispatched automatically; please handle it)"
    ),
    "ordering.admin.triage": "🆕 New order <b>{code}</b> needs a team assigned by hand",
    "ordering.admin.from": "From: {name} {username}",
    "tracking.empty": "You have no orders yet. Just tell me what you need, or send /order.",
    "tracking.list.title": "<b>My orders</b> (latest {count}; tap one for details)",
    "tracking.list.item": "<b>{code}</b> · {status}\n{team} · {when}\n{text}",
    "tracking.list.button": "{code} · {status}",
    "tracking.list.older": "<b>My orders</b> (older: {first}–{last}; tap one for details)",
    "tracking.btn.older": "Older orders ›",
    "tracking.btn.newer": "‹ Newer orders",
    "tracking.detail.title": "<b>Order {code}</b>",
    "tracking.detail.status": "Status: {status}",
    "tracking.detail.team": "Team: {team}",
    "tracking.detail.text": "Request: {text}",
    "tracking.detail.place": "Place: {place}",
    "tracking.detail.location": "shared location",
    "tracking.detail.time": "Preferred time: {time}",
    "tracking.detail.phone": "Phone: {phone}",
    "tracking.detail.volunteer": "Volunteer: {name}",
    "tracking.detail.appointment": "Appointment: {when}",
    "tracking.detail.timeline": "<b>Progress</b>",
    "tracking.timeline.line": "{when}  {event}",
    "tracking.timeline.reason": " (reason: {reason})",
    "tracking.event.created": "submitted",
    "tracking.event.offered": "offered to volunteers",
    "tracking.event.claimed": "claimed by a volunteer",
    "tracking.event.scheduled": "appointment set",
    "tracking.event.started": "service started",
    "tracking.event.done": "service done",
    "tracking.event.confirmed": "you confirmed",
    "tracking.event.rated": "you rated it",
    "tracking.event.cancelled": "cancelled",
    "tracking.event.expired": "unclaimed; handed to staff",
    "tracking.btn.cancel": "Cancel order",
    "tracking.btn.list": "Back to list",
    "tracking.btn.keep": "Keep the order",
    "tracking.cancel.ask": "Cancel order <b>{code}</b>? Please choose a reason:",
    "tracking.cancel.type_reason": (
        "Why are you cancelling <b>{code}</b>? (under {limit} characters)"
    ),
    "tracking.cancel.busy": (
        "You have something unfinished. Finish it or send /cancel first, or pick a reason above."
    ),
    "tracking.cancel.kept": "OK, the order was not cancelled.",
    "tracking.cancel.too_late": (
        "The order has moved on and can no longer be cancelled. Send /myorders to see it."
    ),
    "tracking.reason.unneeded": "No longer needed",
    "tracking.reason.solved": "Already solved",
    "tracking.reason.time": "The timing doesn't work",
    "tracking.reason.other": "Other (type it)",
    "tracking.hint.reason": (
        "Please type the reason (under {limit} characters), or press Keep the order."
    ),
    "tracking.hint.reason_long": "That is too long; please keep it under {limit} characters.",
    "tracking.admin.cancelled": (
        "❌ Order <b>{code}</b> was cancelled by the requester. Reason: {reason}"
    ),
}
