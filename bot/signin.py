"""Who a web browser is: anonymous until it proves a phone number by SMS code.

A verified phone is a person's identity across devices: every browser signed in
with it acts as the one person who owns the phone (``VerifiedPhone``). When
that phone already belongs to a Telegram or WeChat person, the browser acts as
that person (one person, several channels). What an anonymous browser started
(a half-filled order, its transcript) moves to the person it signs in as.

Codes: one per phone per 60 s, five per phone and twenty per IP an hour, valid
five minutes, burnt after five wrong tries, and stored only as an HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.deps import Deps
from bot.reply import Button, Reply
from store import signin as signin_store
from store.engine import Database
from store.models import LinkToken, LoginCode, Person, utcnow
from store.people import person_by_id

if TYPE_CHECKING:
    from bot.context import Ctx

log = logging.getLogger(__name__)

WEB = "web"
CODE_TTL = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
PER_PHONE_HOUR = 5
PER_IP_HOUR = 20
MAX_TRIES = 5
LINK_TTL = timedelta(hours=24)


class TooSoon(Exception):
    """A code was refused by a limit; ``retry_after`` seconds until the next may go."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = max(1, retry_after)


class WrongCode(Exception):
    """The code is wrong, expired, used or burnt."""


def _hash(key: bytes, kind: str, *parts: str) -> str:
    return hmac.new(key, f"{kind}:{':'.join(parts)}".encode(), hashlib.sha256).hexdigest()


async def request_code(deps: Deps, *, phone: str, ip: str, key: bytes) -> int:
    """Store a new code for ``phone`` and send it by SMS; returns seconds until a resend.

    Raises ``TooSoon`` when a limit refuses it.
    """
    now = deps.now()
    hour_ago = now - timedelta(hours=1)
    code = f"{secrets.randbelow(10**6):06d}"
    async with deps.db.session() as session:
        recent = await signin_store.code_times(session, phone=phone, since=hour_ago)
        if recent and now - recent[0] < RESEND_AFTER:
            raise TooSoon(math.ceil((recent[0] + RESEND_AFTER - now).total_seconds()))
        if len(recent) >= PER_PHONE_HOUR:
            raise TooSoon(math.ceil((recent[-1] + timedelta(hours=1) - now).total_seconds()))
        oldest, n = await signin_store.codes_from_ip(session, ip=ip, since=hour_ago)
        if n >= PER_IP_HOUR and oldest is not None:
            raise TooSoon(math.ceil((oldest + timedelta(hours=1) - now).total_seconds()))
        await signin_store.add_code(
            session,
            code=LoginCode(
                phone=phone,
                ip=ip[:64],
                code_hash=_hash(key, "code", phone, code),
                created_at=now,
                expires_at=now + CODE_TTL,
            ),
        )
    # Sent after the row is committed: a crash here costs one resend, never a wrong limit.
    await deps.sms.send(phone, "login_code", {"code": code})
    return int(RESEND_AFTER.total_seconds())


async def check_code(deps: Deps, *, phone: str, code: str, key: bytes) -> None:
    """Accept ``code`` for ``phone`` once, or raise ``WrongCode`` (counting the try)."""
    now = deps.now()
    async with deps.db.session() as session:
        row = await signin_store.latest_unused_code(session, phone=phone)
        if row is None or row.expires_at <= now or row.attempts >= MAX_TRIES:
            raise WrongCode()
        good = hmac.compare_digest(row.code_hash, _hash(key, "code", phone, code.strip()))
        if good:
            # One conditional update: two browsers racing with the same code, one wins.
            if await signin_store.use_code(session, code_id=row.id, now=now):  # type: ignore[arg-type]
                return
        else:
            await signin_store.count_wrong_try(session, code_id=row.id)  # type: ignore[arg-type]
    raise WrongCode()


# ---------------------------------------------------------------- the server's key

KEY_META = "web_secret"


async def server_key(settings: Settings, db: Database) -> bytes:
    """``JIANGXIN_WEB_SECRET``, else a random key made once and kept in ``Meta``.

    It signs the web session cookies and keys the hashes of codes and links, so
    every instance on the same database agrees on it.
    """
    if settings.web_secret is not None and settings.web_secret.get_secret_value():
        return settings.web_secret.get_secret_value().encode()
    async with db.session() as session:
        stored = await signin_store.meta_value(session, key=KEY_META)
        if stored is not None:
            return stored.encode()
    value = secrets.token_hex(32)
    try:
        async with db.session() as session:
            await signin_store.add_meta(session, key=KEY_META, value=value)
        log.info("generated the web session key (stored in the database)")
    except IntegrityError:  # another instance stored one first: use theirs
        async with db.session() as session:
            stored = await signin_store.meta_value(session, key=KEY_META)
            assert stored is not None
            value = stored
    return value.encode()


# ---------------------------------------------------------------- identity


async def person_of_session(session: AsyncSession, sid: str) -> Person | None:
    """The person a browser acts as: its signed-in person, else its anonymous web person."""
    return await signin_store.session_person(session, sid=sid)


async def is_signed_in(session: AsyncSession, person: Person) -> bool:
    """Non-web people are known by their platform; web people once a phone is verified."""
    if person.platform != WEB:
        return True
    return await signin_store.verified_phone_of(session, person_id=person.id) is not None


@dataclass(frozen=True)
class SignedIn:
    person_id: int
    platform: str
    external_id: str
    linked: bool  # signed in as a person of another channel (or another device's)


async def sign_in(deps: Deps, *, phone: str, sid: str, previous: str | None = None) -> SignedIn:
    """Bind the browser ``sid`` to the owner of ``phone`` (making one if needed).

    ``previous`` is the browser's session before sign-in (a new id is issued on
    sign-in, so a planted cookie cannot ride along): what it began is carried over.
    """
    for _ in range(2):  # a second try when another browser verified the phone meanwhile
        try:
            return await _sign_in(deps, phone=phone, sid=sid, previous=previous)
        except IntegrityError:
            log.info("phone verified concurrently; signing in again")
    return await _sign_in(deps, phone=phone, sid=sid, previous=previous)


async def _sign_in(deps: Deps, *, phone: str, sid: str, previous: str | None) -> SignedIn:
    now = deps.now()
    async with deps.db.session() as session:
        here = await person_of_session(session, previous or sid)
        owner = await signin_store.phone_owner(session, phone=phone)
        if owner is None:
            if here is not None and not await is_signed_in(session, here):
                owner = here  # this browser's anonymous person becomes the phone's owner
            else:
                owner = Person(platform=WEB, external_id="", language=deps.settings.language)
            # Never a session id again: an old or stolen cookie cannot act as this person.
            owner.external_id = f"ph:{secrets.token_urlsafe(18)}"
            await signin_store.save_person(session, person=owner)
        owner_id: int = owner.id  # type: ignore[assignment]
        await signin_store.verify_phone(session, phone=phone, person_id=owner_id, now=now)
        if not owner.phone:
            owner.phone, owner.updated_at = phone, utcnow()
            await signin_store.save_person(session, person=owner)
        if (
            here is not None
            and here.id != owner.id
            and here.platform == WEB
            and not await is_signed_in(session, here)
        ):
            await signin_store.move_belongings(session, source=here.id, target=owner_id)  # type: ignore[arg-type]
        if previous and previous != sid:
            await signin_store.unbind_session(session, sid=previous)
        await signin_store.bind_session(session, sid=sid, person_id=owner_id, now=now)
        return SignedIn(
            person_id=owner.id,  # type: ignore[arg-type]
            platform=owner.platform,
            external_id=owner.external_id,
            linked=owner.platform != WEB or owner.external_id != sid,
        )


async def sign_out(deps: Deps, *, sid: str) -> None:
    async with deps.db.session() as session:
        await signin_store.unbind_session(session, sid=sid)


# ---------------------------------------------------------------- one-time links


def new_link(
    *, person_id: int, order_id: int | None, now: datetime, key: bytes
) -> tuple[str, LinkToken]:
    """A new one-time token (24 h) that signs a browser in as ``person_id``, and its
    row to store (only the token's HMAC is kept)."""
    token = secrets.token_urlsafe(12)
    link = LinkToken(
        token_hash=_hash(key, "link", token),
        person_id=person_id,
        order_id=order_id,
        created_at=now,
        expires_at=now + LINK_TTL,
    )
    return token, link


async def make_link(
    session: AsyncSession, *, person_id: int, order_id: int | None, now: datetime, key: bytes
) -> str:
    """A new one-time token (24 h), stored in ``session``."""
    token, link = new_link(person_id=person_id, order_id=order_id, now=now, key=key)
    await signin_store.add_link(session, link=link)
    return token


async def redeem_link(deps: Deps, *, token: str, sid: str, key: bytes) -> LinkToken | None:
    """Use the link once: bind ``sid`` to its person; None if unknown, used or expired."""
    now = deps.now()
    digest = _hash(key, "link", token)
    async with deps.db.session() as session:
        link = await signin_store.use_link(session, token_hash=digest, now=now)
        if link is None:
            return None
        await signin_store.bind_session(session, sid=sid, person_id=link.person_id, now=now)
        return link


# ---------------------------------------------------------------- asking for sign-in

LOGIN_URL = "#login"  # a link button the web page turns into its sign-in form


async def signin_prompt(ctx: Ctx, key: str = "weblogin.required") -> Reply | None:
    """The "please sign in" answer for an anonymous web person; None for everyone else."""
    if ctx.person.platform != WEB:
        return None
    async with ctx.deps.db.session() as session:
        if await is_signed_in(session, ctx.person):
            return None
    return Reply(ctx.t(key), buttons=((Button(ctx.t("weblogin.button"), url=LOGIN_URL),),))


# ---------------------------------------------------------------- 称呼

MAX_NAME = 16


async def set_name(deps: Deps, *, person_id: int, name: str) -> bool:
    """The 称呼 volunteers will see ("王师傅"): kept for web people, who have no
    platform name; a Telegram or WeChat person keeps the name their app gives us."""
    name = " ".join(name.split())[:MAX_NAME]
    if not name:
        return False
    async with deps.db.session() as session:
        person = await person_by_id(session, person_id=person_id)
        if person is None or person.platform != WEB or person.display_name == name:
            return False
        person.display_name, person.updated_at = name, utcnow()
        await signin_store.save_person(session, person=person)
    return True
