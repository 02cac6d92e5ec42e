"""Service lists (issue 19): team → services on /order, the monthly /servicelist,
and volunteers' own offers (/myservices) ordered directly.

- ``/order`` → a team → its concrete services (数控, 家电维修, 理发 …); picking
  one starts the usual ordering dialog with the team and service recorded.
  The default services are seeded once (``DEFAULT_SERVICES``); admins edit
  them with ``/servicelist add|remove|star``.
- ``/servicelist``: this month's published list, the highlighted services and
  what volunteers offer, each with a button to order it; ``/servicelist
  edit`` (admins) takes the month's text, and 📣 pushes it to everyone who
  subscribed (``/servicelist`` has the subscribe button).
- ``/myservices`` (volunteers): ``add 标题 | 说明 | 地点 | 时间`` and
  ``remove <编号>``. Ordering an offer sends it to that volunteer first; the
  team gets it from the next offer wave if they do not claim it (bot.dispatch).
"""

from __future__ import annotations

import re

from bot import callbacks, roles
from bot.context import Ctx
from bot.errors import Expired, Forbidden
from bot.flows.admin_common import args, number, rest_text
from bot.flows.service_menu import DEFAULT_SERVICES, seeded
from bot.notify import notify
from bot.registry import Audience, Registry, Result
from bot.reply import Button, Reply, rows
from bot.reports.periods import Period
from store import services as store
from store.dialogs import clear_dialog, dialog_of, save_dialog
from store.models import (
    ServiceList,
    TeamService,
    VolunteerService,
    VolunteerStatus,
    utcnow,
)
from store.people import person_by_id
from store.teams import team_by_id, team_by_slug
from store.volunteers import by_person, volunteer_by_id

FLOW = "slist"
MAX_LIST = 3000
_SPLIT = re.compile(r"\s*[|｜]\s*")


def _month(ctx: Ctx) -> str:
    return Period.month_of(ctx.deps.now(), ctx.deps.settings.tz).label


# ---------------------------------------------------------------- /order → team → services


async def pick_service(ctx: Ctx) -> Result:
    """A service button: put it on the open order draft of its team, or start one."""
    from bot.flows.order_draft import FLOW as ORDER_FLOW
    from bot.flows.ordering import _start_with_team

    service_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        service = await store.service_by_id(session, service_id=service_id)
        team = await team_by_id(session, team_id=service.team_id) if service else None
        if service is None or not service.active or team is None or not team.active:
            raise Expired()
        state = await dialog_of(session, person_id=ctx.person.id)  # type: ignore[arg-type]
        if state is not None and state.flow == ORDER_FLOW and state.data.get("team_id") == team.id:
            data = dict(state.data, service_id=service.id)
            await save_dialog(
                session,
                person_id=ctx.person.id,  # type: ignore[arg-type]
                flow=ORDER_FLOW,
                step=state.step,
                data=data,
            )
            return ctx.reply("services.chosen", name=service.name, team=team.name)
    started = await _start_with_team(ctx, team, "browse", {"service_id": service.id})
    if isinstance(started, Reply) and started.buttons:
        return [ctx.reply("services.chosen", name=service.name, team=team.name), started]
    return started


async def order_offer(ctx: Ctx) -> Result:
    """A volunteer's own offer: the order goes to them first (``preferred_volunteer_id``)."""
    offer_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        offer = await store.offer_by_id(session, offer_id=offer_id)
        team = await team_by_id(session, team_id=offer.team_id) if offer and offer.team_id else None
        vol = await volunteer_by_id(session, volunteer_id=offer.volunteer_id) if offer else None
    if offer is None or not offer.active or team is None or not team.active or vol is None:
        raise Expired()
    if vol.person_id == ctx.person.id:
        return ctx.reply("services.offer.own")
    extra = {"volunteer_service_id": offer.id, "preferred_volunteer_id": vol.id}
    intro = ctx.t("services.offer.chosen", title=offer.title, name=vol.name)
    from bot.flows.ordering import _start_with_team

    started = await _start_with_team(ctx, team, "offer", extra)
    return [Reply(intro), started] if isinstance(started, Reply) and started.buttons else started


# ---------------------------------------------------------------- /servicelist


async def servicelist(ctx: Ctx) -> Result:
    """``/servicelist`` for everyone; ``edit|add|remove|star …`` for admins."""
    a = args(ctx)
    if a:
        sub = a[0].lower()
        if sub not in ADMIN_SUBCOMMANDS:
            return ctx.reply("services.list.usage")
        if not ctx.is_admin:
            raise Forbidden()
        return await ADMIN_SUBCOMMANDS[sub](ctx, a[1:])
    await seeded(ctx)
    month = _month(ctx)
    async with ctx.deps.db.session() as session:
        published = await store.month_list(session, month=month)
        starred = await store.team_services(session, highlighted=True)
        offered = await store.offers(session)
        person = await person_by_id(session, person_id=ctx.person.id)
    lines = [ctx.t("services.list.head", month=month)]
    lines.append(published.text if published else ctx.t("services.list.none"))
    buttons: list[Button] = []
    if starred:
        lines.append(ctx.t("services.list.starred"))
        for s in starred:
            lines.append(ctx.t("services.item", name=s.name, description=s.description))
            buttons.append(Button(s.name, callbacks.encode(callbacks.SERVICE_PICK, s.id)))
    if offered:
        lines.append(ctx.t("services.list.offers"))
        for o, v in offered[:20]:
            lines.append(
                ctx.t(
                    "services.offer.line",
                    id=o.id,
                    title=o.title,
                    name=v.name,
                    description=o.description or "—",
                    place=o.place or "—",
                    available=o.available or "—",
                )
            )
            buttons.append(
                Button(
                    ctx.t("services.offer.btn", title=o.title),
                    callbacks.encode(callbacks.SERVICE_ORDER_OFFER, o.id),
                )
            )
    subscribed = bool(person and person.servicelist_optin)
    toggle = "services.list.unsubscribe" if subscribed else "services.list.subscribe"
    buttons.append(
        Button(
            ctx.t(toggle), callbacks.encode(callbacks.SERVICELIST_SUBSCRIBE, 0 if subscribed else 1)
        )
    )
    return Reply("\n".join(lines), buttons=rows(*buttons, per_row=2))


async def subscribe(ctx: Ctx) -> Result:
    on = callbacks.int_arg(ctx.args, 0) == 1
    async with ctx.deps.db.session() as session:
        person = await person_by_id(session, person_id=ctx.person.id)
        assert person is not None
        person.servicelist_optin, person.updated_at = on, utcnow()
        session.add(person)
    return ctx.reply("services.list.subscribed" if on else "services.list.unsubscribed")


async def _edit(ctx: Ctx, _a: list[str]) -> Result:
    async with ctx.deps.db.session() as session:
        await save_dialog(
            session,
            person_id=ctx.person.id,  # type: ignore[arg-type]
            flow=FLOW,
            step="text",
            data={"month": _month(ctx)},
        )
    return ctx.reply("services.edit.ask", month=_month(ctx))


async def edit_text(ctx: Ctx) -> Result:
    """The month's list as typed by the admin: saved, then offered for pushing."""
    state = ctx.dialog
    assert state is not None
    text = (ctx.event.text or "").strip()
    if not text or len(text) > MAX_LIST:
        return ctx.reply("services.edit.again", most=MAX_LIST)
    month = str(state.data.get("month") or _month(ctx))
    async with ctx.deps.db.session() as session:
        row = await store.month_list(session, month=month)
        if row is None:
            row = ServiceList(month=month, text=text, author_id=ctx.person.id)
        else:
            row.text, row.author_id, row.published_at = text, ctx.person.id, utcnow()
        session.add(row)
        await clear_dialog(session, person_id=ctx.person.id)  # type: ignore[arg-type]
        n = len(await store.subscribers(session))
    push = Button(
        ctx.t("services.edit.push", n=n), callbacks.encode(callbacks.SERVICELIST_PUSH, month)
    )
    return Reply(ctx.t("services.edit.saved", month=month), buttons=((push,),))


async def push(ctx: Ctx) -> Result:
    """📣 Send the month's list to every subscriber (volunteers and requesters alike)."""
    roles.require_unscoped(ctx)
    month = callbacks.str_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        row = await store.month_list(session, month=month)
        people = await store.subscribers(session)
    if row is None:
        raise Expired()
    sent = 0
    for person in people:
        head = ctx.t("services.list.head", month=month)
        if await notify(ctx.deps, person, Reply(head + "\n" + row.text)) is not None:
            sent += 1
    return Reply(ctx.t("services.edit.pushed", n=sent, total=len(people)), edit=True)


async def _add(ctx: Ctx, a: list[str]) -> Result:
    """``/servicelist add <team> <name> [说明]``."""
    roles.require_unscoped(ctx)
    if len(a) < 2:
        return ctx.reply("services.list.usage")
    async with ctx.deps.db.session() as session:
        team = await team_by_slug(session, slug=a[0])
        if team is None:
            return ctx.reply("services.list.unknown_team", slug=a[0])
        await store.seed_defaults(session, catalog=DEFAULT_SERVICES)
        service = TeamService(
            team_id=team.id,  # type: ignore[arg-type]
            name=a[1][:64],
            description=rest_text(ctx, 3)[:300],
            sort_order=1000,
        )
        session.add(service)
        await session.flush()
    return ctx.reply("services.list.added", id=service.id, name=service.name, team=team.name)


async def _service_arg(ctx: Ctx, a: list[str]) -> int | None:
    roles.require_unscoped(ctx)
    return number(a[0].lstrip("#")) if len(a) == 1 else None


async def _remove(ctx: Ctx, a: list[str]) -> Result:
    service_id = await _service_arg(ctx, a)
    async with ctx.deps.db.session() as session:
        service = await store.service_by_id(session, service_id=service_id)
        if service is None or not service.active:
            return ctx.reply("services.list.usage")
        service.active = False
        session.add(service)
    return ctx.reply("services.list.removed", name=service.name)


async def _star(ctx: Ctx, a: list[str]) -> Result:
    service_id = await _service_arg(ctx, a)
    async with ctx.deps.db.session() as session:
        service = await store.service_by_id(session, service_id=service_id)
        if service is None or not service.active:
            return ctx.reply("services.list.usage")
        service.highlighted = not service.highlighted
        session.add(service)
    key = "services.list.starred_on" if service.highlighted else "services.list.starred_off"
    return ctx.reply(key, name=service.name)


ADMIN_SUBCOMMANDS = {"edit": _edit, "add": _add, "remove": _remove, "star": _star}


# ---------------------------------------------------------------- /myservices


async def myservices(ctx: Ctx) -> Result:
    """A volunteer's own offers: list, ``add 标题 | 说明 | 地点 | 时间``, ``remove <编号>``."""
    async with ctx.deps.db.session() as session:
        vol = await by_person(session, person_id=ctx.person.id)  # type: ignore[arg-type]
        if vol is None or vol.status != VolunteerStatus.ACTIVE:
            return ctx.reply("services.mine.not_volunteer")
        a = args(ctx)
        if a and a[0].lower() == "add":
            parts = _SPLIT.split(rest_text(ctx, 1))
            if not parts or not parts[0]:
                return ctx.reply("services.mine.usage")
            title, description, place, available = [*parts, "", "", ""][:4]
            team_id = await store.first_team(session, volunteer_id=vol.id)  # type: ignore[arg-type]
            if team_id is None:
                return ctx.reply("services.mine.no_team")
            offer = VolunteerService(
                volunteer_id=vol.id,  # type: ignore[arg-type]
                team_id=team_id,
                title=title[:64],
                description=description[:500],
                place=place[:100],
                available=available[:100],
            )
            session.add(offer)
            await session.flush()
            return ctx.reply("services.mine.added", id=offer.id, title=offer.title)
        if a and a[0].lower() == "remove":
            offer_id = number(a[1].lstrip("#")) if len(a) == 2 else None
            gone = await store.offer_by_id(session, offer_id=offer_id)
            if gone is None or gone.volunteer_id != vol.id or not gone.active:
                return ctx.reply("services.mine.usage")
            gone.active = False
            session.add(gone)
            return ctx.reply("services.mine.removed", title=gone.title)
        if a:
            return ctx.reply("services.mine.usage")
        mine = await store.offers(session, volunteer_id=vol.id)
    if not mine:
        return ctx.reply("services.mine.none")
    lines = [ctx.t("services.mine.head")]
    lines += [
        ctx.t(
            "services.offer.line",
            id=o.id,
            title=o.title,
            name=v.name,
            description=o.description or "—",
            place=o.place or "—",
            available=o.available or "—",
        )
        for o, v in mine
    ]
    return Reply("\n".join(lines) + "\n" + ctx.t("services.mine.usage"))


def register(reg: Registry) -> None:
    reg.command("servicelist", servicelist, menu="menu.servicelist")
    reg.command("myservices", myservices, audience=Audience.VOLUNTEER, menu="menu.myservices")
    reg.button(callbacks.SERVICE_PICK, pick_service)
    reg.button(callbacks.SERVICE_ORDER_OFFER, order_offer)
    reg.button(callbacks.SERVICELIST_SUBSCRIBE, subscribe)
    reg.button(callbacks.SERVICELIST_PUSH, push, admin=True)
    reg.dialog(FLOW, edit_text)
