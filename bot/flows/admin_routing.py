"""/unlearn: the undo for routing's learning from corrections.

``/unlearn`` lists the latest labelled requests (re-routes, picks) with their
ids; ``/unlearn <id>`` withdraws one, and routing is re-taught without it.
Association-wide, like keywords: scoped admins may not use it.
"""

from __future__ import annotations

from bot import roles
from bot.context import Ctx
from bot.flows.admin_common import args, short
from bot.registry import Audience, Registry, Result
from bot.reply import Reply
from bot.routing_feedback import undo_label
from store import routing_feedback as store

LISTED = 10


async def unlearn(ctx: Ctx) -> Result:
    roles.require_unscoped(ctx)
    a = args(ctx)
    if not a:
        async with ctx.deps.db.session() as session:
            rows = await store.recent(session, limit=LISTED)
        if not rows:
            return ctx.reply("admin.unlearn.empty")
        lines = [ctx.t("admin.unlearn.head")]
        for row in rows:
            key = "admin.unlearn.undone" if row.undone_at else "admin.unlearn.line"
            team = row.team_slug or ctx.t("order.no_team")
            lines.append(ctx.t(key, id=row.id, team=team, text=short(row.text)))
        return Reply("\n".join(lines))
    if len(a) != 1 or not a[0].isdigit():
        return ctx.reply("admin.unlearn.usage")
    if not await undo_label(ctx.deps, label_id=int(a[0])):
        return ctx.reply("admin.unlearn.unknown", id=a[0])
    return ctx.reply("admin.unlearn.done", id=a[0])


def register(reg: Registry) -> None:
    reg.command("unlearn", unlearn, audience=Audience.ADMIN)
