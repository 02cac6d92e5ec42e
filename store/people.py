"""Queries about people: by platform identity or username, in bulk, and the admins."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, bindparam, cast, exists, or_
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import DialogState, LiveMessage, Person, VerifiedPhone, Volunteer


async def person_by_id(session: AsyncSession, *, person_id: int | None) -> Person | None:
    return await session.get(Person, person_id) if person_id is not None else None


async def person_by_platform_id(
    session: AsyncSession, *, platform: str, external_id: str
) -> Person | None:
    stmt = select(Person).where(Person.platform == platform, Person.external_id == external_id)
    return (await session.exec(stmt)).first()


@dataclass(frozen=True)
class Seen:
    """A person as one update needs them: their volunteer record, dialog and live message."""

    person: Person
    volunteer: Volunteer | None = None
    dialog: DialogState | None = None
    live: LiveMessage | None = None
    phone_admin: bool = False  # verified one of the admin phones asked about


def _seen_query(with_phones: bool) -> Any:
    stmt = (
        select(Person, Volunteer, DialogState, LiveMessage)
        .outerjoin(Volunteer, col(Volunteer.person_id) == col(Person.id))
        .outerjoin(DialogState, col(DialogState.person_id) == col(Person.id))
        .outerjoin(LiveMessage, col(LiveMessage.person_id) == col(Person.id))
        .where(
            col(Person.platform) == bindparam("platform"),
            col(Person.external_id) == bindparam("external_id"),
        )
    )
    if with_phones:
        verified = exists().where(
            col(VerifiedPhone.person_id) == col(Person.id),
            col(VerifiedPhone.phone).in_(bindparam("phones", expanding=True)),
        )
        stmt = stmt.add_columns(verified)  # type: ignore[assignment]
    return stmt


_SEEN = {False: _seen_query(False), True: _seen_query(True)}


async def seen(
    session: AsyncSession, *, platform: str, external_id: str, admin_phones: Collection[str] = ()
) -> Seen | None:
    """The person behind an account and what each update reads about them, in one statement.

    ``admin_phones``: also whether they verified one of these phones (JIANGXIN_ADMIN_IDS).
    """
    params: dict[str, Any] = {"platform": platform, "external_id": external_id}
    if admin_phones:
        params["phones"] = list(admin_phones)
    stmt = _SEEN[bool(admin_phones)]
    row = (await session.exec(stmt, params=params)).first()  # type: ignore[call-overload]
    if row is None:
        return None
    return Seen(*row[:4], phone_admin=bool(admin_phones) and bool(row[4]))


async def person_by_username(session: AsyncSession, *, username: str) -> Person | None:
    """The (oldest) person with this username, ignoring case; no leading ``@``."""
    stmt = select(Person).where(func.lower(col(Person.username)) == username.lower())
    return (await session.exec(stmt.order_by(col(Person.id)))).first()


async def add_person(session: AsyncSession, *, person: Person) -> Person:
    """Insert ``person`` (flushed, so its id is known)."""
    session.add(person)
    await session.flush()
    return person


async def people_by_id(session: AsyncSession, *, ids: Iterable[int | None]) -> dict[int, Person]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    stmt = select(Person).where(col(Person.id).in_(wanted))
    return {p.id: p for p in (await session.exec(stmt)).all()}  # type: ignore[misc]


async def admins(
    session: AsyncSession,
    *,
    super_admin_ids: Collection[int | str],
    accounts: Collection[tuple[str, str]] = (),
    phones: Collection[str] = (),
) -> list[Person]:
    """Every admin: the configured super-admins we have met, and everyone granted the role.

    Super-admins are Telegram ids (``super_admin_ids``), other platforms' accounts
    (platform, external id) and whoever verified one of ``phones`` by SMS. The one
    way to find admins; who hears about one station is narrowed by the caller.
    """
    supers = [str(i) for i in super_admin_ids if isinstance(i, int) or str(i).isdigit()]
    named = [
        and_(col(Person.platform) == platform, col(Person.external_id) == external)
        for platform, external in accounts
    ]
    if phones:
        verified = select(VerifiedPhone.person_id).where(col(VerifiedPhone.phone).in_(phones))
        named.append(col(Person.id).in_(verified))
    stmt = select(Person).where(
        or_(
            and_(col(Person.platform) == "telegram", col(Person.external_id).in_(supers)),
            cast(Person.roles, String).like('%"admin"%'),
            *named,
        )
    )
    return list((await session.exec(stmt.order_by(col(Person.id)))).all())
