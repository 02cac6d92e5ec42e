"""Text keys chosen by a value: one literal key per value, never built at run time.

``t(lang, ORDER_STATUS[status])`` instead of ``t(lang, f"status.{status}")``, so every
key is written out once and ``tests/test_texts.py`` can check it exists and is used.
A value missing here raises ``KeyError`` just as a missing text key would.
"""

from __future__ import annotations

from typing import Final

# An order's status (``OrderStatus``) in words.
ORDER_STATUS: Final = {
    "cancelled": "status.cancelled",
    "claimed": "status.claimed",
    "confirmed": "status.confirmed",
    "done": "status.done",
    "expired": "status.expired",
    "in_progress": "status.in_progress",
    "new": "status.new",
    "offered": "status.offered",
    "rated": "status.rated",
    "scheduled": "status.scheduled",
}

# A volunteer's status as the volunteer reads it.
VOLUNTEER_STATUS: Final = {
    "active": "volunteer.status.active",
    "paused": "volunteer.status.paused",
    "pending": "volunteer.status.pending",
    "rejected": "volunteer.status.rejected",
    "suspended": "volunteer.status.suspended",
}

# A volunteer's status as admins read it.
VOLUNTEER_STATUS_ADMIN: Final = {
    "active": "admin.vstatus.active",
    "paused": "admin.vstatus.paused",
    "pending": "admin.vstatus.pending",
    "rejected": "admin.vstatus.rejected",
    "suspended": "admin.vstatus.suspended",
}

# An offer's status in an order's dispatch history.
OFFER_STATUS: Final = {
    "claimed": "dispatch.offer_status.claimed",
    "declined": "dispatch.offer_status.declined",
    "failed": "dispatch.offer_status.failed",
    "pending": "dispatch.offer_status.pending",
    "sent": "dispatch.offer_status.sent",
    "taken": "dispatch.offer_status.taken",
    "withdrawn": "dispatch.offer_status.withdrawn",
}

# How an offer ended, on an order's admin timeline.
OFFER_END: Final = {
    "declined": "admin.tl.offer_declined",
    "failed": "admin.tl.offer_failed",
    "taken": "admin.tl.offer_taken",
    "withdrawn": "admin.tl.offer_withdrawn",
}

# The kind of message we cannot read (``Event.media``).
MEDIA: Final = {
    "audio": "common.media.audio",
    "document": "common.media.document",
    "other": "common.media.other",
    "photo": "common.media.photo",
    "sticker": "common.media.sticker",
    "video": "common.media.video",
    "voice": "common.media.voice",
}

# The /start greeting per role (admin, volunteer, worker).
START: Final = {
    "admin": "common.start.admin",
    "volunteer": "common.start.volunteer",
    "worker": "common.start.worker",
}

# The /help text per role.
HELP: Final = {
    "admin": "common.help.admin",
    "volunteer": "common.help.volunteer",
    "worker": "common.help.worker",
}

# The ordering dialog's time buttons, per preset.
TIME_PREF_BUTTON: Final = {
    "asap": "ordering.time.btn.asap",
    "custom": "ordering.time.btn.custom",
    "today": "ordering.time.btn.today",
    "tomorrow": "ordering.time.btn.tomorrow",
    "weekend": "ordering.time.btn.weekend",
}

# A preset time as volunteers read it on a job card.
TIME_PREF_DISPATCH: Final = {
    "asap": "dispatch.time.asap",
    "today": "dispatch.time.today",
    "tomorrow": "dispatch.time.tomorrow",
    "weekend": "dispatch.time.weekend",
}

# A preset time on an order's admin view.
TIME_PREF_ADMIN: Final = {
    "asap": "admin.time.asap",
    "custom": "admin.time.custom",
    "today": "admin.time.today",
    "tomorrow": "admin.time.tomorrow",
    "weekend": "admin.time.weekend",
}

# Why a typed time was not understood (``timeparse`` reasons), while ordering.
ORDER_TIME_UNCLEAR: Final = {
    "ampm": "ordering.time.unclear.ampm",
    "no_day": "ordering.time.unclear.no_day",
    "past": "ordering.time.unclear.past",
    "too_far": "ordering.time.unclear.too_far",
    "unknown": "ordering.time.unclear.unknown",
    "which_day": "ordering.time.unclear.which_day",
}

# Why a typed appointment was not understood (``timeparse`` reasons).
APPOINTMENT_UNCLEAR: Final = {
    "ampm": "jobs.appointment.unclear.ampm",
    "no_day": "jobs.appointment.unclear.no_day",
    "past": "jobs.appointment.unclear.past",
    "too_far": "jobs.appointment.unclear.too_far",
    "unknown": "jobs.appointment.unclear.unknown",
    "which_day": "jobs.appointment.unclear.which_day",
}

# The fields 修改 offers in the ordering dialog.
ORDER_EDIT_FIELD: Final = {
    "phone": "ordering.edit.field.phone",
    "photos": "ordering.edit.field.photos",
    "place": "ordering.edit.field.place",
    "team": "ordering.edit.field.team",
    "text": "ordering.edit.field.text",
    "time": "ordering.edit.field.time",
}

# What to do at a step of the ordering dialog (``Step``), after an answer it could not use.
ORDER_HINT: Final = {
    "confirm_team": "ordering.hint.confirm_team",
    "describe": "ordering.hint.describe",
    "edit_choice": "ordering.hint.edit_choice",
    "house": "ordering.hint.house",
    "phone": "ordering.hint.phone",
    "photos": "ordering.hint.photos",
    "place": "ordering.hint.place",
    "summary": "ordering.hint.summary",
    "time": "ordering.hint.time",
    "time_text": "ordering.hint.time_text",
}

# Why a requester cancels an order.
CANCEL_REASON: Final = {
    "other": "tracking.reason.other",
    "solved": "tracking.reason.solved",
    "time": "tracking.reason.time",
    "unneeded": "tracking.reason.unneeded",
}

# The question of a free-text step of the volunteer application.
VOLUNTEER_ASK: Final = {
    "honours": "volunteer.ask_honours",
    "skills": "volunteer.ask_skills",
}

# A free-text step's answer that could not be used.
VOLUNTEER_BAD: Final = {
    "honours": "volunteer.bad_honours",
    "name": "volunteer.bad_name",
    "skills": "volunteer.bad_skills",
}

# A step of the volunteer application answered with buttons only.
VOLUNTEER_USE_BUTTONS: Final = {
    "station": "volunteer.use_buttons_station",
    "teams": "volunteer.use_buttons_teams",
}

# The profile fields a volunteer can edit.
VOLUNTEER_EDIT_BUTTON: Final = {
    "honours": "volunteer.btn.edit_honours",
    "name": "volunteer.btn.edit_name",
    "phone": "volunteer.btn.edit_phone",
    "skills": "volunteer.btn.edit_skills",
    "station": "volunteer.btn.edit_station",
    "teams": "volunteer.btn.edit_teams",
}

# Who a relayed message comes from (requester or volunteer).
RELAY_FROM: Final = {
    "requester": "jobs.relay.from_requester",
    "volunteer": "jobs.relay.from_volunteer",
}

# Who is on the other end of a relay.
RELAY_PEER: Final = {
    "requester": "jobs.relay.peer_requester",
    "volunteer": "jobs.relay.peer_volunteer",
}

# How near a board job is (0 = the volunteer's own station … 3 = anywhere).
JOB_RING: Final = {
    0: "jobs.ring.0",
    1: "jobs.ring.1",
    2: "jobs.ring.2",
    3: "jobs.ring.3",
}

# A station's level.
STATION_LEVEL: Final = {
    "county": "admin.level.county",
    "point": "admin.level.point",
    "town": "admin.level.town",
}

# A team field an admin edits.
TEAM_FIELD: Final = {
    "active": "admin.field.active",
    "description": "admin.field.description",
    "name": "admin.field.name",
    "name_en": "admin.field.name_en",
    "sort_order": "admin.field.sort_order",
}

# Why a team keyword edit was refused (``KeywordError.reason``).
KEYWORD_ERROR: Final = {
    "bad_weight": "admin.kw.err.bad_weight",
    "chitchat": "admin.kw.err.chitchat",
    "empty": "admin.kw.err.empty",
    "too_long": "admin.kw.err.too_long",
}

# Where an order came from (``Order.source``).
ORDER_SOURCE: Final = {
    "admin": "admin.source.admin",
    "browse": "admin.source.browse",
    "link": "admin.source.link",
    "text": "admin.source.text",
    "web": "admin.source.web",
}

# What a CSV export holds.
EXPORT_KIND: Final = {
    "activities": "reports.export.kind.activities",
    "feedback": "reports.export.kind.feedback",
    "hours": "reports.export.kind.hours",
    "mentors": "mentors.export.kind",
    "orders": "reports.export.kind.orders",
    "volunteers": "reports.export.kind.volunteers",
}

# A CSV export's column header.
CSV_COLUMN: Final = {
    "campaign": "campaigns.csv.campaign",
    "pair_id": "mentors.csv.id",
    "pair_mentor": "mentors.csv.mentor",
    "pair_apprentice": "mentors.csv.apprentice",
    "pair_skill": "mentors.csv.skill",
    "pair_status": "mentors.csv.status",
    "pair_start": "mentors.csv.start",
    "pair_end": "mentors.csv.end",
    "pair_hours": "mentors.csv.hours",
    "pair_checkins": "mentors.csv.checkins",
    "pair_milestones": "mentors.csv.milestones",
    "pair_completed": "mentors.csv.completed",
    "pair_mentor_rating": "mentors.csv.mentor_rating",
    "pair_apprentice_rating": "mentors.csv.apprentice_rating",
    "act_id": "admin.csv.act_id",
    "act_title": "admin.csv.act_title",
    "act_team": "admin.csv.act_team",
    "act_station": "admin.csv.act_station",
    "act_start": "admin.csv.act_start",
    "act_end": "admin.csv.act_end",
    "act_place": "admin.csv.act_place",
    "act_volunteers": "admin.csv.act_volunteers",
    "act_residents": "admin.csv.act_residents",
    "act_participants": "admin.csv.act_participants",
    "act_attended": "admin.csv.act_attended",
    "act_served": "admin.csv.act_served",
    "act_hours": "admin.csv.act_hours",
    "act_status": "admin.csv.act_status",
    "act_summary": "admin.csv.act_summary",
    "address": "admin.csv.address",
    "appointment_at": "admin.csv.appointment_at",
    "approved_at": "admin.csv.approved_at",
    "cancel_reason": "admin.csv.cancel_reason",
    "claimed_at": "admin.csv.claimed_at",
    "code": "admin.csv.code",
    "comment": "admin.csv.comment",
    "contact_name": "admin.csv.contact_name",
    "contact_phone": "admin.csv.contact_phone",
    "created_at": "admin.csv.created_at",
    "done_at": "admin.csv.done_at",
    "expected_people": "admin.csv.expected_people",
    "honours": "admin.csv.honours",
    "id": "admin.csv.id",
    "latitude": "admin.csv.latitude",
    "longitude": "admin.csv.longitude",
    "month_hours": "admin.csv.month_hours",
    "month_sessions": "admin.csv.month_sessions",
    "name": "admin.csv.name",
    "org_name": "admin.csv.org_name",
    "participations": "admin.csv.participations",
    "phone": "admin.csv.phone",
    "rated_at": "admin.csv.rated_at",
    "rating": "admin.csv.rating",
    "requester_type": "admin.csv.requester_type",
    "resolved": "admin.csv.resolved",
    "served_people": "admin.csv.served_people",
    "service_minutes": "admin.csv.service_minutes",
    "skills": "admin.csv.skills",
    "source": "admin.csv.source",
    "star_level": "admin.csv.star_level",
    "station": "admin.csv.station",
    "status": "admin.csv.status",
    "team": "admin.csv.team",
    "team_slug": "admin.csv.team_slug",
    "teams": "admin.csv.teams",
    "text": "admin.csv.text",
    "total_hours": "admin.csv.total_hours",
    "volunteer": "admin.csv.volunteer",
}

# An audit-log action in words.
AUDIT_ACTION: Final = {
    "admin.grant": "admin.act.admin.grant",
    "admin.revoke": "admin.act.admin.revoke",
    "broadcast.discard": "admin.act.broadcast.discard",
    "broadcast.start": "admin.act.broadcast.start",
    "catalog.import": "admin.act.catalog.import",
    "export": "admin.act.export",
    "order.assign": "admin.act.order.assign",
    "order.cancel": "admin.act.order.cancel",
    "order.reroute": "admin.act.order.reroute",
    "station.add": "admin.act.station.add",
    "team.add": "admin.act.team.add",
    "team.edit": "admin.act.team.edit",
    "team.keywords": "admin.act.team.keywords",
    "volunteer.apply": "admin.act.volunteer.apply",
    "volunteer.approve": "admin.act.volunteer.approve",
    "volunteer.profile": "admin.act.volunteer.profile",
    "volunteer.reject": "admin.act.volunteer.reject",
    "volunteer.resume": "admin.act.volunteer.resume",
    "volunteer.suspend": "admin.act.volunteer.suspend",
    "volunteer.teams": "admin.act.volunteer.teams",
}

# The admin menu's shortcut buttons.
ADMIN_MENU_BUTTON: Final = {
    "audit": "admin.menu.btn.audit",
    "orders": "admin.menu.btn.orders",
    "pending": "admin.menu.btn.pending",
    "stations": "admin.menu.btn.stations",
    "stats": "admin.menu.btn.stats",
    "teams": "admin.menu.btn.teams",
}

# A broadcast's sending state on its progress card.
BROADCAST_PROGRESS: Final = {
    "paused": "admin.bc.progress.paused",
    "sending": "admin.bc.progress.sending",
    "sent": "admin.bc.progress.sent",
}

# The toast after answering a broadcast question.
BROADCAST_ANSWERED: Final = {
    "no": "admin.bc.answered.no",
    "yes": "admin.bc.answered.yes",
}

# A recipient's answer, under the broadcast.
BROADCAST_YOUR_ANSWER: Final = {
    "no": "admin.bc.your_answer.no",
    "yes": "admin.bc.your_answer.yes",
}

# A chat channel's name, as admins read it in an alert.
CHANNEL: Final = {
    "telegram": "reach.channel.telegram",
    "web": "reach.channel.web",
    "wechat": "reach.channel.wechat",
}

# Why a phone number was refused (bot.phones.check_phone), as the dialog explains it.
PHONE_PROBLEM: Final = {
    "foreign": "ordering.phone.problem.foreign",
    "no_area_code": "ordering.phone.problem.no_area_code",
    "not_a_number": "ordering.phone.problem.not_a_number",
    "several": "ordering.phone.problem.several",
}

# An SMS template (``bot.sms.TEMPLATES``) → its text.
SMS_TEXT: Final = {
    "login_code": "sms.login_code",
    "offer": "sms.offer",
    "order_status": "sms.order_status",
}

# The status an SMS to a web requester names (``bot.flows.webnotice``) in words.
SMS_STATUS: Final = {
    "appointment": "sms.status.appointment",
    "cancelled": "sms.status.cancelled",
    "claimed": "sms.status.claimed",
    "done": "sms.status.done",
    "reminder": "sms.status.reminder",
}

# An activity's status (``ActivityStatus``), in the activities export.
ACTIVITY_STATUS: Final = {
    "cancelled": "act.status.cancelled",
    "published": "act.status.published",
}

# Who signed up for an activity, on the organiser's list.
ACTIVITY_ROLE: Final = {
    "resident": "act.role.resident",
    "volunteer": "act.role.volunteer",
}

# The question of each /newactivity step.
ACTIVITY_NEW_ASK: Final = {
    "desc": "act.new.ask_desc",
    "place": "act.new.ask_place",
    "residents": "act.new.ask_residents",
    "slots": "act.new.ask_slots",
    "station": "act.new.ask_station",
    "team": "act.new.ask_team",
    "time": "act.new.ask_time",
    "title": "act.new.ask_title",
}

# Where an hours entry came from (``HoursSource``), in /hours.
HOURS_SOURCE: Final = {
    "activity": "hours.source.activity",
    "job": "hours.source.job",
    "offline": "hours.source.offline",
    "mentor": "mentors.hours.source",
}

# ---------------------------------------------------------------- reports (issue 19)

# Who an order serves (RequesterType).
REQUESTER_TYPE: Final = {
    "community": "reports.rtype.community",
    "enterprise": "reports.rtype.enterprise",
    "other": "reports.rtype.other",
    "school": "reports.rtype.school",
    "worker": "reports.rtype.worker",
}

# A station's level, short, in report tables and on posters.
REPORT_LEVEL: Final = {
    "county": "reports.level.county",
    "point": "reports.level.point",
    "town": "reports.level.town",
}

# A figure's name on the summary sheet of an export.
REPORT_FIGURE: Final = {
    "created": "reports.summary.created",
    "enterprises": "reports.summary.enterprises",
    "hours": "reports.summary.hours",
    "median_minutes": "reports.summary.median_minutes",
    "participations": "reports.summary.participations",
    "rating": "reports.summary.rating",
    "ratings": "reports.summary.ratings",
    "reached": "reports.summary.reached",
    "sessions": "reports.summary.sessions",
    "tech": "reports.summary.tech",
    "unclaimed": "reports.summary.unclaimed",
    "volunteers": "reports.summary.volunteers",
}

# One channel's plain link under /link.
LINK_LINE: Final = {
    "telegram": "reports.link.line.telegram",
    "web": "reports.link.line.web",
    "wechat": "wxweb.link.line.wechat",
}

# The caption under one channel's QR code on a poster.
POSTER_LABEL: Final = {
    "telegram": "reports.poster.label.telegram",
    "web": "reports.poster.label.web",
    "wechat": "wxweb.poster.label.wechat",
}

# The heading of an /orders status group.
ORDERS_GROUP: Final = {
    "active": "reports.orders.group.active",
    "all": "reports.orders.group.all",
    "finished": "reports.orders.group.finished",
    "open": "reports.orders.group.open",
    "unclaimed": "reports.orders.group.unclaimed",
}

# A changed field in an /audit line.
AUDIT_KEY: Final = {
    "active": "reports.audit.key.active",
    "added": "reports.audit.key.added",
    "description": "reports.audit.key.description",
    "format": "reports.audit.key.format",
    "honours": "reports.audit.key.honours",
    "keywords": "reports.audit.key.keywords",
    "level": "reports.audit.key.level",
    "month": "reports.audit.key.month",
    "name": "reports.audit.key.name",
    "name_en": "reports.audit.key.name_en",
    "parent": "reports.audit.key.parent",
    "phone": "reports.audit.key.phone",
    "private": "reports.audit.key.private",
    "reason": "reports.audit.key.reason",
    "roles": "reports.audit.key.roles",
    "rows": "reports.audit.key.rows",
    "scope": "reports.audit.key.scope",
    "skills": "reports.audit.key.skills",
    "sort_order": "reports.audit.key.sort_order",
    "station": "reports.audit.key.station",
    "station_id": "reports.audit.key.station_id",
    "status": "reports.audit.key.status",
    "suggest": "reports.audit.key.suggest",
    "team": "reports.audit.key.team",
    "team_id": "reports.audit.key.team_id",
    "teams": "reports.audit.key.teams",
    "text": "reports.audit.key.text",
    "total": "reports.audit.key.total",
    "updated": "reports.audit.key.updated",
    "volunteer_id": "reports.audit.key.volunteer_id",
}

# What an audited action was about (an order shows its code).
AUDIT_TARGET: Final = {
    "broadcast": "reports.audit.target.broadcast",
    "person": "reports.audit.target.person",
    "station": "reports.audit.target.station",
    "team": "reports.audit.target.team",
    "volunteer": "reports.audit.target.volunteer",
}

# Campaign stages (bot/campaigns.py; issue 20): their names, and what admins do on entering one.
CAMPAIGN_STAGE: Final = {
    "collect": "campaigns.stage.collect",
    "match": "campaigns.stage.match",
    "serve": "campaigns.stage.serve",
    "evaluate": "campaigns.stage.evaluate",
    "select": "campaigns.stage.select",
    "closed": "campaigns.stage.closed",
}
CAMPAIGN_STAGE_NEXT: Final = {
    "collect": "campaigns.stage.next.collect",
    "match": "campaigns.stage.next.match",
    "serve": "campaigns.stage.next.serve",
    "evaluate": "campaigns.stage.next.evaluate",
    "select": "campaigns.stage.next.select",
    "closed": "campaigns.stage.next.closed",
}
CASE_STATUS: Final = {
    "nominated": "campaigns.case.status.nominated",
    "selected": "campaigns.case.status.selected",
    "published": "campaigns.case.status.published",
}
PAIRING_STATUS: Final = {
    "invited": "mentors.status.invited",
    "active": "mentors.status.active",
    "completed": "mentors.status.completed",
    "cancelled": "mentors.status.cancelled",
}
