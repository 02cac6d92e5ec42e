"""Offers, claims, the board, the job lifecycle and the requester–volunteer relay."""

ZH = {
    "menu.jobs": "我的服务任务",
    "menu.board": "待认领需求（企业问题清单）",
    # Offers
    "dispatch.offer": "📋 <b>新的服务需求</b> {code}",
    "dispatch.offer.body": "服务队：{team}\n需求：{need}\n区域：{district}\n期望时间：{when}",
    "dispatch.offer.hint": "先到先得，点“认领”接单；不方便请点“不方便”，我们会转给其他志愿者。",
    "dispatch.offer.taken": "🔒 {code} 已被其他志愿者认领，感谢您的热心！",
    "dispatch.offer.withdrawn": "{code} 已撤回（需求已取消或改派），无需处理。",
    "dispatch.offer.declined": "已标记“不方便”，{code} 已转给其他志愿者。",
    "dispatch.offer.mine": "✅ 您已认领 {code}，联系方式和地址见下一条消息（/jobs 随时查看）。",
    "dispatch.btn.claim": "认领",
    "dispatch.btn.decline": "不方便",
    "dispatch.no_district": "未指定",
    "dispatch.time.asap": "尽快",
    "dispatch.time.today": "今天",
    "dispatch.time.tomorrow": "明天",
    "dispatch.time.weekend": "本周末",
    "dispatch.time.none": "未指定",
    "dispatch.offer_status.pending": "发送中",
    "dispatch.offer_status.sent": "未回复",
    "dispatch.offer_status.claimed": "已认领",
    "dispatch.offer_status.taken": "他人已认领",
    "dispatch.offer_status.declined": "不方便",
    "dispatch.offer_status.withdrawn": "已撤回",
    "dispatch.offer_status.failed": "无法送达",
    # Claimed
    "dispatch.claimed.requester": (
        "🎉 <b>工匠就在身边！</b>\n您的需求 {code} 已由志愿者 <b>{name}</b> 认领。"
    ),
    "dispatch.claimed.honours": "\n荣誉：{honours}",
    "dispatch.claimed.requester_tail": (
        "志愿者会尽快与您联系。您也可以点“联系志愿者”先说明情况（不会显示双方电话）。"
    ),
    # No one claimed it
    "dispatch.expired.admins": (
        "⚠️ <b>无人认领</b>：{code} 的派单已结束，请人工安排（/assign {code} 志愿者）。"
    ),
    "dispatch.expired.requester": "暂时没有志愿者认领，管理员会尽快为您人工安排，请耐心等待。",
    "dispatch.expired.claimed_admins": (
        "✅ 无人认领的 {code} 已由志愿者 {name} 认领，无需再人工安排。"
    ),
    "dispatch.history.head": (
        "服务队：{team}\n区域：{district}\n需求：{need}\n求助人：{name}　电话：{phone}\n"
        "下单时间：{created}\n期望时间：{when}\n派单记录："
    ),
    "dispatch.history.offer": "· 第{wave}轮 {name}：{status}",
    "dispatch.history.nobody": "· 没有符合条件的志愿者（该服务队暂无可接单的志愿者）",
    # Released / cancelled
    "dispatch.released.admins": ("↩️ 志愿者 {name} 放弃了 {code}。原因：{reason}\n已重新派单。"),
    "dispatch.released.requester": (
        "原志愿者因故无法继续为您服务（{code}），我们正在为您重新安排志愿者，请稍候。"
    ),
    "dispatch.released.volunteer": "{code} 已从您的任务中移出（{reason}），已转派其他志愿者。",
    "dispatch.cancelled.volunteer": "❌ 求助人已取消 {code}（{reason}），无需再上门，感谢您！",
    # Claim buttons
    "jobs.claim.won": "认领成功！",
    "jobs.claim.lost": "已被其他志愿者认领",
    "jobs.claim.yours": "您已认领此任务",
    "jobs.claim.own": "不能认领自己提交的需求",
    "jobs.claim.released": (
        "您已放弃过这个需求，不能再从这里认领。如需重新接手，请联系管理员指派。"
    ),
    "jobs.claim.too_many": "您手上已有 {n} 个未完成的任务，请先完成或放弃一些，再来认领新的。",
    "jobs.decline.done": "已转给其他志愿者",
    "jobs.not_volunteer": "您还不是志愿者。发送 /volunteer 申请加入。",
    # Board
    "jobs.board.head": (
        "📌 <b>企业问题清单</b>：您所在服务队有 {n} 个待认领的需求（显示最近的 {shown} 个）"
    ),
    "jobs.board.item": "<b>{code}</b>　{ring}",
    "jobs.board.empty": "暂时没有待认领的需求，有新需求会第一时间推送给您。",
    "jobs.board.claimed": "✅ 您已认领 {code}，联系方式和地址见下一条消息。",
    "jobs.ring.0": "📍同一服务点",
    "jobs.ring.1": "📍同一镇街",
    "jobs.ring.2": "📍同一县市",
    "jobs.ring.3": "",
    # /jobs and the job card
    "jobs.none": "您目前没有进行中的服务任务。发送 /board 查看待认领的需求。",
    "jobs.list_head": "🧰 您有 {n} 个服务任务（显示 {shown} 个）：",
    "jobs.card.claimed": "✅ <b>认领成功</b> {code}",
    "jobs.card.assigned": "📌 <b>管理员为您指派了服务任务</b> {code}",
    "jobs.card.item": "🧰 <b>服务任务</b> {code}",
    "jobs.card.unresolved": "⚠️ <b>求助人反馈问题尚未解决</b> {code}，请继续跟进：",
    "jobs.card.team": "服务队：{team}",
    "jobs.card.need": "需求：{need}",
    "jobs.card.contact": "求助人：{name}",
    "jobs.card.phone": "电话：{phone}",
    "jobs.card.no_phone": "电话：未留（可点“联系求助人”留言）",
    "jobs.card.no_name": "求助人",
    "jobs.card.address": "地址：{address}",
    "jobs.card.location": (
        '位置：<a href="https://uri.amap.com/marker?position={lon},{lat}&amp;coordinate=wgs84">'
        "查看地图</a>"
    ),
    "jobs.card.no_address": "地址：未填写（区域：{district}），请与求助人确认",
    "jobs.card.when": "期望时间：{when}",
    "jobs.card.appointment": "约定时间：{at}",
    "jobs.card.photos": "求助人附有 {n} 张照片",
    "jobs.card.status": "状态：{status}",
    "jobs.btn.appoint": "约定时间",
    "jobs.btn.reappoint": "修改时间",
    "jobs.btn.start": "开始服务",
    "jobs.btn.finish": "完成服务",
    "jobs.btn.quit": "放弃",
    "jobs.btn.submit": "提交",
    "jobs.btn.relay_requester": "联系求助人",
    "jobs.btn.relay_volunteer": "联系志愿者",
    "jobs.btn.resolved": "已解决",
    "jobs.btn.unresolved": "未解决",
    "jobs.wrong_state": "该任务当前状态为“{status}”，不能这样操作",
    "jobs.moved_on": "该任务的状态已经变化，操作未执行。发送 /jobs 查看最新情况。",
    # 约定时间
    "jobs.appointment.ask": (
        "请输入与求助人约定的服务时间（{code}），例如：明天下午3点、11月30日上午9:30、"
        "2026-12-01 14:00。发送 /cancel 取消。"
    ),
    "jobs.appointment.text_please": "请用文字输入时间，例如：明天下午3点。",
    "jobs.appointment.need_clock": "请给出具体时刻，例如：明天下午3点、周六上午9:30。",
    "jobs.appointment.unclear.no_day": "请说明是哪一天，例如：明天下午3点、周六上午10点。",
    "jobs.appointment.unclear.ampm": "请注明上午还是下午，例如：下午3点，或写成 15:00。",
    "jobs.appointment.unclear.past": "这个时间已经过去了，请重新输入。",
    "jobs.appointment.unclear.too_far": "时间太远了，请输入一年以内的时间。",
    "jobs.appointment.unclear.which_day": "请说明具体是哪一天，例如：周六上午10点。",
    "jobs.appointment.unclear.unknown": (
        "没看懂这个时间，请换个说法，例如：明天下午3点、12月1日 14:00。"
    ),
    "jobs.appointment.done": "✅ 已约定 {code} 的服务时间：{at}，已通知求助人。",
    "jobs.appointment.requester": (
        "📅 志愿者 {name} 与您约定了服务时间（{code}）：<b>{at}</b>\n如需调整，请点“联系志愿者”。"
    ),
    # 开始服务
    "jobs.started.toast": "已开始服务，加油！",
    "jobs.started.requester": "志愿者 {name} 已开始为您服务。",
    # 完成服务
    "jobs.done.ask_summary": "请用一两句话说明服务情况（{code}），也可以直接发送带说明的照片：",
    "jobs.done.ask_summary_again": "请用文字简要说明服务情况。",
    "jobs.done.ask_photos": "可以再发送现场照片（最多 {n} 张）。照片发完或没有照片，请点“提交”。",
    "jobs.done.photo_saved": "已收到第 {n} 张照片。继续发送，或点“提交”。",
    "jobs.done.photo_first": "已收到照片。请再用一两句话说明服务情况。",
    "jobs.done.photo_limit": "最多 {n} 张照片，请点“提交”。",
    "jobs.done.use_submit": "照片发完请点“提交”（或发送 /cancel 取消）。",
    "jobs.done.text_please": "请发送文字说明或照片。",
    "jobs.done.saved": (
        "🎉 已完成 {code}，本次服务 {hours} 小时 {minutes} 分钟，已请求助人确认。感谢您的付出！"
    ),
    "jobs.done.requester": (
        "✅ 志愿者 {name} 已完成服务（{code}）。\n服务情况：{summary}\n\n您的问题解决了吗？"
    ),
    # 放弃
    "jobs.quit.ask": "请简要说明放弃 {code} 的原因（会告知管理员），发送 /cancel 取消：",
    "jobs.quit.text_please": "请用文字说明原因。",
    "jobs.quit.bad_reason": "原因请控制在{limit}字以内。",
    "jobs.quit.done": "已放弃该任务，我们会重新派给其他志愿者。感谢告知！",
    # The requester's verdict
    "jobs.confirm.resolved": "🙏 感谢确认！{code} 已解决。稍后请为本次服务打个分。",
    "jobs.confirm.unresolved": "已收到，{code} 已退回给志愿者继续跟进，管理员也已知晓。",
    "jobs.confirm.already": "已经确认过了，谢谢！",
    "jobs.confirmed.volunteer": (
        "👍 求助人确认 {code} 的问题已解决！本次服务 {minutes} 分钟，感谢您的付出！"
    ),
    "jobs.unresolved.admins": (
        "⚠️ 求助人反馈 {code} 未解决（志愿者：{name}），已退回志愿者继续跟进。"
    ),
    # Relay
    "jobs.relay.peer_requester": "求助人",
    "jobs.relay.peer_volunteer": "志愿者",
    "jobs.relay.opened": (
        "💬 现在您发送的文字和照片会转给{peer}（{code}），双方电话都不会显示。\n"
        "说完请点“结束对话”或发送 /cancel。"
    ),
    "jobs.relay.end_button": "结束对话",
    "jobs.relay.ended": "对话已结束。",
    "jobs.relay.closed": "该订单已结束，对话已关闭。",
    "jobs.relay.sent": "✓ 已转达",
    "jobs.relay.undelivered": "对方暂时收不到消息，请稍后再试，或联系管理员。",
    "jobs.relay.text_only": "只能转发文字、照片和位置。",
    "jobs.relay.no_contacts": "为保护隐私，不转发电话名片。需要时请在文字里说明。",
    "jobs.relay.incoming": "💬 <b>{code}</b> {sender}：",
    "jobs.relay.from_volunteer": "志愿者 {name}",
    "jobs.relay.from_requester": "求助人 {name}",
    "jobs.relay.body": "{text}",
    "jobs.relay.photo": "[照片]",
    "jobs.relay.photo_elsewhere": "[对方发来一张照片，请在原平台查看]",
    "jobs.relay.location": (
        '📍 <a href="https://uri.amap.com/marker?position={lon},{lat}&amp;coordinate=wgs84">'
        "对方发来的位置</a>"
    ),
    "jobs.relay.reply_button": "回复",
}

EN = {
    "menu.jobs": "My jobs",
    "menu.board": "Open requests",
    "dispatch.offer": "📋 <b>New request</b> {code}",
    "dispatch.offer.body": "Team: {team}\nNeed: {need}\nArea: {district}\nPreferred time: {when}",
    "dispatch.offer.hint": "First come, first served: press Claim. Can't make it? Press Not now.",
    "dispatch.offer.taken": "🔒 {code} was claimed by another volunteer. Thank you!",
    "dispatch.offer.withdrawn": "{code} was withdrawn (cancelled or moved); nothing to do.",
    "dispatch.offer.declined": 'Marked "not now"; {code} goes to another volunteer.',
    "dispatch.offer.mine": "✅ You claimed {code}; contact and address follow (/jobs any time).",
    "dispatch.btn.claim": "Claim",
    "dispatch.btn.decline": "Not now",
    "dispatch.no_district": "not given",
    "dispatch.time.asap": "as soon as possible",
    "dispatch.time.today": "today",
    "dispatch.time.tomorrow": "tomorrow",
    "dispatch.time.weekend": "this weekend",
    "dispatch.time.none": "not given",
    "dispatch.offer_status.pending": "sending",
    "dispatch.offer_status.sent": "no answer",
    "dispatch.offer_status.claimed": "claimed",
    "dispatch.offer_status.taken": "taken by another",
    "dispatch.offer_status.declined": "not now",
    "dispatch.offer_status.withdrawn": "withdrawn",
    "dispatch.offer_status.failed": "undeliverable",
    "dispatch.claimed.requester": (
        "🎉 <b>A craftsman is on the way!</b>\nYour request {code} was claimed by <b>{name}</b>."
    ),
    "dispatch.claimed.honours": "\nHonours: {honours}",
    "dispatch.claimed.requester_tail": (
        'The volunteer will contact you soon. Press "Message the volunteer" to explain first '
        "(no phone numbers are shown)."
    ),
    "dispatch.expired.admins": "⚠️ <b>Unclaimed</b>: dispatch of {code} ended; please arrange "
    "it by hand (/assign {code} volunteer).",
    "dispatch.expired.requester": "No volunteer has claimed it yet; staff will arrange it soon.",
    "dispatch.expired.claimed_admins": (
        "✅ Unclaimed {code} was claimed by {name} after all; no need to arrange it."
    ),
    "dispatch.history.head": (
        "Team: {team}\nArea: {district}\nNeed: {need}\nRequester: {name}  Phone: {phone}\n"
        "Created: {created}\nPreferred: {when}\nOffers:"
    ),
    "dispatch.history.offer": "· wave {wave} {name}: {status}",
    "dispatch.history.nobody": "· no eligible volunteer (nobody in this team takes offers)",
    "dispatch.released.admins": "↩️ {name} gave up {code}. Reason: {reason}\nDispatched again.",
    "dispatch.released.requester": (
        "Your volunteer can no longer serve {code}; we are finding another one."
    ),
    "dispatch.released.volunteer": "{code} was taken off your jobs ({reason}) and re-dispatched.",
    "dispatch.cancelled.volunteer": "❌ The requester cancelled {code} ({reason}). Thank you!",
    "jobs.claim.won": "Claimed!",
    "jobs.claim.lost": "Claimed by another volunteer",
    "jobs.claim.yours": "You hold this job already",
    "jobs.claim.own": "You cannot claim your own request",
    "jobs.claim.released": (
        "You gave up this request, so it cannot be claimed here again. "
        "Ask an admin to assign it to you if you want it back."
    ),
    "jobs.claim.too_many": "You hold {n} unfinished jobs; finish or give up some first.",
    "jobs.decline.done": "Passed to another volunteer",
    "jobs.not_volunteer": "You are not a volunteer yet. Send /volunteer to apply.",
    "jobs.board.head": "📌 <b>Open requests</b> of your teams: {n} (showing the nearest {shown})",
    "jobs.board.item": "<b>{code}</b>  {ring}",
    "jobs.board.empty": "No open requests right now; new ones will be sent to you.",
    "jobs.board.claimed": "✅ You claimed {code}; contact and address follow.",
    "jobs.ring.0": "📍same point",
    "jobs.ring.1": "📍same town",
    "jobs.ring.2": "📍same county",
    "jobs.ring.3": "",
    "jobs.none": "You hold no jobs. Send /board for open requests.",
    "jobs.list_head": "🧰 You hold {n} job(s) (showing {shown}):",
    "jobs.card.claimed": "✅ <b>Claimed</b> {code}",
    "jobs.card.assigned": "📌 <b>Staff assigned you a job</b> {code}",
    "jobs.card.item": "🧰 <b>Job</b> {code}",
    "jobs.card.unresolved": (
        "⚠️ <b>The requester says it is not solved</b> {code}; please follow up:"
    ),
    "jobs.card.team": "Team: {team}",
    "jobs.card.need": "Need: {need}",
    "jobs.card.contact": "Requester: {name}",
    "jobs.card.phone": "Phone: {phone}",
    "jobs.card.no_phone": 'Phone: not given (use "Message the requester")',
    "jobs.card.no_name": "requester",
    "jobs.card.address": "Address: {address}",
    "jobs.card.location": (
        'Location: <a href="https://uri.amap.com/marker?position={lon},{lat}&amp;coordinate=wgs84">'
        "map</a>"
    ),
    "jobs.card.no_address": "Address: not given (area: {district}); please ask the requester",
    "jobs.card.when": "Preferred time: {when}",
    "jobs.card.appointment": "Appointment: {at}",
    "jobs.card.photos": "{n} photo(s) attached by the requester",
    "jobs.card.status": "Status: {status}",
    "jobs.btn.appoint": "Set time",
    "jobs.btn.reappoint": "Change time",
    "jobs.btn.start": "Start",
    "jobs.btn.finish": "Finish",
    "jobs.btn.quit": "Give up",
    "jobs.btn.submit": "Submit",
    "jobs.btn.relay_requester": "Message the requester",
    "jobs.btn.relay_volunteer": "Message the volunteer",
    "jobs.btn.resolved": "Solved",
    "jobs.btn.unresolved": "Not solved",
    "jobs.wrong_state": 'This job is "{status}"; that is not possible now',
    "jobs.moved_on": "The job has changed meanwhile; nothing was done. Send /jobs to see it.",
    "jobs.appointment.ask": (
        "When did you agree to come ({code})? E.g. 明天下午3点 or 2026-12-01 14:00. "
        "/cancel to stop."
    ),
    "jobs.appointment.text_please": "Please type the time, e.g. 2026-12-01 14:00.",
    "jobs.appointment.need_clock": "Please give an exact time, e.g. 2026-12-01 14:00.",
    "jobs.appointment.unclear.no_day": "Which day? E.g. 明天下午3点 or 2026-12-01 15:00.",
    "jobs.appointment.unclear.ampm": "Morning or afternoon? Write e.g. 15:00.",
    "jobs.appointment.unclear.past": "That time has passed; please try again.",
    "jobs.appointment.unclear.too_far": "That is too far ahead (within a year, please).",
    "jobs.appointment.unclear.which_day": "Which day exactly? E.g. 周六上午10点.",
    "jobs.appointment.unclear.unknown": "I could not read that time; e.g. 2026-12-01 14:00.",
    "jobs.appointment.done": "✅ {code} is set for {at}; the requester was told.",
    "jobs.appointment.requester": (
        "📅 {name} will come for {code} at <b>{at}</b>.\nTo change it, message the volunteer."
    ),
    "jobs.started.toast": "Service started. Good luck!",
    "jobs.started.requester": "{name} has started the service.",
    "jobs.done.ask_summary": (
        "What was done ({code})? A sentence or two, or a photo with a caption:"
    ),
    "jobs.done.ask_summary_again": "Please describe the service in a few words.",
    "jobs.done.ask_photos": "Send photos if you like (at most {n}), then press Submit.",
    "jobs.done.photo_saved": "Photo {n} received. Send more or press Submit.",
    "jobs.done.photo_first": "Photo received. Now describe the service in a sentence or two.",
    "jobs.done.photo_limit": "At most {n} photos; please press Submit.",
    "jobs.done.use_submit": "When the photos are sent, press Submit (or /cancel).",
    "jobs.done.text_please": "Please send a description or photos.",
    "jobs.done.saved": (
        "🎉 {code} finished: {hours} h {minutes} min of service. The requester is asked to "
        "confirm. Thank you!"
    ),
    "jobs.done.requester": (
        "✅ {name} has finished the service ({code}).\nWhat was done: {summary}\n\nIs it solved?"
    ),
    "jobs.quit.ask": "Why do you give up {code}? (Staff will be told.) /cancel to stop:",
    "jobs.quit.text_please": "Please give the reason in text.",
    "jobs.quit.bad_reason": "Please keep the reason under {limit} characters.",
    "jobs.quit.done": "You gave the job up; we will offer it to other volunteers. Thanks!",
    "jobs.confirm.resolved": "🙏 Thank you! {code} is solved. Please rate the service shortly.",
    "jobs.confirm.unresolved": "Noted: {code} goes back to the volunteer; staff are informed.",
    "jobs.confirm.already": "Already confirmed, thank you!",
    "jobs.confirmed.volunteer": "👍 The requester confirmed {code} is solved ({minutes} min). "
    "Thank you!",
    "jobs.unresolved.admins": "⚠️ {code} is not solved, says the requester (volunteer: {name}); "
    "back with the volunteer.",
    "jobs.relay.peer_requester": "the requester",
    "jobs.relay.peer_volunteer": "the volunteer",
    "jobs.relay.opened": (
        "💬 Your texts and photos now go to {peer} ({code}); no phone numbers are shown.\n"
        "Press End chat or send /cancel when done."
    ),
    "jobs.relay.end_button": "End chat",
    "jobs.relay.ended": "Chat ended.",
    "jobs.relay.closed": "This order is closed; the chat has ended.",
    "jobs.relay.sent": "✓ Passed on",
    "jobs.relay.undelivered": "The other side cannot be reached right now; try later or ask staff.",
    "jobs.relay.text_only": "Only text, photos and locations are passed on.",
    "jobs.relay.no_contacts": "For privacy, contact cards are not passed on.",
    "jobs.relay.incoming": "💬 <b>{code}</b> {sender}:",
    "jobs.relay.from_volunteer": "volunteer {name}",
    "jobs.relay.from_requester": "requester {name}",
    "jobs.relay.body": "{text}",
    "jobs.relay.photo": "[photo]",
    "jobs.relay.photo_elsewhere": "[a photo was sent on another platform]",
    "jobs.relay.location": (
        '📍 <a href="https://uri.amap.com/marker?position={lon},{lat}&amp;coordinate=wgs84">'
        "their location</a>"
    ),
    "jobs.relay.reply_button": "Reply",
}
