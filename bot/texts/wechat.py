"""The WeChat Official Account channel's own sentences (numbered choices, hints, notices)."""

ZH = {
    "reach.requester_unreachable": (
        "⚠️ 订单 {code} 的求助人在{channel}上已联系不上（取消关注、屏蔽或超出可发送时限），"
        "消息无法送达。请电话联系：{phone}"
    ),
    "reach.channel.telegram": " Telegram ",
    "reach.channel.wechat": "微信公众号",
    "reach.channel.web": "网页聊天",
    "wechat.choice": "回复 {n} {label}",
    "wechat.choice_hint": "请回复数字选择：",
    "wechat.hint.location": "（发送位置：点输入框旁的 ＋，选「位置」）",
    "wechat.hint.contact": "（请直接输入您的手机号码）",
    "wechat.notice.title": "服务进度通知",
    "wechat.notice.remark": "点击查看详情，或在公众号里回复任意消息继续。",
    "wechat.qrcode.usage": (
        "用法：/wechatqr team-&lt;服务队代码&gt; 或 /wechatqr station-&lt;站点代码&gt;"
    ),
    "wechat.qrcode.done": "公众号二维码（{scene}）：\n{url}",
    "wechat.qrcode.off": "公众号渠道未开启（未配置 JIANGXIN_WECHAT_*）。",
    "wechat.qrcode.failed": "生成二维码失败：{error}",
}

EN = {
    "reach.requester_unreachable": (
        "⚠️ The requester of order {code} can no longer be reached on {channel} (unfollowed, "
        "blocked the bot or outside the sending window). Please phone them: {phone}"
    ),
    "reach.channel.telegram": "Telegram",
    "reach.channel.wechat": "the WeChat Official Account",
    "reach.channel.web": "the web chat",
    "wechat.choice": "Reply {n} for {label}",
    "wechat.choice_hint": "Reply with a number to choose:",
    "wechat.hint.location": "(To send a location: tap ＋ next to the input field, then Location.)",
    "wechat.hint.contact": "(Please type your phone number.)",
    "wechat.notice.title": "Service update",
    "wechat.notice.remark": "Tap for details, or reply in the Official Account to continue.",
    "wechat.qrcode.usage": (
        "Usage: /wechatqr team-&lt;team code&gt; or /wechatqr station-&lt;station code&gt;"
    ),
    "wechat.qrcode.done": "Official Account QR code ({scene}):\n{url}",
    "wechat.qrcode.off": "The WeChat channel is off (JIANGXIN_WECHAT_* not set).",
    "wechat.qrcode.failed": "Could not create the QR code: {error}",
}
