"""An admin's buttons under an order (issue 17): 派单 (a picker of the volunteers dispatch
would offer it to, in its order), 改派服务队 (a team picker), 联系求助人 and 取消 (with a
confirmation). They appear under alerts such as 无人认领, under /order and /orders.

Every press re-reads the order and checks the admin's station scope; the changes go
through the same functions as /assign, /reroute and /cancelorder.
"""

from __future__ import annotations

import dataclasses
import html
import re

from bot import callbacks, dispatch, roles
from bot.callbacks import encode, int_arg
from bot.catalog import list_teams
from bot.context import Ctx
from bot.errors import Expired
from bot.flows import admin_orders
from bot.flows.admin_common import person_name
from bot.order_actions import CANCELLABLE
from bot.orders import status_label, team_name
from bot.registry import Registry, Result
from bot.reply import Button, Outcome, Reply, rows
from bot.texts import Safe
from store.models import Order, OrderStatus
from store.orders import order_by_id
from store.people import person_by_id
from store.volunteers import volunteers_by_id

PICKER_SIZE = 8  # volunteers shown by 派单, best first
RING_KEYS = ("staff.order.ring.0", "staff.order.ring.1", "staff.order.ring.2", "staff.order.ring.3")


async def _order(ctx: Ctx) -> Order:
    """The pressed order, if the admin may act on it."""
    order_id = int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        if order is None:
            raise Expired()
        await roles.require_scope(session, ctx, order.station_id)
    return order


async def view(ctx: Ctx) -> Result:
    """A /orders row's button: that order's /order view."""
    return await admin_orders.detail_reply(ctx, await _order(ctx))


async def pick(ctx: Ctx) -> Result:
    """派单: the volunteers dispatch would offer the order to, in its order, as buttons."""
    order = await _order(ctx)
    if order.status not in OrderStatus.OPEN:
        return Outcome(
            toast=ctx.t("admin.assign.held", code=order.code, status=_status(ctx, order))
        )
    async with ctx.deps.db.session() as session:
        ranked = await dispatch.candidates(session, order)  # everyone, nearest first
        within = await roles.scope_ids(session, ctx)
        found = await volunteers_by_id(session, ids=[c.volunteer_id for c in ranked])
        team = await team_name(session, order.team_id, ctx.lang)
    shown = [
        (c, found[c.volunteer_id])
        for c in ranked
        if c.volunteer_id in found
        and (within is None or found[c.volunteer_id].station_id in within)
    ][:PICKER_SIZE]
    if not shown:
        return ctx.reply("staff.order.pick.none", code=order.code, team=team)
    buttons = [
        Button(
            ctx.t(
                "staff.order.pick.line",
                name=v.name,
                ring=ctx.t(RING_KEYS[min(c.ring, 3)]),
                load=ctx.t("staff.order.pick.load", n=c.open_jobs) if c.open_jobs else "",
            ),
            encode(callbacks.ADMIN_ORDER_ASSIGN, order.id, v.id),
        )
        for c, v in shown
    ]
    return Reply(
        ctx.t("staff.order.pick.head", code=order.code, team=team),
        buttons=rows(*buttons),
    )


async def assign(ctx: Ctx) -> Result:
    """A name in the 派单 picker: give the order to them (as /assign does)."""
    order = await _order(ctx)
    volunteer_id = int_arg(ctx.args, 1)
    done = await admin_orders.assign_to(ctx, order.code or str(order.id), str(volunteer_id))
    return Outcome([dataclasses.replace(done, edit=True)], toast=_plain(done.text))


async def teams(ctx: Ctx) -> Result:
    """改派服务队: every active team as a button (not the order's own)."""
    order = await _order(ctx)
    if order.status not in OrderStatus.OPEN:
        return Outcome(
            toast=ctx.t("admin.reroute.held", code=order.code, status=_status(ctx, order))
        )
    async with ctx.deps.db.session() as session:
        active = [
            tm for tm in await list_teams(session, active_only=True) if tm.id != order.team_id
        ]
        now = await team_name(session, order.team_id, ctx.lang)
    buttons = [
        Button(
            (tm.name_en or tm.name) if ctx.lang == "en" else tm.name,
            encode(callbacks.ADMIN_ORDER_REROUTE, order.id, tm.id),
        )
        for tm in active
    ]
    return Reply(
        ctx.t("staff.order.teams.head", code=order.code, team=now),
        buttons=rows(*buttons, per_row=2),
    )


async def reroute(ctx: Ctx) -> Result:
    """A team in the 改派服务队 picker: move the order there (as /reroute does)."""
    order = await _order(ctx)
    team_id = int_arg(ctx.args, 1)
    async with ctx.deps.db.session() as session:
        team = next((tm for tm in await list_teams(session) if tm.id == team_id), None)
    if team is None:
        raise Expired()
    result = await admin_orders.reroute_to(ctx, order.code or str(order.id), team.slug)
    replies = result if isinstance(result, list) else [result]
    first = dataclasses.replace(replies[0], edit=True)
    return Outcome([first, *replies[1:]], toast=_plain(first.text))


async def contact(ctx: Ctx) -> Result:
    """联系求助人: who asked, how to reach them (admins see phone and address)."""
    order = await _order(ctx)
    async with ctx.deps.db.session() as session:
        requester = await person_by_id(session, person_id=order.requester_id)
    channel = "—"
    if requester is not None and requester.platform == "telegram":
        channel = ctx.t("staff.order.contact.tg", id=requester.external_id)
    elif requester is not None and requester.platform == "web":
        channel = ctx.t("staff.order.contact.web")
    elif requester is not None and requester.platform == "wechat":
        channel = ctx.t("staff.order.contact.wechat")
    return ctx.reply(
        "staff.order.contact",
        code=order.code,
        name=order.contact_name or person_name(requester),
        phone=order.contact_phone or (requester.phone if requester else None) or "—",
        address=order.address or "—",
        channel=Safe(channel),
    )


async def cancel(ctx: Ctx) -> Result:
    """取消: ask once, a mistaken tap must not cancel someone's request."""
    order = await _order(ctx)
    if order.status not in CANCELLABLE:
        return Outcome(
            toast=ctx.t("admin.cancel.too_late", code=order.code, status=_status(ctx, order))
        )
    return Reply(
        ctx.t("staff.order.cancel.ask", code=order.code),
        buttons=(
            (
                Button(
                    ctx.t("staff.order.cancel.yes"),
                    encode(callbacks.ADMIN_ORDER_CANCEL_YES, order.id),
                ),
                Button(
                    ctx.t("staff.order.cancel.keep"), encode(callbacks.ADMIN_ORDER_VIEW, order.id)
                ),
            ),
        ),
    )


async def cancel_yes(ctx: Ctx) -> Result:
    order = await _order(ctx)
    reason = ctx.t("admin.cancel.default_reason")
    done = await admin_orders.cancel_with(ctx, order.code or str(order.id), reason)
    return Outcome([dataclasses.replace(done, edit=True)], toast=_plain(done.text))


def _status(ctx: Ctx, order: Order) -> str:
    return status_label(ctx.lang, order.status)


def _plain(text: str) -> str:
    """A reply's text as a toast: tags dropped, at most 200 characters."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))[:200]


def register(reg: Registry) -> None:
    reg.button(callbacks.ADMIN_ORDER_VIEW, view, admin=True)
    reg.button(callbacks.ADMIN_ORDER_PICK, pick, admin=True)
    reg.button(callbacks.ADMIN_ORDER_ASSIGN, assign, admin=True)
    reg.button(callbacks.ADMIN_ORDER_TEAMS, teams, admin=True)
    reg.button(callbacks.ADMIN_ORDER_REROUTE, reroute, admin=True)
    reg.button(callbacks.ADMIN_ORDER_CONTACT, contact, admin=True)
    reg.button(callbacks.ADMIN_ORDER_CANCEL, cancel, admin=True)
    reg.button(callbacks.ADMIN_ORDER_CANCEL_YES, cancel_yes, admin=True)
