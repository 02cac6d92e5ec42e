"""/admin (the admin menu), /grant, /revoke and /audit; registers every admin area.

The areas live in their own modules (admin_teams, admin_stations,
admin_volunteers, admin_orders, admin_broadcast, and reports for /stats and
/export); ``register`` here wires them all, so ``bot.flows`` lists the admin
side once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot import audit, callbacks, notify, orders, roles
from bot.context import Ctx
from bot.flows import (
    admin_broadcast,
    admin_order_actions,
    admin_orders,
    admin_stations,
    admin_teams,
    admin_volunteers,
    reports,
)
from bot.flows.admin_common import (
    action_label,
    args,
    ident,
    local,
    number,
    person_name,
)
from bot.registry import Audience, Handler, Registry, Result
from bot.reply import Button, Reply
from bot.reports.audit import audit_key, audit_target, audit_value
from bot.texts import choices, t
from store.models import AuditLog, Person, Role, Station
from store.people import people_by_id
from store.stations import station_by_code

DEFAULT_AUDIT_ROWS = 10
_DETAIL_CHARS = 160


async def _pending(ctx: Ctx) -> Result:
    return await admin_volunteers.show(ctx, "pending")


async def menu(ctx: Ctx) -> Result:
    """The admin menu: every admin command with its form, and shortcuts for the common views."""
    scope = await roles.scope_label(ctx)
    buttons = tuple(
        tuple(
            Button(ctx.t(choices.ADMIN_MENU_BUTTON[v]), callbacks.encode(callbacks.ADMIN_MENU, v))
            for v in pair
        )
        for pair in (("teams", "stations"), ("pending", "orders"), ("stats", "audit"))
    )
    return Reply(ctx.t("admin.menu", scope=scope), buttons=buttons)


async def open_view(ctx: Ctx) -> Result:
    view = callbacks.str_arg(ctx.args, 0, tuple(VIEWS))
    return await VIEWS[view](ctx)


async def grant(ctx: Ctx) -> Result:
    """``/grant <telegram id | @username> [station_code]`` — super-admins only."""
    roles.require_super(ctx)
    a = args(ctx)
    if not a or len(a) > 2:
        return ctx.reply("admin.grant.usage")
    deps = ctx.deps
    async with deps.db.session() as session:
        station: Station | None = None
        if len(a) == 2:
            station = await station_by_code(session, code=a[1])
            if station is None:
                return ctx.reply("admin.station.not_found", code=a[1])
        ref = ident(a[0])
        person = await roles.find_person(session, ref)
        stranger = person is None  # never wrote to the bot: granted ahead of their first message
        if stranger:
            person = await roles.find_person(session, ref, create=True)
        if person is None:
            return ctx.reply("admin.person.not_found", ref=a[0])
        if roles.is_super(deps, person):
            return ctx.reply("admin.grant.is_super", name=person_name(person))
        where = station.name if station else ctx.t("admin.scope.all")
        station_id = station.id if station else None
        if Role.ADMIN in (person.roles or []) and person.admin_station_id == station_id:
            return ctx.reply("admin.grant.already", name=person_name(person), where=where)
        before = _role_state(person)
        roles.grant(person, station_id)
        session.add(person)
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="admin.grant",
            target_type="person",
            target_id=person.id,
            before=before,
            after=_role_state(person, station),
        )
    await roles.refresh_menu(deps, person)
    told = await notify.notify(
        deps, person, Reply(_t_for(person, "admin.grant.notice", where=where))
    )
    done = ctx.t("admin.grant.done", name=person_name(person), where=where)
    if stranger or told is None:
        done += "\n" + ctx.t("admin.grant.untold")
    return Reply(done)


async def revoke(ctx: Ctx) -> Result:
    """``/revoke <telegram id | @username>`` — super-admins only; super-admins stay."""
    roles.require_super(ctx)
    a = args(ctx)
    if len(a) != 1:
        return ctx.reply("admin.revoke.usage")
    deps = ctx.deps
    async with deps.db.session() as session:
        person = await roles.find_person(session, ident(a[0]))
        if person is None:
            return ctx.reply("admin.person.not_found", ref=a[0])
        if roles.is_super(deps, person):
            return ctx.reply("admin.revoke.is_super", name=person_name(person))
        before = _role_state(person)
        if not roles.revoke(person):
            return ctx.reply("admin.revoke.not_admin", name=person_name(person))
        session.add(person)
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="admin.revoke",
            target_type="person",
            target_id=person.id,
            before=before,
            after=_role_state(person),
        )
    await roles.refresh_menu(deps, person)
    await notify.notify(deps, person, Reply(_t_for(person, "admin.revoke.notice")))
    return ctx.reply("admin.revoke.done", name=person_name(person))


def _role_state(person: Person, station: Station | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {"roles": list(person.roles or [])}
    state["station_id"] = person.admin_station_id
    if station is not None:
        state["station"] = station.code
    return state


def _t_for(person: Person, key: str, **kw: Any) -> str:
    return t(person.language, key, **kw)


async def show_audit(ctx: Ctx) -> Result:
    """``/audit [n]``: the latest n admin actions (a station admin sees their own)."""
    a = args(ctx)
    n = DEFAULT_AUDIT_ROWS
    if a:
        wanted = number(a[0], audit.MAX_SHOWN) if len(a) == 1 else None
        if not wanted:
            return ctx.reply("admin.audit.usage", most=audit.MAX_SHOWN)
        n = wanted
    own_only = roles.scope_of(ctx) is not None
    async with ctx.deps.db.session() as session:
        rows = await audit.latest(session, n, actor_id=ctx.person.id if own_only else None)
        people = await people_by_id(session, ids={r.actor_id for r in rows})
    if not rows:
        return ctx.reply("admin.audit.empty")
    lines = [_audit_line(ctx, r, people.get(r.actor_id)) for r in rows]  # type: ignore[arg-type]
    return Reply(ctx.t("admin.audit.head", n=len(rows)) + "\n" + "\n".join(lines))


def _audit_line(ctx: Ctx, row: AuditLog, actor: Person | None) -> str:
    detail = _diff(
        row.before,
        row.after,
        name=lambda k: audit_key(ctx, k),
        show=lambda k, v: audit_value(ctx, row, k, v),
    )
    target = audit_target(ctx, row, _target(row))
    return ctx.t(
        "admin.audit.line",
        at=local(ctx.deps, row.created_at),
        who=person_name(actor) if actor else ctx.t("admin.audit.system"),
        action=action_label(ctx, row.action),
        target=target,
        detail=detail,
    )


def _target(row: AuditLog) -> str:
    """What the action was about, as admins name it (an order by its code)."""
    if not row.target_type:
        return ""
    if row.target_type == "order" and (row.target_id or "").isdigit():
        return orders.format_code(int(row.target_id))  # type: ignore[arg-type]
    return f"{row.target_type}#{row.target_id}"


def _diff(
    before: dict | None,
    after: dict | None,
    name: Callable[[str], str] = str,
    show: Callable[[str, object], str | None] = lambda _k, _v: None,
) -> str:
    """A one-line before → after summary of the keys that changed.

    Lists (a team's 300 keywords) show what went in and out, not the whole list.
    """
    before, after = before or {}, after or {}
    parts = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, list) and isinstance(new, list):
            olds, news = [_compact(v) for v in old], [_compact(v) for v in new]
            old_set, new_set = set(olds), set(news)
            moved = [f"+{v}" for v in news if v not in old_set]
            moved += [f"-{v}" for v in olds if v not in new_set]
            parts.append(f"{name(key)}: {' '.join(moved) or _compact(new)}")
        elif key in before and key in after:
            parts.append(
                f"{name(key)}: {show(key, old) or _compact(old)}→{show(key, new) or _compact(new)}"
            )
        else:
            value = new if key in after else old
            parts.append(f"{name(key)}: {show(key, value) or _compact(value)}")
    text = "; ".join(parts)
    return text if len(text) <= _DETAIL_CHARS else text[: _DETAIL_CHARS - 1] + "…"


def _compact(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# The menu's shortcut buttons: view name → what it opens (each takes no arguments).
VIEWS: dict[str, Handler] = {
    "teams": admin_teams.list_teams,
    "stations": admin_stations.tree,
    "pending": _pending,
    "orders": admin_orders.list_orders,
    "stats": reports.stats,
    "audit": show_audit,
}


def register(reg: Registry) -> None:
    """Every admin command and button; commands appear in admins' menus in this order."""
    reg.command("admin", menu, audience=Audience.ADMIN, menu="menu.admin")
    reg.button(callbacks.ADMIN_MENU, open_view, admin=True)
    admin_teams.register(reg)
    admin_stations.register(reg)
    admin_volunteers.register(reg)
    admin_orders.register(reg)
    admin_order_actions.register(reg)  # 派单 / 改派服务队 / 联系求助人 / 取消 (issue 17)
    reports.register(reg)  # /stats, /export, charts, posters, who asked, services (issue 19)
    admin_broadcast.register(reg)
    reg.command("grant", grant, audience=Audience.ADMIN, menu="menu.grant")
    reg.command("revoke", revoke, audience=Audience.ADMIN, menu="menu.revoke")
    reg.command("audit", show_audit, audience=Audience.ADMIN, menu="menu.audit")
    # An admin's chat menu: one entry per group (订单 / 志愿者 / 服务队与站点 / 统计导出 /
    # 应急); /admin and /help admin show the rest (issue 17).
    reg.admin_menu = ("admin", "orders", "volunteers", "teams", "stats", "broadcast")
