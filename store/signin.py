"""Queries about web sign-in: SMS codes (hashed), verified phones, signed-in browsers,
one-time links, and the server's key kept in ``Meta``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import (
    DialogState,
    LinkToken,
    LoginCode,
    Meta,
    Order,
    Person,
    VerifiedPhone,
    WebMessage,
    WebSession,
)

WEB = "web"

# ---------------------------------------------------------------- codes


async def code_times(session: AsyncSession, *, phone: str, since: datetime) -> list[datetime]:
    """When codes went to ``phone`` after ``since``, newest first."""
    stmt = (
        select(LoginCode.created_at)
        .where(LoginCode.phone == phone, col(LoginCode.created_at) > since)
        .order_by(col(LoginCode.created_at).desc())
    )
    return list((await session.exec(stmt)).all())


async def codes_from_ip(
    session: AsyncSession, *, ip: str, since: datetime
) -> tuple[datetime | None, int]:
    """(the oldest, how many) codes asked for from ``ip`` after ``since``."""
    stmt = select(func.min(LoginCode.created_at), func.count()).where(
        LoginCode.ip == ip, col(LoginCode.created_at) > since
    )
    oldest, n = (await session.exec(stmt)).one()
    return oldest, int(n)


async def add_code(session: AsyncSession, *, code: LoginCode) -> None:
    session.add(code)


async def latest_unused_code(session: AsyncSession, *, phone: str) -> LoginCode | None:
    stmt = (
        select(LoginCode)
        .where(LoginCode.phone == phone, col(LoginCode.used_at).is_(None))
        .order_by(col(LoginCode.id).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def use_code(session: AsyncSession, *, code_id: int, now: datetime) -> bool:
    """Mark the code used, once (one conditional update: of two racing browsers one wins)."""
    won = await session.exec(  # type: ignore[call-overload]
        update(LoginCode)
        .where(col(LoginCode.id) == code_id, col(LoginCode.used_at).is_(None))
        .values(used_at=now)
    )
    return bool(won.rowcount == 1)


async def count_wrong_try(session: AsyncSession, *, code_id: int) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(LoginCode)
        .where(col(LoginCode.id) == code_id)
        .values(attempts=LoginCode.attempts + 1)
    )


# ---------------------------------------------------------------- the server's key


async def meta_value(session: AsyncSession, *, key: str) -> str | None:
    row = await session.get(Meta, key)
    return row.value if row is not None else None


async def add_meta(session: AsyncSession, *, key: str, value: str) -> None:
    session.add(Meta(key=key, value=value))


# ---------------------------------------------------------------- identity


async def session_person(session: AsyncSession, *, sid: str) -> Person | None:
    """The person a browser acts as: its signed-in person, else its anonymous web person."""
    bound = await session.get(WebSession, sid)
    if bound is not None:
        return await session.get(Person, bound.person_id)
    stmt = select(Person).where(Person.platform == WEB, Person.external_id == sid)
    return (await session.exec(stmt)).first()


async def verified_phone_of(session: AsyncSession, *, person_id: int | None) -> str | None:
    stmt = select(VerifiedPhone.phone).where(VerifiedPhone.person_id == person_id)
    return (await session.exec(stmt)).first()


async def phone_owner(session: AsyncSession, *, phone: str) -> Person | None:
    """Who owns ``phone``: whoever verified it, else the oldest Telegram or WeChat person
    who gave it to us (shared contact, volunteer form)."""
    verified = await session.get(VerifiedPhone, phone)
    if verified is not None:
        return await session.get(Person, verified.person_id)
    stmt = (
        select(Person)
        .where(Person.phone == phone, Person.platform != WEB)
        .order_by(col(Person.id))
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def verify_phone(session: AsyncSession, *, phone: str, person_id: int, now: datetime) -> None:
    """Record ``phone`` as ``person_id``'s, unless someone has it already."""
    if await session.get(VerifiedPhone, phone) is None:
        session.add(VerifiedPhone(phone=phone, person_id=person_id, verified_at=now))


async def save_person(session: AsyncSession, *, person: Person) -> Person:
    """Insert or update ``person`` (flushed, so a new one's id is known)."""
    session.add(person)
    await session.flush()
    return person


async def bind_session(session: AsyncSession, *, sid: str, person_id: int, now: datetime) -> None:
    """The browser ``sid`` acts as ``person_id`` from now on."""
    bound = await session.get(WebSession, sid)
    if bound is None:
        session.add(WebSession(sid=sid, person_id=person_id, created_at=now))
    else:
        bound.person_id, bound.created_at = person_id, now
        session.add(bound)
    await session.flush()


async def unbind_session(session: AsyncSession, *, sid: str) -> None:
    bound = await session.get(WebSession, sid)
    if bound is not None:
        await session.delete(bound)


async def move_belongings(session: AsyncSession, *, source: int, target: int) -> None:
    """What an anonymous browser began (dialog, transcript, orders) becomes ``target``'s."""
    state = await session.get(DialogState, source)
    if state is not None:
        old = await session.get(DialogState, target)
        if old is not None:
            await session.delete(old)
            await session.flush()
        await session.exec(  # type: ignore[call-overload]
            update(DialogState).where(col(DialogState.person_id) == source).values(person_id=target)
        )
    await session.exec(  # type: ignore[call-overload]
        update(WebMessage).where(col(WebMessage.person_id) == source).values(person_id=target)
    )
    await session.exec(  # type: ignore[call-overload]
        update(Order).where(col(Order.requester_id) == source).values(requester_id=target)
    )


# ---------------------------------------------------------------- one-time links


async def add_link(session: AsyncSession, *, link: LinkToken) -> None:
    session.add(link)


async def use_link(session: AsyncSession, *, token_hash: str, now: datetime) -> LinkToken | None:
    """Use a live link once (one conditional update); None if unknown, used or expired."""
    won = await session.exec(  # type: ignore[call-overload]
        update(LinkToken)
        .where(
            col(LinkToken.token_hash) == token_hash,
            col(LinkToken.used_at).is_(None),
            col(LinkToken.expires_at) > now,
        )
        .values(used_at=now)
    )
    if won.rowcount != 1:
        return None
    return await session.get(LinkToken, token_hash)


async def prune(session: AsyncSession, *, before: datetime) -> None:
    """Forget codes asked for and links expired before ``before``."""
    await session.exec(  # type: ignore[call-overload]
        delete(LoginCode).where(col(LoginCode.created_at) < before)
    )
    await session.exec(  # type: ignore[call-overload]
        delete(LinkToken).where(col(LinkToken.expires_at) < before)
    )
