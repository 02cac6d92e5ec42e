"""Admin commands: the menu, catalog, stations, volunteers, orders, statistics, exports,
emergency broadcasts and the audit log."""

ZH = {
    # ---- menu and scope
    "admin.menu": (
        "<b>管理菜单</b>（{scope}）\n\n"
        "<b>服务队</b>\n"
        "/teams 服务队列表\n/team <i>代码</i> 查看服务队\n"
        "/addteam <i>代码 名称 [简介]</i> 新增服务队\n"
        "/editteam <i>代码 字段 值</i> 修改（字段：name en desc active order）\n"
        "/keywords <i>代码</i> [add|del <i>词…</i>] 关键词\n\n"
        "<b>站点</b>\n"
        "/stations 服务网络\n/addstation <i>代码 名称 [上级代码]</i> 新增站点\n\n"
        "<b>志愿者</b>\n"
        "/volunteers [pending|<i>队代码</i>|<i>站点代码</i>] 志愿者列表\n"
        "/approve <i>编号</i> 批准　/suspend <i>编号 [原因]</i> 停用　/resume <i>编号</i> 恢复\n\n"
        "<b>订单</b>\n"
        "/orders [<i>状态</i>|<i>队代码</i>|<i>站点代码</i>] 订单列表\n"
        "/order <i>单号</i> 订单详情与时间线\n"
        "/assign <i>单号 志愿者</i> 指派\n/reroute <i>单号 队代码</i> 改派服务队\n"
        "/cancelorder <i>单号 [原因]</i> 取消订单\n\n"
        "<b>统计与导出</b>\n"
        "/stats [<i>YYYY-MM</i>] 月度统计\n"
        "/export orders|volunteers|feedback [<i>YYYY-MM</i>] 导出表格\n\n"
        "<b>应急动员</b>\n"
        "/broadcast all|<i>队代码</i>|<i>站点代码</i> <i>通知内容</i>\n\n"
        "<b>权限与记录</b>\n"
        "/grant <i>用户ID|@用户名 [站点代码]</i> 设为管理员\n"
        "/revoke <i>用户ID|@用户名</i> 撤销管理员\n/audit [<i>条数</i>] 操作记录"
    ),
    "admin.menu.btn.teams": "服务队",
    "admin.menu.btn.stations": "站点",
    "admin.menu.btn.pending": "待审核志愿者",
    "admin.menu.btn.orders": "未完成订单",
    "admin.menu.btn.stats": "本月统计",
    "admin.menu.btn.audit": "操作记录",
    "admin.scope.super": "超级管理员",
    "admin.scope.all": "全部站点",
    "admin.scope.station": "{station}及下属站点",
    "admin.list.more": "（仅显示前 {shown} 条，共 {n} 条）",
    "admin.field.name": "名称",
    "admin.field.name_en": "英文名",
    "admin.field.description": "简介",
    "admin.field.active": "状态",
    "admin.field.sort_order": "排序",
    # ---- roles
    "admin.grant.usage": "用法：/grant <i>用户ID或@用户名</i> [<i>站点代码</i>]\n"
    "不写站点代码即管理全部站点；写了则只管理该站点及其下属站点。",
    "admin.grant.is_super": "{name} 是超级管理员（由配置文件指定），无需授权。",
    "admin.grant.done": "已将 {name} 设为管理员，管理范围：{where}。",
    "admin.grant.notice": (
        "您已被设为<b>匠心点单</b>管理员（管理范围：{where}）。发送 /admin 打开管理菜单。"
    ),
    "admin.revoke.usage": "用法：/revoke <i>用户ID或@用户名</i>",
    "admin.revoke.is_super": "{name} 是超级管理员（由配置文件指定），不能在聊天中撤销。",
    "admin.revoke.not_admin": "{name} 不是管理员。",
    "admin.revoke.done": "已撤销 {name} 的管理员权限。",
    "admin.revoke.notice": "您的管理员权限已被撤销。",
    "admin.person.not_found": (
        "找不到用户 {ref}。请填写 Telegram 数字 ID，或对方已与机器人对话过的 @用户名。"
    ),
    # ---- audit
    "admin.audit.usage": "用法：/audit [<i>条数</i>]（1–{most}）",
    "admin.audit.empty": "还没有操作记录。",
    "admin.audit.head": "<b>最近 {n} 条操作记录</b>",
    "admin.audit.line": "{at} {who}：{action} {target}\n　{detail}",
    "admin.audit.system": "系统",
    "admin.act.admin.grant": "授予管理员",
    "admin.act.admin.revoke": "撤销管理员",
    "admin.act.team.add": "新增服务队",
    "admin.act.team.edit": "修改服务队",
    "admin.act.team.keywords": "修改关键词",
    "admin.act.station.add": "新增站点",
    "admin.act.volunteer.approve": "批准志愿者",
    "admin.act.volunteer.reject": "拒绝志愿者申请",
    "admin.act.volunteer.suspend": "停用志愿者",
    "admin.act.volunteer.resume": "恢复志愿者",
    "admin.act.volunteer.profile": "修改志愿者资料",
    "admin.act.order.assign": "指派订单",
    "admin.act.order.reroute": "改派服务队",
    "admin.act.order.cancel": "取消订单",
    "admin.act.broadcast.start": "发起应急动员",
    "admin.act.broadcast.discard": "放弃应急动员",
    "admin.act.export": "导出数据",
    "admin.act.catalog.import": "导入服务清单",
    # ---- teams
    "admin.teams.head": "<b>服务队（{n}）</b>",
    "admin.teams.line": (
        "• <b>{name}</b> <code>{slug}</code> · 在岗志愿者 {volunteers} · 关键词 {keywords}"
    ),
    "admin.teams.line_retired": "• {name} <code>{slug}</code>（已停用）· 关键词 {keywords}",
    "admin.team.usage": "用法：/team <i>服务队代码</i>（/teams 查看代码）",
    "admin.team.not_found": "没有代码为 {slug} 的服务队。发送 /teams 查看全部代码。",
    "admin.team.active": "启用",
    "admin.team.retired": "已停用",
    "admin.team.detail": (
        "<b>{name}</b> <code>{slug}</code>（{state}）\n"
        "英文名：{name_en}\n简介：{description}\n"
        "在岗志愿者 {active} 人，待审核 {pending} 人\n"
        "未完成订单 {open} 单，近 30 天订单 {recent} 单\n"
        "关键词（{n}）：{keywords}"
    ),
    "admin.team.more_keywords": "……（/keywords {slug} 查看全部）",
    "admin.team.too_long": "{field}太长了，最多 {most} 个字。",
    "admin.addteam.usage": (
        "用法：/addteam <i>代码 名称 [简介]</i>\n例如：/addteam drone 无人机服务队 植保无人机维修"
        "与培训"
    ),
    "admin.addteam.bad_slug": (
        "代码 {slug} 不合格：须为 2–32 位小写字母、数字、_ 或 -，以字母开头。"
    ),
    "admin.addteam.exists": "代码 {slug} 已被使用。",
    "admin.addteam.done": (
        "已新增服务队 <b>{name}</b>（<code>{slug}</code>）。用 /keywords {slug} add <i>词…</i> 添"
        "加关键词，派单才会找到它。"
    ),
    "admin.editteam.usage": (
        "用法：/editteam <i>代码 字段 值</i>\n"
        "字段：name 名称、en 英文名、desc 简介、active 启用(on/off)、order 排序\n"
        "例如：/editteam tech name 技术攻关队　/editteam agri off\n"
        "英文名或简介写 - 即清空。"
    ),
    "admin.editteam.bad_switch": "“{value}”不是有效的开关值，请用 on 或 off（启用/停用）。",
    "admin.editteam.bad_number": "“{value}”不是整数。",
    "admin.editteam.same": "没有变化。",
    "admin.editteam.done": "已更新 <code>{slug}</code> 的{field}：{value}",
    # ---- keywords
    "admin.kw.usage": (
        "用法：/keywords <i>代码</i> 查看关键词\n"
        "/keywords <i>代码</i> add <i>词1 词2…</i> 添加（可写 词^2 加权，0.1–5）\n"
        "/keywords <i>代码</i> del <i>词1 词2…</i> 删除"
    ),
    "admin.kw.show": "<b>{name}</b> <code>{slug}</code> 的关键词（{n}）：\n{keywords}",
    "admin.kw.saved": "已保存，{name} 现有 {n} 个关键词，派单立即生效。",
    "admin.kw.added": "添加：{words}",
    "admin.kw.removed": "删除：{words}",
    "admin.kw.missing": "未找到（未删除）：{words}",
    "admin.kw.unchanged": "关键词没有变化。未找到：{missing}",
    "admin.kw.err.empty": "关键词“{term}”去掉标点后是空的。",
    "admin.kw.err.too_long": "关键词“{term}”太长，最多 20 个字。",
    "admin.kw.err.chitchat": "“{term}”是问候或语气词，不能作为关键词。",
    "admin.kw.err.bad_weight": "关键词“{term}”的权重不对：须为 0.1–5 之间的数字，例如 欠薪^2。",
    # ---- stations
    "admin.level.county": "县级服务站",
    "admin.level.town": "镇街服务站",
    "admin.level.point": "服务点",
    "admin.stations.empty": "还没有站点。用 /addstation <i>代码 名称</i> 新增县级服务站。",
    "admin.stations.head": "<b>服务网络（{n} 个站点）</b>",
    "admin.stations.line": (
        "{indent}• {name} <code>{code}</code> · {level} · 在岗志愿者 {volunteers}"
    ),
    "admin.stations.line_off": "{indent}• {name} <code>{code}</code> · {level}（已停用）",
    "admin.station.not_found": "没有代码为 {code} 的站点。发送 /stations 查看。",
    "admin.addstation.usage": (
        "用法：/addstation <i>代码 名称 [上级代码]</i>\n"
        "不写上级即县级服务站；上级是县级站则为镇街服务站；上级是镇街站则为服务点。\n"
        "例如：/addstation cgz 城关镇服务站 yh"
    ),
    "admin.addstation.bad_code": "代码 {code} 不合格：须为 1–32 位小写字母、数字、_ 或 -。",
    "admin.addstation.exists": "代码 {code} 已被使用。",
    "admin.addstation.too_deep": "{parent} 已是服务点（第三级），不能再往下设站点。",
    "admin.addstation.done": "已新增{level} <b>{name}</b>（<code>{code}</code>），上级：{parent}。",
    # ---- volunteers
    "admin.vstatus.pending": "待审核",
    "admin.vstatus.active": "在岗",
    "admin.vstatus.paused": "暂停接单",
    "admin.vstatus.suspended": "已停用",
    "admin.vstatus.rejected": "未通过",
    "admin.vols.usage": (
        "用法：/volunteers [pending|active|suspended|<i>队代码</i>|<i>站点代码</i>]"
    ),
    "admin.vols.unknown_filter": "“{value}”既不是状态，也不是服务队或站点代码。",
    "admin.vols.title.all": "全部志愿者",
    "admin.vols.empty": "{title}：暂无志愿者。",
    "admin.vols.head": "<b>{title}（{n}）</b>",
    "admin.vols.line": "#{id} <b>{name}</b> · {status} · {station} · {teams} · {hours} 小时",
    "admin.vols.detail": "　电话 {phone} · 擅长 {skills} · 荣誉 {honours}",
    "admin.vols.approve": "批准 #{id} {name}",
    "admin.vols.reject": "拒绝 #{id}",
    "admin.vols.cannot": "{name} 当前状态为“{status}”，不能这样操作。",
    "admin.vol.not_found": "找不到志愿者 {ref}。请用编号（如 12）、@用户名或准确的姓名。",
    "admin.vol.ambiguous": "有多名志愿者叫“{ref}”：{ids}。请改用编号。",
    "admin.kw.reweighted": "调整权重：{words}",
    "admin.kw.kept": "已有：{words}",
    "admin.kw.kept_only": "{name} 已有关键词：{words}，没有变化（要调整权重可写 词^2）。",
    "admin.grant.already": "{name} 已是管理员，管理范围：{where}，没有变化。",
    "admin.grant.untold": (
        "对方还没有和机器人对话过，暂时无法通知；请对方在 Telegram 里给机器人发送 /start。"
    ),
    "admin.reroute.retired": (
        "服务队 {team}（{slug}）已停用，不能改派给它。可先用 /editteam {slug} on 重新启用。"
    ),
    "admin.assign.not_working": "未能指派：{name} 当前状态为“{status}”，不能接单。",
    "admin.assign.held": "未能指派：订单 {code} 当前为“{status}”，只能指派还没有人认领的订单。",
    "admin.stats.none_in": "\n{year}年{month}月还没有完成的服务。",
    "admin.approve.usage": "用法：/approve <i>志愿者编号</i>（/volunteers pending 查看待审核）",
    "admin.approve.done": "已批准 {name}（#{id}）成为志愿者。",
    "admin.reject.done": "已拒绝 {name}（#{id}）的申请。",
    "admin.suspend.usage": "用法：/suspend <i>志愿者编号 [原因]</i>",
    "admin.suspend.done": "已停用志愿者 {name}（#{id}），其未回复的派单已收回。",
    "admin.resume.usage": "用法：/resume <i>志愿者编号</i>",
    "admin.resume.done": "已恢复志愿者 {name}（#{id}）。",
    # ---- orders
    "admin.orders.unfinished": "未完成订单",
    "admin.orders.unknown_filter": "“{value}”既不是订单状态，也不是服务队或站点代码。",
    "admin.orders.empty": "{title}：暂无订单。",
    "admin.orders.head": "<b>{title}（{n}）</b>",
    "admin.orders.line": "<code>{code}</code> {status} · {team} · {station} · {at}\n　{text}",
    "admin.orders.hint": "发送 /order <i>单号</i> 查看详情。",
    "admin.order.usage": "用法：/order <i>单号</i>，例如 /order JX-000123",
    "admin.order.not_found": "找不到订单 {code}。",
    "admin.order.detail": (
        "<b>订单 {code}</b> · {status}\n"
        "服务队：{team}（匹配度 {score}）\n站点：{station}\n"
        "需求：{text}\n"
        "联系人：{contact}　电话：{phone}\n地址：{address}\n时间：{when}\n"
        "志愿者：{volunteer}\n转达留言 {relayed} 条 · 照片 {photos} 张\n\n"
        "<b>时间线</b>\n{timeline}"
    ),
    "admin.tl.line": "{at}　{text}",
    "admin.tl.created": "{who} 下单（{source}）",
    "admin.tl.offer": "派单给 {who}（第 {wave} 轮）",
    "admin.tl.offer_declined": "{who} 表示不方便",
    "admin.tl.offer_withdrawn": "收回给 {who} 的派单",
    "admin.tl.offer_failed": "派单未能送达 {who}",
    "admin.tl.offer_taken": "{who} 的派单已被他人认领",
    "admin.tl.claimed": "{who} 认领",
    "admin.tl.scheduled": "约定服务时间 {time}",
    "admin.tl.started": "开始服务",
    "admin.tl.done": "服务完成（{minutes} 分钟）：{summary}",
    "admin.tl.confirmed": "需求方确认已解决",
    "admin.tl.unresolved": "需求方反馈未解决",
    "admin.tl.rated": "评价 {rating} 星：{comment}",
    "admin.tl.expired": "无人认领，转人工处理",
    "admin.tl.cancelled": "{who} 取消（{reason}）",
    "admin.tl.admin": "管理员 {who}：{action}（{detail}）",
    "admin.source.text": "文字",
    "admin.source.browse": "服务清单",
    "admin.source.link": "链接",
    "admin.source.web": "网页",
    "admin.source.admin": "管理员代下单",
    "admin.time.asap": "尽快",
    "admin.time.today": "今天",
    "admin.time.tomorrow": "明天",
    "admin.time.weekend": "周末",
    "admin.time.custom": "另约",
    "admin.assign.usage": "用法：/assign <i>单号 志愿者编号</i>",
    "admin.assign.already": "订单 {code} 已由 {name} 负责。",
    "admin.assign.failed": (
        "未能把订单 {code} 指派给 {name}（订单状态：{status}；或该志愿者当前不能接单）。"
    ),
    "admin.assign.done": "已把订单 {code} 指派给 {name}，已通知双方。",
    "admin.reroute.usage": "用法：/reroute <i>单号 服务队代码</i>",
    "admin.reroute.same": "订单 {code} 已属于 {team}。",
    "admin.reroute.held": "订单 {code} 当前为“{status}”，已有志愿者负责，不能改派服务队。",
    "admin.reroute.done": "已把订单 {code} 从 {old} 改派给 {team}，将重新派单。",
    "admin.learn.offer": (
        "要让以后类似的需求直接派给 <b>{team}</b> 吗？可把这些词加为它的关键词：{terms}"
    ),
    "admin.learn.learned": "已加入：{terms}",
    "admin.learn.add": "＋{term}",
    "admin.learn.all": "全部加入",
    "admin.learn.close": "不用了",
    "admin.cancel.usage": "用法：/cancelorder <i>单号 [原因]</i>",
    "admin.cancel.default_reason": "管理员取消",
    "admin.cancel.too_late": "订单 {code} 当前为“{status}”，不能取消。",
    "admin.cancel.done": "已取消订单 {code}，已通知需求方和志愿者。",
    "admin.cancel.note": "原因：{reason}",
    # ---- statistics
    "admin.stats.usage": "用法：/stats [<i>YYYY-MM</i>]，例如 /stats 2026-11",
    "admin.stats.head": "<b>{year}年{month}月 服务统计</b>",
    "admin.stats.total": (
        "服务场次：{sessions} 场\n参与志愿者：{volunteers} 人\n服务人次：{people} 人\n"
        "服务时长：{hours} 小时\n平均评分：{rating}（{ratings} 条评价）"
    ),
    "admin.stats.flow": (
        "新订单 {created} 单，其中取消 {cancelled} 单，无人认领 {unclaimed} 单（无人认领率 {rate}"
        "）\n"
        "从下单到认领的中位时长：{median}（{claimed} 单）"
    ),
    "admin.stats.by_team": "\n<b>按服务队</b>",
    "admin.stats.by_station": "\n<b>按站点</b>",
    "admin.stats.row": (
        "{name}：{sessions} 场 · {volunteers} 人 · 服务 {people} 人 · {hours} 小时 · 评分 {rating}"
    ),
    "admin.stats.no_station": "未指定站点",
    "admin.stats.none": "\n本月还没有完成的服务。",
    "admin.dur.minutes": "{n} 分钟",
    "admin.dur.hours": "{n} 小时",
    "admin.dur.days": "{n} 天",
    # ---- exports
    "admin.export.usage": (
        "用法：/export orders|volunteers|feedback|activities [<i>YYYY-MM</i>]（默认本月）"
    ),
    "admin.export.kind.orders": "订单",
    "admin.export.kind.volunteers": "志愿者",
    "admin.export.kind.feedback": "评价",
    "admin.export.caption": "{what}导出 {month}，共 {n} 行。",
    "admin.export.caption_redacted": (
        "{what}导出 {month}，共 {n} 行（电话、地址仅超级管理员可导出，已略去）。"
    ),
    "admin.csv.code": "订单号",
    "admin.csv.status": "状态",
    "admin.csv.team": "服务队",
    "admin.csv.team_slug": "服务队代码",
    "admin.csv.station": "站点",
    "admin.csv.source": "来源",
    "admin.csv.text": "需求",
    "admin.csv.contact_name": "联系人",
    "admin.csv.contact_phone": "联系电话",
    "admin.csv.address": "地址",
    "admin.csv.latitude": "纬度",
    "admin.csv.longitude": "经度",
    "admin.csv.volunteer": "志愿者",
    "admin.csv.created_at": "下单时间",
    "admin.csv.rated_at": "评价时间",
    "admin.csv.claimed_at": "认领时间",
    "admin.csv.appointment_at": "预约时间",
    "admin.csv.done_at": "完成时间",
    "admin.csv.service_minutes": "服务时长（分钟）",
    "admin.csv.resolved": "是否解决",
    "admin.csv.rating": "评分",
    "admin.csv.comment": "评价内容",
    "admin.csv.cancel_reason": "取消原因",
    "admin.csv.id": "编号",
    "admin.csv.name": "姓名",
    "admin.csv.phone": "电话",
    "admin.csv.teams": "服务队",
    "admin.csv.star_level": "星级",
    "admin.csv.total_hours": "累计服务时长（小时）",
    "admin.csv.month_sessions": "本月服务场次",
    "admin.csv.month_hours": "本月服务时长（小时）",
    "admin.csv.skills": "擅长",
    "admin.csv.honours": "荣誉",
    "admin.csv.approved_at": "批准时间",
    # ---- emergency broadcast
    "admin.bc.usage": (
        "用法：/broadcast all|<i>队代码</i>|<i>站点代码</i> <i>通知内容</i>\n"
        "例如：/broadcast emergency 台风过境，明早8点城关镇集合抢修水泵，能到场请回复。"
    ),
    "admin.bc.too_long": "通知内容太长（{length} 字），最多 {most} 字。",
    "admin.bc.unknown_scope": "“{target}”既不是 all，也不是服务队或站点代码。",
    "admin.bc.nobody": "这个范围内没有在岗志愿者，未发送。",
    "admin.bc.preview": (
        "📢 <b>应急动员预览</b>（{scope}）\n将发送给 <b>{n}</b> 名在岗志愿者：\n"
        "———\n{text}\n———\n确认发送吗？"
    ),
    "admin.bc.go": "确认发送",
    "admin.bc.drop": "取消",
    "admin.bc.dropped": "已取消，未发送任何消息。",
    "admin.bc.starting": "📢 应急动员开始发送……",
    "admin.bc.started": "开始发送给 {n} 人",
    "admin.bc.scope.all": "全体志愿者",
    "admin.bc.scope.team": "{name}",
    "admin.bc.scope.station": "{name}及下属站点",
    "admin.bc.message": "📢 <b>应急动员</b>（{sender}）\n\n{text}\n\n请点下方按钮回复能否到场。",
    "admin.bc.sender_default": "协会",
    "admin.bc.yes": "我能到场",
    "admin.bc.no": "去不了",
    "admin.bc.your_answer.yes": "您的回复：✅ 我能到场（可更改）",
    "admin.bc.your_answer.no": "您的回复：❌ 去不了（可更改）",
    "admin.bc.answered.yes": "已登记：我能到场",
    "admin.bc.answered.no": "已登记：去不了",
    "admin.bc.progress.head": "📢 <b>应急动员 #{id}</b>（{scope}）",
    "admin.bc.progress.quote": "“{text}”",
    "admin.bc.progress.sending": "发送中：{done}/{total}（成功 {sent}，失败 {failed}）",
    "admin.bc.progress.paused": (
        "已暂停：{done}/{total}（成功 {sent}，失败 {failed}），稍后自动继续"
    ),
    "admin.bc.progress.sent": "发送完成：{done}/{total}（成功 {sent}，失败 {failed}）",
    "admin.bc.progress.roll": (
        "点名：✅ 能到场 <b>{yes}</b> 人　❌ 去不了 {no} 人　未回复 {silent} 人"
    ),
    "admin.bc.progress.names": "能到场：{names}",
    "admin.bc.progress.more": " 等另外 {n} 人",
    # ---- command menu
    "menu.admin": "管理菜单",
    "menu.teams": "服务队列表",
    "menu.team": "查看服务队",
    "menu.addteam": "新增服务队",
    "menu.editteam": "修改服务队",
    "menu.keywords": "服务队关键词",
    "menu.stations": "服务网络站点",
    "menu.addstation": "新增站点",
    "menu.volunteers": "志愿者列表",
    "menu.approve": "批准志愿者",
    "menu.suspend": "停用志愿者",
    "menu.resume": "恢复志愿者",
    "menu.orders": "订单列表",
    "menu.assign": "指派订单",
    "menu.reroute": "改派服务队",
    "menu.cancelorder": "取消订单",
    "menu.stats": "月度统计",
    "menu.export": "导出表格",
    "menu.broadcast": "应急动员",
    "menu.grant": "设为管理员",
    "menu.revoke": "撤销管理员",
    "menu.audit": "操作记录",
}

EN = {
    "admin.menu": (
        "<b>Admin menu</b> ({scope})\n\n"
        "<b>Teams</b>\n/teams  /team <i>slug</i>  /addteam <i>slug name [description]</i>\n"
        "/editteam <i>slug field value</i> (name en desc active order)\n"
        "/keywords <i>slug</i> [add|del <i>terms…</i>]\n\n"
        "<b>Stations</b>\n/stations  /addstation <i>code name [parent]</i>\n\n"
        "<b>Volunteers</b>\n/volunteers [pending|<i>team</i>|<i>station</i>]\n"
        "/approve <i>id</i>  /suspend <i>id [reason]</i>  /resume <i>id</i>\n\n"
        "<b>Orders</b>\n/orders [<i>status</i>|<i>team</i>|<i>station</i>]  /order <i>code</i>\n"
        "/assign <i>code volunteer</i>  /reroute <i>code team</i>  /cancelorder <i>code [reason]</"
        "i>\n\n"
        "<b>Reports</b>\n/stats [<i>YYYY-MM</i>]  /export orders|volunteers|feedback [<i>YYYY-MM</"
        "i>]\n\n"
        "<b>Emergency</b>\n/broadcast all|<i>team</i>|<i>station</i> <i>message</i>\n\n"
        "<b>Roles and log</b>\n/grant <i>id|@user [station]</i>  /revoke <i>id|@user</i>  /audit ["
        "<i>n</i>]"
    ),
    "admin.menu.btn.teams": "Teams",
    "admin.menu.btn.stations": "Stations",
    "admin.menu.btn.pending": "Pending volunteers",
    "admin.menu.btn.orders": "Open orders",
    "admin.menu.btn.stats": "This month",
    "admin.menu.btn.audit": "Audit log",
    "admin.scope.super": "super-admin",
    "admin.scope.all": "all stations",
    "admin.scope.station": "{station} and below",
    "admin.list.more": "(showing {shown} of {n})",
    "admin.field.name": "name",
    "admin.field.name_en": "English name",
    "admin.field.description": "description",
    "admin.field.active": "status",
    "admin.field.sort_order": "order",
    "admin.grant.usage": "Usage: /grant <i>user id or @username</i> [<i>station code</i>]",
    "admin.grant.is_super": "{name} is a super-admin (from the configuration).",
    "admin.grant.done": "{name} is now an admin for {where}.",
    "admin.grant.notice": (
        "You are now a <b>Jiangxin</b> admin ({where}). Send /admin for the menu."
    ),
    "admin.revoke.usage": "Usage: /revoke <i>user id or @username</i>",
    "admin.revoke.is_super": (
        "{name} is a super-admin (from the configuration) and cannot be revoked here."
    ),
    "admin.revoke.not_admin": "{name} is not an admin.",
    "admin.revoke.done": "{name} is no longer an admin.",
    "admin.revoke.notice": "Your admin role has been revoked.",
    "admin.person.not_found": (
        "No user {ref}. Use a numeric Telegram id or the @username of someone who has talked to th"
        "e bot."
    ),
    "admin.audit.usage": "Usage: /audit [<i>n</i>] (1–{most})",
    "admin.audit.empty": "No admin actions yet.",
    "admin.audit.head": "<b>Latest {n} admin actions</b>",
    "admin.audit.line": "{at} {who}: {action} {target}\n  {detail}",
    "admin.audit.system": "system",
    "admin.act.admin.grant": "granted admin",
    "admin.act.admin.revoke": "revoked admin",
    "admin.act.team.add": "added team",
    "admin.act.team.edit": "edited team",
    "admin.act.team.keywords": "edited keywords",
    "admin.act.station.add": "added station",
    "admin.act.volunteer.approve": "approved volunteer",
    "admin.act.volunteer.reject": "rejected application",
    "admin.act.volunteer.suspend": "suspended volunteer",
    "admin.act.volunteer.resume": "resumed volunteer",
    "admin.act.volunteer.profile": "volunteer profile changed",
    "admin.act.order.assign": "assigned order",
    "admin.act.order.reroute": "rerouted order",
    "admin.act.order.cancel": "cancelled order",
    "admin.act.broadcast.start": "started emergency broadcast",
    "admin.act.broadcast.discard": "discarded broadcast draft",
    "admin.act.export": "exported data",
    "admin.act.catalog.import": "imported catalog",
    "admin.teams.head": "<b>Teams ({n})</b>",
    "admin.teams.line": (
        "• <b>{name}</b> <code>{slug}</code> · {volunteers} active volunteers · {keywords} keywords"
    ),
    "admin.teams.line_retired": "• {name} <code>{slug}</code> (retired) · {keywords} keywords",
    "admin.team.usage": "Usage: /team <i>slug</i> (see /teams)",
    "admin.team.not_found": "No team with slug {slug}. Send /teams for the list.",
    "admin.team.active": "active",
    "admin.team.retired": "retired",
    "admin.team.detail": (
        "<b>{name}</b> <code>{slug}</code> ({state})\nEnglish: {name_en}\n{description}\n"
        "{active} active volunteers, {pending} pending\n"
        "{open} open orders, {recent} in the last 30 days\nKeywords ({n}): {keywords}"
    ),
    "admin.team.more_keywords": "… (/keywords {slug} shows all)",
    "admin.team.too_long": "The {field} is too long (at most {most} characters).",
    "admin.addteam.usage": "Usage: /addteam <i>slug name [description]</i>",
    "admin.addteam.bad_slug": (
        "Slug {slug} is invalid: 2–32 of a-z, 0-9, _ or -, starting with a letter."
    ),
    "admin.addteam.exists": "Slug {slug} is taken.",
    "admin.addteam.done": (
        "Added team <b>{name}</b> (<code>{slug}</code>). Add keywords with /keywords {slug} add <i"
        ">terms…</i>."
    ),
    "admin.editteam.usage": (
        "Usage: /editteam <i>slug field value</i>; fields: name, en, desc, active (on/off), order"
    ),
    "admin.editteam.bad_switch": "“{value}” is not on or off.",
    "admin.editteam.bad_number": "“{value}” is not a whole number.",
    "admin.editteam.same": "Nothing changed.",
    "admin.editteam.done": "Updated the {field} of <code>{slug}</code>: {value}",
    "admin.kw.usage": (
        "Usage: /keywords <i>slug</i> [add|del <i>terms…</i>] (term^2 weighs 2, 0.1–5)"
    ),
    "admin.kw.show": "Keywords of <b>{name}</b> <code>{slug}</code> ({n}):\n{keywords}",
    "admin.kw.saved": "Saved: {name} has {n} keywords; routing uses them now.",
    "admin.kw.added": "Added: {words}",
    "admin.kw.removed": "Removed: {words}",
    "admin.kw.missing": "Not found (not removed): {words}",
    "admin.kw.unchanged": "No change. Not found: {missing}",
    "admin.kw.err.empty": "“{term}” is empty without punctuation.",
    "admin.kw.err.too_long": "“{term}” is too long (at most 20 characters).",
    "admin.kw.err.chitchat": "“{term}” is a greeting or filler word, not a keyword.",
    "admin.kw.err.bad_weight": (
        "“{term}” has a bad weight: use a number from 0.1 to 5, e.g. 欠薪^2."
    ),
    "admin.level.county": "county station",
    "admin.level.town": "town station",
    "admin.level.point": "service point",
    "admin.stations.empty": (
        "No stations yet. Add a county station with /addstation <i>code name</i>."
    ),
    "admin.stations.head": "<b>Service network ({n} stations)</b>",
    "admin.stations.line": (
        "{indent}• {name} <code>{code}</code> · {level} · {volunteers} active volunteers"
    ),
    "admin.stations.line_off": "{indent}• {name} <code>{code}</code> · {level} (closed)",
    "admin.station.not_found": "No station with code {code}. Send /stations for the list.",
    "admin.addstation.usage": "Usage: /addstation <i>code name [parent code]</i>",
    "admin.addstation.bad_code": "Code {code} is invalid: 1–32 of a-z, 0-9, _ or -.",
    "admin.addstation.exists": "Code {code} is taken.",
    "admin.addstation.too_deep": (
        "{parent} is a service point (third level); nothing goes below it."
    ),
    "admin.addstation.done": "Added {level} <b>{name}</b> (<code>{code}</code>) under {parent}.",
    "admin.vstatus.pending": "pending",
    "admin.vstatus.active": "active",
    "admin.vstatus.paused": "paused",
    "admin.vstatus.suspended": "suspended",
    "admin.vstatus.rejected": "rejected",
    "admin.vols.usage": "Usage: /volunteers [pending|active|suspended|<i>team</i>|<i>station</i>]",
    "admin.vols.unknown_filter": "“{value}” is not a status, team slug or station code.",
    "admin.vols.title.all": "All volunteers",
    "admin.vols.empty": "{title}: none.",
    "admin.vols.head": "<b>{title} ({n})</b>",
    "admin.vols.line": "#{id} <b>{name}</b> · {status} · {station} · {teams} · {hours} h",
    "admin.vols.detail": "  phone {phone} · skills {skills} · honours {honours}",
    "admin.vols.approve": "Approve #{id} {name}",
    "admin.vols.reject": "Reject #{id}",
    "admin.vols.cannot": "{name} is {status}; that is not possible now.",
    "admin.vol.not_found": "No volunteer {ref}. Use the number (e.g. 12), @username or exact name.",
    "admin.vol.ambiguous": "Several volunteers are called “{ref}”: {ids}. Use the number.",
    "admin.kw.reweighted": "Re-weighted: {words}",
    "admin.kw.kept": "Already there: {words}",
    "admin.kw.kept_only": (
        "{name} already has: {words}. Nothing changed (add term^2 to change a weight)."
    ),
    "admin.grant.already": "{name} is already an admin for {where}. Nothing changed.",
    "admin.grant.untold": (
        "They have not talked to the bot yet, so they were not told; ask them to send /start."
    ),
    "admin.reroute.retired": (
        "Team {team} ({slug}) is retired; reactivate it first with /editteam {slug} on."
    ),
    "admin.assign.not_working": "Not assigned: {name} is “{status}” and cannot take orders.",
    "admin.assign.held": "Not assigned: order {code} is “{status}”; only unclaimed ones can be.",
    "admin.stats.none_in": "\nNo finished services in {month}/{year}.",
    "admin.approve.usage": "Usage: /approve <i>volunteer id</i>",
    "admin.approve.done": "{name} (#{id}) is approved.",
    "admin.reject.done": "The application of {name} (#{id}) is rejected.",
    "admin.suspend.usage": "Usage: /suspend <i>volunteer id [reason]</i>",
    "admin.suspend.done": "{name} (#{id}) is suspended; unanswered offers were withdrawn.",
    "admin.resume.usage": "Usage: /resume <i>volunteer id</i>",
    "admin.resume.done": "{name} (#{id}) is active again.",
    "admin.orders.unfinished": "Unfinished orders",
    "admin.orders.unknown_filter": "“{value}” is not a status, team slug or station code.",
    "admin.orders.empty": "{title}: none.",
    "admin.orders.head": "<b>{title} ({n})</b>",
    "admin.orders.line": "<code>{code}</code> {status} · {team} · {station} · {at}\n  {text}",
    "admin.orders.hint": "Send /order <i>code</i> for details.",
    "admin.order.usage": "Usage: /order <i>code</i>, e.g. /order JX-000123",
    "admin.order.not_found": "No order {code}.",
    "admin.order.detail": (
        "<b>Order {code}</b> · {status}\nTeam: {team} (score {score})\nStation: {station}\n"
        "Request: {text}\nContact: {contact}  phone: {phone}\nAddress: {address}\nWhen: {when}\n"
        "Volunteer: {volunteer}\n{relayed} relayed messages · {photos} photos\n\n"
        "<b>Timeline</b>\n{timeline}"
    ),
    "admin.tl.line": "{at}  {text}",
    "admin.tl.created": "ordered by {who} ({source})",
    "admin.tl.offer": "offered to {who} (wave {wave})",
    "admin.tl.offer_declined": "{who} declined",
    "admin.tl.offer_withdrawn": "offer to {who} withdrawn",
    "admin.tl.offer_failed": "offer could not reach {who}",
    "admin.tl.offer_taken": "offer to {who} taken by someone else",
    "admin.tl.claimed": "claimed by {who}",
    "admin.tl.scheduled": "appointment set for {time}",
    "admin.tl.started": "service started",
    "admin.tl.done": "service done ({minutes} min): {summary}",
    "admin.tl.confirmed": "requester confirmed it is resolved",
    "admin.tl.unresolved": "requester says it is not resolved",
    "admin.tl.rated": "rated {rating} stars: {comment}",
    "admin.tl.expired": "unclaimed; handed to staff",
    "admin.tl.cancelled": "cancelled by {who} ({reason})",
    "admin.tl.admin": "admin {who}: {action} ({detail})",
    "admin.source.text": "text",
    "admin.source.browse": "service list",
    "admin.source.link": "link",
    "admin.source.web": "web",
    "admin.source.admin": "by an admin",
    "admin.time.asap": "as soon as possible",
    "admin.time.today": "today",
    "admin.time.tomorrow": "tomorrow",
    "admin.time.weekend": "weekend",
    "admin.time.custom": "to be agreed",
    "admin.assign.usage": "Usage: /assign <i>code volunteer</i>",
    "admin.assign.already": "{name} already holds order {code}.",
    "admin.assign.failed": (
        "Could not assign {code} to {name} (order is {status}, or the volunteer cannot take jobs n"
        "ow)."
    ),
    "admin.assign.done": "Order {code} is assigned to {name}; both were told.",
    "admin.reroute.usage": "Usage: /reroute <i>code team</i>",
    "admin.reroute.same": "Order {code} already belongs to {team}.",
    "admin.reroute.held": (
        "Order {code} is {status}: a volunteer holds it, so its team cannot change."
    ),
    "admin.reroute.done": "Order {code} moved from {old} to {team}; it will be offered again.",
    "admin.learn.offer": (
        "Send similar requests straight to <b>{team}</b>? Add these as its keywords: {terms}"
    ),
    "admin.learn.learned": "Added: {terms}",
    "admin.learn.add": "+{term}",
    "admin.learn.all": "Add all",
    "admin.learn.close": "No thanks",
    "admin.cancel.usage": "Usage: /cancelorder <i>code [reason]</i>",
    "admin.cancel.default_reason": "cancelled by staff",
    "admin.cancel.too_late": "Order {code} is {status} and cannot be cancelled.",
    "admin.cancel.done": "Order {code} is cancelled; the requester and volunteer were told.",
    "admin.cancel.note": "Reason: {reason}",
    "admin.stats.usage": "Usage: /stats [<i>YYYY-MM</i>]",
    "admin.stats.head": "<b>Service report {year}-{month}</b>",
    "admin.stats.total": (
        "Sessions: {sessions}\nVolunteers: {volunteers}\nPeople served: {people}\n"
        "Hours: {hours}\nAverage rating: {rating} ({ratings} ratings)"
    ),
    "admin.stats.flow": (
        "{created} new orders: {cancelled} cancelled, {unclaimed} unclaimed ({rate})\n"
        "Median time to claim: {median} ({claimed} orders)"
    ),
    "admin.stats.by_team": "\n<b>By team</b>",
    "admin.stats.by_station": "\n<b>By station</b>",
    "admin.stats.row": (
        "{name}: {sessions} sessions · {volunteers} volunteers · {people} people · {hours} h · rat"
        "ing {rating}"
    ),
    "admin.stats.no_station": "no station",
    "admin.stats.none": "\nNo finished services this month yet.",
    "admin.dur.minutes": "{n} min",
    "admin.dur.hours": "{n} h",
    "admin.dur.days": "{n} days",
    "admin.export.usage": (
        "Usage: /export orders|volunteers|feedback|activities [<i>YYYY-MM</i>]"
        " (default: this month)"
    ),
    "admin.export.kind.orders": "Orders",
    "admin.export.kind.volunteers": "Volunteers",
    "admin.export.kind.feedback": "Feedback",
    "admin.export.caption": "{what} {month}: {n} rows.",
    "admin.export.caption_redacted": (
        "{what} {month}: {n} rows (phones and addresses are for super-admins and were left out)."
    ),
    "admin.csv.code": "order",
    "admin.csv.status": "status",
    "admin.csv.team": "team",
    "admin.csv.team_slug": "team slug",
    "admin.csv.station": "station",
    "admin.csv.source": "source",
    "admin.csv.text": "request",
    "admin.csv.contact_name": "contact",
    "admin.csv.contact_phone": "phone",
    "admin.csv.address": "address",
    "admin.csv.latitude": "latitude",
    "admin.csv.longitude": "longitude",
    "admin.csv.volunteer": "volunteer",
    "admin.csv.created_at": "ordered",
    "admin.csv.rated_at": "rated",
    "admin.csv.claimed_at": "claimed",
    "admin.csv.appointment_at": "appointment",
    "admin.csv.done_at": "done",
    "admin.csv.service_minutes": "minutes",
    "admin.csv.resolved": "resolved",
    "admin.csv.rating": "rating",
    "admin.csv.comment": "comment",
    "admin.csv.cancel_reason": "cancel reason",
    "admin.csv.id": "id",
    "admin.csv.name": "name",
    "admin.csv.phone": "phone",
    "admin.csv.teams": "teams",
    "admin.csv.star_level": "stars",
    "admin.csv.total_hours": "total hours",
    "admin.csv.month_sessions": "sessions this month",
    "admin.csv.month_hours": "hours this month",
    "admin.csv.skills": "skills",
    "admin.csv.honours": "honours",
    "admin.csv.approved_at": "approved",
    "admin.bc.usage": "Usage: /broadcast all|<i>team</i>|<i>station</i> <i>message</i>",
    "admin.bc.too_long": "The message is too long ({length} characters; at most {most}).",
    "admin.bc.unknown_scope": "“{target}” is not all, a team slug or a station code.",
    "admin.bc.nobody": "No active volunteers in that scope; nothing was sent.",
    "admin.bc.preview": (
        "📢 <b>Emergency broadcast preview</b> ({scope})\nTo <b>{n}</b> active volunteers:\n"
        "———\n{text}\n———\nSend it?"
    ),
    "admin.bc.go": "Send",
    "admin.bc.drop": "Cancel",
    "admin.bc.dropped": "Cancelled; nothing was sent.",
    "admin.bc.starting": "📢 Emergency broadcast starting…",
    "admin.bc.started": "Sending to {n} people",
    "admin.bc.scope.all": "all volunteers",
    "admin.bc.scope.team": "{name}",
    "admin.bc.scope.station": "{name} and below",
    "admin.bc.message": (
        "📢 <b>Emergency call</b> ({sender})\n\n{text}\n\nPlease answer with the buttons below."
    ),
    "admin.bc.sender_default": "the association",
    "admin.bc.yes": "I can come",
    "admin.bc.no": "I can't",
    "admin.bc.your_answer.yes": "Your answer: ✅ I can come (you may change it)",
    "admin.bc.your_answer.no": "Your answer: ❌ I can't (you may change it)",
    "admin.bc.answered.yes": "Noted: you can come",
    "admin.bc.answered.no": "Noted: you can't come",
    "admin.bc.progress.head": "📢 <b>Emergency broadcast #{id}</b> ({scope})",
    "admin.bc.progress.quote": "“{text}”",
    "admin.bc.progress.sending": "Sending: {done}/{total} ({sent} delivered, {failed} failed)",
    "admin.bc.progress.paused": (
        "Paused: {done}/{total} ({sent} delivered, {failed} failed); it resumes by itself"
    ),
    "admin.bc.progress.sent": "Sent: {done}/{total} ({sent} delivered, {failed} failed)",
    "admin.bc.progress.roll": (
        "Roll call: ✅ coming <b>{yes}</b>  ❌ not coming {no}  no answer {silent}"
    ),
    "admin.bc.progress.names": "Coming: {names}",
    "admin.bc.progress.more": " and {n} more",
    "menu.admin": "Admin menu",
    "menu.teams": "Teams",
    "menu.team": "Team details",
    "menu.addteam": "Add a team",
    "menu.editteam": "Edit a team",
    "menu.keywords": "Team keywords",
    "menu.stations": "Stations",
    "menu.addstation": "Add a station",
    "menu.volunteers": "Volunteers",
    "menu.approve": "Approve a volunteer",
    "menu.suspend": "Suspend a volunteer",
    "menu.resume": "Resume a volunteer",
    "menu.orders": "Orders",
    "menu.assign": "Assign an order",
    "menu.reroute": "Reroute an order",
    "menu.cancelorder": "Cancel an order",
    "menu.stats": "Monthly report",
    "menu.export": "Export CSV",
    "menu.broadcast": "Emergency broadcast",
    "menu.grant": "Make an admin",
    "menu.revoke": "Revoke an admin",
    "menu.audit": "Audit log",
}
