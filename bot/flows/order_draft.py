"""The order being filled in: its durable draft, its steps, and the checks on every button.

A draft is the ``data`` of the person's ``DialogState`` (flow ``order``), kept
JSON-plain so a restart resumes at the same step with nothing lost:

- ``tok``: a short random token, renewed whenever the step changes; every
  button of the dialog carries it, so a button from an earlier step or an
  earlier order is stale ("已过期") and changes nothing;
- ``text``: the need in the worker's words; ``source``: text | browse | link | web;
- ``team`` / ``team_id``: the chosen team (both None with ``team_chosen`` for
  admin triage); ``options``: the teams the routing confirmation offered;
  ``picking``: the person answered "不对", so every team is listed instead;
  ``route_score`` / ``route_matched``: what routing saw in the text;
- ``station_id``: the service station of a poster's deep link;
- ``address`` or ``latitude``/``longitude``; ``time_pref``, ``time_text``,
  ``window_start``/``window_end`` (ISO strings); ``phone``; ``photos``
  (platform file ids);
- ``editing``: the person came from the summary's 修改 and goes back to it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time
from typing import Any

from bot import dialog, orders
from bot.context import Ctx
from bot.deps import Deps
from bot.errors import Expired
from store import cache
from store.engine import Session
from store.models import Team
from store.teams import team_by_slug

FLOW = "order"
MAX_PHOTOS = 5
MAX_TEXT = 2000  # Order.text
MAX_ADDRESS = 300  # Order.address
MAX_TIME_TEXT = 100  # Order.time_text


class Step:
    DESCRIBE = "describe"  # tell the need (after a browse pick or a deep link)
    CONFIRM_TEAM = "confirm_team"  # "您的需求将由【…】处理，对吗？" or pick from the list
    PLACE = "place"
    HOUSE = "house"  # after a shared location, the door number, asked once (issue 17)
    TIME = "time"
    TIME_TEXT = "time_text"  # "自己填写"
    PHONE = "phone"
    PHOTOS = "photos"
    SUMMARY = "summary"
    EDIT_CHOICE = "edit_choice"


NO_TEAM = "none"  # the "都不是，请人工分配" choice
TIME_PREFS = ("asap", "today", "tomorrow", "weekend", "custom")
# The phrase each preset time button stands for (read by bot.timeparse).
TIME_PHRASES = {"asap": "尽快", "today": "今天", "tomorrow": "明天", "weekend": "本周末"}
EDIT_FIELDS = ("text", "team", "place", "time", "phone", "photos")


def new_token() -> str:
    return secrets.token_hex(3)


def new_draft(
    *, text: str = "", source: str = "text", team: Team | None = None, station_id: int | None = None
) -> dict[str, Any]:
    return {
        "tok": new_token(),
        "text": text,
        "source": source,
        "team": team.slug if team else None,
        "team_id": team.id if team else None,
        "team_chosen": team is not None,
        "options": [],
        "route_score": None,
        "route_matched": [],
        "station_id": station_id,
        "address": None,
        "latitude": None,
        "longitude": None,
        "time_pref": None,
        "time_text": None,
        "window_start": None,
        "window_end": None,
        "phone": None,
        "photos": [],
        "editing": False,
    }


def current(ctx: Ctx) -> dict[str, Any] | None:
    """A copy of the person's order draft, or None when they are not ordering."""
    if ctx.dialog is None or ctx.dialog.flow != FLOW:
        return None
    return dict(ctx.dialog.data or {})


def require(ctx: Ctx, tok: str, *steps: str) -> dict[str, Any]:
    """The draft a button of step ``steps`` with token ``tok`` may act on; else Expired."""
    data, state = current(ctx), ctx.dialog
    if state is None or data is None or data.get("tok") != tok:
        raise Expired()
    if steps and state.step not in steps:
        raise Expired()
    return data


async def save(ctx: Ctx, step: str, data: dict[str, Any], *, renew: bool = True) -> None:
    """Store the draft at ``step``; a new token (``renew``) makes older buttons stale."""
    if renew:
        data["tok"] = new_token()
    await dialog.save(ctx, FLOW, step, data)


def other_dialog(ctx: Ctx) -> bool:
    """True when the person is in the middle of something else (not an order)."""
    return ctx.dialog is not None and ctx.dialog.flow != FLOW


async def active_teams(session: Session) -> list[Team]:
    """The active teams, from the in-process cache (store.cache); read-only rows."""
    return await cache.active_teams(session)


async def cached_teams(deps: Deps) -> list[Team]:
    """The active teams (store.cache), for a step that holds no session of its own."""
    return await cache.teams(deps.db)


async def cached_team(deps: Deps, slug: str) -> Team | None:
    """The active team a button names, from the cache; None when unknown or retired."""
    return next((team for team in await cache.teams(deps.db) if team.slug == slug), None)


async def active_team(session: Session, slug: str) -> Team | None:
    """The team a button or poster names, unless it is unknown or retired."""
    team = await team_by_slug(session, slug=slug)
    return team if team is not None and team.active else None


def team_label(team: Team, lang: str | None) -> str:
    return team.name_en if lang == "en" and team.name_en else team.name


def local_midnight(deps: Deps) -> datetime:
    """The start of today in the configured zone (the daily order limit counts from it)."""
    tz = deps.settings.tz
    return datetime.combine(deps.now().astimezone(tz).date(), time(0), tzinfo=tz)


async def limit_reached(session: Session, deps: Deps, person_id: int) -> bool:
    since = local_midnight(deps)
    count = await orders.count_today(session, person_id, since)
    return count >= deps.settings.max_orders_per_day


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
