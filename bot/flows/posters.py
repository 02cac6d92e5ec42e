"""/poster team|station|activity … (a printable QR poster) and /link … (the plain links).

Admins only; a scoped admin makes station posters for their own subtree.
The links are the Telegram deep link ``?start=team-<slug>`` / ``station-<code>``
(which ``bot.flows.ordering`` already answers) and the web chat page with the
same payload, when configured.
"""

from __future__ import annotations

import asyncio

from bot import roles
from bot.context import Ctx
from bot.flows.admin_common import args
from bot.registry import Audience, Registry, Result
from bot.reply import Document, Reply
from bot.reports.fonts import NoCJKFont
from bot.reports.posters import Link, links, poster
from bot.texts import Safe, choices
from store.stations import station_by_code
from store.teams import team_by_slug

KINDS = ("team", "station", "activity")


class _Refused(Exception):
    pass


async def _target(ctx: Ctx, usage: str) -> tuple[str, str, str, str]:
    """(file tag, deep-link payload, name, subtitle) for the command's arguments."""
    a = args(ctx)
    if len(a) != 2 or a[0].lower() not in KINDS:
        raise _Refused(ctx.t(usage))
    kind, ref = a[0].lower(), a[1]
    if kind == "activity":
        raise _Refused(ctx.t("reports.poster.activity_unavailable"))
    async with ctx.deps.db.session() as session:
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


async def link(ctx: Ctx) -> Result:
    """The plain links a poster encodes, to paste into a WeChat group."""
    try:
        _tag, payload, name, _sub = await _target(ctx, "reports.link.usage")
    except _Refused as exc:
        return Reply(str(exc))
    found = links(ctx.deps.settings, payload)
    if not found:
        return ctx.reply("reports.poster.no_links")
    return Reply(_lines(ctx, name, found))


async def make_poster(ctx: Ctx) -> Result:
    """An A5 PNG with the name, the call to action and a QR code per configured channel."""
    try:
        tag, payload, name, sub = await _target(ctx, "reports.poster.usage")
    except _Refused as exc:
        return Reply(str(exc))
    found = links(ctx.deps.settings, payload)
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
