"""Reminders, reconfirmation, stale-claim nudges, digests, star levels and ratings."""

ZH = {
    "schedule.when": "{month}月{day}日（{weekday}）{time}",
    "schedule.date": "{month}月{day}日（{weekday}）",
    "schedule.weekday.0": "周一",
    "schedule.weekday.1": "周二",
    "schedule.weekday.2": "周三",
    "schedule.weekday.3": "周四",
    "schedule.weekday.4": "周五",
    "schedule.weekday.5": "周六",
    "schedule.weekday.6": "周日",
    "schedule.span.days": "{n}天",
    "schedule.span.hours": "{n}小时",
    "schedule.span.minutes": "{n}分钟",
    "schedule.unknown": "未填写",
    "schedule.remind.volunteer": (
        "⏰ <b>服务提醒</b>\n您认领的订单 <b>{code}</b> 预约在 <b>{when}</b>（还有{left}）。\n"
        "需求：{summary}\n地点：{address}\n联系人：{contact}"
    ),
    "schedule.remind.requester": (
        "⏰ <b>服务提醒</b>\n您的订单 <b>{code}</b> 预约在 <b>{when}</b>（还有{left}），"
        "志愿者 {volunteer} 将为您服务。\n需求：{summary}"
    ),
    "schedule.reconfirm.ask": (
        "📅 <b>请确认预约</b>\n您认领的订单 <b>{code}</b> 预约在 <b>{when}</b>（还有{left}）。\n"
        "需求：{summary}\n地点：{address}\n联系人：{contact}\n\n"
        "能按时到吗？如果去不了，订单会转给其他志愿者。"
    ),
    "schedule.reconfirm.yes": "能按时到",
    "schedule.reconfirm.no": "去不了",
    "schedule.reconfirm.confirmed": (
        "✅ 已确认：订单 <b>{code}</b> 将于 <b>{when}</b> 按时服务。谢谢您！"
    ),
    "schedule.reconfirm.requester_confirmed": (
        "志愿者 {volunteer} 已确认将于 <b>{when}</b> 按时为您服务（订单 <b>{code}</b>）。"
    ),
    "schedule.reconfirm.release_reason": "预约复核时回复“去不了”",
    "schedule.reconfirm.released": (
        "已释放订单 <b>{code}</b>，我们会尽快转给其他志愿者。感谢您及时告知！"
    ),
    "schedule.reconfirm.timeout_alert": (
        "⚠️ <b>预约未确认</b>\n志愿者 <b>{volunteer}</b>（{phone}）{waited}内没有确认订单 "
        "<b>{code}</b> 的预约（{when}），请电话联系确认。\n需求：{summary}"
    ),
    "schedule.stale.nudge": (
        "⏳ 您认领的订单 <b>{code}</b> 已经{waited}还没有约定服务时间。\n"
        "请尽快联系需求人约好时间；如果去不了，请释放订单，让其他志愿者接手。\n需求：{summary}"
    ),
    "schedule.stale.alert": (
        "⚠️ <b>认领后长时间未预约</b>\n订单 <b>{code}</b> 被志愿者 <b>{volunteer}</b>（{phone}）"
        "认领已{waited}，提醒后仍未约定服务时间，请跟进。\n需求：{summary}"
    ),
    "schedule.digest.title": "📋 <b>匠心点单日报</b> · {date}",
    "schedule.digest.new": "新订单（近24小时）：{count}",
    "schedule.digest.unclaimed": "待认领：{count}（其中无人认领、需人工处理 {expired}）",
    "schedule.digest.unclaimed_item": "　· <b>{code}</b> {team} · {status} · 已等{waited}",
    "schedule.digest.overdue": "预约时间已过仍未开始服务：{count}",
    "schedule.digest.overdue_item": "　· <b>{code}</b> {volunteer} · 预约{when}",
    "schedule.digest.low": "低分评价（近24小时）：{count}",
    "schedule.digest.low_item": "　· <b>{code}</b> {stars} {volunteer}{comment}",
    "schedule.digest.comment": " ·「{comment}」",
    "schedule.digest.more": "　……另有{count}条",
    "schedule.digest.all_clear": "今天没有需要处理的事项。",
    "schedule.stars.up": (
        "🎉 恭喜{name}！您累计志愿服务{hours}小时，星级提升为 <b>{stars}</b>"
        "（{level}星志愿者）。感谢您一直以来的付出！"
    ),
    "feedback.star": "★{n}",
    "feedback.ask": (
        "🙏 您的订单 <b>{code}</b>（{summary}）服务已完成。\n"
        "请为本次服务打分（★1 很不满意 — ★5 非常满意）："
    ),
    "feedback.nudge": (
        "还没收到您对订单 <b>{code}</b>（{summary}）的评价。占用您几秒钟，点一下星星就好："
    ),
    "feedback.thanks": "感谢您的评价：{stars}",
    "feedback.comment_prompt": (
        "{thanks}\n\n如果愿意，可以直接回复一句话说说您的意见或建议（可选），也可以点“跳过”。"
    ),
    "feedback.skip": "跳过",
    "feedback.already": "已评价",
    "feedback.comment_saved": "已记录您的意见，谢谢！我们会持续改进服务。",
    "feedback.comment_skipped": "好的，再次感谢您的评价！",
    "feedback.comment_text_only": "请用文字写下您的意见，或点“跳过”。",
    "feedback.comment_too_long": "意见太长了（{length}字），请精简到{limit}字以内再发送。",
    "feedback.low_alert": (
        "⚠️ <b>低分评价</b>\n订单 <b>{code}</b> 获得 {stars}（{rating}分）\n"
        "服务队：{team}\n志愿者：{volunteer}\n需求：{summary}"
    ),
    "feedback.low_comment": "⚠️ 订单 <b>{code}</b>（{rating}分）的评价意见：{comment}",
}

EN = {
    "schedule.when": "{weekday} {month}/{day} {time}",
    "schedule.date": "{weekday} {month}/{day}",
    "schedule.weekday.0": "Mon",
    "schedule.weekday.1": "Tue",
    "schedule.weekday.2": "Wed",
    "schedule.weekday.3": "Thu",
    "schedule.weekday.4": "Fri",
    "schedule.weekday.5": "Sat",
    "schedule.weekday.6": "Sun",
    "schedule.span.days": "{n} days",
    "schedule.span.hours": "{n} h",
    "schedule.span.minutes": "{n} min",
    "schedule.unknown": "not given",
    "schedule.remind.volunteer": (
        "⏰ <b>Reminder</b>\nYour job <b>{code}</b> is booked for <b>{when}</b> (in {left}).\n"
        "Request: {summary}\nPlace: {address}\nContact: {contact}"
    ),
    "schedule.remind.requester": (
        "⏰ <b>Reminder</b>\nYour order <b>{code}</b> is booked for <b>{when}</b> (in {left}); "
        "volunteer {volunteer} will serve you.\nRequest: {summary}"
    ),
    "schedule.reconfirm.ask": (
        "📅 <b>Please confirm</b>\nYour job <b>{code}</b> is booked for <b>{when}</b> "
        "(in {left}).\nRequest: {summary}\nPlace: {address}\nContact: {contact}\n\n"
        "Can you make it? If not, the job goes to another volunteer."
    ),
    "schedule.reconfirm.yes": "能按时到",
    "schedule.reconfirm.no": "去不了",
    "schedule.reconfirm.confirmed": "✅ Confirmed: <b>{code}</b> on <b>{when}</b>. Thank you!",
    "schedule.reconfirm.requester_confirmed": (
        "Volunteer {volunteer} confirmed they will serve you on <b>{when}</b> "
        "(order <b>{code}</b>)."
    ),
    "schedule.reconfirm.release_reason": "answered 去不了 when asked to reconfirm",
    "schedule.reconfirm.released": (
        "Job <b>{code}</b> released; we will pass it to another volunteer. Thanks for telling us!"
    ),
    "schedule.reconfirm.timeout_alert": (
        "⚠️ <b>Appointment not confirmed</b>\nVolunteer <b>{volunteer}</b> ({phone}) did not "
        "confirm <b>{code}</b> ({when}) within {waited}. Please call them.\nRequest: {summary}"
    ),
    "schedule.stale.nudge": (
        "⏳ You claimed <b>{code}</b> {waited} ago and no appointment is set yet.\n"
        "Please agree a time with the requester soon, or release the job so someone else can "
        "take it.\nRequest: {summary}"
    ),
    "schedule.stale.alert": (
        "⚠️ <b>Claimed but not scheduled</b>\n<b>{code}</b> was claimed by <b>{volunteer}</b> "
        "({phone}) {waited} ago and still has no appointment after a reminder. Please follow "
        "up.\nRequest: {summary}"
    ),
    "schedule.digest.title": "📋 <b>Jiangxin daily digest</b> · {date}",
    "schedule.digest.new": "New orders (last 24 h): {count}",
    "schedule.digest.unclaimed": "Unclaimed: {count} ({expired} need staff: nobody claimed them)",
    "schedule.digest.unclaimed_item": "  · <b>{code}</b> {team} · {status} · waiting {waited}",
    "schedule.digest.overdue": "Appointment passed, service not started: {count}",
    "schedule.digest.overdue_item": "  · <b>{code}</b> {volunteer} · booked {when}",
    "schedule.digest.low": "Low ratings (last 24 h): {count}",
    "schedule.digest.low_item": "  · <b>{code}</b> {stars} {volunteer}{comment}",
    "schedule.digest.comment": " · “{comment}”",
    "schedule.digest.more": "  … and {count} more",
    "schedule.digest.all_clear": "Nothing needs attention today.",
    "schedule.stars.up": (
        "🎉 Congratulations, {name}! With {hours} hours of volunteer service you are now "
        "<b>{stars}</b> (level {level}). Thank you for all you do!"
    ),
    "feedback.star": "★{n}",
    "feedback.ask": (
        "🙏 The service for your order <b>{code}</b> ({summary}) is finished.\n"
        "Please rate it (★1 very poor — ★5 excellent):"
    ),
    "feedback.nudge": (
        "We have not had your rating for <b>{code}</b> ({summary}) yet. One tap on a star is "
        "enough:"
    ),
    "feedback.thanks": "Thank you for your rating: {stars}",
    "feedback.comment_prompt": (
        "{thanks}\n\nIf you like, reply with a sentence about the service (optional), or press "
        "Skip."
    ),
    "feedback.skip": "Skip",
    "feedback.already": "Already rated",
    "feedback.comment_saved": "Your comment is saved. Thank you!",
    "feedback.comment_skipped": "All right — thanks again for your rating!",
    "feedback.comment_text_only": "Please write your comment as text, or press Skip.",
    "feedback.comment_too_long": (
        "That is too long ({length} characters); please keep it under {limit}."
    ),
    "feedback.low_alert": (
        "⚠️ <b>Low rating</b>\n<b>{code}</b> was rated {stars} ({rating})\nTeam: {team}\n"
        "Volunteer: {volunteer}\nRequest: {summary}"
    ),
    "feedback.low_comment": "⚠️ Comment on <b>{code}</b> (rated {rating}): {comment}",
}
