"""Becoming and being a volunteer: the application, the profile, availability, approval."""

ZH = {
    "menu.volunteer": "申请成为志愿者",
    "menu.available": "恢复接单",
    "menu.busy": "暂停接单",
    "menu.profile": "我的志愿者资料",
    "volunteer.intro": (
        "欢迎加入<b>劳模工匠志愿服务队</b>！接下来请填写几项资料（随时发送 /cancel 退出），"
        "提交后由管理员审核。"
    ),
    "volunteer.ask_name": "请输入您的<b>姓名</b>（将展示给求助人）：",
    "volunteer.ask_phone": (
        "请点击下方“分享手机号”，或直接输入您的<b>手机号</b>。\n"
        "手机号只给管理员看，不会告诉求助人。"
    ),
    "volunteer.share_phone": "📱 分享手机号",
    "volunteer.phone_saved": "✅ 手机号：{phone}",
    "volunteer.phone_not_own": (
        "请分享<b>您自己的</b>手机号（点下方“分享手机号”），或直接输入号码。"
    ),
    "volunteer.bad_phone": "这个号码好像不对，请输入11位手机号，例如 13812345678。",
    "volunteer.bad_name": "姓名请控制在{limit}个字以内，并且不能为空。",
    "volunteer.bad_skills": "专长请控制在{limit}字以内。",
    "volunteer.bad_honours": "荣誉请控制在{limit}字以内。",
    "volunteer.text_please": "这一步请用文字回复。",
    "volunteer.ask_teams": (
        "请选择您愿意参加的<b>服务队</b>（可多选，再点一次取消），选好后点“完成”。\n已选：{chosen}"
    ),
    "volunteer.btn.teams_done": "✔️ 完成",
    "volunteer.teams_none": "请至少选择一个服务队。",
    "volunteer.teams_saved": "✅ 已选择 {n} 个服务队。",
    "volunteer.use_buttons_teams": "请点击下面的按钮选择服务队，选好后点“完成”。",
    "volunteer.ask_station": (
        "请选择您所在的<b>服务站点</b>，我们会优先把附近的需求派给您。\n当前：{where}"
    ),
    "volunteer.station_top": "全部站点",
    "volunteer.btn.station_this": "就选 {name}",
    "volunteer.btn.station_skip": "跳过（不限站点）",
    "volunteer.station_saved": "✅ 已选择服务站点。",
    "volunteer.station_skipped": "已跳过服务站点。",
    "volunteer.use_buttons_station": "请点击下面的按钮选择服务站点，或点“跳过”。",
    "volunteer.ask_skills": "请简单介绍您的<b>专长技能</b>（例如：数控加工、焊接工艺、电工证）：",
    "volunteer.ask_honours": (
        "请填写您获得的<b>荣誉称号</b>（例如：全国劳动模范、浙江工匠），会展示给求助人："
    ),
    "volunteer.btn.clear": "清空",
    "volunteer.step_skipped": "已跳过。",
    "volunteer.none": "无",
    "volunteer.submitted": (
        "✅ 申请已提交，管理员审核后会通知您。\n\n"
        "姓名：{name}\n手机：{phone}\n服务队：{teams}\n服务站点：{station}\n"
        "专长：{skills}\n荣誉：{honours}"
    ),
    "volunteer.already": "您已经是志愿者了。发送 /profile 查看或修改资料，/jobs 查看服务任务。",
    "volunteer.pending": "您的志愿者申请正在审核中，请耐心等待，审核结果会第一时间通知您。",
    "volunteer.suspended_no_apply": "您的志愿者资格已暂停，如有疑问请联系管理员。",
    "volunteer.not_volunteer": "您还不是志愿者。发送 /volunteer 申请加入。",
    "volunteer.application_head": "🙋 <b>新的志愿者申请</b>",
    "volunteer.application": (
        "姓名：{name}\n手机：{phone}\n服务队：{teams}\n服务站点：{station}\n"
        "专长：{skills}\n荣誉：{honours}\n状态：{status}"
    ),
    "volunteer.btn.approve": "批准",
    "volunteer.btn.reject": "拒绝",
    "volunteer.btn.reject_quiet": "不填原因，直接拒绝",
    "volunteer.ask_reject_reason": (
        "请输入拒绝 {name} 的原因（会告知申请人），或点下方按钮直接拒绝："
    ),
    "volunteer.bad_reason": "原因请控制在{limit}字以内。",
    "volunteer.decided": "处理结果：{status}（{admin}）",
    "volunteer.already_decided": "该申请已处理（{status}）",
    "volunteer.approved_toast": "已批准",
    "volunteer.rejected_done": "已拒绝 {name} 的申请，并已通知本人。",
    "volunteer.approved": (
        "🎉 恭喜 {name}，您的志愿者申请已通过！\n\n"
        "有新的服务需求时我会推送给您，点“认领”即可接单。\n"
        "/jobs 我的服务任务　/board 待认领需求\n"
        "/busy 暂停接单　/available 恢复接单　/profile 我的资料"
    ),
    "volunteer.rejected": (
        "很抱歉，您的志愿者申请未通过。如有疑问请联系管理员，也可以稍后重新申请。"
    ),
    "volunteer.rejected_reason": (
        "很抱歉，您的志愿者申请未通过。原因：{reason}\n如有疑问请联系管理员，也可以稍后重新申请。"
    ),
    "volunteer.suspended": "您的志愿者资格已被管理员暂停，暂时不会收到派单。如有疑问请联系管理员。",
    "volunteer.suspended_reason": (
        "您的志愿者资格已被管理员暂停，暂时不会收到派单。原因：{reason}"
    ),
    "volunteer.resumed": "您的志愿者资格已恢复，有新的服务需求时会推送给您。",
    "volunteer.status.pending": "待审核",
    "volunteer.status.active": "接单中",
    "volunteer.status.paused": "暂停接单",
    "volunteer.status.suspended": "已暂停资格",
    "volunteer.status.rejected": "未通过",
    "volunteer.profile": (
        "👷 <b>我的志愿者资料</b>\n"
        "姓名：{name}\n手机：{phone}\n服务队：{teams}\n服务站点：{station}\n"
        "专长：{skills}\n荣誉：{honours}\n状态：{status}\n\n"
        "累计服务：{hours} 小时，完成 {done} 次，进行中 {open} 个\n"
        "星级：{stars}　评分：{rating}"
    ),
    "volunteer.unrated": "暂无",
    "volunteer.btn.edit_name": "改姓名",
    "volunteer.btn.edit_phone": "改手机",
    "volunteer.btn.edit_teams": "改服务队",
    "volunteer.btn.edit_station": "改站点",
    "volunteer.btn.edit_skills": "改专长",
    "volunteer.btn.edit_honours": "改荣誉",
    "volunteer.btn.pause": "⏸ 暂停接单",
    "volunteer.btn.resume": "▶️ 恢复接单",
    "volunteer.saved": "✅ 已保存。",
    "volunteer.paused_toast": "已暂停接单",
    "volunteer.resumed_toast": "已恢复接单",
    "volunteer.now_available": (
        "✅ 已恢复接单，有新的服务需求会推送给您。\n当前有 {n} 个待认领的需求，发送 /board 查看。"
    ),
    "volunteer.already_available": (
        "您已经在接单状态。当前有 {n} 个待认领的需求，发送 /board 查看。"
    ),
    "volunteer.now_busy": (
        "⏸ 已暂停接单，不会再收到派单（手上的任务不受影响）。发送 /available 恢复。"
    ),
    "volunteer.already_busy": "您已经暂停接单了。发送 /available 恢复。",
}

EN = {
    "menu.volunteer": "Become a volunteer",
    "menu.available": "Take offers again",
    "menu.busy": "Pause offers",
    "menu.profile": "My volunteer profile",
    "volunteer.intro": (
        "Welcome to the <b>model-worker volunteer teams</b>! Please answer a few questions "
        "(send /cancel to stop); an administrator reviews your application."
    ),
    "volunteer.ask_name": "Your <b>name</b> (shown to the people you help):",
    "volunteer.ask_phone": (
        'Press "Share my number" below or type your <b>mobile number</b>.\n'
        "Only administrators see it; requesters do not."
    ),
    "volunteer.share_phone": "📱 Share my number",
    "volunteer.phone_saved": "✅ Phone: {phone}",
    "volunteer.phone_not_own": "Please share <b>your own</b> number, or type it.",
    "volunteer.bad_phone": "That does not look right; please type an 11-digit mobile number.",
    "volunteer.bad_name": "Please give a name of at most {limit} characters.",
    "volunteer.bad_skills": "Please keep your skills under {limit} characters.",
    "volunteer.bad_honours": "Please keep your honours under {limit} characters.",
    "volunteer.text_please": "Please answer this step in text.",
    "volunteer.ask_teams": (
        "Which <b>teams</b> would you like to serve in? Tap to select (again to unselect), "
        "then Done.\nSelected: {chosen}"
    ),
    "volunteer.btn.teams_done": "✔️ Done",
    "volunteer.teams_none": "Please select at least one team.",
    "volunteer.teams_saved": "✅ {n} team(s) selected.",
    "volunteer.use_buttons_teams": "Please use the buttons below to pick teams, then Done.",
    "volunteer.ask_station": (
        "Which <b>service station</b> are you near? Nearby requests reach you first.\nNow: {where}"
    ),
    "volunteer.station_top": "all stations",
    "volunteer.btn.station_this": "Choose {name}",
    "volunteer.btn.station_skip": "Skip (any station)",
    "volunteer.station_saved": "✅ Station saved.",
    "volunteer.station_skipped": "Station skipped.",
    "volunteer.use_buttons_station": "Please use the buttons below to pick a station, or Skip.",
    "volunteer.ask_skills": "Your <b>skills</b> in a few words (e.g. CNC machining, welding):",
    "volunteer.ask_honours": (
        "Your <b>honours</b> (e.g. National Model Worker), shown to requesters:"
    ),
    "volunteer.btn.clear": "Clear",
    "volunteer.step_skipped": "Skipped.",
    "volunteer.none": "none",
    "volunteer.submitted": (
        "✅ Application sent; you will hear from us once an administrator has reviewed it.\n\n"
        "Name: {name}\nPhone: {phone}\nTeams: {teams}\nStation: {station}\n"
        "Skills: {skills}\nHonours: {honours}"
    ),
    "volunteer.already": (
        "You are a volunteer already. /profile shows your profile, /jobs your jobs."
    ),
    "volunteer.pending": "Your application is being reviewed; we will tell you the result.",
    "volunteer.suspended_no_apply": "Your volunteer status is suspended; please contact staff.",
    "volunteer.not_volunteer": "You are not a volunteer yet. Send /volunteer to apply.",
    "volunteer.application_head": "🙋 <b>New volunteer application</b>",
    "volunteer.application": (
        "Name: {name}\nPhone: {phone}\nTeams: {teams}\nStation: {station}\n"
        "Skills: {skills}\nHonours: {honours}\nStatus: {status}"
    ),
    "volunteer.btn.approve": "Approve",
    "volunteer.btn.reject": "Reject",
    "volunteer.btn.reject_quiet": "Reject without a reason",
    "volunteer.ask_reject_reason": "Why is {name} rejected? (They will be told.) Or press below:",
    "volunteer.bad_reason": "Please keep the reason under {limit} characters.",
    "volunteer.decided": "Decision: {status} ({admin})",
    "volunteer.already_decided": "Already decided ({status})",
    "volunteer.approved_toast": "Approved",
    "volunteer.rejected_done": "{name}'s application was rejected and they were told.",
    "volunteer.approved": (
        "🎉 Congratulations {name}, you are now a volunteer!\n\n"
        "New requests are offered to you here; press Claim to take one.\n"
        "/jobs my jobs  /board open requests  /busy pause  /available resume  /profile"
    ),
    "volunteer.rejected": "Sorry, your application was not accepted. You may apply again later.",
    "volunteer.rejected_reason": (
        "Sorry, your application was not accepted. Reason: {reason}\nYou may apply again later."
    ),
    "volunteer.suspended": "Your volunteer status was suspended; you will get no offers for now.",
    "volunteer.suspended_reason": (
        "Your volunteer status was suspended; you will get no offers for now. Reason: {reason}"
    ),
    "volunteer.resumed": "Your volunteer status is restored; new requests will reach you again.",
    "volunteer.status.pending": "under review",
    "volunteer.status.active": "taking offers",
    "volunteer.status.paused": "paused",
    "volunteer.status.suspended": "suspended",
    "volunteer.status.rejected": "not accepted",
    "volunteer.profile": (
        "👷 <b>My volunteer profile</b>\n"
        "Name: {name}\nPhone: {phone}\nTeams: {teams}\nStation: {station}\n"
        "Skills: {skills}\nHonours: {honours}\nStatus: {status}\n\n"
        "Service: {hours} h, {done} jobs done, {open} in hand\nStars: {stars}  Rating: {rating}"
    ),
    "volunteer.unrated": "none yet",
    "volunteer.btn.edit_name": "Name",
    "volunteer.btn.edit_phone": "Phone",
    "volunteer.btn.edit_teams": "Teams",
    "volunteer.btn.edit_station": "Station",
    "volunteer.btn.edit_skills": "Skills",
    "volunteer.btn.edit_honours": "Honours",
    "volunteer.btn.pause": "⏸ Pause offers",
    "volunteer.btn.resume": "▶️ Take offers",
    "volunteer.saved": "✅ Saved.",
    "volunteer.paused_toast": "Offers paused",
    "volunteer.resumed_toast": "Taking offers again",
    "volunteer.now_available": (
        "✅ You will receive offers again. {n} request(s) are waiting: send /board."
    ),
    "volunteer.already_available": "You are taking offers already. {n} waiting: send /board.",
    "volunteer.now_busy": "⏸ Offers paused (jobs in hand are not affected). /available resumes.",
    "volunteer.already_busy": "Offers are paused already. /available resumes.",
}
