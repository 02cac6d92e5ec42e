"""/start (with deep-link payloads), /help and /cancel."""

from __future__ import annotations

from bot import dialog, roles
from bot.context import Ctx
from bot.registry import Audience, Registry, Result
from bot.reply import Reply
from bot.texts import choices, t
from store import volunteers


def _role(ctx: Ctx) -> str:
    if ctx.is_admin:
        return "admin"
    return "volunteer" if ctx.is_volunteer else "worker"


async def start(ctx: Ctx) -> Result:
    """Greet by role, or follow a deep link such as ``/start team-tech``."""
    if ctx.event.args:
        payload = ctx.event.args[0]
        prefix, _, _rest = payload.partition("-")
        handler = ctx.routes.start_payloads.get(prefix)
        if handler is not None:
            return await handler(ctx)
    name = await _name(ctx)
    greeting = ctx.t(choices.START[_role(ctx)], name=name)
    if ctx.dialog is not None:
        # Mid-dialog: keep it (and its keyboard), but say so, or the next words would
        # silently answer the pending question (an address, a time …).
        return Reply(greeting + "\n\n" + ctx.t("common.dialog_pending"))
    return Reply(greeting, remove_keyboard=True)


def newcomer_greeting(lang: str) -> Reply:
    """What /start says to someone the bot does not know yet (a web visitor with no row)."""
    return Reply(
        t(lang, choices.START["worker"], name=t(lang, "common.friend")), remove_keyboard=True
    )


async def _name(ctx: Ctx) -> str:
    """The name the person gave us (a volunteer's registered name first), as they wrote it:
    "王师傅" stays "王师傅" — no title is added to a chat name."""
    if ctx.is_volunteer:
        async with ctx.deps.db.session() as session:
            volunteer = await volunteers.by_person(session, person_id=ctx.person.id)
        if volunteer is not None and volunteer.name:
            return volunteer.name
    return ctx.person.display_name or ctx.t("common.friend")


async def help_(ctx: Ctx) -> Result:
    """/help for the person's role; ``/help admin`` lists every admin command, grouped."""
    wants = ctx.event.args[0].lower() if ctx.event.args else ""
    if ctx.is_admin and wants in ("admin", "管理", "管理员"):
        return ctx.reply("staff.help.admin", scope=await roles.scope_label(ctx))
    return ctx.reply(choices.HELP[_role(ctx)])


async def cancel(ctx: Ctx) -> Result:
    """Leave whatever dialog the person is in; the flow may undo its side effects."""
    state = ctx.dialog
    if state is None:
        return Reply(ctx.t("common.nothing_to_cancel"), remove_keyboard=True)
    hook = ctx.routes.cancel_hooks.get(state.flow)
    if hook is not None:
        result = await hook(ctx)
        if result is not None:
            return result
    await dialog.clear(ctx)
    return Reply(ctx.t("common.cancelled"), remove_keyboard=True)


def register(reg: Registry) -> None:
    reg.command("start", start, menu="menu.start")
    reg.command("help", help_, menu="menu.help")
    reg.command("cancel", cancel, audience=Audience.EVERYONE, menu="menu.cancel")
