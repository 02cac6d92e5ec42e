"""/poster team|station|activity … (a printable QR poster) and /link … (the plain links).

Admins only; a scoped admin makes station and activity posters for their own subtree.
The links are the Telegram deep link ``?start=team-<slug>`` / ``station-<code>`` /
``activity-<id>`` (which ``bot.flows.ordering`` and ``bot.flows.activities`` answer),
the web chat page with the same payload, and, when the WeChat channel runs, the
Official Account's parametric QR code whose scene is that payload (scanning it
follows the account and opens the same deep link).
"""

from __future__ import annotations

import asyncio
import logging

from bot import roles
from bot.context import Ctx
from bot.flows.admin_common import args
from bot.registry import Audience, Registry, Result
from bot.reply import Document, Reply
from bot.reports.fonts import NoCJKFont
from bot.reports.posters import Link, links, poster
from bot.texts import Safe, choices, date_text
from store.activities import activity_by_id
from store.models import ActivityStatus
from store.stations import station_by_code
from store.teams import team_by_slug

log = logging.getLogger(__name__)

KINDS = ("team", "station", "activity")


class _Refused(Exception):
    pass


async def _target(ctx: Ctx, usage: str) -> tuple[str, str, str, str]:
    """(file tag, deep-link payload, name, subtitle) for the command's arguments."""
    a = args(ctx)
    if len(a) != 2 or a[0].lower() not in KINDS:
        raise _Refused(ctx.t(usage))
    kind, ref = a[0].lower(), a[1]
    async with ctx.deps.db.session() as session:
        if kind == "activity":
            found = await activity_by_id(session, activity_id=int(ref)) if ref.isdigit() else None
            if found is None or found.status != ActivityStatus.PUBLISHED:
                raise _Refused(ctx.t("reports.poster.unknown_activity", ref=ref))
            if found.station_id is not None:
                await roles.require_scope(session, ctx, found.station_id)
            when = date_text(
                ctx.lang, "date.when", found.starts_at.astimezone(ctx.deps.settings.tz)
            )
            sub = " · ".join(p for p in (when, found.place) if p)
            return f"activity-{found.id}", f"activity-{found.id}", found.title, sub
        if kind == "team":
            team = await team_by_slug(session, slug=ref)
            if team is None or not team.active:
                raise _Refused(ctx.t("reports.poster.unknown_team", slug=ref))
            return f"team-{team.slug}", f"team-{team.slug}", team.name, team.description
        station = await station_by_code(session, code=ref)
        if station is None or not station.active:
            raise _Refused(ctx.t("reports.poster.unknown_station", code=ref))
        await roles.require_scope(session, ctx, station.id)
        sub = ctx.t(choices.REPORT_LEVEL[station.level]) + (
            f" · {station.address}" if station.address else ""
        )
        return f"station-{station.code}", f"station-{station.code}", station.name, sub


def _lines(ctx: Ctx, name: str, found: list[Link]) -> str:
    rows = [ctx.t("reports.link.head", name=name)]
    rows += [ctx.t(choices.LINK_LINE[ln.channel], url=ln.url) for ln in found]
    return "\n".join(rows)


async def _with_wechat(ctx: Ctx, payload: str) -> list[Link]:
    """The configured links, plus the WeChat QR scene when that channel runs."""
    found = links(ctx.deps.settings, payload)
    maker = ctx.deps.qrcodes
    if maker is not None:
        try:
            found.append(Link("wechat", await maker.scene_url(payload)))
        except Exception as exc:  # WeChat down or refusing: the other codes still help
            log.warning("no WeChat QR code for %s: %s", payload, exc)
    return found


async def link(ctx: Ctx) -> Result:
    """The plain links a poster encodes, to paste into a WeChat group."""
    try:
        _tag, payload, name, _sub = await _target(ctx, "reports.link.usage")
    except _Refused as exc:
        return Reply(str(exc))
    found = await _with_wechat(ctx, payload)
    if not found:
        return ctx.reply("reports.poster.no_links")
    return Reply(_lines(ctx, name, found))


async def make_poster(ctx: Ctx) -> Result:
    """An A5 PNG with the name, the call to action and a QR code per configured channel."""
    try:
        tag, payload, name, sub = await _target(ctx, "reports.poster.usage")
    except _Refused as exc:
        return Reply(str(exc))
    found = await _with_wechat(ctx, payload)
    if not found:
        return ctx.reply("reports.poster.no_links")
    codes = [(ctx.t(choices.POSTER_LABEL[ln.channel]), ln.url) for ln in found]
    try:
        png = await asyncio.to_thread(
            poster,
            title=name,
            subtitle=sub[:40],
            call_to_action=ctx.t("reports.poster.cta"),
            codes=codes,
            footer=ctx.t("reports.poster.footer"),
        )
    except NoCJKFont:
        return ctx.reply("reports.poster.no_font")
    caption = ctx.t("reports.poster.caption", name=name) + "\n" + _lines(ctx, name, found)
    return Reply(caption, document=Document(f"jiangxin-poster-{tag}.png", png, Safe(caption)))


def register(reg: Registry) -> None:
    reg.command("poster", make_poster, audience=Audience.ADMIN, menu="menu.poster")
    reg.command("link", link, audience=Audience.ADMIN, menu="menu.link")
