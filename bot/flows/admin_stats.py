"""/stats [YYYY-MM] (the month's report) and /export orders|volunteers|feedback [YYYY-MM].

A station admin's figures and exports cover their own stations only.
Exports carrying phone numbers or addresses are for super-admins; other
admins get the same file without those columns (see ``bot.exports``).
"""

from __future__ import annotations

from datetime import date, timedelta

from bot import audit, exports, roles
from bot.context import Ctx
from bot.flows.activities import activity_stats
from bot.flows.admin_common import args
from bot.flows.admin_stations import ordered_tree
from bot.registry import Audience, Registry, Result
from bot.reply import Document, Reply
from bot.stats import Figures, Month, month_stats
from bot.texts import choices, date_text
from store.teams import teams_by_id


def _month(ctx: Ctx, a: list[str]) -> Month | None:
    if not a:
        return Month.containing(ctx.deps.now(), ctx.deps.settings.tz)
    return Month.parse(a[0]) if len(a) == 1 else None


def _month_text(ctx: Ctx, month: Month) -> str:
    return date_text(ctx.lang, "date.month", date(month.year, month.month, 1))


def duration(ctx: Ctx, value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = value.total_seconds() / 60
    if minutes < 90:
        return ctx.t("admin.dur.minutes", n=round(minutes))
    if minutes < 48 * 60:
        return ctx.t("admin.dur.hours", n=f"{minutes / 60:.1f}")
    return ctx.t("admin.dur.days", n=f"{minutes / 1440:.1f}")


def _rating(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "—"


def _row(ctx: Ctx, name: str, f: Figures) -> str:
    return ctx.t(
        "admin.stats.row",
        name=name,
        sessions=f.sessions,
        volunteers=f.volunteers,
        people=f.people,
        hours=f"{f.hours:.1f}",
        rating=_rating(f.rating),
    )


async def stats(ctx: Ctx) -> Result:
    """The month's service figures, in total, by team and by station."""
    month = _month(ctx, args(ctx))
    if month is None:
        return ctx.reply("admin.stats.usage")
    tz = ctx.deps.settings.tz
    async with ctx.deps.db.session() as session:
        within = await roles.scope_ids(session, ctx)
        report = await month_stats(session, month, tz, within)
        teams = await teams_by_id(session)
        stations = await roles.stations_by_id(session)
    total = report.total
    rate = report.unclaimed_rate
    lines = [
        ctx.t("admin.stats.head", month=_month_text(ctx, month)),
        ctx.t(
            "admin.stats.total",
            sessions=total.sessions,
            volunteers=total.volunteers,
            people=total.people,
            hours=f"{total.hours:.1f}",
            rating=_rating(total.rating),
            ratings=total.ratings,
        ),
        ctx.t(
            "admin.stats.flow",
            created=report.created,
            cancelled=report.cancelled,
            unclaimed=report.unclaimed,
            rate=f"{rate * 100:.1f}%" if rate is not None else "—",
            median=duration(ctx, report.median_to_claim),
            claimed=report.claimed,
        ),
    ]
    if report.by_team:
        lines.append(ctx.t("admin.stats.by_team"))
        ordered = sorted(
            report.by_team, key=lambda k: (teams[k].sort_order if k in teams else 1 << 30, k or 0)
        )
        for team_id in ordered:
            team = teams.get(team_id) if team_id is not None else None
            name = team.name if team else ctx.t("order.no_team")
            lines.append(_row(ctx, name, report.by_team[team_id]))
    if report.by_station:
        lines.append(ctx.t("admin.stats.by_station"))
        roots = [s.id for s in stations.values() if s.parent_id not in stations]
        for _depth, station in ordered_tree(stations, roots):  # type: ignore[arg-type]
            if station.id in report.by_station:
                lines.append(_row(ctx, station.name, report.by_station[station.id]))
        if None in report.by_station:
            lines.append(_row(ctx, ctx.t("admin.stats.no_station"), report.by_station[None]))
    if total.sessions == 0:
        this_month = month == Month.containing(ctx.deps.now(), tz)
        key = "admin.stats.none" if this_month else "admin.stats.none_in"
        lines.append(ctx.t(key, month=_month_text(ctx, month)))
    lines += await activity_stats(ctx, *month.bounds(tz), within)  # issue 18: 场次 · 人次 · 惠及
    return Reply("\n".join(lines))


async def export(ctx: Ctx) -> Result:
    """``/export orders|volunteers|feedback [YYYY-MM]``: a CSV document Excel opens as is."""
    a = args(ctx)
    if not a or a[0].lower() not in exports.KINDS or len(a) > 2:
        return ctx.reply("admin.export.usage")
    kind = a[0].lower()
    month = _month(ctx, a[1:])
    if month is None:
        return ctx.reply("admin.export.usage")
    private = ctx.is_super_admin  # phones and addresses only for super-admins
    async with ctx.deps.db.session() as session:
        within = await roles.scope_ids(session, ctx)
        table = await exports.build(
            session, kind, month, ctx.deps.settings.tz, ctx.lang, stations=within, private=private
        )
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="export",
            target_type="export",
            target_id=kind,
            after={"month": month.label, "rows": table.rows, "private": private},
        )
    caption_key = "admin.export.caption" if private else "admin.export.caption_redacted"
    caption = ctx.t(
        caption_key, what=ctx.t(choices.EXPORT_KIND[kind]), month=month.label, n=table.rows
    )
    filename = f"jiangxin-{kind}-{month.label}.csv"
    return Reply(caption, document=Document(filename, table.content, caption))


def register(reg: Registry) -> None:
    reg.command("stats", stats, audience=Audience.ADMIN, menu="menu.stats")
    reg.command("export", export, audience=Audience.ADMIN, menu="menu.export")
