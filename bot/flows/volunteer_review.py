"""The admins' 批准 / 拒绝 under a volunteer application (with an optional reason).

The application message goes to the admins of the applicant's station when
the dialog in ``volunteer`` submits it; these buttons decide it, once, and
edit that message to say who decided what.
"""

from __future__ import annotations

from typing import Any

from bot import callbacks, dialog, roles, volunteers
from bot.context import Ctx
from bot.errors import Expired
from bot.events import Kind
from bot.notify import edit
from bot.registry import Registry, Result
from bot.reply import Button, MessageRef, Outcome, Reply
from bot.texts import choices
from store.models import Volunteer, VolunteerStatus
from store.volunteers import volunteer_by_id

REJECT_FLOW = "vreject"
REASON_MAX = 200


async def _application(ctx: Ctx, volunteer_id: int) -> tuple[Volunteer, str]:
    """The application (scope-checked for station admins) and its text in the admin's language."""
    async with ctx.deps.db.session() as session:
        volunteer = await volunteer_by_id(session, volunteer_id=volunteer_id)
        if volunteer is None:
            raise Expired()
        await roles.require_scope(session, ctx, volunteer.station_id)
        text = await volunteers.application_text(session, volunteer, ctx.lang)
    return volunteer, text


def _decided(ctx: Ctx, volunteer: Volunteer, text: str) -> str:
    status = ctx.t(choices.VOLUNTEER_STATUS[volunteer.status])
    return (
        ctx.t("volunteer.application_head")
        + "\n"
        + text
        + "\n\n"
        + ctx.t("volunteer.decided", status=status, admin=ctx.person.display_name or "—")
    )


async def approve(ctx: Ctx) -> Result:
    volunteer_id = callbacks.int_arg(ctx.args, 0)
    await _application(ctx, volunteer_id)
    approved = await volunteers.approve(ctx.deps, volunteer_id, by=ctx.person)
    volunteer, text = await _application(ctx, volunteer_id)
    if approved is None:
        status = ctx.t(choices.VOLUNTEER_STATUS[volunteer.status])
        return Outcome(
            [Reply(ctx.t("volunteer.application_head") + "\n" + text, edit=True)],
            toast=ctx.t("volunteer.already_decided", status=status),
        )
    return Outcome(
        [Reply(_decided(ctx, volunteer, text), edit=True)], toast=ctx.t("volunteer.approved_toast")
    )


async def ask_reject_reason(ctx: Ctx) -> Result:
    volunteer_id = callbacks.int_arg(ctx.args, 0)
    volunteer, _ = await _application(ctx, volunteer_id)
    if volunteer.status != VolunteerStatus.PENDING:
        status = ctx.t(choices.VOLUNTEER_STATUS[volunteer.status])
        return Outcome(toast=ctx.t("volunteer.already_decided", status=status))
    ref = ctx.event.message
    data: dict[str, Any] = {"volunteer_id": volunteer_id}
    if ref is not None:
        data |= {"platform": ref.platform, "chat_id": ref.chat_id, "message_id": ref.message_id}
    await dialog.save(ctx, REJECT_FLOW, "reason", data)
    quiet = (
        (
            Button(
                ctx.t("volunteer.btn.reject_quiet"),
                callbacks.encode(callbacks.APPLICATION_REJECT_QUIETLY, volunteer_id),
            ),
        ),
    )
    return Reply(ctx.t("volunteer.ask_reject_reason", name=volunteer.name), buttons=quiet)


async def reject_reason_input(ctx: Ctx) -> Result:
    state = ctx.dialog
    assert state is not None
    if ctx.event.kind != Kind.TEXT:
        return ctx.reply("volunteer.text_please")
    reason = volunteers.clean_line(ctx.event.text, REASON_MAX)
    if reason is None:
        return ctx.reply("volunteer.bad_reason", limit=REASON_MAX)
    return await _reject(ctx, int(state.data["volunteer_id"]), reason)


async def reject_quietly(ctx: Ctx) -> Result:
    return await _reject(ctx, callbacks.int_arg(ctx.args, 0), None)


async def _reject(ctx: Ctx, volunteer_id: int, reason: str | None) -> Result:
    await _application(ctx, volunteer_id)
    state = ctx.dialog
    data = dict(state.data) if state is not None and state.flow == REJECT_FLOW else {}
    if data:
        await dialog.clear(ctx)
    rejected = await volunteers.reject(ctx.deps, volunteer_id, by=ctx.person, reason=reason)
    volunteer, text = await _application(ctx, volunteer_id)
    if rejected is None:
        status = ctx.t(choices.VOLUNTEER_STATUS[volunteer.status])
        return ctx.reply("volunteer.already_decided", status=status)
    if data.get("message_id") and int(data.get("volunteer_id", 0)) == volunteer_id:
        ref = MessageRef(data["platform"], data["chat_id"], data["message_id"])
        await edit(ctx.deps, ref, Reply(_decided(ctx, volunteer, text)))
    answer = Reply(
        ctx.t("volunteer.rejected_done", name=volunteer.name), edit=ctx.event.kind == Kind.BUTTON
    )
    return answer


def register(reg: Registry) -> None:
    reg.dialog(REJECT_FLOW, reject_reason_input)
    reg.button(callbacks.APPLICATION_APPROVE, approve, admin=True)
    reg.button(callbacks.APPLICATION_REJECT, ask_reject_reason, admin=True)
    reg.button(callbacks.APPLICATION_REJECT_QUIETLY, reject_quietly, admin=True)
