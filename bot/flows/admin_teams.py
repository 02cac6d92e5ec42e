"""/teams, /team, /addteam, /editteam and /keywords: the service catalog from chat.

The catalog is association-wide, so changing it needs an unscoped admin;
any admin may look. Every change is audited and rebuilds the router at once,
so the next request is routed with the new names and keywords.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot import audit, catalog, roles
from bot.context import Ctx
from bot.flows.admin_common import args, rest_text
from bot.registry import Audience, Registry, Result
from bot.reply import Reply
from bot.routing import KeywordError, TeamSpec, edit_keywords
from bot.routing.keywords import WEIGHT_MARK, format_keyword, parse_keyword
from bot.texts import Safe, choices, esc
from store import teams as teams_store
from store.models import (
    OrderStatus,
    Team,
    VolunteerStatus,
    utcnow,
)
from store.orders import count_team_orders

MAX_NAME = 64
MAX_NAME_EN = 128
MAX_DESCRIPTION = 500
_ADD = ("add", "+", "加", "添加", "增加")
_DEL = ("del", "delete", "remove", "-", "删", "删除", "去掉")
_SEPARATORS = re.compile(r"[，,、；;]+")
_ON = ("on", "1", "yes", "true", "启用", "是", "开")
_OFF = ("off", "0", "no", "false", "停用", "否", "关")
# /editteam field names (English and Chinese) → Team attribute
_FIELDS = {
    "name": "name", "名称": "name", "队名": "name",
    "en": "name_en", "name_en": "name_en", "英文名": "name_en",
    "desc": "description", "description": "description", "简介": "description",
    "说明": "description",
    "active": "active", "状态": "active",
    "order": "sort_order", "排序": "sort_order",
}  # fmt: skip


def team_label(ctx: Ctx, team: Team) -> str:
    return team.name_en if ctx.lang == "en" and team.name_en else team.name


async def list_teams(ctx: Ctx) -> Result:
    """Every team with its slug, active volunteers and keyword count."""
    async with ctx.deps.db.session() as session:
        teams = await teams_store.teams(session)
        active = await teams_store.volunteer_counts(session, status=VolunteerStatus.ACTIVE)
    lines = [
        ctx.t(
            "admin.teams.line" if team.active else "admin.teams.line_retired",
            name=team_label(ctx, team),
            slug=team.slug,
            volunteers=active.get(team.id, 0),  # type: ignore[arg-type]
            keywords=len(team.keywords),
        )
        for team in teams
    ]
    return Reply(ctx.t("admin.teams.head", n=len(teams)) + "\n" + "\n".join(lines))


async def show_team(ctx: Ctx) -> Result:
    """``/team <slug>``: one team's details, keywords and workload."""
    a = args(ctx)
    if len(a) != 1:
        return ctx.reply("admin.team.usage")
    now = ctx.deps.now()
    async with ctx.deps.db.session() as session:
        team = await teams_store.team_by_slug(session, slug=a[0])
        if team is None:
            return ctx.reply("admin.team.not_found", slug=a[0])
        team_id: int = team.id  # type: ignore[assignment]
        active = await teams_store.volunteer_counts(session, status=VolunteerStatus.ACTIVE)
        pending = await teams_store.volunteer_counts(session, status=VolunteerStatus.PENDING)
        open_orders = await count_team_orders(
            session,
            team_id=team_id,
            statuses=OrderStatus.OPEN + OrderStatus.ACTIVE,
        )
        recent = await count_team_orders(
            session,
            team_id=team_id,
            since=now - timedelta(days=30),
        )
    return Reply(
        ctx.t(
            "admin.team.detail",
            name=team.name,
            name_en=team.name_en or "—",
            slug=team.slug,
            state=ctx.t("admin.team.active" if team.active else "admin.team.retired"),
            description=team.description or "—",
            active=active.get(team_id, 0),
            pending=pending.get(team_id, 0),
            open=open_orders,
            recent=recent,
            keywords=Safe(_keyword_list(team.keywords[:TEAM_KEYWORDS_SHOWN])),
            n=len(team.keywords),
        )
        + (
            ctx.t("admin.team.more_keywords", slug=team.slug)
            if len(team.keywords) > TEAM_KEYWORDS_SHOWN
            else ""
        )
    )


KEYWORDS_PER_LINE = 20
TEAM_KEYWORDS_SHOWN = 30  # /team shows a sample; /keywords shows them all


def _keyword_list(keywords: list[str]) -> str:
    """Plain terms, a line break every few: long lists split cleanly across messages."""
    lines = [
        "、".join(esc(k) for k in keywords[i : i + KEYWORDS_PER_LINE])
        for i in range(0, len(keywords), KEYWORDS_PER_LINE)
    ]
    return "\n".join(lines) or "—"


async def add_team(ctx: Ctx) -> Result:
    """``/addteam <slug> <名称> [简介]``: a new, active team with no keywords yet."""
    roles.require_unscoped(ctx)
    a = args(ctx)
    if len(a) < 2:
        return ctx.reply("admin.addteam.usage")
    slug, name = a[0].lower(), a[1]
    description = rest_text(ctx, 2)
    if not catalog.SLUG.match(slug):
        return ctx.reply("admin.addteam.bad_slug", slug=slug)
    if len(name) > MAX_NAME:
        return ctx.reply("admin.team.too_long", field=ctx.t("admin.field.name"), most=MAX_NAME)
    if len(description) > MAX_DESCRIPTION:
        return ctx.reply(
            "admin.team.too_long", field=ctx.t("admin.field.description"), most=MAX_DESCRIPTION
        )
    async with ctx.deps.db.session() as session:
        if await teams_store.team_by_slug(session, slug=slug) is not None:
            return ctx.reply("admin.addteam.exists", slug=slug)
        last = await teams_store.last_sort_order(session)
        await teams_store.add_team(
            session,
            team=Team(slug=slug, name=name, description=description, sort_order=(last or 0) + 1),
        )
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="team.add",
            target_type="team",
            target_id=slug,
            after={"name": name, "description": description},
        )
    await catalog.reload_router(ctx.deps)
    return ctx.reply("admin.addteam.done", name=name, slug=slug)


def _switch(value: str) -> bool | None:
    value = value.lower()
    return True if value in _ON else False if value in _OFF else None


async def edit_team(ctx: Ctx) -> Result:
    """``/editteam <slug> <字段> <值>``: rename, describe, retire/reactivate or reorder."""
    roles.require_unscoped(ctx)
    a = args(ctx)
    if len(a) < 2:
        return ctx.reply("admin.editteam.usage")
    if len(a) == 2 and _switch(a[1]) is not None:  # "/editteam tech off"
        attr, raw = "active", a[1]
    else:
        attr = _FIELDS.get(a[1].lower(), "")
        raw = rest_text(ctx, 2)
    if not attr:
        return ctx.reply("admin.editteam.usage")
    value: Any
    if attr == "active":
        value = _switch(raw)
        if value is None:
            return ctx.reply("admin.editteam.bad_switch", value=raw)
    elif attr == "sort_order":
        if not raw.lstrip("-").isdigit() or len(raw) > 6:
            return ctx.reply("admin.editteam.bad_number", value=raw)
        value = int(raw)
    else:
        if not raw or (attr == "name" and raw in ("-", "—")):
            return ctx.reply("admin.editteam.usage")
        value = "" if raw in ("-", "—") else raw  # "-" clears the English name or description
        most = {"name": MAX_NAME, "name_en": MAX_NAME_EN, "description": MAX_DESCRIPTION}[attr]
        if len(value) > most:
            return ctx.reply(
                "admin.team.too_long", field=ctx.t(choices.TEAM_FIELD[attr]), most=most
            )
    async with ctx.deps.db.session() as session:
        team = await teams_store.team_by_slug(session, slug=a[0])
        if team is None:
            return ctx.reply("admin.team.not_found", slug=a[0])
        before = getattr(team, attr)
        if before == value:
            return ctx.reply("admin.editteam.same")
        setattr(team, attr, value)
        team.updated_at = utcnow()
        session.add(team)
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="team.edit",
            target_type="team",
            target_id=team.slug,
            before={attr: before},
            after={attr: value},
        )
    await catalog.reload_router(ctx.deps)
    shown = (
        ctx.t("admin.team.active" if value else "admin.team.retired") if attr == "active" else value
    )
    return ctx.reply(
        "admin.editteam.done", slug=team.slug, field=ctx.t(choices.TEAM_FIELD[attr]), value=shown
    )


async def keywords(ctx: Ctx) -> Result:
    """``/keywords <slug> [add|del 词…]``: show or edit a team's routing keywords."""
    a = args(ctx)
    if not a:
        return ctx.reply("admin.kw.usage")
    if len(a) == 1:
        async with ctx.deps.db.session() as session:
            team = await teams_store.team_by_slug(session, slug=a[0])
        if team is None:
            return ctx.reply("admin.team.not_found", slug=a[0])
        return Reply(
            ctx.t(
                "admin.kw.show",
                name=team.name,
                slug=team.slug,
                n=len(team.keywords),
                keywords=Safe(_keyword_list(team.keywords)),
            )
        )
    verb, words = a[1].lower(), split_terms(a[2:])
    if verb not in _ADD + _DEL or not words:
        return ctx.reply("admin.kw.usage")
    roles.require_unscoped(ctx)
    adding = verb in _ADD
    return await change_keywords(
        ctx, a[0], add=words if adding else (), remove=() if adding else words
    )


def split_terms(words: Any) -> list[str]:
    """Terms as typed, also when separated by Chinese or ASCII commas (``焊缝，电焊、气焊``)."""
    return [w for word in words for w in _SEPARATORS.split(word) if w]


async def change_keywords(
    ctx: Ctx, slug: str, *, add: Any = (), remove: Any = (), source: dict[str, Any] | None = None
) -> Reply:
    """Add/remove keywords of team ``slug`` (validated), audit, and rebuild the router.

    Adding a term the team already has changes nothing unless a weight is
    given (``焊接^2`` re-weights; a bare ``焊接`` must not reset ``焊接^1.2``).
    """
    async with ctx.deps.db.session() as session:
        team = await teams_store.team_by_slug(session, slug=slug)
        if team is None:
            return ctx.reply("admin.team.not_found", slug=slug)
        before = list(team.keywords)
        current = {_term(k): _weight(k) for k in before}
        try:
            parsed = [(raw, *parse_keyword(raw)) for raw in dict.fromkeys(add)]
            edited = edit_keywords(
                TeamSpec(team.slug, team.name, tuple(before), team.active),
                add=[raw for raw, term, weight in parsed if _changes(raw, term, weight, current)],
                remove=remove,
            )
        except KeywordError as exc:
            return ctx.reply(choices.KEYWORD_ERROR[exc.reason], term=exc.term)
        after = list(edited.keywords)
        added = [raw for raw, term, _ in parsed if term not in current]
        reweighted = [
            format_keyword(term, weight)
            for raw, term, weight in parsed
            if term in current and _changes(raw, term, weight, current)
        ]
        kept = [raw for raw, term, weight in parsed if not _changes(raw, term, weight, current)]
        removals = list(dict.fromkeys(remove))
        removed = [w for w in removals if _term(w) in current]
        missing = [w for w in removals if _term(w) not in current]
        if after == before:
            if kept and not missing:
                return ctx.reply("admin.kw.kept_only", name=team.name, words="、".join(kept))
            return ctx.reply("admin.kw.unchanged", missing="、".join(missing) or "—")
        team.keywords = after
        team.updated_at = utcnow()
        session.add(team)
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="team.keywords",
            target_type="team",
            target_id=team.slug,
            before={"keywords": before},
            after={"keywords": after, **(source or {})},
        )
        name = team.name
    await catalog.reload_router(ctx.deps)
    lines = [ctx.t("admin.kw.saved", name=name, n=len(after))]
    for key, words in (
        ("admin.kw.added", added),
        ("admin.kw.reweighted", reweighted),
        ("admin.kw.kept", kept),
        ("admin.kw.removed", removed),
        ("admin.kw.missing", missing),
    ):
        if words:
            lines.append(ctx.t(key, words="、".join(words)))
    return Reply("\n".join(lines))


def _changes(raw: str, term: str, weight: float, current: dict[str, float]) -> bool:
    """Whether adding ``raw`` changes the list: a new term, or an explicit new weight."""
    if term not in current:
        return True
    return WEIGHT_MARK in raw and current[term] != weight


def _weight(raw: str) -> float:
    try:
        return parse_keyword(raw, allow_chitchat=True)[1]
    except KeywordError:
        return 1.0


def _term(raw: str) -> str:
    try:
        return parse_keyword(raw, allow_chitchat=True)[0]
    except KeywordError:
        return raw


def register(reg: Registry) -> None:
    reg.command("teams", list_teams, audience=Audience.ADMIN, menu="menu.teams")
    reg.command("team", show_team, audience=Audience.ADMIN, menu="menu.team")
    reg.command("addteam", add_team, audience=Audience.ADMIN, menu="menu.addteam")
    reg.command("editteam", edit_team, audience=Audience.ADMIN, menu="menu.editteam")
    reg.command("keywords", keywords, audience=Audience.ADMIN, menu="menu.keywords")
