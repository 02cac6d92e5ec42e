"""/orders, /order <code> (the admin timeline), /assign, /reroute and /cancelorder.

Every command first finds the order and checks the admin's station scope.
Status changes go through ``bot.orders.transition`` (or dispatch's
``assign``), so an admin racing a volunteer or the requester cannot corrupt an
order: whoever's conditional update wins, the other is told it moved on.
After a reroute the admin is offered the request's key terms as keywords of
the right team, so the router learns from its mistakes.
"""

from __future__ import annotations

import dataclasses
import html
from datetime import datetime
from typing import Any

from bot import audit, callbacks, order_actions, orders, roles, team_jobs
from bot.context import Ctx
from bot.errors import Expired
from bot.flows import admin_routing
from bot.flows.admin_common import (
    LIST_LIMIT,
    action_label,
    args,
    local,
    order_in_scope,
    person_name,
    rest_text,
    short,
    volunteer_in_scope,
)
from bot.flows.admin_teams import change_keywords
from bot.lifecycle import emit
from bot.registry import Audience, Registry, Result
from bot.reply import Button, Outcome, Reply
from bot.routing.keywords import KeywordError, parse_keyword
from bot.routing_feedback import propose_keywords, record_label
from bot.texts import Safe, choices, t
from store import audit as audit_store
from store import tasks
from store.engine import Session
from store.feedback import feedback_of_order
from store.models import (
    AuditLog,
    Feedback,
    Offer,
    OfferStatus,
    Order,
    OrderStatus,
    Person,
    RoutingLabel,
    Station,
    Team,
    Volunteer,
    VolunteerStatus,
)
from store.offers import offers_of_order
from store.orders import move_to_team, orders_page
from store.people import people_by_id, person_by_id
from store.relay import relayed_count
from store.stations import station_by_code, station_by_id
from store.teams import team_by_id, team_by_slug, teams_by_id
from store.volunteers import volunteer_by_id, volunteer_names

MAX_REASON = 300
VIEW_BUTTONS = 10  # /orders: a details button for each of the first orders listed
CANCELLABLE = (*OrderStatus.OPEN, *OrderStatus.ACTIVE)
REROUTABLE = OrderStatus.OPEN  # once a volunteer holds it, the team is settled
# Who /assign may give an order to (dispatch.assign's rule: paused volunteers may be asked).
ASSIGNABLE = (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED)
_ALL_STATUSES = (
    OrderStatus.NEW, OrderStatus.OFFERED, OrderStatus.CLAIMED, OrderStatus.SCHEDULED,
    OrderStatus.IN_PROGRESS, OrderStatus.DONE, OrderStatus.CONFIRMED, OrderStatus.RATED,
    OrderStatus.CANCELLED, OrderStatus.EXPIRED,
)  # fmt: skip
# /orders words for groups of statuses (English and Chinese)
_GROUPS: dict[str, tuple[str, ...]] = {
    "open": OrderStatus.OPEN, "待处理": OrderStatus.OPEN,
    "active": OrderStatus.ACTIVE, "进行中": OrderStatus.ACTIVE,
    "unclaimed": (OrderStatus.EXPIRED,), "无人认领": (OrderStatus.EXPIRED,),
    "finished": (OrderStatus.DONE, OrderStatus.CONFIRMED, OrderStatus.RATED),
    "已完成": (OrderStatus.DONE, OrderStatus.CONFIRMED, OrderStatus.RATED),
    "all": _ALL_STATUSES, "全部": _ALL_STATUSES,
}  # fmt: skip
_GROUP_NAMES = {
    "open": "open", "待处理": "open", "active": "active", "进行中": "active",
    "unclaimed": "unclaimed", "无人认领": "unclaimed", "finished": "finished",
    "已完成": "finished", "all": "all", "全部": "all",
}  # fmt: skip
_UNFINISHED = (*OrderStatus.OPEN, *OrderStatus.ACTIVE, OrderStatus.DONE)


# ---------------------------------------------------------------- /orders


def _status_word(ctx: Ctx, word: str) -> tuple[str, ...] | None:
    w = word.lower()
    if w in _GROUPS:
        return _GROUPS[w]
    for status in _ALL_STATUSES:
        if w == status or word in (
            t("zh", choices.ORDER_STATUS[status]),
            ctx.t(choices.ORDER_STATUS[status]),
        ):
            return (status,)
    return None


def _status_title(ctx: Ctx, word: str, found: tuple[str, ...]) -> str:
    """The heading for a status filter in the admin's language (``open`` → 待处理订单)."""
    group = _GROUP_NAMES.get(word.lower())
    if group is not None:
        return ctx.t(choices.ORDERS_GROUP[group])
    return ctx.t(choices.ORDER_STATUS[found[0]]) if len(found) == 1 else word


async def list_orders(ctx: Ctx) -> Result:
    """``/orders [状态|服务队|站点 …]``: newest orders matching every filter given."""
    a = args(ctx)
    statuses: tuple[str, ...] = _UNFINISHED
    team_id: int | None = None
    subtree: set[int] | None = None
    titles: list[str] = []
    async with ctx.deps.db.session() as session:
        for word in a:
            if (found := _status_word(ctx, word)) is not None:
                statuses = found
                titles.append(_status_title(ctx, word, found))
            elif (team := await team_by_slug(session, slug=word)) is not None:
                team_id = team.id
                titles.append(team.name)
            elif (station := await station_by_code(session, code=word)) is not None:
                await roles.require_scope(session, ctx, station.id)
                subtree = await roles.subtree_ids(session, station.id)  # type: ignore[arg-type]
                titles.append(station.name)
            else:
                return ctx.reply("admin.orders.unknown_filter", value=word)
        total, rows = await orders_page(
            session,
            statuses=statuses,
            team_id=team_id,
            station_ids=subtree,
            within=await roles.scope_ids(session, ctx),
            limit=LIST_LIMIT,
        )
        teams = await teams_by_id(session)
        stations = await roles.stations_by_id(session)
    title = " · ".join(titles) or ctx.t("admin.orders.unfinished")
    if not rows:
        return ctx.reply("admin.orders.empty", title=title)
    lines = []
    for o in rows:
        team, station = teams.get(o.team_id), stations.get(o.station_id)  # type: ignore[arg-type]
        lines.append(
            ctx.t(
                "admin.orders.line",
                code=o.code,
                status=orders.status_label(ctx.lang, o.status),
                team=team.name if team else ctx.t("order.no_team"),
                station=station.name if station else "—",
                at=local(ctx.deps, o.created_at),
                text=short(o.text, 40),
            )
        )
    text = ctx.t("admin.orders.head", title=title, n=total) + "\n" + "\n".join(lines)
    if total > len(rows):
        text += "\n" + ctx.t("admin.list.more", shown=len(rows), n=total)
    # Each order shown opens its /order view, with its actions (issue 17).
    views = [
        Button(
            ctx.t("staff.order.btn.view", code=o.code),
            callbacks.encode(callbacks.ADMIN_ORDER_VIEW, o.id),
        )
        for o in rows[:VIEW_BUTTONS]
    ]
    return Reply(
        text + "\n" + ctx.t("admin.orders.hint"),
        buttons=tuple(tuple(views[i : i + 2]) for i in range(0, len(views), 2)),
    )


# ---------------------------------------------------------------- /order <code>


async def order_detail(ctx: Ctx) -> Result:
    """``/order <code>`` from an admin: the order with its whole history.

    Ordering's ``/order`` (the service list) delegates here when an admin
    gives a code.
    """
    a = args(ctx)
    if len(a) != 1:
        return ctx.reply("admin.order.usage")
    async with ctx.deps.db.session() as session:
        order = await order_in_scope(session, ctx, a[0])
    return await detail_reply(ctx, order)


async def detail_reply(ctx: Ctx, order: Order) -> Reply:
    """The admin's view of one order: timeline, and what they can do with it now."""
    async with ctx.deps.db.session() as session:
        text = await timeline_text(ctx, session, order)
    buttons = order_actions.admin_buttons(ctx.lang, order)  # 派单, 改派服务队 … (issue 17)
    return Reply(text, buttons=buttons + team_jobs.size_buttons(ctx.lang, order))  # 需要人数


@dataclasses.dataclass
class _History:
    """Everything the admin timeline shows about one order, read in one go."""

    requester: Person | None
    team: Team | None
    station: Station | None
    volunteer: Volunteer | None
    offers: list[Offer]
    names: dict[int, str]  # volunteer id → name
    feedback: Feedback | None
    relayed: int
    actions: list[AuditLog]
    people: dict[int, Person]  # who acted on it


async def _history(session: Session, order: Order) -> _History:
    offers = await offers_of_order(session, order_id=order.id)  # type: ignore[arg-type]
    held = {order.volunteer_id} if order.volunteer_id else set()
    actions = await audit.latest(session, 50, target_type="order", target_id=order.id)
    actors = {a.actor_id for a in actions if a.actor_id} | {order.cancelled_by or 0}
    return _History(
        requester=await person_by_id(session, person_id=order.requester_id),
        team=await team_by_id(session, team_id=order.team_id),
        station=await station_by_id(session, station_id=order.station_id),
        volunteer=await volunteer_by_id(session, volunteer_id=order.volunteer_id)
        if order.volunteer_id
        else None,
        offers=offers,
        names=await volunteer_names(session, ids={o.volunteer_id for o in offers} | held),
        feedback=await feedback_of_order(session, order_id=order.id),
        relayed=await relayed_count(session, order_id=order.id),  # type: ignore[arg-type]
        actions=actions,
        people=await people_by_id(session, ids=actors),
    )


def _events(ctx: Ctx, order: Order, h: _History) -> list[tuple[datetime, int, str]]:
    """Every dated event of the order as (when, rank, text); ``rank`` orders equal instants."""
    deps = ctx.deps
    events: list[tuple[datetime, int, str]] = []

    def add(when: datetime | None, key: str, rank: int = 0, **kw: Any) -> None:
        if when is not None:
            events.append((when, rank, ctx.t(key, **kw)))

    add(
        order.created_at,
        "admin.tl.created",
        0,
        who=person_name(h.requester),
        source=ctx.t(choices.ORDER_SOURCE[order.source])
        if order.source in _SOURCES
        else order.source,
    )
    for offer in h.offers:
        who = h.names.get(offer.volunteer_id, f"#{offer.volunteer_id}")
        add(offer.created_at, "admin.tl.offer", 1, who=who, wave=offer.wave)
        if offer.responded_at and offer.status in _OFFER_ENDS:
            add(offer.responded_at, choices.OFFER_END[offer.status], 2, who=who)
    add(order.claimed_at, "admin.tl.claimed", 3, who=h.names.get(order.volunteer_id or 0, "—"))
    add(
        order.scheduled_at,
        "admin.tl.scheduled",
        4,
        time=local(deps, order.appointment_at, "%m-%d %H:%M") or "—",
    )
    add(order.started_at, "admin.tl.started", 5)
    add(
        order.done_at,
        "admin.tl.done",
        6,
        minutes=order.service_minutes if order.service_minutes is not None else "—",
        summary=short(order.summary, 80) or "—",
    )
    if order.confirmed_at is not None:
        add(
            order.confirmed_at,
            "admin.tl.confirmed" if order.resolved is not False else "admin.tl.unresolved",
            7,
        )
    if h.feedback is not None:
        add(
            order.rated_at or h.feedback.created_at,
            "admin.tl.rated",
            8,
            rating=h.feedback.rating,
            comment=short(h.feedback.comment, 80) or "—",
        )
    add(order.expired_at, "admin.tl.expired", 9)
    add(
        order.cancelled_at,
        "admin.tl.cancelled",
        9,
        who=person_name(h.people.get(order.cancelled_by)) if order.cancelled_by else "—",
        reason=order.cancel_reason or "—",
    )
    for row in h.actions:
        add(
            row.created_at,
            "admin.tl.admin",
            10,
            who=person_name(h.people.get(row.actor_id)),  # type: ignore[arg-type]
            action=action_label(ctx, row.action),
            detail=_audit_detail(row),
        )
    events.sort(key=lambda e: (e[0], e[1]))
    return events


async def timeline_text(ctx: Ctx, session: Session, order: Order) -> str:
    """Header (contacts included: this is for admins) and every dated event, oldest first."""
    h = await _history(session, order)
    timeline = "\n".join(
        ctx.t("admin.tl.line", at=local(ctx.deps, at), text=Safe(text))
        for at, _, text in _events(ctx, order, h)
    )
    when = order.time_text or (
        ctx.t(choices.TIME_PREF_ADMIN[order.time_pref]) if order.time_pref in _TIME_PREFS else "—"
    )
    return ctx.t(
        "admin.order.detail",
        code=order.code,
        status=orders.status_label(ctx.lang, order.status),
        team=h.team.name if h.team else ctx.t("order.no_team"),
        score=f"{order.route_score:.2f}" if order.route_score is not None else "—",
        station=h.station.name if h.station else "—",
        text=order.text,
        contact=order.contact_name or person_name(h.requester),
        phone=order.contact_phone or "—",
        address=order.address or "—",
        when=when,
        volunteer=f"{h.volunteer.name} (#{h.volunteer.id})" if h.volunteer else "—",
        relayed=h.relayed,
        photos=len(order.photos),
        timeline=Safe(timeline),
    )


_SOURCES = ("text", "browse", "link", "web", "admin")
_TIME_PREFS = ("asap", "today", "tomorrow", "weekend", "custom")
_OFFER_ENDS = (OfferStatus.DECLINED, OfferStatus.WITHDRAWN, OfferStatus.FAILED, OfferStatus.TAKEN)


def _audit_detail(row: AuditLog) -> str:
    after = row.after or {}
    parts = [
        f"{k}={v}" for k, v in after.items() if k in ("team", "volunteer", "volunteer_id", "reason")
    ]
    return "; ".join(str(p) for p in parts)[:120] or "—"


# ---------------------------------------------------------------- /assign


async def assign(ctx: Ctx) -> Result:
    """``/assign <code> <volunteer>``: give the order to that volunteer (dispatch does it)."""
    a = args(ctx)
    if len(a) != 2:
        return ctx.reply("admin.assign.usage")
    return await assign_to(ctx, a[0], a[1])


async def assign_to(ctx: Ctx, code: str, who: str) -> Reply:
    """Give order ``code`` to volunteer ``who`` (/assign, and the 派单 picker's buttons)."""
    from bot import dispatch

    async with ctx.deps.db.session() as session:
        order = await order_in_scope(session, ctx, code)
        volunteer = await volunteer_in_scope(session, ctx, who)
    if order.volunteer_id == volunteer.id and order.status in OrderStatus.ACTIVE:
        return ctx.reply("admin.assign.already", code=order.code, name=volunteer.name)
    if volunteer.status not in ASSIGNABLE:
        return ctx.reply(
            "admin.assign.not_working",
            name=volunteer.name,
            status=ctx.t(choices.VOLUNTEER_STATUS_ADMIN[volunteer.status]),
        )
    if order.status not in OrderStatus.OPEN:
        return ctx.reply(
            "admin.assign.held",
            code=order.code,
            status=orders.status_label(ctx.lang, order.status),
        )
    # dispatch.assign is the claim path (atomic, audited as order.assign, everyone told)
    if not await dispatch.assign(ctx.deps, order.id, volunteer.id, by=ctx.person):  # type: ignore[arg-type]
        return ctx.reply(
            "admin.assign.failed",
            code=order.code,
            name=volunteer.name,
            status=orders.status_label(ctx.lang, order.status),
        )
    return ctx.reply("admin.assign.done", code=order.code, name=volunteer.name)


# ---------------------------------------------------------------- /reroute


async def reroute(ctx: Ctx) -> Result:
    """``/reroute <code> <slug>``: move an unclaimed order to another team."""
    a = args(ctx)
    if len(a) != 2:
        return ctx.reply("admin.reroute.usage")
    return await reroute_to(ctx, a[0], a[1])


async def reroute_to(ctx: Ctx, code: str, slug: str) -> list[Reply] | Reply:
    """Move order ``code`` to team ``slug`` (/reroute, and the 改派服务队 buttons)."""
    now = ctx.deps.now()
    async with ctx.deps.db.session() as session:
        order = await order_in_scope(session, ctx, code)
        team = await team_by_slug(session, slug=slug)
        if team is None:
            return ctx.reply("admin.team.not_found", slug=slug)
        if not team.active:
            return ctx.reply("admin.reroute.retired", team=team.name, slug=team.slug)
        if order.team_id == team.id:
            return ctx.reply("admin.reroute.same", code=order.code, team=team.name)
        old_team = await team_by_id(session, team_id=order.team_id)
        moved = await move_to_team(
            session,
            order_id=order.id,  # type: ignore[arg-type]
            team_id=team.id,  # type: ignore[arg-type]
            expect=REROUTABLE,
            now=now,
        )
        if not moved:
            return ctx.reply(
                "admin.reroute.held",
                code=order.code,
                status=orders.status_label(ctx.lang, order.status),
            )
        # Words of the request worth teaching, minus side words of other teams' sentences.
        known = {_term(k) for k in team.keywords}
        terms = propose_keywords(ctx.deps, order.text, team.slug, known)
        row = await audit.record(
            session,
            actor_id=ctx.person.id,
            action="order.reroute",
            target_type="order",
            target_id=order.id,
            before={"team": old_team.slug if old_team else None},
            after={"team": team.slug, "team_id": team.id, "suggest": terms},
        )
        audit_id = row.id
    await emit(ctx.deps, "order_rerouted", order_id=order.id, team_id=team.id, by=ctx.person.id)
    await record_label(  # a labelled real request: routing learns once others agree
        ctx.deps,
        text=order.text,
        team_slug=team.slug,
        source=RoutingLabel.REROUTE if old_team else RoutingLabel.TRIAGE,
        actor_id=ctx.person.id,
        order_id=order.id,
    )
    replies = [
        ctx.reply(
            "admin.reroute.done",
            code=order.code,
            team=team.name,
            old=old_team.name if old_team else ctx.t("order.no_team"),
        )
    ]
    if terms and roles.scope_of(ctx) is None:
        replies.append(_learn_reply(ctx, audit_id, team, terms))  # type: ignore[arg-type]
    return replies


def _term(raw: str) -> str:
    try:
        return parse_keyword(raw, allow_chitchat=True)[0]
    except KeywordError:
        return raw


def _learn_reply(ctx: Ctx, audit_id: int, team: Team, terms: list[str]) -> Reply:
    """Offer each suggested term as a keyword of ``team``; learned ones are ticked."""
    known = {_term(k) for k in team.keywords}
    learned = [w for w in terms if w in known]
    left = [(i, w) for i, w in enumerate(terms) if w not in known]
    text = ctx.t("admin.learn.offer", team=team.name, terms="、".join(terms))
    if learned:
        text += "\n" + ctx.t("admin.learn.learned", terms="、".join(learned))
    buttons: list[tuple[Button, ...]] = [
        tuple(
            Button(
                html.unescape(ctx.t("admin.learn.add", term=w)),
                callbacks.encode(callbacks.ADMIN_LEARN_KEYWORD, audit_id, i),
            )
            for i, w in left[j : j + 3]
        )
        for j in range(0, len(left), 3)
    ]
    if len(left) > 1:
        buttons.append(
            (
                Button(
                    ctx.t("admin.learn.all"),
                    callbacks.encode(callbacks.ADMIN_LEARN_KEYWORD, audit_id, "all"),
                ),
            )
        )
    if left:
        buttons.append(
            (
                Button(
                    ctx.t("admin.learn.close"),
                    callbacks.encode(callbacks.ADMIN_LEARN_CLOSE, audit_id),
                ),
            )
        )
    return Reply(text, buttons=tuple(buttons))


# Audit rows whose ``suggest`` terms the ＋ buttons add: a re-route, a nightly proposal.
LEARN_FROM = frozenset({"order.reroute", "routing.propose"})


async def _reroute_row(ctx: Ctx) -> tuple[AuditLog, Team]:
    roles.require_unscoped(ctx)
    audit_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        row = await audit_store.audit_by_id(session, audit_id=audit_id)
        if row is None or row.action not in LEARN_FROM or not row.after:
            raise Expired()
        team = await team_by_id(session, team_id=row.after.get("team_id"))
    if team is None or not isinstance(row.after.get("suggest"), list):
        raise Expired()
    return row, team


async def learn(ctx: Ctx) -> Result:
    """One suggested term (or all of them) becomes a keyword of the rerouted-to team."""
    row, team = await _reroute_row(ctx)
    terms: list[str] = row.after["suggest"]  # type: ignore[index]
    which = callbacks.str_arg(ctx.args, 1)
    if which == "all":
        known = {_term(k) for k in team.keywords}
        chosen = [w for w in terms if w not in known]
    else:
        index = callbacks.int_arg(ctx.args, 1)
        if not 0 <= index < len(terms) or terms[index] in {_term(k) for k in team.keywords}:
            raise Expired()  # out of range, or learned already (a stale button)
        chosen = [terms[index]]
    if not chosen:
        raise Expired()
    source = (
        {"from_order": row.target_id} if row.action == "order.reroute" else {"from_retrain": row.id}
    )
    result = await change_keywords(ctx, team.slug, add=chosen, source=source)
    async with ctx.deps.db.session() as session:
        fresh = await team_by_id(session, team_id=team.id)
    assert fresh is not None
    toast = html.unescape(result.text.split("\n", 1)[0])[:200]
    return Outcome(
        [dataclasses.replace(_learn_reply(ctx, row.id, fresh, terms), edit=True)],  # type: ignore[arg-type]
        toast=toast,
    )


async def learn_close(ctx: Ctx) -> Result:
    row, team = await _reroute_row(ctx)
    reply = _learn_reply(ctx, row.id, team, row.after["suggest"])  # type: ignore[arg-type, index]
    return Outcome([dataclasses.replace(reply, buttons=(), edit=True)])


# ---------------------------------------------------------------- /cancelorder


async def cancel_order(ctx: Ctx) -> Result:
    """``/cancelorder <code> [原因]``: cancel an order nobody has finished yet."""
    a = args(ctx)
    if not a:
        return ctx.reply("admin.cancel.usage")
    reason = rest_text(ctx, 1)[:MAX_REASON] or ctx.t("admin.cancel.default_reason")
    return await cancel_with(ctx, a[0], reason)


async def cancel_with(ctx: Ctx, code: str, reason: str) -> Reply:
    """Cancel order ``code`` for ``reason`` (/cancelorder, and the 取消 button)."""
    deps, now = ctx.deps, ctx.deps.now()
    async with deps.db.session() as session:
        order = await order_in_scope(session, ctx, code)
        requester = await person_by_id(session, person_id=order.requester_id)
        before = order.status
        won = await orders.transition(
            session,
            order.id,  # type: ignore[arg-type]
            OrderStatus.CANCELLED,
            now,
            expect=CANCELLABLE,
            cancel_reason=reason,
            cancelled_by=ctx.person.id,
        )
        if not won:
            return ctx.reply(
                "admin.cancel.too_late",
                code=order.code,
                status=orders.status_label(ctx.lang, before),
            )
        await tasks.cancel(session, key_prefix=f"order:{order.id}:")
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="order.cancel",
            target_type="order",
            target_id=order.id,
            before={"status": before},
            after={"status": OrderStatus.CANCELLED, "reason": reason},
        )
    note = t(requester.language if requester else None, "admin.cancel.note", reason=reason)
    await orders.push_status(deps, order, note=note)
    await emit(deps, "order_cancelled", order_id=order.id, by=ctx.person.id, reason=reason)
    return ctx.reply("admin.cancel.done", code=order.code)


def register(reg: Registry) -> None:
    reg.command("orders", list_orders, audience=Audience.ADMIN, menu="menu.orders")
    reg.command("assign", assign, audience=Audience.ADMIN, menu="menu.assign")
    reg.command("reroute", reroute, audience=Audience.ADMIN, menu="menu.reroute")
    reg.command("cancelorder", cancel_order, audience=Audience.ADMIN, menu="menu.cancelorder")
    reg.button(callbacks.ADMIN_LEARN_KEYWORD, learn, admin=True)
    reg.button(callbacks.ADMIN_LEARN_CLOSE, learn_close, admin=True)
    admin_routing.register(reg)  # /unlearn: undo routing's learning (issue 16)
