"""Small helpers the admin flows share: arguments, lookups by what admins type, times."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from bot import orders, roles
from bot.context import Ctx
from bot.deps import Deps
from bot.errors import Refusal
from bot.events import Kind
from bot.texts import choices
from store import volunteers as volunteers_store
from store.engine import Session
from store.models import Order, Person, Volunteer
from store.volunteers import volunteer_by_id

LIST_LIMIT = 30  # rows a list command shows; the rest is counted, not listed
AMBIGUOUS_SHOWN = 10  # volunteer ids listed when a name is shared
# Markup characters one list message may use: Telegram allows 4096 characters of text, and a
# list with buttons must stay one message, since a button's edit replaces only that message.
MESSAGE_BUDGET = 3800
_HEAD = re.compile(r"^\s*/?\S+")
_TOKEN = re.compile(r"^\s*\S+")


def ident(text: str) -> str:
    """An identifier as typed (code, slug, number, month) with full-width forms folded.

    Chinese input methods in full-width mode turn ``JX-12`` into ``ＪＸ－１２``;
    names and messages keep what the admin typed, identifiers do not.
    """
    return unicodedata.normalize("NFKC", text).strip()


def number(text: str, most: int = 999_999_999) -> int | None:
    """A whole number typed by an admin (``12``, ``１２``), or None — never a crash on ``²``."""
    text = ident(text)
    if not text.isascii() or not text.isdecimal() or len(text) > len(str(most)):
        return None
    value = int(text)
    return value if value <= most else None


def args(ctx: Ctx) -> list[str]:
    """The command's arguments (a button press that opens a view has none)."""
    return list(ctx.event.args) if ctx.event.kind == Kind.COMMAND else []


def rest_text(ctx: Ctx, skip: int) -> str:
    """The command's text after its name and ``skip`` arguments, line breaks kept."""
    text = ctx.event.text
    if not text:
        return " ".join(ctx.event.args[skip:]).strip()
    text = _HEAD.sub("", text, count=1)
    for _ in range(skip):
        text = _TOKEN.sub("", text, count=1)
    return text.strip()


def local(deps: Deps, dt: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    """``dt`` in the association's time zone (empty for None)."""
    return dt.astimezone(deps.settings.tz).strftime(fmt) if dt else ""


def action_label(ctx: Ctx, action: str) -> str:
    """An audit action (``order.cancel``) in words, or as it is when there are none."""
    key = choices.AUDIT_ACTION.get(action)
    return ctx.t(key) if key else action


def person_name(person: Person | None) -> str:
    if person is None:
        return "?"
    if person.display_name:
        return person.display_name
    if person.username:
        return f"@{person.username}"
    # Someone granted before they first wrote: their Telegram id is what the admin typed.
    return f"ID {person.external_id}" if person.platform == "telegram" else f"#{person.id}"


def fitting(lines: list[str], budget: int) -> int:
    """How many of ``lines``, joined by line breaks, fit in ``budget`` characters."""
    used = 0
    for i, line in enumerate(lines):
        used += len(line) + 1
        if used > budget:
            return i
    return len(lines)


def short(text: str | None, limit: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def find_volunteer(session: Session, ref: str) -> Volunteer | None:
    """A volunteer by number (``12``, ``#12``, ``V12``), ``@username`` or exact unique name.

    Raises a refusal listing the candidates when the name is shared, so the
    admin is not told "not found" about someone who exists twice.
    """
    ref = ref.strip()
    folded = ident(ref)
    volunteer_id = number(folded.lstrip("#").removeprefix("V").removeprefix("v"))
    if volunteer_id is not None:
        return await volunteer_by_id(session, volunteer_id=volunteer_id)
    if folded.startswith("@") and len(folded) > 1:
        return await volunteers_store.volunteer_by_username(session, username=folded[1:])
    matches = await volunteers_store.volunteers_named(session, name=ref, limit=AMBIGUOUS_SHOWN + 1)
    if len(matches) > 1:
        ids = "、".join(f"#{v.id}" for v in matches[:AMBIGUOUS_SHOWN])
        raise Refusal("admin.vol.ambiguous", ref=ref, ids=ids)
    return matches[0] if matches else None


async def order_in_scope(session: Session, ctx: Ctx, code: str) -> Order:
    """The order behind ``code``, or a refusal: unknown code, or outside the admin's stations."""
    order = await orders.by_code(session, ident(code))
    if order is None:
        raise Refusal("admin.order.not_found", code=code)
    await roles.require_scope(session, ctx, order.station_id)
    return order


async def volunteer_in_scope(session: Session, ctx: Ctx, ref: str) -> Volunteer:
    volunteer = await find_volunteer(session, ref)
    if volunteer is None:
        raise Refusal("admin.vol.not_found", ref=ref)
    await roles.require_scope(session, ctx, volunteer.station_id)
    return volunteer
