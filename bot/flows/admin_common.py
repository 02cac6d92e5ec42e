"""Small helpers the admin flows share: arguments, lookups by what admins type, times."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import orders, roles
from bot.context import Ctx
from bot.deps import Deps
from bot.errors import Refusal
from bot.events import Kind
from bot.texts import has
from store.models import Order, Person, Station, Team, Volunteer

LIST_LIMIT = 30  # rows a list command shows; the rest is counted, not listed
_HEAD = re.compile(r"^\s*/?\S+")
_TOKEN = re.compile(r"^\s*\S+")


def args(ctx: Ctx) -> list[str]:
    """The command's arguments (a button press that opens a view has none)."""
    return list(ctx.event.args) if ctx.event.kind == Kind.COMMAND else []


def rest_text(ctx: Ctx, skip: int) -> str:
    """The command's text after its name and ``skip`` arguments, line breaks kept."""
    text = ctx.event.text
    if not text:
        return " ".join(ctx.event.args[skip:]).strip()
    text = _HEAD.sub("", text, count=1)
    for _ in range(skip):
        text = _TOKEN.sub("", text, count=1)
    return text.strip()


def local(deps: Deps, dt: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    """``dt`` in the association's time zone (empty for None)."""
    return dt.astimezone(deps.settings.tz).strftime(fmt) if dt else ""


def action_label(ctx: Ctx, action: str) -> str:
    """An audit action (``order.cancel``) in words, or as it is when there are none."""
    key = f"admin.act.{action}"
    return ctx.t(key) if has(key) else action


def person_name(person: Person | None) -> str:
    if person is None:
        return "?"
    if person.display_name:
        return person.display_name
    return f"@{person.username}" if person.username else f"#{person.id}"


def short(text: str | None, limit: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def team_by_slug(session: AsyncSession, slug: str) -> Team | None:
    stmt = select(Team).where(col(Team.slug) == slug.strip().lower())
    return (await session.exec(stmt)).first()


async def station_by_code(session: AsyncSession, code: str) -> Station | None:
    stmt = select(Station).where(func.lower(col(Station.code)) == code.strip().lower())
    return (await session.exec(stmt)).first()


async def find_volunteer(session: AsyncSession, ref: str) -> Volunteer | None:
    """A volunteer by number (``12``, ``#12``, ``V12``), ``@username`` or exact unique name."""
    ref = ref.strip()
    number = ref.lstrip("#").removeprefix("V").removeprefix("v")
    if number.isdigit() and len(number) <= 9:
        return await session.get(Volunteer, int(number))
    if ref.startswith("@") and len(ref) > 1:
        stmt = (
            select(Volunteer)
            .join(Person, col(Person.id) == col(Volunteer.person_id))
            .where(func.lower(col(Person.username)) == ref[1:].lower())
        )
        return (await session.exec(stmt)).first()
    matches = (await session.exec(select(Volunteer).where(col(Volunteer.name) == ref))).all()
    return matches[0] if len(matches) == 1 else None


async def order_in_scope(session: AsyncSession, ctx: Ctx, code: str) -> Order:
    """The order behind ``code``, or a refusal: unknown code, or outside the admin's stations."""
    order = await orders.by_code(session, code)
    if order is None:
        raise Refusal("admin.order.not_found", code=code)
    await roles.require_scope(session, ctx, order.station_id)
    return order


async def volunteer_in_scope(session: AsyncSession, ctx: Ctx, ref: str) -> Volunteer:
    volunteer = await find_volunteer(session, ref)
    if volunteer is None:
        raise Refusal("admin.vol.not_found", ref=ref)
    await roles.require_scope(session, ctx, volunteer.station_id)
    return volunteer
