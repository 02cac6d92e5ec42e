"""People and their roles, whichever platform they come from."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.events import Actor
from bot.texts import normalize_language
from store.engine import Database
from store.models import Person, Role, Volunteer, VolunteerStatus, utcnow


async def get_or_create(
    session: AsyncSession, actor: Actor, *, default_language: str = "zh"
) -> Person:
    """The Person behind ``actor``; created on first contact, name refreshed after.

    The client's language decides theirs; without one, the association's default.
    """
    stmt = select(Person).where(
        Person.platform == actor.platform, Person.external_id == actor.external_id
    )
    person = (await session.exec(stmt)).first()
    name = (actor.display_name or "").strip()[:128]
    if person is None:
        person = Person(
            platform=actor.platform,
            external_id=actor.external_id,
            display_name=name,
            username=actor.username,
            language=(normalize_language(actor.language) if actor.language else default_language),
        )
        session.add(person)
        await session.flush()
        return person
    changed = False
    if name and person.display_name != name:
        person.display_name, changed = name, True
    if actor.username and person.username != actor.username:
        person.username, changed = actor.username, True
    if not person.reachable:  # they wrote to us, so they unblocked the bot
        person.reachable, changed = True, True
    if changed:
        person.updated_at = utcnow()
        session.add(person)
    return person


def is_super_admin(settings: Settings, person: Person) -> bool:
    return person.platform == "telegram" and person.external_id in {
        str(i) for i in settings.admin_ids
    }


def is_admin(settings: Settings, person: Person) -> bool:
    return is_super_admin(settings, person) or Role.ADMIN in (person.roles or [])


async def volunteer_of(session: AsyncSession, person: Person) -> Volunteer | None:
    return (await session.exec(select(Volunteer).where(Volunteer.person_id == person.id))).first()


def is_working_volunteer(volunteer: Volunteer | None) -> bool:
    return volunteer is not None and volunteer.status in (
        VolunteerStatus.ACTIVE,
        VolunteerStatus.PAUSED,
    )


async def mark_unreachable(session: AsyncSession, person_id: int) -> None:
    person = await session.get(Person, person_id)
    if person is not None and person.reachable:
        person.reachable = False
        person.updated_at = utcnow()
        session.add(person)


async def set_reachable(db: Database, platform: str, external_id: str, reachable: bool) -> bool:
    """Record that a person blocked (or unblocked) the bot; False if we never met them."""
    async with db.session() as session:
        stmt = select(Person).where(Person.platform == platform, Person.external_id == external_id)
        person = (await session.exec(stmt)).first()
        if person is None:
            return False
        if person.reachable != reachable:
            person.reachable = reachable
            person.updated_at = utcnow()
            session.add(person)
    return True
