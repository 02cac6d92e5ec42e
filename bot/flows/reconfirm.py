"""The volunteer's answer to the reconfirmation (能按时到 / 去不了, sent by bot.schedule.reminders).

能按时到 stops the admins' deadline and tells the requester; 去不了 releases the
order through dispatch, which offers it again. Only the volunteer holding the
order, while it is still ahead of them, can answer.
"""

from __future__ import annotations

from bot import callbacks
from bot.callbacks import int_arg
from bot.context import Ctx
from bot.errors import Expired
from bot.notify import notify
from bot.people import volunteer_of
from bot.registry import Registry, Result
from bot.reply import Reply
from bot.schedule import parties
from bot.schedule.reminders import HELD, reconfirm_timeout_key
from bot.schedule.when import when
from bot.texts import t
from store import tasks
from store.models import TaskStatus


async def _held(ctx: Ctx) -> parties.Parties:
    """The order of the pressed button, if the presser holds it and it has not started."""
    order_id = int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        ps = await parties.load(session, order_id)
        volunteer = await volunteer_of(session, ctx.person)
    if (
        ps is None
        or volunteer is None
        or ps.volunteer is None
        or ps.volunteer.id != volunteer.id
        or ps.order.status not in HELD
        or ps.order.appointment_at is None
    ):
        raise Expired()
    return ps


async def can_make_it(ctx: Ctx) -> Result:
    """能按时到."""
    ps = await _held(ctx)
    order = ps.order
    assert order.id is not None and order.appointment_at is not None
    async with ctx.deps.db.session() as session:
        # The first answer stops the deadline; a repeated press only repeats the thanks.
        first = await tasks.cancel(session, key=reconfirm_timeout_key(order.id)) > 0
        if not first:
            timeout = await tasks.by_key(session, key=reconfirm_timeout_key(order.id))
            first = timeout is None or timeout.status == TaskStatus.DONE
    tz = ctx.deps.settings.tz
    if first and ps.requester is not None:
        lang = ps.requester.language
        await notify(
            ctx.deps,
            ps.requester,
            Reply(
                t(
                    lang,
                    "schedule.reconfirm.requester_confirmed",
                    volunteer=ps.volunteer_name(lang),
                    when=when(lang, order.appointment_at, tz),
                    code=order.code,
                )
            ),
        )
    return Reply(
        ctx.t(
            "schedule.reconfirm.confirmed",
            code=order.code,
            when=when(ctx.lang, order.appointment_at, tz),
        ),
        edit=True,
    )


async def cannot_make_it(ctx: Ctx) -> Result:
    """去不了: release the order so dispatch offers it to someone else."""
    from bot import dispatch

    ps = await _held(ctx)
    order = ps.order
    assert order.id is not None
    assert ps.volunteer is not None
    # The reason is shown to the admins, in the association's language.
    reason = t(ctx.deps.settings.language, "schedule.reconfirm.release_reason")
    released = await dispatch.release(
        ctx.deps,
        order.id,
        reason=reason,
        by=ctx.person.id,
        volunteer_id=ps.volunteer.id,
        wait=False,  # the new offers go out in the background; answer the volunteer now
    )
    if not released:
        raise Expired()
    async with ctx.deps.db.session() as session:
        await tasks.cancel(session, key=reconfirm_timeout_key(order.id))
    return Reply(ctx.t("schedule.reconfirm.released", code=order.code), edit=True)


def register(reg: Registry) -> None:
    reg.button(callbacks.RECONFIRM_YES, can_make_it)
    reg.button(callbacks.RECONFIRM_NO, cannot_make_it)
