"""Core flows: platform-neutral functions that take a Ctx and return what to say."""

from __future__ import annotations

from bot.registry import Registry


def build_registry() -> Registry:
    """Register every flow. Order matters for menus: commands appear as registered."""
    from bot import notify, schedule
    from bot.flows import (
        activities,
        activities_hours,
        admin,
        campaign_review,
        campaigns,
        cases,
        feedback,
        jobs,
        mentors,
        ordering,
        reconfirm,
        start,
        team_jobs,
        tracking,
        unreachable,
        volunteer,
        volunteer_review,
        webnotice,
        wechat,
    )

    reg = Registry()
    start.register(reg)
    ordering.register(reg)  # free text, /order, deep links → an order (issue 4)
    tracking.register(reg)  # /myorders, timelines, cancelling (issue 4)
    volunteer.register(reg)  # /volunteer, /profile, /available, /busy (issue 5)
    volunteer_review.register(reg)  # admins approve or reject applications (issue 5)
    jobs.register(reg)  # offers, /jobs, /board, job lifecycle, relay, dispatch (issue 5)
    feedback.register(reg)  # ratings after a finished job (issue 6)
    reconfirm.register(reg)  # 能按时到 / 去不了 (issue 6)
    notify.register(reg)  # outbox sends another instance left for this one's channels
    schedule.register(reg)  # reminders, stale claims, digest, star levels (issue 6)
    admin.register(reg)  # /admin and every admin command, broadcasts (issue 7)
    webnotice.register(reg)  # SMS to web requesters whose page is closed (issue 15)
    wechat.register(reg)  # /wechatqr: Official Account QR codes (issue 12)
    unreachable.register(reg)  # admins hear of requesters no channel reaches (issue 12)
    activities.register(reg)  # activities, check-in, attendance (issue 18)
    activities_hours.register(reg)  # /hours, /addhours, the short-job question (issue 18)
    team_jobs.register(reg)  # 组队式服务: several volunteers on one job (issue 18)
    campaigns.register(reg)  # /campaign: service-month stages, needs, 揭榜 (issue 20)
    campaign_review.register(reg)  # /campaign evaluate and report (issue 20)
    cases.register(reg)  # /cases: 优秀案例, their write-ups and the booklet (issue 20)
    mentors.register(reg)  # /mentor, /mentors: 名师带徒 pairings and check-ins (issue 20)
    return reg
