"""/stats [period] [station], /export … [period] [xlsx|csv], and the 📊 图表 button.

A scoped admin sees and exports their own subtree only; naming a station
outside it is refused. Phones and addresses in exports are for super-admins;
other admins get the same file without those columns, never a refusal.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from bot import audit, callbacks, roles
from bot.context import Ctx
from bot.deps import Deps
from bot.errors import Expired
from bot.flows import campaign_review as campaign_flows
from bot.flows import mentors as mentor_flows
from bot.flows import posters, requester, services
from bot.flows.activities import activity_stats
from bot.flows.admin_common import args
from bot.registry import Audience, Registry, Result
from bot.reply import Button, Document, Reply, rows
from bot.reports import tables
from bot.reports.charts import Chart, NoCJKFont
from bot.reports.figures import Figures
from bot.reports.periods import Period
from bot.reports.service import Loaded, export_file, load, period_text, team_name, team_order
from bot.texts import choices, t
from store import tasks
from store.engine import Session
from store.models import Person, Station, Task
from store.stations import station_by_code, station_by_id

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv")
MONTHLY = "month_report"  # task kind: last month's report and charts to the admins


class Speaker(Protocol):
    """What the report texts need from a Ctx; the monthly task speaks without one."""

    @property
    def deps(self) -> Deps: ...

    @property
    def lang(self) -> str: ...

    def t(self, key: str, **kwargs: Any) -> str: ...


@dataclass(frozen=True)
class _Voice:
    deps: Deps
    lang: str

    def t(self, key: str, **kwargs: Any) -> str:
        return t(self.lang, key, **kwargs)


def duration(ctx: Speaker, value: timedelta | None) -> str:
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


def _row(ctx: Speaker, name: str, f: Figures) -> str:
    return ctx.t(
        "reports.stats.row",
        name=name,
        sessions=f.sessions,
        participations=f.participations,
        hours=f"{f.hours:.1f}",
        reached=f.reached,
        rating=_rating(f.rating),
    )


class _Usage(Exception):
    pass


async def _where(
    ctx: Ctx, session: Session, code: str | None
) -> tuple[set[int] | None, Station | None]:
    """Stations the report covers and the station it is rolled up from."""
    within = await roles.scope_ids(session, ctx)
    scope = roles.scope_of(ctx)
    if code is None:
        if scope is None:
            return None, None
        root = (await roles.stations_by_id(session)).get(scope)
        return within, root
    station = await station_by_code(session, code=code)
    if station is None:
        raise _Usage(ctx.t("reports.stats.unknown_station", code=code))
    await roles.require_scope(session, ctx, station.id)
    return await roles.subtree_ids(session, station.id), station  # type: ignore[arg-type]


def stats_text(ctx: Speaker, loaded: Loaded) -> str:
    """The /stats message: totals, order flow, by team, by station with subtotals."""
    r, total = loaded.report, loaded.report.total
    period = period_text(ctx.lang, loaded.period)
    head = (
        ctx.t("reports.stats.head_at", period=period, station=loaded.root.name)
        if loaded.root
        else ctx.t("reports.stats.head", period=period)
    )
    rate = r.unclaimed_rate
    lines = [
        head,
        ctx.t(
            "reports.stats.total",
            sessions=total.sessions,
            participations=total.participations,
            volunteers=total.volunteers,
            hours=f"{total.hours:.1f}",
            enterprises=total.enterprises,
            tech=total.tech_solved,
            reached=total.reached,
            rating=_rating(total.rating),
            ratings=total.ratings,
        ),
        ctx.t(
            "reports.stats.flow",
            created=r.created,
            cancelled=r.cancelled,
            unclaimed=r.unclaimed,
            rate=f"{rate * 100:.1f}%" if rate is not None else "—",
            median=duration(ctx, r.median_to_claim),
            claimed=r.claimed,
        ),
    ]
    if r.by_team:
        lines.append(ctx.t("reports.stats.by_team"))
        for team_id in team_order(loaded):
            lines.append(_row(ctx, team_name(ctx.lang, loaded, team_id), r.by_team[team_id]))
    if r.stations or r.no_station:
        lines.append(ctx.t("reports.stats.by_station"))
        for line in r.stations:
            mark = ctx.t("reports.stats.subtotal") if line.subtotal else ""
            lines.append("　" * line.depth + _row(ctx, line.station.name, line.figures) + mark)
        if r.no_station is not None:
            lines.append(_row(ctx, ctx.t("reports.stats.no_station"), r.no_station))
    if total.sessions == 0:
        now = Period.month_of(ctx.deps.now(), ctx.deps.settings.tz)
        key = "reports.stats.none_now" if loaded.period == now else "reports.stats.none"
        lines.append(ctx.t(key, period=period))
    return "\n".join(lines)


def _parse(ctx: Ctx, a: list[str], *, formats: bool) -> tuple[Period, str | None, str]:
    """Period, station code and file format from the arguments, in any order."""
    period: Period | None = None
    code: str | None = None
    fmt = "xlsx"
    for word in a:
        if formats and word.lower() in FORMATS:
            fmt = word.lower()
        elif period is None and (p := Period.parse(word)) is not None:
            period = p
        elif code is None and not formats and word.isascii() and not word[:1].isdigit():
            code = word
        else:
            raise _Usage()
    return period or Period.month_of(ctx.deps.now(), ctx.deps.settings.tz), code, fmt


async def stats(ctx: Ctx) -> Result:
    """The period's figures, in total, by team and by station rolled up the tree."""
    try:
        period, code, _ = _parse(ctx, args(ctx), formats=False)
        async with ctx.deps.db.session() as session:
            within, root = await _where(ctx, session, code)
            loaded = await load(
                session, period=period, tz=ctx.deps.settings.tz, within=within, root=root
            )
    except _Usage as exc:
        return Reply(exc.args[0] if exc.args else ctx.t("reports.stats.usage"))
    data = callbacks.encode(callbacks.REPORT_CHARTS, period.label, root.code if root else "-")
    buttons = (
        (
            Button(ctx.t("reports.btn.chart"), data),
            Button(
                ctx.t("reports.btn.export"),
                callbacks.encode(callbacks.REPORT_EXPORT, "orders", period.label),
            ),
        ),
    )
    # issue 18: activities' 场次 · 人次 · 惠及, apart from the one-to-one jobs above them
    acts = await activity_stats(ctx, *period.bounds(ctx.deps.settings.tz), within)
    # issue 20: the current campaign and 名师带徒 pairings
    acts += await campaign_flows.stats_lines(ctx) + await mentor_flows.stats_lines(ctx, within)
    return Reply("\n".join([stats_text(ctx, loaded), *acts]), buttons=buttons)


async def export(ctx: Ctx) -> Result:
    """``/export <kind> [period] [xlsx|csv]``; no arguments offers the kinds as buttons."""
    a = args(ctx)
    if not a:
        label = Period.month_of(ctx.deps.now(), ctx.deps.settings.tz).label
        buttons = rows(
            *(
                Button(
                    ctx.t(choices.EXPORT_KIND[k]),
                    callbacks.encode(callbacks.REPORT_EXPORT, k, label),
                )
                for k in tables.KINDS
            ),
            per_row=2,
        )
        return Reply(ctx.t("reports.export.pick"), buttons=buttons)
    kind = a[0].lower()
    if kind not in tables.KINDS or len(a) > 3:
        return ctx.reply("reports.export.usage")
    try:
        period, _, fmt = _parse(ctx, a[1:], formats=True)
    except _Usage:
        return ctx.reply("reports.export.usage")
    return await _send_export(ctx, kind, period, fmt)


async def export_button(ctx: Ctx) -> Result:
    kind = callbacks.str_arg(ctx.args, 0, tuple(tables.KINDS))
    period = Period.parse(callbacks.str_arg(ctx.args, 1))
    if period is None:
        raise Expired()
    return await _send_export(ctx, kind, period, "xlsx")


async def _send_export(ctx: Ctx, kind: str, period: Period, fmt: str) -> Result:
    what = ctx.t(choices.EXPORT_KIND[kind])
    private = ctx.is_super_admin  # phones and addresses only for super-admins
    async with ctx.deps.db.session() as session:
        within, root = await _where(ctx, session, None)
        made = await export_file(
            session,
            kind=kind,
            period=period,
            tz=ctx.deps.settings.tz,
            lang=ctx.lang,
            within=within,
            root=root,
            private=private,
            fmt=fmt,
        )
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="export",
            target_type="export",
            target_id=kind,
            after={"month": period.label, "rows": made.rows, "private": private, "format": fmt},
        )
    key = "reports.export.caption" if private else "reports.export.caption_redacted"
    caption = ctx.t(key, what=what, period=period.label, n=made.rows)
    return Reply(caption, document=Document(made.filename, made.content, caption))


_DRAWING = asyncio.Lock()  # pyplot keeps global state: one chart at a time


async def charts(ctx: Ctx) -> Result:
    """📊 图表: the period's charts as PNG files, each with its numbers in the caption."""
    period = Period.parse(callbacks.str_arg(ctx.args, 0))
    code = callbacks.str_arg(ctx.args, 1)
    if period is None:
        raise Expired()
    async with ctx.deps.db.session() as session:
        try:
            within, root = await _where(ctx, session, None if code == "-" else code)
        except _Usage:
            raise Expired() from None
        loaded = await load(
            session, period=period, tz=ctx.deps.settings.tz, within=within, root=root
        )
    label = period_text(ctx.lang, period)
    if not loaded.created and not loaded.served:
        return Reply(ctx.t("reports.chart.empty", period=label))
    async with _DRAWING:
        try:
            made = await asyncio.to_thread(_draw, ctx, loaded, label)
        except NoCJKFont:
            return Reply(ctx.t("reports.chart.no_font"))
    return [Reply(c.caption, document=Document(c.filename, c.png, c.caption)) for c in made]


def _draw(ctx: Speaker, loaded: Loaded, label: str) -> list[Chart]:
    from bot.reports import charts as draw

    tz, tag = ctx.deps.settings.tz, loaded.period.label
    weekly = [(team_name(ctx.lang, loaded, c.team_id), c.created_at) for c in loaded.created]
    ratings = [r.rating for r in loaded.served if r.rating is not None]
    lines = loaded.report.stations
    station_lines = [
        (
            "　" * ln.depth + ln.station.name,
            ctx.t(
                "reports.chart.station.line",
                name=ln.station.name,
                n=ln.figures.sessions,
                hours=f"{ln.figures.hours:.1f}",
                reached=ln.figures.reached,
            ),
        )
        for ln in lines
    ]
    return [
        draw.orders_per_week(
            ctx.t("reports.chart.week.title", period=label),
            ctx.t("reports.chart.week.axis"),
            weekly,
            tz,
            f"jiangxin-weekly-{tag}.png",
            ctx.t("reports.chart.week.caption", period=label),
        ),
        draw.rating_distribution(
            ctx.t("reports.chart.rating.title", period=label),
            ctx.t("reports.chart.rating.axis"),
            ratings,
            f"jiangxin-ratings-{tag}.png",
            ctx.t("reports.chart.rating.caption", period=label, n=len(ratings)),
            ctx.t("reports.chart.rating.unit"),
        ),
        draw.station_rollup(
            ctx.t("reports.chart.station.title", period=label),
            ctx.t("reports.chart.station.axis"),
            station_lines,
            [ln.figures.sessions for ln in lines],
            f"jiangxin-stations-{tag}.png",
            ctx.t("reports.chart.station.caption", period=label),
        ),
    ]


# ---------------------------------------------------------------- the monthly report


async def on_month_started(deps: Deps, **_: Any) -> None:
    """The star review opened a month: last month's report becomes a task (once per month)."""
    last = Period.month_of(deps.now(), deps.settings.tz)
    index = last.year * 12 + last.month - 2
    month = Period(index // 12, index % 12 + 1)
    async with deps.db.session() as session:
        await tasks.ensure(
            session, MONTHLY, deps.now(), {"month": month.label}, key=f"{MONTHLY}:{month.label}"
        )


async def run_monthly(deps: Deps, task: Task) -> None:
    """Each admin gets last month's /stats for their scope, and its charts."""
    from bot.notify import admins, notify

    period = Period.parse(str(task.payload.get("month", "")))
    if period is None:
        return
    for person in await admins(deps):
        voice = _Voice(deps, person.language or "zh")
        try:
            for reply in await _monthly_for(deps, person, period, voice):
                await notify(deps, person, reply)
        except Exception:  # one admin's failure must not stop the others
            log.exception("monthly report to person %s failed", person.id)


async def _monthly_for(deps: Deps, person: Person, period: Period, voice: _Voice) -> list[Reply]:
    from bot.roles import is_super, subtree_ids

    scope = None if is_super(deps, person) else person.admin_station_id
    async with deps.db.session() as session:
        root = await station_by_id(session, station_id=scope) if scope is not None else None
        within = await subtree_ids(session, scope) if scope is not None else None
        loaded = await load(session, period=period, tz=deps.settings.tz, within=within, root=root)
    # the month's activities (场次 · 人次 · 惠及), as /stats shows them under the jobs
    acts = await activity_stats(voice, *period.bounds(deps.settings.tz), within)
    out = [Reply("\n".join([stats_text(voice, loaded), *acts]))]
    if loaded.served or loaded.created:
        label = period_text(voice.lang, period)
        async with _DRAWING:
            try:
                made = await asyncio.to_thread(_draw, voice, loaded, label)
            except NoCJKFont:
                return out
        out += [Reply(c.caption, document=Document(c.filename, c.png, c.caption)) for c in made]
    return out


def register(reg: Registry) -> None:
    reg.command("stats", stats, audience=Audience.ADMIN, menu="menu.stats")
    reg.command("export", export, audience=Audience.ADMIN, menu="menu.export")
    reg.button(callbacks.REPORT_EXPORT, export_button, admin=True)
    reg.button(callbacks.REPORT_CHARTS, charts, admin=True)
    reg.task(MONTHLY, run_monthly)
    reg.listen("month_started", on_month_started)
    posters.register(reg)  # /poster, /link
    # Issue 19's other parts, registered here (after dispatch's listeners) to keep
    # bot/flows/__init__.py untouched for the parallel restructuring.
    requester.register(reg)  # who asked, 惠及人数
    services.register(reg)  # /servicelist, /myservices, team → services
