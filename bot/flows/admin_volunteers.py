"""/volunteers [pending|<team>|<station>], /approve, /suspend, /resume (and 批准/拒绝 buttons).

Status moves are ``bot.volunteers``'s (conditional, audited, the volunteer is
told); this module finds the volunteer an admin means, checks the admin's
station scope and reports the result.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot import callbacks, roles
from bot import volunteers as vol
from bot.context import Ctx
from bot.errors import Expired
from bot.flows.admin_common import (
    LIST_LIMIT,
    MESSAGE_BUDGET,
    args,
    fitting,
    rest_text,
    short,
    volunteer_in_scope,
)
from bot.registry import Audience, Registry, Result
from bot.reply import Button, Outcome, Reply
from bot.texts import choices
from store.models import Station, Volunteer, VolunteerStatus
from store.stations import station_by_code
from store.teams import team_by_slug, team_names_by_volunteer
from store.volunteers import volunteer_by_id, volunteers_page

MAX_REASON = 200
MAX_PENDING_BUTTONS = 10
_STATUS_WORDS = {
    "pending": VolunteerStatus.PENDING, "待审核": VolunteerStatus.PENDING,
    "active": VolunteerStatus.ACTIVE, "在岗": VolunteerStatus.ACTIVE,
    "paused": VolunteerStatus.PAUSED, "暂停": VolunteerStatus.PAUSED,
    "suspended": VolunteerStatus.SUSPENDED, "停用": VolunteerStatus.SUSPENDED,
    "rejected": VolunteerStatus.REJECTED, "未通过": VolunteerStatus.REJECTED,
}  # fmt: skip


async def list_command(ctx: Ctx) -> Result:
    a = args(ctx)
    if len(a) > 1:
        return ctx.reply("admin.vols.usage")
    return await show(ctx, a[0] if a else None)


async def show(ctx: Ctx, filter_: str | None) -> Result:
    """Volunteers in the admin's scope: all, by status, by team slug or by station code."""
    title = ctx.t("admin.vols.title.all")
    pending_view = False
    status: str | None = None
    team_id: int | None = None
    subtree: set[int] | None = None
    async with ctx.deps.db.session() as session:
        within = await roles.scope_ids(session, ctx)
        if filter_ is None:
            pass  # everyone but rejected applicants
        elif filter_.lower() in _STATUS_WORDS:
            status = _STATUS_WORDS[filter_.lower()]
            title = ctx.t(choices.VOLUNTEER_STATUS_ADMIN[status])
            pending_view = status == VolunteerStatus.PENDING
        elif (team := await team_by_slug(session, slug=filter_)) is not None:
            team_id = team.id
            title = team.name
        elif (station := await station_by_code(session, code=filter_)) is not None:
            await roles.require_scope(session, ctx, station.id)
            subtree = await roles.subtree_ids(session, station.id)  # type: ignore[arg-type]
            title = station.name
        else:
            return ctx.reply("admin.vols.unknown_filter", value=filter_)
        total, rows = await volunteers_page(
            session,
            status=status,
            team_id=team_id,
            station_ids=subtree,
            within=within,
            newest_first=pending_view,
            limit=LIST_LIMIT,
        )
        teams = await team_names_by_volunteer(session, ids=[v.id for v in rows])  # type: ignore[misc]
        stations = await roles.stations_by_id(session)
    if not rows:
        return ctx.reply("admin.vols.empty", title=title)
    lines = [_line(ctx, v, teams.get(v.id, []), stations, pending_view) for v in rows]  # type: ignore[arg-type]
    head = ctx.t("admin.vols.head", title=title, n=total)
    more = ctx.t("admin.list.more", shown=len(rows), n=total)
    shown = fitting(lines, MESSAGE_BUDGET - len(head) - len(more) - 2)
    rows, lines = rows[:shown], lines[:shown]
    text = head + "\n" + "\n".join(lines)
    if total > len(rows):
        text += "\n" + ctx.t("admin.list.more", shown=len(rows), n=total)
    return Reply(text, buttons=_decide_buttons(ctx, rows) if pending_view else ())


def _decide_buttons(ctx: Ctx, pending: list[Volunteer]) -> tuple[tuple[Button, ...], ...]:
    """批准 / 拒绝 under the first applications of the pending list."""
    return tuple(
        (
            Button(
                _label(ctx, "admin.vols.approve", v),
                callbacks.encode(callbacks.PENDING_LIST_APPROVE, v.id),
            ),
            Button(
                _label(ctx, "admin.vols.reject", v),
                callbacks.encode(callbacks.PENDING_LIST_REJECT, v.id),
            ),
        )
        for v in pending[:MAX_PENDING_BUTTONS]
    )


def _label(ctx: Ctx, key: str, v: Volunteer) -> str:
    """A button label: plain text, so the escaping ``t`` does for HTML is undone."""
    return html.unescape(ctx.t(key, id=v.id, name=short(v.name, 12)))


def _line(
    ctx: Ctx, v: Volunteer, teams: list[str], stations: dict[int, Station], detailed: bool
) -> str:
    station = stations.get(v.station_id) if v.station_id else None  # type: ignore[arg-type]
    line = ctx.t(
        "admin.vols.line",
        id=v.id,
        name=v.name,
        status=ctx.t(choices.VOLUNTEER_STATUS_ADMIN[v.status]),
        station=station.name if station else "—",
        teams="、".join(teams) or "—",
        hours=f"{v.service_minutes / 60:.1f}",
    )
    if detailed:
        line += "\n" + ctx.t(
            "admin.vols.detail",
            phone=v.phone or "—",
            skills=short(v.skills, 60) or "—",
            honours=short(v.honours, 40) or "—",
        )
    return line


Move = Callable[..., Awaitable[Volunteer | None]]


async def _act(ctx: Ctx, ref: str, move: Move, done_key: str, **kw: Any) -> Reply:
    """Apply a status move to the volunteer ``ref`` names, within the admin's scope."""
    async with ctx.deps.db.session() as session:
        volunteer = await volunteer_in_scope(session, ctx, ref)
    before = volunteer.status
    result = await move(ctx.deps, volunteer.id, by=ctx.person, **kw)
    if result is None:
        return ctx.reply(
            "admin.vols.cannot",
            name=volunteer.name,
            status=ctx.t(choices.VOLUNTEER_STATUS_ADMIN[before]),
        )
    return ctx.reply(done_key, name=volunteer.name, id=volunteer.id)


async def approve(ctx: Ctx) -> Result:
    a = args(ctx)
    if len(a) != 1:
        return ctx.reply("admin.approve.usage")
    return await _act(ctx, a[0], vol.approve, "admin.approve.done")


async def suspend(ctx: Ctx) -> Result:
    a = args(ctx)
    if not a:
        return ctx.reply("admin.suspend.usage")
    reason = rest_text(ctx, 1)[:MAX_REASON] or None
    return await _act(ctx, a[0], vol.suspend, "admin.suspend.done", reason=reason)


async def resume(ctx: Ctx) -> Result:
    a = args(ctx)
    if len(a) != 1:
        return ctx.reply("admin.resume.usage")
    return await _act(ctx, a[0], vol.resume, "admin.resume.done")


async def _decide(ctx: Ctx, move: Move, done_key: str) -> Result:
    """批准/拒绝 under the pending list: the row is re-checked, the list stays as it was."""
    volunteer_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        volunteer = await volunteer_by_id(session, volunteer_id=volunteer_id)
        if volunteer is None:
            raise Expired()
        await roles.require_scope(session, ctx, volunteer.station_id)
    if volunteer.status != VolunteerStatus.PENDING:
        raise Expired()
    if await move(ctx.deps, volunteer_id, by=ctx.person) is None:
        raise Expired()  # somebody else decided first
    toast = html.unescape(
        re.sub(r"<[^>]+>", "", ctx.t(done_key, name=volunteer.name, id=volunteer.id))
    )
    refreshed = await show(ctx, VolunteerStatus.PENDING)
    if isinstance(refreshed, Reply):
        return Outcome([dataclasses.replace(refreshed, edit=True)], toast=toast[:200])
    return Outcome(toast=toast[:200])


async def approve_button(ctx: Ctx) -> Result:
    return await _decide(ctx, vol.approve, "admin.approve.done")


async def reject_button(ctx: Ctx) -> Result:
    return await _decide(ctx, vol.reject, "admin.reject.done")


def register(reg: Registry) -> None:
    reg.command("volunteers", list_command, audience=Audience.ADMIN, menu="menu.volunteers")
    reg.command("approve", approve, audience=Audience.ADMIN, menu="menu.approve")
    reg.command("suspend", suspend, audience=Audience.ADMIN, menu="menu.suspend")
    reg.command("resume", resume, audience=Audience.ADMIN, menu="menu.resume")
    reg.button(callbacks.PENDING_LIST_APPROVE, approve_button, admin=True)
    reg.button(callbacks.PENDING_LIST_REJECT, reject_button, admin=True)
