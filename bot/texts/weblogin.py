"""Sign-in by phone and SMS code on the web chat, and the SMS texts themselves.

``sms.*`` are what the ``log`` provider writes and what the real providers'
templates must say: their only variables are a code, an order code, a status
word and a short link (no free text goes into a template).
"""

ZH = {
    "weblogin.required": "请先用手机号登录（短信验证码），登录后即可提交，并在任何设备上查看订单。",
    "weblogin.required.myorders": "在其他设备上下的单？请用下单时的手机号登录后查看。",
    "weblogin.required.volunteer": "报名志愿者前请先用手机号登录（短信验证码）。",
    "weblogin.button": "📱 手机号登录",
    "web.js.link_expired": "链接已失效或已使用，请用手机号登录后查看订单。",
    "web.js.login_title": "手机号登录",
    "web.js.login_phone": "手机号码",
    "web.js.login_name": "怎么称呼您（如：王师傅）",
    "web.js.login_name_missing": "请填写称呼，志愿者会这样称呼您。",
    "web.js.login_get_code": "获取验证码",
    "web.js.login_code": "6 位验证码",
    "web.js.login_submit": "登录",
    "web.js.login_cancel": "取消",
    "web.js.login_wait": "{n} 秒后可重发",
    "web.js.login_wrong": "验证码不正确或已过期，请重试。",
    "web.js.login_too_many": "请求太频繁，请 {n} 秒后再试。",
    "web.js.login_done": "登录成功",
    "web.js.logout": "退出登录",
    "web.sent_photo": "🖼 图片",
    "web.js.photo_button": "📷",
    "web.js.photo_label": "发送图片",
    "web.js.photo_failed": "图片发送失败，请重试。",
    "web.js.photo_too_many": "每次最多选 5 张图片。",
    "sms.login_code": "【{sign}】您的验证码是 {code}，5 分钟内有效。如非本人操作请忽略。",
    "sms.order_status": "【{sign}】您的订单 {code} {status}，详情：{link}",
    "sms.offer": "【{sign}】新的服务需求 {code} 等您认领：{link}",
    "sms.status.claimed": "已被志愿者认领",
    "sms.status.appointment": "已约定上门时间",
    "sms.status.reminder": "即将上门服务",
    "sms.status.done": "服务已完成，请评价",
    "sms.status.cancelled": "已取消",
}

EN = {
    "weblogin.required": (
        "Please sign in with your phone number (SMS code) first; then you can submit "
        "and see your orders on any device."
    ),
    "weblogin.required.myorders": (
        "Ordered on another device? Sign in with the phone number you used to see those orders."
    ),
    "weblogin.required.volunteer": "Please sign in with your phone number before applying.",
    "weblogin.button": "📱 Sign in by phone",
    "web.js.link_expired": "This link has expired or was used; please sign in with your phone.",
    "web.js.login_title": "Sign in by phone",
    "web.js.login_phone": "Mobile number",
    "web.js.login_name": "What should volunteers call you?",
    "web.js.login_name_missing": "Please tell us how volunteers should address you.",
    "web.js.login_get_code": "Get code",
    "web.js.login_code": "6-digit code",
    "web.js.login_submit": "Sign in",
    "web.js.login_cancel": "Cancel",
    "web.js.login_wait": "Resend in {n} s",
    "web.js.login_wrong": "Wrong or expired code; please try again.",
    "web.js.login_too_many": "Too many requests; try again in {n} s.",
    "web.js.login_done": "Signed in",
    "web.js.logout": "Sign out",
    "web.sent_photo": "🖼 Photo",
    "web.js.photo_button": "📷",
    "web.js.photo_label": "Send a photo",
    "web.js.photo_failed": "The photo could not be sent; please try again.",
    "web.js.photo_too_many": "Pick at most 5 photos at a time.",
    "sms.login_code": "[{sign}] Your code is {code}, valid for 5 minutes.",
    "sms.order_status": "[{sign}] Your order {code} {status}: {link}",
    "sms.offer": "[{sign}] A new request {code} is waiting to be claimed: {link}",
    "sms.status.claimed": "was claimed by a volunteer",
    "sms.status.appointment": "has an appointment time",
    "sms.status.reminder": "is coming up soon",
    "sms.status.done": "is done; please rate it",
    "sms.status.cancelled": "was cancelled",
}
