"""Who asked (issue 19): requester type, organisation and headcount on every order.

Asked after submit as a follow-up, so the ordering dialog stays as it is: the
first order of a person gets "您是以什么身份点单？" with five buttons; the answer
is remembered on the person and copied to each later order silently. Other
than 职工个人, the organisation's name and an optional expected headcount
follow. ``/requester`` shows and changes the remembered answer. When the
requester confirms a finished job, its volunteer (or an admin, with ``/served``)
records how many people it actually reached (惠及人数); a job for one worker
reaches one, so only group services are asked.
"""

from __future__ import annotations

from typing import Any

from bot import callbacks, orders, roles
from bot.context import Ctx
from bot.deps import Deps
from bot.errors import Expired, Forbidden
from bot.flows.admin_common import args, ident, number
from bot.notify import notify
from bot.registry import Audience, Registry, Result
from bot.reply import Button, Reply, rows
from bot.texts import choices, t
from store.dialogs import clear_dialog, dialog_of, save_dialog
from store.models import Order, RequesterType, utcnow
from store.orders import order_by_id
from store.people import person_by_id
from store.volunteers import volunteer_by_id

FLOW = "rasker"
# One letter per type keeps callback data short and stable.
CODES = {"w": RequesterType.WORKER, "e": RequesterType.ENTERPRISE, "c": RequesterType.COMMUNITY,
         "s": RequesterType.SCHOOL, "o": RequesterType.OTHER}  # fmt: skip
LETTER = {v: k for k, v in CODES.items()}
MAX_PEOPLE = 100_000
SERVED_CHOICES = (1, 3, 5, 10, 20, 50)


def _type_buttons(lang: str, order_id: int) -> tuple[tuple[Button, ...], ...]:
    return rows(
        *(
            Button(
                t(lang, choices.REQUESTER_TYPE[value]),
                callbacks.encode(callbacks.REQUESTER_PICK_TYPE, order_id, code),
            )
            for code, value in CODES.items()
        ),
        per_row=3,
    )


# ---------------------------------------------------------------- after submit


async def on_order_created(deps: Deps, *, order_id: int, **_: Any) -> None:
    """Copy the remembered answer onto the order, or ask it once."""
    async with deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        if order is None or order.requester_type is not None:
            return
        person = await person_by_id(session, person_id=order.requester_id)
        if person is None:
            return
        if person.requester_type is not None:
            order.requester_type, order.org_name = person.requester_type, person.org_name
            session.add(order)
            return
        code, lang = order.code, person.language
    ask = Reply(t(lang, "reports.asker.question", code=code), buttons=_type_buttons(lang, order_id))
    await notify(deps, person, ask)


async def choose_type(ctx: Ctx) -> Result:
    """A type button: remember it, put it on the order, ask the organisation if not personal."""
    order_id = callbacks.int_arg(ctx.args, 0)
    kind = CODES.get(callbacks.str_arg(ctx.args, 1, tuple(CODES)))
    assert kind is not None
    async with ctx.deps.db.session() as session:
        person = await person_by_id(session, person_id=ctx.person.id)
        order = await order_by_id(session, order_id=order_id) if order_id else None
        if person is None or (order_id and (order is None or order.requester_id != person.id)):
            raise Expired()
        person.requester_type = kind
        if kind == RequesterType.WORKER:
            person.org_name = None
        person.updated_at = utcnow()
        session.add(person)
        if order is not None:
            order.requester_type, order.org_name = kind, person.org_name
            session.add(order)
        busy = await dialog_of(session, person_id=person.id)  # type: ignore[arg-type]
        asks_more = kind != RequesterType.WORKER and (busy is None or busy.flow == FLOW)
        if asks_more:
            await save_dialog(
                session,
                person_id=person.id,  # type: ignore[arg-type]
                flow=FLOW,
                step="org",
                data={"order_id": order_id},
            )
    label = ctx.t(choices.REQUESTER_TYPE[kind])
    if not asks_more:
        return Reply(ctx.t("reports.asker.saved", type=label), edit=True)
    return Reply(ctx.t("reports.asker.org", type=label), edit=True)


async def answer(ctx: Ctx) -> Result:
    """The dialog: the organisation's name, then the expected headcount."""
    state = ctx.dialog
    assert state is not None
    text = " ".join((ctx.event.text or "").split())
    order_id = int(state.data.get("order_id") or 0)
    if state.step == "org":
        if not text or len(text) > 100:
            return ctx.reply("reports.asker.org_again")
        async with ctx.deps.db.session() as session:
            person = await person_by_id(session, person_id=ctx.person.id)
            order = await order_by_id(session, order_id=order_id) if order_id else None
            if person is not None:
                person.org_name, person.updated_at = text, utcnow()
                session.add(person)
            if order is not None and order.requester_id == ctx.person.id:
                order.org_name = text
                session.add(order)
            if not order_id:  # changed from /requester: no order to size
                await clear_dialog(session, person_id=ctx.person.id)  # type: ignore[arg-type]
                return ctx.reply("reports.asker.saved_org", org=text)
            await save_dialog(
                session,
                person_id=ctx.person.id,  # type: ignore[arg-type]
                flow=FLOW,
                step="people",
                data={"order_id": order_id},
            )
        skip = Button(
            ctx.t("reports.asker.skip"),
            callbacks.encode(callbacks.REQUESTER_SKIP_HEADCOUNT, order_id),
        )
        return Reply(ctx.t("reports.asker.people", org=text), buttons=((skip,),))
    n = number(text, MAX_PEOPLE)
    if n is None or n < 1:
        return ctx.reply("reports.asker.people_again")
    async with ctx.deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        if order is not None and order.requester_id == ctx.person.id:
            order.expected_people = n
            session.add(order)
        await clear_dialog(session, person_id=ctx.person.id)  # type: ignore[arg-type]
    return ctx.reply("reports.asker.thanks_people", n=n)


async def skip_people(ctx: Ctx) -> Result:
    async with ctx.deps.db.session() as session:
        state = await dialog_of(session, person_id=ctx.person.id)  # type: ignore[arg-type]
        if state is not None and state.flow == FLOW:
            await clear_dialog(session, person_id=ctx.person.id)  # type: ignore[arg-type]
    return Reply(ctx.t("reports.asker.thanks"), edit=True)


async def show(ctx: Ctx) -> Result:
    """``/requester``: the remembered answer, with buttons to change it."""
    kind, org = ctx.person.requester_type, ctx.person.org_name
    if kind is None:
        text = ctx.t("reports.asker.none")
    else:
        text = ctx.t("reports.asker.current", type=ctx.t(choices.REQUESTER_TYPE[kind]))
        if org:
            text += "\n" + ctx.t("reports.asker.current_org", org=org)
    return Reply(text + "\n" + ctx.t("reports.asker.change"), buttons=_type_buttons(ctx.lang, 0))


# ---------------------------------------------------------------- at completion


async def on_confirmed(deps: Deps, *, order_id: int, **_: Any) -> None:
    """Once the requester confirmed, ask the volunteer how many people the job reached."""
    async with deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        held = order.volunteer_id if order is not None else None
        vol = await volunteer_by_id(session, volunteer_id=held) if held else None
        person = await person_by_id(session, person_id=vol.person_id) if vol else None
        if order is None or person is None or order.served_people is not None:
            return
        if order.expected_people is None and order.requester_type in (None, RequesterType.WORKER):
            return  # one worker helped: 惠及 1, nothing to ask
        code, lang = order.code, person.language
    buttons = rows(
        *(
            Button(str(n), callbacks.encode(callbacks.JOB_PEOPLE_SERVED, order_id, n))
            for n in SERVED_CHOICES
        ),
        per_row=6,
    )
    await notify(deps, person, Reply(t(lang, "reports.served.ask", code=code), buttons=buttons))


async def _may_record(ctx: Ctx, session: Any, order: Order) -> None:
    if ctx.is_admin and await roles.in_scope(session, ctx, order.station_id):
        return
    vol = (
        await volunteer_by_id(session, volunteer_id=order.volunteer_id)
        if order.volunteer_id
        else None
    )
    if vol is None or vol.person_id != ctx.person.id:
        raise Forbidden()


async def _record(ctx: Ctx, order: Order, n: int, session: Any) -> str:
    await _may_record(ctx, session, order)
    order.served_people = n
    session.add(order)
    return ctx.t("reports.served.saved", code=order.code, n=n)


async def served_button(ctx: Ctx) -> Result:
    order_id = callbacks.int_arg(ctx.args, 0)
    n = callbacks.int_arg(ctx.args, 1)
    if not 1 <= n <= MAX_PEOPLE:
        raise Expired()
    async with ctx.deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        if order is None:
            raise Expired()
        return Reply(await _record(ctx, order, n, session), edit=True)


async def served(ctx: Ctx) -> Result:
    """``/served <单号> <人数>``: the order's volunteer or an admin records 惠及人数."""
    a = args(ctx)
    n = number(a[1], MAX_PEOPLE) if len(a) == 2 else None
    if n is None or n < 1:
        return ctx.reply("reports.served.usage")
    async with ctx.deps.db.session() as session:
        order = await orders.by_code(session, ident(a[0]))
        if order is None:
            return ctx.reply("reports.served.unknown", code=a[0])
        return Reply(await _record(ctx, order, n, session))


def register(reg: Registry) -> None:
    reg.command("requester", show, menu="menu.requester")
    reg.command("served", served, audience=Audience.VOLUNTEER, menu="menu.served")
    reg.button(callbacks.REQUESTER_PICK_TYPE, choose_type)
    reg.button(callbacks.REQUESTER_SKIP_HEADCOUNT, skip_people)
    reg.button(callbacks.JOB_PEOPLE_SERVED, served_button)
    reg.dialog(FLOW, answer)
    reg.listen("order_created", on_order_created)
    reg.listen("order_confirmed", on_confirmed)  # after the volunteer heard the verdict
