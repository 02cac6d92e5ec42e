"""Team jobs for admins and volunteers: 需要人数 under /order, and the team's hours (issue 18)."""

from __future__ import annotations

from bot import roles, team_jobs
from bot.callbacks import encode, int_arg
from bot.context import Ctx
from bot.errors import Expired
from bot.registry import Registry, Result
from bot.reply import Button, Outcome, Reply
from store.models import Order
from store.orders import order_by_id

SIZES = (1, 2, 3, 4, 5, 6, 8, 10)


async def _order(ctx: Ctx) -> Order:
    async with ctx.deps.db.session() as session:
        order = await order_by_id(session, order_id=int_arg(ctx.args, 0))
        if order is None:
            raise Expired()
        await roles.require_scope(session, ctx, order.station_id)
    return order


async def press_sizes(ctx: Ctx) -> Result:
    """需要人数: how many volunteers the job needs."""
    order = await _order(ctx)
    buttons = tuple(Button(str(n), encode(team_jobs.SIZE_VERB, order.id, n)) for n in SIZES)
    return Reply(
        ctx.t("team.ask_size", code=order.code),
        buttons=(buttons[:4], buttons[4:]),
    )


async def press_size(ctx: Ctx) -> Result:
    order = await _order(ctx)
    size = int_arg(ctx.args, 1)
    if size not in SIZES:
        raise Expired()
    if not await team_jobs.set_size(ctx.deps, order.id, size):  # type: ignore[arg-type]
        raise Expired()
    text = ctx.t("team.size_set", code=order.code, size=size)
    return Outcome([Reply(text, edit=True)], toast=text)


def register(reg: Registry) -> None:
    reg.button(team_jobs.SIZE_MENU, press_sizes, admin=True)
    reg.button(team_jobs.SIZE_VERB, press_size, admin=True)
    # Before dispatch's own listener, so the first offers already say "需 3 人".
    reg.bus.listeners.setdefault("order_created", []).insert(0, team_jobs.on_order_created)
    reg.listen("job_done", team_jobs.on_job_done)
    reg.listen("appointment_set", team_jobs.on_appointment_set)
    reg.task(team_jobs.REMIND_TASK, team_jobs.run_remind)
    reg.task(team_jobs.FOLLOWUP_TASK, team_jobs.run_followup)
