"""/broadcast <team|station|all> <message>: emergency mobilisation (应急动员) from chat.

The command only drafts: the admin sees who it will reach and confirms with
a button (a mistyped scope must not wake up the whole association). On
confirmation the draft message turns into the live progress message and the
fan-out runs in the background (see ``bot.broadcast``). Volunteers answer with
我能到场 / 去不了, and may change their answer.
"""

from __future__ import annotations

import dataclasses

from bot import audit, broadcast, callbacks, roles
from bot.context import Ctx
from bot.errors import Expired
from bot.flows.admin_common import args, rest_text
from bot.notify import notify
from bot.registry import Audience, Registry, Result
from bot.reply import Button, Outcome, Reply
from bot.texts import choices
from store.broadcasts import broadcast_by_id
from store.models import Broadcast
from store.people import person_by_id
from store.stations import station_by_code
from store.teams import team_by_slug

MAX_TEXT = 1000  # characters of the message itself
_ALL = ("all", "全部", "所有", "全体")


async def draft(ctx: Ctx) -> Result:
    """Check the scope and the message, count the recipients and ask for confirmation."""
    a = args(ctx)
    text = rest_text(ctx, 1)
    if len(a) < 2 or not text:
        return ctx.reply("admin.bc.usage")
    if len(text) > MAX_TEXT:
        return ctx.reply("admin.bc.too_long", length=len(text), most=MAX_TEXT)
    target = a[0]
    async with ctx.deps.db.session() as session:
        within = await roles.scope_ids(session, ctx)
        if target.lower() in _ALL:
            scope = broadcast.scope_key("all")
        elif (team := await team_by_slug(session, slug=target)) is not None:
            scope = broadcast.scope_key("team", team.slug)
        elif (station := await station_by_code(session, code=target)) is not None:
            await roles.require_scope(session, ctx, station.id)
            scope = broadcast.scope_key("station", station.code)
        else:
            return ctx.reply("admin.bc.unknown_scope", target=target)
        n = len(await broadcast.recipients(session, scope, within))
        if n == 0:
            return ctx.reply("admin.bc.nobody")
        row = await broadcast.create_draft(
            session,
            admin_id=ctx.person.id,  # type: ignore[arg-type]
            scope=scope,
            text=text,
        )
        label = await broadcast.scope_label(session, scope, ctx.lang, within=roles.scope_of(ctx))
    buttons = (
        (
            Button(ctx.t("admin.bc.go"), callbacks.encode(callbacks.BROADCAST_SEND, row.id)),
            Button(ctx.t("admin.bc.drop"), callbacks.encode(callbacks.BROADCAST_DROP, row.id)),
        ),
    )
    return Reply(ctx.t("admin.bc.preview", scope=label, n=n, text=text), buttons=buttons)


async def _own_draft(ctx: Ctx) -> Broadcast:
    broadcast_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        row = await broadcast_by_id(session, broadcast_id=broadcast_id)
    if row is None or row.admin_id != ctx.person.id or row.finished_at is not None:
        raise Expired()
    return row


async def go(ctx: Ctx) -> Result:
    """确认发送: fix the recipients and start the fan-out (once, however often it is pressed)."""
    row = await _own_draft(ctx)
    ref = ctx.event.message
    if ref is None:  # a channel without editable button messages: start a new one
        ref = await notify(ctx.deps, ctx.person, ctx.reply("admin.bc.starting"))
    async with ctx.deps.db.session() as session:
        within = await roles.scope_ids(session, ctx)
    total = await broadcast.start(ctx.deps, row.id, within=within, ref=ref)  # type: ignore[arg-type]
    if total is None:
        raise Expired()
    async with ctx.deps.db.session() as session:
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="broadcast.start",
            target_type="broadcast",
            target_id=row.id,
            after={"scope": row.scope, "total": total, "text": row.text[:200]},
        )
    if total == 0:
        return Outcome([dataclasses.replace(ctx.reply("admin.bc.nobody"), edit=True)])
    return Outcome(toast=ctx.t("admin.bc.started", n=total))


async def drop(ctx: Ctx) -> Result:
    """取消: forget the draft; nothing was sent."""
    row = await _own_draft(ctx)
    if not await broadcast.discard(ctx.deps, row.id):  # type: ignore[arg-type]
        raise Expired()
    async with ctx.deps.db.session() as session:
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="broadcast.discard",
            target_type="broadcast",
            target_id=row.id,
            after={"scope": row.scope},
        )
    return dataclasses.replace(ctx.reply("admin.bc.dropped"), edit=True)


async def roll_call(ctx: Ctx) -> Result:
    """我能到场 / 去不了 from a volunteer who received the broadcast; changeable."""
    broadcast_id = callbacks.int_arg(ctx.args, 0)
    value = {"y": broadcast.YES, "n": broadcast.NO}[callbacks.str_arg(ctx.args, 1, ("y", "n"))]
    async with ctx.deps.db.session() as session:
        row = await broadcast_by_id(session, broadcast_id=broadcast_id)
        if row is None or not await broadcast.is_recipient(session, broadcast_id, ctx.person.id):  # type: ignore[arg-type]
            raise Expired()
        admin = await person_by_id(session, person_id=row.admin_id)
    changed = await broadcast.answer(ctx.deps, broadcast_id, ctx.person.id, value)  # type: ignore[arg-type]
    toast = ctx.t(choices.BROADCAST_ANSWERED[value])
    if not changed:
        return Outcome(toast=toast)
    message = broadcast.volunteer_message(
        row, admin.display_name if admin else "", ctx.lang, answer=value
    )
    return Outcome([dataclasses.replace(message, edit=True)], toast=toast)


def register(reg: Registry) -> None:
    reg.command("broadcast", draft, audience=Audience.ADMIN, menu="menu.broadcast")
    reg.button(callbacks.BROADCAST_SEND, go, admin=True)
    reg.button(callbacks.BROADCAST_DROP, drop, admin=True)
    reg.button(callbacks.BROADCAST_ANSWER, roll_call)
    reg.task(broadcast.TASK_KIND, broadcast.resume)
