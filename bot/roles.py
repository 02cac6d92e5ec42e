"""Admin roles and their station scope.

Super-admins come from ``JIANGXIN_ADMIN_IDS`` and can never be revoked from
chat. Other admins are granted with ``/grant``, either for the whole
association or for one station and everything under it
(``Person.admin_station_id``). The engine refuses admin commands and buttons
to non-admins; the station scope is checked here, by every admin flow that
touches an order, a volunteer or a station.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.errors import Forbidden
from bot.people import (
    is_super_admin,
    is_super_admin_checked,
    is_working_volunteer,
    volunteer_of,
)
from bot.registry import Audience
from store import people as people_store
from store import stations as stations_store
from store.engine import Session
from store.models import Person, Role, Station, utcnow

if TYPE_CHECKING:
    from bot.context import Ctx
    from bot.deps import Deps

log = logging.getLogger(__name__)


def scope_of(ctx: Ctx) -> int | None:
    """The station an admin is limited to, or None for the whole association."""
    if ctx.is_super_admin:
        return None
    return ctx.person.admin_station_id


async def scope_label(ctx: Ctx) -> str:
    """Where an admin acts, in words: 超级管理员, 全部站点 or "<station>及下属站点"."""
    scope = scope_of(ctx)
    if scope is None:
        return ctx.t("admin.scope.super" if ctx.is_super_admin else "admin.scope.all")
    async with ctx.deps.db.session() as session:
        station = await stations_store.station_by_id(session, station_id=scope)
    return ctx.t("admin.scope.station", station=station.name if station else f"#{scope}")


def require_unscoped(ctx: Ctx) -> None:
    """Association-wide settings (teams, keywords, counties) need an unscoped admin."""
    if not ctx.is_admin or scope_of(ctx) is not None:
        raise Forbidden()


def require_super(ctx: Ctx) -> None:
    if not ctx.is_super_admin:
        raise Forbidden()


async def stations_by_id(session: Session) -> dict[int, Station]:
    """Every station (the network is small: a county has a few hundred points at most)."""
    return await stations_store.stations_by_id(session)


def descendants(stations: dict[int, Station], root_id: int) -> set[int]:
    """``root_id`` and every station below it."""
    children: dict[int | None, list[int]] = {}
    for s in stations.values():
        children.setdefault(s.parent_id, []).append(s.id)  # type: ignore[arg-type]
    out: set[int] = set()
    stack = [root_id]
    while stack:
        current = stack.pop()
        if current in out:
            continue
        out.add(current)
        stack.extend(children.get(current, []))
    return out


async def subtree_ids(session: Session, root_id: int) -> set[int]:
    return descendants(await stations_by_id(session), root_id)


async def scope_ids(session: Session, ctx: Ctx) -> set[int] | None:
    """Stations the admin may act on, or None when unlimited."""
    scope = scope_of(ctx)
    return None if scope is None else await subtree_ids(session, scope)


async def in_scope(session: Session, ctx: Ctx, station_id: int | None) -> bool:
    """True if the admin may act on something at ``station_id``.

    Things with no station belong to the association as a whole, so only
    unscoped admins may act on them.
    """
    allowed = await scope_ids(session, ctx)
    if allowed is None:
        return True
    return station_id is not None and station_id in allowed


async def require_scope(session: Session, ctx: Ctx, station_id: int | None) -> None:
    """Raise Forbidden ("无权限") unless the admin may act at ``station_id``."""
    if not ctx.is_admin or not await in_scope(session, ctx, station_id):
        raise Forbidden()


async def find_person(session: Session, ref: str, *, create: bool = False) -> Person | None:
    """A Telegram user by numeric id or ``@username`` (a web person by ``web:<id>``).

    With ``create``, an unknown numeric Telegram id gets a Person row, so an
    admin can be granted before they first write to the bot.
    """
    ref = ref.strip()
    if ref.startswith("@") and len(ref) > 1:
        return await people_store.person_by_username(session, username=ref[1:])
    platform, external = "telegram", ref
    if ref.startswith("web:"):
        platform, external = "web", ref[4:]
    elif not ref.lstrip("-").isdigit() or len(ref) > 20:
        return None
    if not external:
        return None
    person = await people_store.person_by_platform_id(
        session, platform=platform, external_id=external
    )
    if person is None and create and platform == "telegram":
        person = await people_store.add_person(
            session, person=Person(platform="telegram", external_id=external)
        )
    return person


def grant(person: Person, station_id: int | None) -> None:
    """Make ``person`` an admin, for the whole association or one station's subtree."""
    roles = [r for r in (person.roles or []) if r != Role.ADMIN]
    person.roles = [*roles, Role.ADMIN]
    person.admin_station_id = station_id
    person.updated_at = utcnow()


def revoke(person: Person) -> bool:
    """Take the admin role away; False when they were not an admin."""
    if Role.ADMIN not in (person.roles or []):
        return False
    person.roles = [r for r in person.roles if r != Role.ADMIN]
    person.admin_station_id = None
    person.updated_at = utcnow()
    return True


async def menu_audience(deps: Deps, person: Person) -> str:
    """Which command menu ``person`` should see now."""
    from bot.people import is_admin

    async with deps.db.session() as session:
        volunteer = await volunteer_of(session, person)
        admin = is_admin(deps.settings, person) or await is_super_admin_checked(
            session, deps.settings, person
        )
    return Audience.of(admin=admin, volunteer=is_working_volunteer(volunteer))


async def refresh_menu(deps: Deps, person: Person) -> None:
    """Give ``person`` the command menu of their current role on their platform."""
    channel = deps.notifier.channels.get(person.platform)
    set_menu = getattr(channel, "set_menu", None)
    if set_menu is None:
        return
    try:
        await set_menu(person, await menu_audience(deps, person))
    except Exception:
        log.exception("could not refresh the menu of person %s", person.id)


def is_super(deps: Deps, person: Person) -> bool:
    return is_super_admin(deps.settings, person)
