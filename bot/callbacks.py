"""The callback-data protocol: ``verb:arg:arg`` in short ASCII, at most 64 bytes.

Telegram rejects longer data, and a client can send anything here, so decoding
is strict and handlers must still check that the actor may do what it says.
"""

from __future__ import annotations

import re

MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.\-]+$")


class BadCallback(ValueError):
    """Callback data that is malformed, forged or refers to something gone."""


def encode(verb: str, *args: object) -> str:
    parts = [verb, *(str(a) for a in args)]
    for p in parts:
        if not _PART.match(p):
            raise ValueError(f"callback part {p!r} is not short ASCII")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data {data!r} is over {MAX_BYTES} bytes")
    return data


def decode(data: str) -> tuple[str, list[str]]:
    """The verb (an old one translated to its new name) and its arguments."""
    if not data or len(data.encode()) > MAX_BYTES:
        raise BadCallback(data)
    verb, *args = data.split(":")
    if not all(_PART.match(p) for p in (verb, *args)):
        raise BadCallback(data)
    return LEGACY_VERBS.get(verb, verb), args


MAX_INT_ARG = 2**31 - 1  # ids are 32-bit integer columns; a forged larger one must not reach SQL


def int_arg(args: list[str], i: int) -> int:
    """The i-th argument as an int that fits a 32-bit column, or BadCallback."""
    try:
        value = int(args[i])
    except (IndexError, ValueError):
        raise BadCallback(":".join(args)) from None
    if not -MAX_INT_ARG <= value <= MAX_INT_ARG:
        raise BadCallback(":".join(args))
    return value


def str_arg(args: list[str], i: int, choices: tuple[str, ...] | None = None) -> str:
    try:
        value = args[i]
    except IndexError:
        raise BadCallback(":".join(args)) from None
    if choices is not None and value not in choices:
        raise BadCallback(value)
    return value


# ---------------------------------------------------------------- verbs
# Every button verb, in one place. The verb says what the button does, as
# <area>_<action>; its constant is the verb in capitals. Arguments follow the
# verb after ":" (the comment says which).

# Ordering dialog (bot/flows/ordering.py, order_steps.py)
ORDER_PICK_TEAM = "order_pick_team"  # token, team slug or "none" (admin triage)
# token, team slug or "none": a pick among the teams routing was unsure between (recorded)
ORDER_PICK_CHOICE = "order_pick_choice"
# team slug, from the /order list (starts a dialog: no token)
ORDER_BROWSE_TEAM = "order_browse_team"
ORDER_PICK_TIME = "order_pick_time"  # token, time preset
ORDER_TIME_GUESS = "order_time_guess"  # token, "yes" (the offered reading) or "retype"
ORDER_PHOTOS_DONE = "order_photos_done"  # token, "done"
ORDER_SUMMARY = "order_summary"  # token, "ok" (submit) or "edit"
ORDER_EDIT_FIELD = "order_edit_field"  # token, field or "back"
ORDER_CLOSE = "order_close"  # token: leave the dialog

# Tracking one's orders (bot/flows/tracking.py)
TRACK_LIST = "track_list"  # [offset]: the list, or an older page of it
TRACK_VIEW = "track_view"  # order id
TRACK_CANCEL = "track_cancel"  # order id: choose a reason
TRACK_CANCEL_REASON = "track_cancel_reason"  # order id, reason code
TRACK_KEEP = "track_keep"  # order id: do not cancel after all

# Volunteer sign-up and profile (bot/flows/volunteer.py)
VOL_TOGGLE_TEAM = "vol_toggle_team"  # team id
VOL_TEAMS_DONE = "vol_teams_done"
VOL_OPEN_STATION = "vol_open_station"  # station id (0: the top level); a leaf is picked
VOL_PICK_STATION = "vol_pick_station"  # station id
VOL_SKIP_STATION = "vol_skip_station"
VOL_SKIP_FIELD = "vol_skip_field"  # skills / honours left empty
VOL_EDIT_PROFILE = "vol_edit_profile"  # field
VOL_SET_PAUSED = "vol_set_paused"  # 1 pause offers, 0 take offers again
APPLICATION_APPROVE = "application_approve"  # volunteer id (admins, under the application)
APPLICATION_REJECT = "application_reject"  # volunteer id (admins; asks for a reason)
APPLICATION_REJECT_QUIETLY = "application_reject_quietly"  # volunteer id (admins; no reason)

# Jobs (bot/flows/jobs.py, bot/jobtext.py, bot/relay.py)
JOB_CLAIM = "job_claim"  # order id: 认领 (offers and the board)
JOB_DECLINE = "job_decline"  # offer id: 不方便
JOB_SET_TIME = "job_set_time"  # order id: 约定时间
JOB_START = "job_start"  # order id: 开始服务
JOB_FINISH = "job_finish"  # order id: 完成服务
JOB_SUBMIT_REPORT = "job_submit_report"  # order id: hand in the 完成服务 report
JOB_GIVE_UP = "job_give_up"  # order id: 放弃
JOB_RESOLVED = "job_resolved"  # order id: 已解决 (requester)
JOB_UNRESOLVED = "job_unresolved"  # order id: 未解决 (requester)
RELAY_OPEN = "relay_open"  # order id: 联系求助人 / 联系志愿者
RELAY_END = "relay_end"

# Requester's rating (bot/flows/feedback.py)
FEEDBACK_RATE = "feedback_rate"  # order id, stars
FEEDBACK_SKIP_COMMENT = "feedback_skip_comment"  # order id

# Appointment re-confirmation (scheduler/reminders.py, bot/flows/reconfirm.py)
RECONFIRM_YES = "reconfirm_yes"  # order id
RECONFIRM_NO = "reconfirm_no"  # order id

# Admins (bot/flows/admin*.py, bot/broadcast.py)
ADMIN_MENU = "admin_menu"  # view
ADMIN_LEARN_KEYWORD = "admin_learn_keyword"  # audit id, term index or "all"
ADMIN_LEARN_CLOSE = "admin_learn_close"  # audit id
PENDING_LIST_APPROVE = "pending_list_approve"  # volunteer id
PENDING_LIST_REJECT = "pending_list_reject"  # volunteer id
BROADCAST_SEND = "broadcast_send"  # broadcast id
BROADCAST_DROP = "broadcast_drop"  # broadcast id
BROADCAST_ANSWER = "broadcast_answer"  # broadcast id, y | n (volunteers' roll call)

# Reports, who asked and service lists (bot/flows/reports.py, requester.py, services.py)
REQUESTER_PICK_TYPE = "requester_pick_type"  # order id, requester type code
REQUESTER_SKIP_HEADCOUNT = "requester_skip_headcount"  # order id: no expected headcount
JOB_PEOPLE_SERVED = "job_people_served"  # order id, number of people served
SERVICE_PICK = "service_pick"  # service id: order that service of a team
SERVICE_ORDER_OFFER = "service_order_offer"  # volunteer service id: order a volunteer's own offer
SERVICELIST_SUBSCRIBE = "servicelist_subscribe"  # 1 subscribe to the monthly service list, 0 stop
SERVICELIST_PUSH = "servicelist_push"  # month: send the edited service list to subscribers (admins)
REPORT_EXPORT = "report_export"  # export kind, period label (admins)
REPORT_CHARTS = "report_charts"  # period label, station code or "-" (admins)

# Activities, hours and team jobs (bot/activities*.py, bot/team_jobs.py, their flows; issue 18)
ACTIVITY_JOIN = "activity_join"  # activity id: 报名参加 / 报名 / 我要参加
ACTIVITY_DECLINE = "activity_decline"  # activity id: 不方便
ACTIVITY_LEAVE = "activity_leave"  # activity id: 取消报名
ACTIVITY_CHECK_IN = "activity_check_in"  # activity id: 签到
ACTIVITY_CHECK_OUT = "activity_check_out"  # activity id: 签退
ACTIVITY_MANAGE = "activity_manage"  # activity id: the organiser's view
ACTIVITY_MARK_PRESENT = "activity_mark_present"  # signup id: mark present
ACTIVITY_MESSAGE = "activity_message"  # activity id: message everyone signed up
ACTIVITY_CANCEL = "activity_cancel"  # activity id
ACTIVITY_REPORT = "activity_report"  # activity id: 惠及人数 and summary
ACTIVITY_REPORT_DONE = "activity_report_done"  # end the report dialog
ACTIVITY_NEW_TEAM = "activity_new_team"  # team id | 0 (/newactivity)
ACTIVITY_NEW_STATION = "activity_new_station"  # station id | 0 (/newactivity)
ACTIVITY_NEW_ONLINE = "activity_new_online"  # /newactivity: held online
ACTIVITY_NEW_SKIP = "activity_new_skip"  # /newactivity: no description
ACTIVITY_PUBLISH = "activity_publish"  # /newactivity: publish
HOURS_SET = "hours_set"  # entry id, minutes
HOURS_EDIT = "hours_edit"  # entry id: type another duration
TEAM_SIZE_MENU = "team_size_menu"  # order id: the 需要人数 choices (admins, under /order)
TEAM_SIZE_SET = "team_size_set"  # order id, n (admins)

# Campaigns, cases and 名师带徒 (bot/campaigns.py, bot/mentors.py, their flows; issue 20)
ORDER_CAMPAIGN = "order_campaign"  # token, campaign id or 0: put the order in a campaign or not
CAMPAIGN_NEXT = "campaign_next"  # campaign id, its current stage: 下一阶段 (admins)
CAMPAIGN_CREATE = "campaign_create"  # "ok" | "no": the /campaign new summary (admins)
CAMPAIGN_PUBLISH = "campaign_publish"  # campaign id: publish every collected need (admins)
CAMPAIGN_BID = "campaign_bid"  # order id: 我要揭榜 (volunteers)
CAMPAIGN_PICK = "campaign_pick"  # order id, volunteer id: the admin picks an applicant
CAMPAIGN_EVALUATE = "campaign_evaluate"  # order id: evaluate a finished job (admins)
CAMPAIGN_NOMINATE = "campaign_nominate"  # 1 | 0: 推荐为优秀案例? (the evaluation dialog)
CASE_VIEW = "case_view"  # case id
CASE_SELECT = "case_select"  # case id: 选定 (admins)
CASE_EDIT = "case_edit"  # case id: edit the write-up (admins)
CASE_PUBLISH = "case_publish"  # case id: 发布 (admins)
CASE_SKIP = "case_skip"  # keep this field of the write-up as it is
CASE_EXPORT = "case_export"  # xlsx | pdf: the published cases as one document
MENTOR_CREATE = "mentor_create"  # "ok" | "no": the /mentor new summary
MENTOR_ACCEPT = "mentor_accept"  # pairing id: the apprentice's 确认拜师
MENTOR_CHECKIN = "mentor_checkin"  # check-in id: 填写进展
MENTOR_MILESTONE = "mentor_milestone"  # pairing id: 记录里程碑 (the mentor)
MENTOR_FINISH = "mentor_finish"  # pairing id: 结业 (the mentor or an admin)
MENTOR_RATE = "mentor_rate"  # pairing id, stars
MENTOR_REQUEST = "mentor_request"  # "yes" (a 名师带徒 request) | "order" (a one-off order)
MENTOR_FROM_REQUEST = "mentor_from_request"  # request id: pair the requester (admins)

# Verbs added after the rename: no button with an older verb was ever sent for them.
SINCE_RENAME: frozenset[str] = frozenset(
    {
        ORDER_PICK_CHOICE,
        ORDER_TIME_GUESS,
        ORDER_CAMPAIGN,
        CAMPAIGN_NEXT,
        CAMPAIGN_CREATE,
        CAMPAIGN_PUBLISH,
        CAMPAIGN_BID,
        CAMPAIGN_PICK,
        CAMPAIGN_EVALUATE,
        CAMPAIGN_NOMINATE,
        CASE_VIEW,
        CASE_SELECT,
        CASE_EDIT,
        CASE_PUBLISH,
        CASE_SKIP,
        CASE_EXPORT,
        MENTOR_CREATE,
        MENTOR_ACCEPT,
        MENTOR_CHECKIN,
        MENTOR_MILESTONE,
        MENTOR_FINISH,
        MENTOR_RATE,
        MENTOR_REQUEST,
        MENTOR_FROM_REQUEST,
    }
)

# Buttons already sent carry the verbs of before December 2026: old verb → new.
LEGACY_VERBS: dict[str, str] = {
    "ord_tm": ORDER_PICK_TEAM,
    "ord_bt": ORDER_BROWSE_TEAM,
    "ord_tp": ORDER_PICK_TIME,
    "ord_ph": ORDER_PHOTOS_DONE,
    "ord_sm": ORDER_SUMMARY,
    "ord_ed": ORDER_EDIT_FIELD,
    "ord_cl": ORDER_CLOSE,
    "trk_ls": TRACK_LIST,
    "trk_vw": TRACK_VIEW,
    "trk_cx": TRACK_CANCEL,
    "trk_rs": TRACK_CANCEL_REASON,
    "trk_kp": TRACK_KEEP,
    "vteam": VOL_TOGGLE_TEAM,
    "vtdone": VOL_TEAMS_DONE,
    "vstn": VOL_OPEN_STATION,
    "vsel": VOL_PICK_STATION,
    "vsskip": VOL_SKIP_STATION,
    "vskip": VOL_SKIP_FIELD,
    "vedit": VOL_EDIT_PROFILE,
    "vpause": VOL_SET_PAUSED,
    "vappr": APPLICATION_APPROVE,
    "vrej": APPLICATION_REJECT,
    "vrjq": APPLICATION_REJECT_QUIETLY,
    "jclaim": JOB_CLAIM,
    "jdecl": JOB_DECLINE,
    "jappt": JOB_SET_TIME,
    "jstart": JOB_START,
    "jdone": JOB_FINISH,
    "jdfin": JOB_SUBMIT_REPORT,
    "jquit": JOB_GIVE_UP,
    "jok": JOB_RESOLVED,
    "jnok": JOB_UNRESOLVED,
    "relay": RELAY_OPEN,
    "rlend": RELAY_END,
    "fbstar": FEEDBACK_RATE,
    "fbskip": FEEDBACK_SKIP_COMMENT,
    "rcfyes": RECONFIRM_YES,
    "rcfno": RECONFIRM_NO,
    "amenu": ADMIN_MENU,
    "arkw": ADMIN_LEARN_KEYWORD,
    "arkno": ADMIN_LEARN_CLOSE,
    "avok": PENDING_LIST_APPROVE,
    "avno": PENDING_LIST_REJECT,
    "abcgo": BROADCAST_SEND,
    "abcdrop": BROADCAST_DROP,
    "abcr": BROADCAST_ANSWER,
    "rtype": REQUESTER_PICK_TYPE,
    "rskip": REQUESTER_SKIP_HEADCOUNT,
    "rserved": JOB_PEOPLE_SERVED,
    "svc": SERVICE_PICK,
    "vsord": SERVICE_ORDER_OFFER,
    "slsub": SERVICELIST_SUBSCRIBE,
    "slpush": SERVICELIST_PUSH,
    "rexp": REPORT_EXPORT,
    "rchart": REPORT_CHARTS,
    "act_join": ACTIVITY_JOIN,
    "act_decline": ACTIVITY_DECLINE,
    "act_leave": ACTIVITY_LEAVE,
    "act_checkin": ACTIVITY_CHECK_IN,
    "act_checkout": ACTIVITY_CHECK_OUT,
    "act_manage": ACTIVITY_MANAGE,
    "act_mark": ACTIVITY_MARK_PRESENT,
    "act_message": ACTIVITY_MESSAGE,
    "act_cancel": ACTIVITY_CANCEL,
    "act_report": ACTIVITY_REPORT,
    "act_repdone": ACTIVITY_REPORT_DONE,
    "act_nt": ACTIVITY_NEW_TEAM,
    "act_ns": ACTIVITY_NEW_STATION,
    "act_nonline": ACTIVITY_NEW_ONLINE,
    "act_nskip": ACTIVITY_NEW_SKIP,
    "act_pub": ACTIVITY_PUBLISH,
    "hrs_set": HOURS_SET,
    "hrs_edit": HOURS_EDIT,
    "team_sizes": TEAM_SIZE_MENU,
    "team_size": TEAM_SIZE_SET,
}

# An admin's order actions under alerts, /order and /orders (bot/flows/admin_order_actions.py;
# issue 17). Added after the rename: no older form of them was ever sent.
ADMIN_ORDER_VIEW = "admin_order_view"  # order id: its /order view
ADMIN_ORDER_PICK = "admin_order_pick"  # order id: 派单, the volunteer picker
ADMIN_ORDER_ASSIGN = "admin_order_assign"  # order id, volunteer id
ADMIN_ORDER_TEAMS = "admin_order_teams"  # order id: 改派服务队, the team picker
ADMIN_ORDER_REROUTE = "admin_order_reroute"  # order id, team id
ADMIN_ORDER_CONTACT = "admin_order_contact"  # order id: 联系求助人
ADMIN_ORDER_CANCEL = "admin_order_cancel"  # order id: 取消 (asks to confirm)
ADMIN_ORDER_CANCEL_YES = "admin_order_cancel_yes"  # order id
SINCE_RENAME = SINCE_RENAME | {
    ADMIN_ORDER_VIEW,
    ADMIN_ORDER_PICK,
    ADMIN_ORDER_ASSIGN,
    ADMIN_ORDER_TEAMS,
    ADMIN_ORDER_REROUTE,
    ADMIN_ORDER_CONTACT,
    ADMIN_ORDER_CANCEL,
    ADMIN_ORDER_CANCEL_YES,
}
