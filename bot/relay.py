"""Requester and volunteer talk through the bot (flow ``relay``), phone numbers unseen.

Remote guidance often solves a problem without a visit. 联系志愿者 / 联系求助人
opens a relay dialog: every text and photo is kept as an OrderMessage and
forwarded to the other side with a 回复 button, until /cancel or 结束对话.
Shared contacts are not forwarded, so nobody's number leaks by accident. A number
someone *types* is passed on as typed: they chose to share it ("call me at …"),
the volunteer already holds the requester's number, and masking digits would also
mangle part numbers and model codes people send for remote guidance.
"""

from __future__ import annotations

from bot import callbacks, dialog, jobtext
from bot import photos as kept_photos
from bot.context import Ctx
from bot.errors import Expired
from bot.events import Kind
from bot.notify import notify
from bot.registry import Registry, Result
from bot.reply import Button, Reply
from bot.texts import Safe, choices, t
from store.models import Order, OrderMessage, OrderStatus, Person, Volunteer

FLOW = "relay"
END = callbacks.RELAY_END
TEXT_MAX = 1000
# Statuses in which the two sides may still talk.
OPEN_FOR_TALK = (*OrderStatus.ACTIVE, OrderStatus.DONE)


async def _sides(ctx: Ctx, order_id: int) -> tuple[Order, Person, str]:
    """The order, the other side and the role of the actor ("volunteer" | "requester")."""
    async with ctx.deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None or order.volunteer_id is None:
            raise Expired()
        volunteer = await session.get(Volunteer, order.volunteer_id)
        if volunteer is None:
            raise Expired()
        if volunteer.person_id == ctx.person.id:
            other = await session.get(Person, order.requester_id)
            role = "volunteer"
        elif order.requester_id == ctx.person.id:
            other = await session.get(Person, volunteer.person_id)
            role = "requester"
        else:
            raise Expired()
    if other is None:
        raise Expired()
    return order, other, role


def _end_button(ctx: Ctx) -> tuple[tuple[Button, ...], ...]:
    return ((Button(ctx.t("jobs.relay.end_button"), callbacks.encode(END)),),)


async def open_relay(ctx: Ctx) -> Result:
    """联系求助人 / 联系志愿者 / 回复: start relaying to the other side of the order."""
    order_id = callbacks.int_arg(ctx.args, 0)
    order, _other, role = await _sides(ctx, order_id)
    if order.status not in OPEN_FOR_TALK:
        raise Expired()
    await dialog.save(ctx, FLOW, "talk", {"order_id": order_id})
    peer_key = "requester" if role == "volunteer" else "volunteer"
    peer = ctx.t(choices.RELAY_PEER[peer_key])
    return Reply(ctx.t("jobs.relay.opened", code=order.code, peer=peer), buttons=_end_button(ctx))


async def end_relay(ctx: Ctx) -> Result:
    if ctx.dialog is None or ctx.dialog.flow != FLOW:
        raise Expired()
    await dialog.clear(ctx)
    return Reply(ctx.t("jobs.relay.ended"), edit=True)


async def talk(ctx: Ctx) -> Result:
    """A message typed while relaying: keep it and pass it on."""
    state = ctx.dialog
    assert state is not None
    order_id = int(state.data.get("order_id", 0))
    try:
        order, other, role = await _sides(ctx, order_id)
    except Expired:
        order = None
    if order is None or order.status not in OPEN_FOR_TALK:
        await dialog.clear(ctx)
        return ctx.reply("jobs.relay.closed")
    event = ctx.event
    if event.kind == Kind.CONTACT:
        return Reply(ctx.t("jobs.relay.no_contacts"), buttons=_end_button(ctx))
    location: tuple[str, str] | None = None
    if event.kind == Kind.TEXT:
        text, photo = event.text.strip(), None
    elif event.kind == Kind.PHOTO:
        text, photo = (event.text or "").strip(), event.photo
    elif event.kind == Kind.LOCATION and event.latitude is not None and event.longitude is not None:
        location = (f"{event.latitude:.6f}", f"{event.longitude:.6f}")
        text, photo = f"📍 {location[0]},{location[1]}", None
    else:
        return Reply(ctx.t("jobs.relay.text_only"), buttons=_end_button(ctx))
    if len(text) > TEXT_MAX:
        return ctx.reply("common.too_long", length=len(text), limit=TEXT_MAX)
    async with ctx.deps.db.session() as session:
        session.add(
            OrderMessage(
                order_id=order_id,
                sender_id=ctx.person.id,  # type: ignore[arg-type]
                text=text[:2000] or None,
                photo=photo,
                created_at=ctx.deps.now(),
            )
        )
    lang = other.language
    sender = t(lang, choices.RELAY_FROM[role], name=await _sender_name(ctx, order, role))
    if location is not None:
        body = t(lang, "jobs.relay.location", lat=location[0], lon=location[1])
    else:
        body = t(lang, "jobs.relay.body", text=text) if text else t(lang, "jobs.relay.photo")
    photos: tuple[str, ...] = ()
    if photo and kept_photos.visible_on([photo], ctx.person.platform, other.platform):
        photos = (photo,)
    elif photo:
        body = (body + "\n" if text else "") + t(lang, "jobs.relay.photo_elsewhere")
    reply = Reply(
        # ``sender`` is already escaped markup: escaping it again would show "&lt;".
        t(lang, "jobs.relay.incoming", code=order.code, sender=Safe(sender)) + "\n" + body,
        buttons=jobtext.relay_button(lang, order_id, "jobs.relay.reply_button"),
        photos=photos,
    )
    if await notify(ctx.deps, other, reply) is None:
        return Reply(ctx.t("jobs.relay.undelivered"), buttons=_end_button(ctx))
    return Reply(ctx.t("jobs.relay.sent"), buttons=_end_button(ctx))


async def _sender_name(ctx: Ctx, order: Order, role: str) -> str:
    if role == "requester":
        return order.contact_name or ctx.person.display_name or ctx.t("common.friend")
    async with ctx.deps.db.session() as session:
        volunteer = await session.get(Volunteer, order.volunteer_id)
    return volunteer.name if volunteer else ctx.person.display_name


def register(reg: Registry) -> None:
    reg.button(jobtext.RELAY, open_relay)
    reg.button(END, end_relay)
    reg.dialog(FLOW, talk)
