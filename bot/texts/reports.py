"""Reports (issue 19): /stats, /export, charts, posters and links."""

from __future__ import annotations

ZH = {
    # ---- periods
    "reports.period.month": "{year}年{month}月",
    "reports.period.quarter": "{year}年第{q}季度",
    "reports.period.year": "{year}年",
    # ---- who asked
    "reports.rtype.worker": "职工个人",
    "reports.rtype.enterprise": "企业",
    "reports.rtype.community": "村社区",
    "reports.rtype.school": "学校",
    "reports.rtype.other": "其他",
    # ---- /stats
    "reports.stats.usage": (
        "用法：/stats [<i>YYYY-MM</i>|<i>YYYY</i>|<i>YYYY-Qn</i>] [<i>站点代码</i>]，"
        "例如 /stats 2026-11、/stats 2026-Q4 yh"
    ),
    "reports.stats.head": "<b>{period} 服务统计</b>",
    "reports.stats.head_at": "<b>{period} 服务统计 · {station}</b>",
    "reports.stats.total": (
        "服务场次：{sessions} 场\n服务人次：{participations} 人次\n参与志愿者：{volunteers} 人\n"
        "服务时长：{hours} 小时\n服务企业：{enterprises} 家\n解决技术难题：{tech} 个\n"
        "惠及人数：{reached} 人\n平均评分：{rating}（{ratings} 条评价）"
    ),
    "reports.stats.flow": (
        "新订单 {created} 单，其中取消 {cancelled} 单，无人认领 {unclaimed} 单"
        "（无人认领率 {rate}）\n"
        "从下单到认领的中位时长：{median}（{claimed} 单）"
    ),
    "reports.stats.by_team": "\n<b>按服务队</b>",
    "reports.stats.by_station": "\n<b>按站点</b>（镇街、县级为含下级的小计）",
    "reports.stats.row": (
        "{name}：{sessions} 场 · {participations} 人次 · {hours} 小时 · 惠及 {reached} 人"
        " · 评分 {rating}"
    ),
    "reports.stats.subtotal": "（小计）",
    "reports.stats.no_station": "未指定站点",
    "reports.stats.none": "\n{period}还没有完成的服务。",
    "reports.stats.none_now": "\n本月还没有完成的服务。",
    "reports.stats.unknown_station": "没有代码为 {code} 的站点。",
    "reports.btn.chart": "📊 图表",
    "reports.btn.export": "📥 导出表格",
    # ---- /export
    "reports.export.usage": (
        "用法：/export orders|volunteers|feedback|activities|hours "
        "[<i>YYYY-MM</i>|<i>YYYY</i>|<i>YYYY-Qn</i>] [xlsx|csv]（默认本月、Excel 表格）"
    ),
    "reports.export.pick": (
        "要导出哪张表？（本月，Excel 格式；其他月份请输入 /export orders 2026-11）"
    ),
    "reports.export.kind.orders": "订单",
    "reports.export.kind.volunteers": "志愿者",
    "reports.export.kind.feedback": "评价",
    "reports.export.kind.activities": "活动",
    "reports.export.kind.hours": "服务时长",
    "reports.export.caption": "{what}导出 {period}，共 {n} 行。",
    "reports.export.caption_redacted": (
        "{what}导出 {period}，共 {n} 行（电话、地址仅超级管理员可导出，已略去）。"
    ),
    "reports.export.unavailable": "“{what}”表暂不可用：活动功能尚未启用。",
    "reports.sheet.summary": "汇总",
    "reports.summary.title": "{period} 服务统计（{scope}）",
    "reports.summary.scope_all": "全部站点",
    "reports.summary.item": "指标",
    "reports.summary.value": "数值",
    "reports.summary.sessions": "服务场次",
    "reports.summary.participations": "服务人次",
    "reports.summary.volunteers": "参与志愿者",
    "reports.summary.hours": "服务时长（小时）",
    "reports.summary.enterprises": "服务企业（家）",
    "reports.summary.tech": "解决技术难题（个）",
    "reports.summary.reached": "惠及人数",
    "reports.summary.rating": "平均评分",
    "reports.summary.ratings": "评价条数",
    "reports.summary.created": "新订单",
    "reports.summary.unclaimed": "无人认领",
    "reports.summary.median_minutes": "认领中位时长（分钟）",
    "reports.summary.by_team": "按服务队",
    "reports.summary.by_station": "按站点（镇街、县级为小计）",
    "reports.summary.name": "名称",
    "reports.summary.level": "级别",
    "reports.level.county": "县级",
    "reports.level.town": "镇街",
    "reports.level.point": "服务点",
    # ---- charts
    "reports.chart.week.title": "{period} 每周订单（按服务队）",
    "reports.chart.week.axis": "单数",
    "reports.chart.week.caption": "{period} 每周订单（按服务队）：",
    "reports.chart.rating.title": "{period} 评分分布",
    "reports.chart.rating.axis": "条数",
    "reports.chart.rating.caption": "{period} 评分分布（共 {n} 条）：",
    "reports.chart.rating.unit": " 条",
    "reports.chart.station.title": "{period} 各站点服务场次（含下级）",
    "reports.chart.station.axis": "场次",
    "reports.chart.station.caption": "{period} 各站点服务场次（含下级）：",
    "reports.chart.station.line": "{name} {n} 场 · {hours} 小时 · 惠及 {reached} 人",
    "reports.chart.no_font": (
        "图表暂不可用：服务器没有中文字体（请安装 fonts-noto-cjk 或 fonts-wqy-microhei）。"
    ),
    "reports.chart.empty": "{period}没有可画图的数据。",
    # ---- posters and links
    "menu.poster": "二维码海报",
    "menu.link": "点单链接",
    "reports.poster.usage": (
        "用法：/poster team <i>服务队代码</i> | station <i>站点代码</i> | activity <i>活动编号</i>"
    ),
    "reports.link.usage": (
        "用法：/link team <i>服务队代码</i> | station <i>站点代码</i> | activity <i>活动编号</i>"
    ),
    "reports.poster.cta": "扫码点单 · 劳模工匠为您服务",
    "reports.poster.footer": "匠心点单 · 劳模工匠志愿服务",
    "reports.poster.label.telegram": "Telegram 扫码",
    "reports.poster.label.web": "网页版 · 微信扫码",
    "reports.poster.caption": "{name} 点单海报（A5，可直接打印）。",
    "reports.link.head": "<b>{name}</b> 的点单链接：",
    "reports.link.line.telegram": "Telegram：{url}",
    "reports.link.line.web": "网页版：{url}",
    "reports.poster.no_links": (
        "还没有可用的公开链接：请设置 JIANGXIN_TELEGRAM_USERNAME（机器人用户名）"
        "或 JIANGXIN_WEB_CHAT_URL（网页版地址）。"
    ),
    "reports.poster.unknown_team": "没有代码为 {slug} 的服务队。",
    "reports.poster.unknown_station": "没有代码为 {code} 的站点。",
    "reports.poster.activity_unavailable": "活动海报暂不可用：活动功能尚未启用。",
    "reports.poster.no_font": (
        "海报暂不可用：服务器没有中文字体（请安装 fonts-noto-cjk 或 fonts-wqy-microhei）。"
    ),
    # ---- who asked
    "menu.requester": "我的点单身份",
    "menu.served": "登记惠及人数",
    "reports.asker.question": (
        "订单 {code} 已提交。为了统计服务成效，请问您是以什么身份点单？"
        "（只问一次，之后可用 /requester 修改）"
    ),
    "reports.asker.saved": "已记录：{type}。以后点单不再询问，如需修改请发送 /requester。",
    "reports.asker.org": "已记录：{type}。请输入单位或组织名称（例如：华东机械厂）。",
    "reports.asker.org_again": "请输入单位或组织名称（不超过 100 字）。",
    "reports.asker.saved_org": "已记录单位名称：{org}。",
    "reports.asker.people": "已记录单位：{org}。预计有多少人受益？请输入人数，不清楚可点“跳过”。",
    "reports.asker.people_again": "请输入一个正整数人数，例如 30；不清楚可点“跳过”。",
    "reports.asker.skip": "跳过",
    "reports.asker.thanks": "好的，谢谢！",
    "reports.asker.thanks_people": "已记录预计受益人数：{n} 人。谢谢！",
    "reports.asker.none": "您还没有登记点单身份。",
    "reports.asker.current": "您的点单身份：{type}",
    "reports.asker.current_org": "单位：{org}",
    "reports.asker.change": "如需修改，请选择：",
    "reports.served.ask": (
        "订单 {code} 已完成。本次服务实际惠及多少人？（其他人数请发送 /served {code} 人数）"
    ),
    "reports.served.saved": "已记录订单 {code} 惠及 {n} 人。",
    "reports.served.usage": "用法：/served <i>单号</i> <i>人数</i>，例如 /served JX-000123 30",
    "reports.served.unknown": "没有找到订单 {code}。",
    # ---- /orders headings
    "reports.orders.group.open": "待处理订单",
    "reports.orders.group.active": "进行中订单",
    "reports.orders.group.unclaimed": "无人认领订单",
    "reports.orders.group.finished": "已完成订单",
    "reports.orders.group.all": "全部订单",
    # ---- audit in words
    "admin.act.volunteer.apply": "申请成为志愿者",
    "admin.act.volunteer.teams": "修改志愿者所属服务队",
    "reports.audit.target.team": "服务队 {id}",
    "reports.audit.target.station": "站点 {id}",
    "reports.audit.target.volunteer": "志愿者 #{id}",
    "reports.audit.target.person": "用户 #{id}",
    "reports.audit.target.broadcast": "动员 #{id}",
    "reports.audit.key.status": "状态",
    "reports.audit.key.reason": "原因",
    "reports.audit.key.name": "名称",
    "reports.audit.key.name_en": "英文名",
    "reports.audit.key.description": "简介",
    "reports.audit.key.keywords": "关键词",
    "reports.audit.key.team": "服务队",
    "reports.audit.key.team_id": "服务队编号",
    "reports.audit.key.teams": "服务队",
    "reports.audit.key.suggest": "建议关键词",
    "reports.audit.key.scope": "范围",
    "reports.audit.key.total": "人数",
    "reports.audit.key.text": "内容",
    "reports.audit.key.level": "级别",
    "reports.audit.key.parent": "上级站点",
    "reports.audit.key.station": "站点",
    "reports.audit.key.station_id": "站点编号",
    "reports.audit.key.roles": "角色",
    "reports.audit.key.month": "期间",
    "reports.audit.key.rows": "行数",
    "reports.audit.key.private": "含电话地址",
    "reports.audit.key.format": "格式",
    "reports.audit.key.volunteer_id": "志愿者编号",
    "reports.audit.key.added": "新增",
    "reports.audit.key.updated": "更新",
    "reports.audit.key.active": "启用",
    "reports.audit.key.sort_order": "排序",
    "reports.audit.key.skills": "擅长",
    "reports.audit.key.honours": "荣誉",
    "reports.audit.key.phone": "电话",
    # ---- service lists
    "menu.servicelist": "服务清单",
    "menu.myservices": "我提供的服务",
    "services.menu": "<b>{team}</b> 提供以下服务，可点选具体服务（也可直接描述需求）：",
    "services.item": "· <b>{name}</b>：{description}",
    "services.chosen": "已选择服务【{name}】（{team}），请描述具体需求。",
    "services.offer.own": "这是您自己发布的服务，不能给自己点单。",
    "services.offer.chosen": "您选择了 {name} 提供的【{title}】，订单会先发给 {name}。",
    "services.offer.line": (
        "#{id} <b>{title}</b>（{name}）：{description}\n　地点：{place} · 时间：{available}"
    ),
    "services.offer.btn": "点单：{title}",
    "services.list.head": "<b>{month} 服务清单</b>",
    "services.list.none": "本月服务清单尚未发布。",
    "services.list.starred": "\n<b>本月重点服务</b>",
    "services.list.offers": "\n<b>志愿者技术服务清单</b>",
    "services.list.subscribe": "🔔 订阅每月服务清单",
    "services.list.unsubscribe": "🔕 取消订阅",
    "services.list.subscribed": "已订阅：每月服务清单发布后会推送给您。",
    "services.list.unsubscribed": "已取消订阅。",
    "services.list.usage": (
        "用法：/servicelist（查看）；管理员：/servicelist edit | add <i>服务队代码 名称 [说明]</i>"
        " | remove <i>编号</i> | star <i>编号</i>"
    ),
    "services.list.unknown_team": "没有代码为 {slug} 的服务队。",
    "services.list.added": "已添加服务 #{id}【{name}】到 {team}。",
    "services.list.removed": "已下架服务【{name}】。",
    "services.list.starred_on": "【{name}】已列为本月重点服务。",
    "services.list.starred_off": "【{name}】已取消重点。",
    "services.edit.ask": "请发送 {month} 服务清单全文（发送 /cancel 放弃）。",
    "services.edit.again": "请发送清单文字（不超过 {most} 字）。",
    "services.edit.saved": "{month} 服务清单已保存，大家发送 /servicelist 即可查看。",
    "services.edit.push": "📣 推送给 {n} 位订阅者",
    "services.edit.pushed": "已推送 {n}/{total} 位订阅者。",
    "services.mine.not_volunteer": "只有在岗志愿者才能发布自己的服务。",
    "services.mine.no_team": "请先加入一个服务队，再发布服务。",
    "services.mine.usage": (
        "用法：/myservices add <i>标题 | 说明 | 地点 | 可服务时间</i>；"
        "/myservices remove <i>编号</i>"
    ),
    "services.mine.added": "已发布服务 #{id}【{title}】，需求方可在 /servicelist 直接点单。",
    "services.mine.removed": "已下架【{title}】。",
    "services.mine.none": "您还没有发布服务。",
    "services.mine.head": "<b>我提供的服务</b>",
    # ---- export columns added by reports
    "admin.csv.requester_type": "需求方类型",
    "admin.csv.org_name": "单位名称",
    "admin.csv.expected_people": "预计服务人数",
    "admin.csv.served_people": "实际服务人数",
    "admin.csv.participations": "服务人次",
}

EN = {
    "reports.period.month": "{year}-{month:0>2}",
    "reports.period.quarter": "{year} Q{q}",
    "reports.period.year": "{year}",
    "reports.rtype.worker": "individual worker",
    "reports.rtype.enterprise": "enterprise",
    "reports.rtype.community": "village/community",
    "reports.rtype.school": "school",
    "reports.rtype.other": "other",
    "reports.stats.usage": (
        "Usage: /stats [<i>YYYY-MM</i>|<i>YYYY</i>|<i>YYYY-Qn</i>] [<i>station code</i>], "
        "e.g. /stats 2026-11 or /stats 2026-Q4 yh"
    ),
    "reports.stats.head": "<b>Service report {period}</b>",
    "reports.stats.head_at": "<b>Service report {period} · {station}</b>",
    "reports.stats.total": (
        "Sessions: {sessions}\nParticipations: {participations}\nVolunteers: {volunteers}\n"
        "Hours: {hours}\nEnterprises served: {enterprises}\nTechnical problems solved: {tech}\n"
        "People reached: {reached}\nAverage rating: {rating} ({ratings} ratings)"
    ),
    "reports.stats.flow": (
        "{created} new orders: {cancelled} cancelled, {unclaimed} unclaimed ({rate})\n"
        "Median time to claim: {median} ({claimed} orders)"
    ),
    "reports.stats.by_team": "\n<b>By team</b>",
    "reports.stats.by_station": "\n<b>By station</b> (towns and counties include their subtree)",
    "reports.stats.row": (
        "{name}: {sessions} sessions · {participations} participations · {hours} h"
        " · {reached} reached · rating {rating}"
    ),
    "reports.stats.subtotal": " (subtotal)",
    "reports.stats.no_station": "no station",
    "reports.stats.none": "\nNo finished services in {period} yet.",
    "reports.stats.none_now": "\nNo finished services this month yet.",
    "reports.stats.unknown_station": "There is no station with code {code}.",
    "reports.btn.chart": "📊 Charts",
    "reports.btn.export": "📥 Export",
    "reports.export.usage": (
        "Usage: /export orders|volunteers|feedback|activities|hours "
        "[<i>YYYY-MM</i>|<i>YYYY</i>|<i>YYYY-Qn</i>] [xlsx|csv] (default: this month, Excel)"
    ),
    "reports.export.pick": (
        "Which table? (this month, Excel; for another month type /export orders 2026-11)"
    ),
    "reports.export.kind.orders": "Orders",
    "reports.export.kind.volunteers": "Volunteers",
    "reports.export.kind.feedback": "Feedback",
    "reports.export.kind.activities": "Activities",
    "reports.export.kind.hours": "Service hours",
    "reports.export.caption": "{what} {period}: {n} rows.",
    "reports.export.caption_redacted": (
        "{what} {period}: {n} rows (phones and addresses are for super-admins and were left out)."
    ),
    "reports.export.unavailable": (
        "The {what} table is not available yet: activities are not enabled."
    ),
    "reports.sheet.summary": "Summary",
    "reports.summary.title": "Service report {period} ({scope})",
    "reports.summary.scope_all": "all stations",
    "reports.summary.item": "Figure",
    "reports.summary.value": "Value",
    "reports.summary.sessions": "Sessions",
    "reports.summary.participations": "Participations",
    "reports.summary.volunteers": "Volunteers",
    "reports.summary.hours": "Hours",
    "reports.summary.enterprises": "Enterprises served",
    "reports.summary.tech": "Technical problems solved",
    "reports.summary.reached": "People reached",
    "reports.summary.rating": "Average rating",
    "reports.summary.ratings": "Ratings",
    "reports.summary.created": "New orders",
    "reports.summary.unclaimed": "Unclaimed",
    "reports.summary.median_minutes": "Median minutes to claim",
    "reports.summary.by_team": "By team",
    "reports.summary.by_station": "By station (towns and counties are subtotals)",
    "reports.summary.name": "Name",
    "reports.summary.level": "Level",
    "reports.level.county": "county",
    "reports.level.town": "town",
    "reports.level.point": "point",
    "reports.chart.week.title": "{period} orders per week by team",
    "reports.chart.week.axis": "orders",
    "reports.chart.week.caption": "{period} orders per week by team: ",
    "reports.chart.rating.title": "{period} ratings",
    "reports.chart.rating.axis": "ratings",
    "reports.chart.rating.caption": "{period} ratings ({n} in all): ",
    "reports.chart.rating.unit": "",
    "reports.chart.station.title": "{period} sessions per station (with subtree)",
    "reports.chart.station.axis": "sessions",
    "reports.chart.station.caption": "{period} sessions per station (with subtree): ",
    "reports.chart.station.line": "{name} {n} sessions · {hours} h · {reached} reached",
    "reports.chart.no_font": (
        "Charts are unavailable: the server has no Chinese font "
        "(install fonts-noto-cjk or fonts-wqy-microhei)."
    ),
    "reports.chart.empty": "Nothing to chart in {period}.",
    "menu.poster": "QR poster",
    "menu.link": "Order links",
    "reports.poster.usage": (
        "Usage: /poster team <i>slug</i> | station <i>code</i> | activity <i>id</i>"
    ),
    "reports.link.usage": (
        "Usage: /link team <i>slug</i> | station <i>code</i> | activity <i>id</i>"
    ),
    "reports.poster.cta": "Scan to order · model workers at your service",
    "reports.poster.footer": "Jiangxin · model-worker volunteer service",
    "reports.poster.label.telegram": "Scan in Telegram",
    "reports.poster.label.web": "Web chat · WeChat scan",
    "reports.poster.caption": "Order poster for {name} (A5, ready to print).",
    "reports.link.head": "Order links for <b>{name}</b>:",
    "reports.link.line.telegram": "Telegram: {url}",
    "reports.link.line.web": "Web chat: {url}",
    "reports.poster.no_links": (
        "No public link is configured: set JIANGXIN_TELEGRAM_USERNAME (the bot's username) "
        "or JIANGXIN_WEB_CHAT_URL (the web chat page)."
    ),
    "reports.poster.unknown_team": "There is no team with slug {slug}.",
    "reports.poster.unknown_station": "There is no station with code {code}.",
    "reports.poster.activity_unavailable": "Activity posters are not available yet.",
    "reports.poster.no_font": (
        "Posters are unavailable: the server has no Chinese font "
        "(install fonts-noto-cjk or fonts-wqy-microhei)."
    ),
    "menu.requester": "Who I order for",
    "menu.served": "Record people reached",
    "reports.asker.question": (
        "Order {code} is submitted. For the service report: who is this for? "
        "(asked once; change it with /requester)"
    ),
    "reports.asker.saved": "Saved: {type}. We won't ask again; use /requester to change it.",
    "reports.asker.org": "Saved: {type}. Please type the organisation's name.",
    "reports.asker.org_again": "Please type the organisation's name (at most 100 characters).",
    "reports.asker.saved_org": "Organisation saved: {org}.",
    "reports.asker.people": (
        "Organisation saved: {org}. How many people will benefit? Type a number, or Skip."
    ),
    "reports.asker.people_again": "Please type a whole number, e.g. 30, or press Skip.",
    "reports.asker.skip": "Skip",
    "reports.asker.thanks": "Thank you!",
    "reports.asker.thanks_people": "Expected people saved: {n}. Thank you!",
    "reports.asker.none": "You have not said who you order for yet.",
    "reports.asker.current": "You order as: {type}",
    "reports.asker.current_org": "Organisation: {org}",
    "reports.asker.change": "To change it, choose:",
    "reports.served.ask": (
        "Order {code} is done. How many people did it reach? (other numbers: /served {code} N)"
    ),
    "reports.served.saved": "Saved: order {code} reached {n} people.",
    "reports.served.usage": "Usage: /served <i>order</i> <i>people</i>, e.g. /served JX-000123 30",
    "reports.served.unknown": "No order {code}.",
    "reports.orders.group.open": "Open orders",
    "reports.orders.group.active": "Orders in progress",
    "reports.orders.group.unclaimed": "Unclaimed orders",
    "reports.orders.group.finished": "Finished orders",
    "reports.orders.group.all": "All orders",
    "admin.act.volunteer.apply": "applied as volunteer",
    "admin.act.volunteer.teams": "changed volunteer's teams",
    "reports.audit.target.team": "team {id}",
    "reports.audit.target.station": "station {id}",
    "reports.audit.target.volunteer": "volunteer #{id}",
    "reports.audit.target.person": "user #{id}",
    "reports.audit.target.broadcast": "broadcast #{id}",
    "menu.servicelist": "Service list",
    "menu.myservices": "My services",
    "services.menu": "<b>{team}</b> offers these services; pick one, or just describe your need:",
    "services.item": "· <b>{name}</b>: {description}",
    "services.chosen": "Service chosen: {name} ({team}). Please describe your need.",
    "services.offer.own": "This is your own service; you cannot order it yourself.",
    "services.offer.chosen": "You chose {title} by {name}; the order goes to {name} first.",
    "services.offer.line": (
        "#{id} <b>{title}</b> ({name}): {description}\n  where: {place} · when: {available}"
    ),
    "services.offer.btn": "Order: {title}",
    "services.list.head": "<b>Service list {month}</b>",
    "services.list.none": "This month's list is not published yet.",
    "services.list.starred": "\n<b>Featured this month</b>",
    "services.list.offers": "\n<b>What volunteers offer</b>",
    "services.list.subscribe": "🔔 Subscribe to the monthly list",
    "services.list.unsubscribe": "🔕 Unsubscribe",
    "services.list.subscribed": "Subscribed: you will get each month's list.",
    "services.list.unsubscribed": "Unsubscribed.",
    "services.list.usage": (
        "Usage: /servicelist; admins: /servicelist edit | add <i>team name [description]</i>"
        " | remove <i>id</i> | star <i>id</i>"
    ),
    "services.list.unknown_team": "There is no team with slug {slug}.",
    "services.list.added": "Added service #{id} {name} to {team}.",
    "services.list.removed": "Retired {name}.",
    "services.list.starred_on": "{name} is featured this month.",
    "services.list.starred_off": "{name} is no longer featured.",
    "services.edit.ask": "Send the full service list for {month} (/cancel to stop).",
    "services.edit.again": "Please send the list as text (at most {most} characters).",
    "services.edit.saved": "The {month} list is saved; everyone sees it with /servicelist.",
    "services.edit.push": "📣 Push to {n} subscribers",
    "services.edit.pushed": "Pushed to {n}/{total} subscribers.",
    "services.mine.not_volunteer": "Only active volunteers can publish their own services.",
    "services.mine.no_team": "Join a team first, then publish a service.",
    "services.mine.usage": (
        "Usage: /myservices add <i>title | description | where | when</i>; "
        "/myservices remove <i>id</i>"
    ),
    "services.mine.added": "Published #{id} {title}; requesters can order it from /servicelist.",
    "services.mine.removed": "Retired {title}.",
    "services.mine.none": "You have not published any service yet.",
    "services.mine.head": "<b>My services</b>",
    "admin.csv.requester_type": "requester type",
    "admin.csv.org_name": "organisation",
    "admin.csv.expected_people": "expected people",
    "admin.csv.served_people": "people served",
    "admin.csv.participations": "participations",
}
