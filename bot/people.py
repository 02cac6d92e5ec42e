"""People and their roles, whichever platform they come from."""

from __future__ import annotations

from bot.config import Settings
from bot.events import Actor
from bot.texts import normalize_language
from store import people as people_store
from store import staff as staff_store
from store import volunteers as volunteers_store
from store.engine import Database, Session
from store.models import Person, Role, Volunteer, VolunteerStatus, utcnow


async def get_or_create(session: Session, actor: Actor, *, default_language: str = "zh") -> Person:
    """The Person behind ``actor``; created on first contact, name refreshed after.

    The client's language decides theirs; without one, the association's default.
    """
    person = await people_store.person_by_platform_id(
        session, platform=actor.platform, external_id=actor.external_id
    )
    name = (actor.display_name or "").strip()[:128]
    if person is None:
        person = Person(
            platform=actor.platform,
            external_id=actor.external_id,
            display_name=name,
            username=actor.username,
            language=(normalize_language(actor.language) if actor.language else default_language),
        )
        return await people_store.add_person(session, person=person)
    if refresh(person, actor):
        session.add(person)
    return person


def stale(person: Person, actor: Actor) -> bool:
    """Whether :func:`refresh` would change ``person`` (so the update must write it)."""
    name = (actor.display_name or "").strip()[:128]
    return (
        bool(name and person.display_name != name)
        or bool(actor.username and person.username != actor.username)
        or not person.reachable
    )


def refresh(person: Person, actor: Actor) -> bool:
    """Take the name and username the platform shows now; a person who writes to us
    can be reached again. True when something changed (then ``updated_at`` too)."""
    if not stale(person, actor):
        return False
    name = (actor.display_name or "").strip()[:128]
    if name:
        person.display_name = name
    if actor.username:
        person.username = actor.username
    person.reachable = True  # they wrote to us, so they unblocked the bot
    person.updated_at = utcnow()
    return True


def is_super_admin(settings: Settings, person: Person) -> bool:
    """Named in JIANGXIN_ADMIN_IDS by account; a ``phone:`` entry needs
    :func:`is_super_admin_checked` (the phone must have been verified)."""
    return (person.platform, person.external_id) in settings.admin_accounts


async def is_super_admin_checked(session: Session, settings: Settings, person: Person) -> bool:
    """Named in JIANGXIN_ADMIN_IDS by account, or by a phone this person verified by SMS."""
    if is_super_admin(settings, person):
        return True
    if not settings.admin_phones or person.id is None:
        return False
    return await staff_store.has_verified_phone(
        session, person_id=person.id, phones=settings.admin_phones
    )


async def admin_people(session: Session, settings: Settings) -> list[Person]:
    """Every admin: configured super-admins (any platform, or by verified phone) and granted."""
    return await people_store.admins(
        session,
        super_admin_ids=settings.telegram_admin_ids,
        accounts=settings.admin_accounts,
        phones=settings.admin_phones,
    )


def is_admin(settings: Settings, person: Person) -> bool:
    return is_super_admin(settings, person) or Role.ADMIN in (person.roles or [])


async def volunteer_of(session: Session, person: Person) -> Volunteer | None:
    return await volunteers_store.by_person(session, person_id=person.id)


def is_working_volunteer(volunteer: Volunteer | None) -> bool:
    return volunteer is not None and volunteer.status in (
        VolunteerStatus.ACTIVE,
        VolunteerStatus.PAUSED,
    )


async def mark_unreachable(session: Session, person_id: int) -> None:
    person = await people_store.person_by_id(session, person_id=person_id)
    if person is not None and person.reachable:
        person.reachable = False
        person.updated_at = utcnow()
        session.add(person)


async def set_reachable(db: Database, platform: str, external_id: str, reachable: bool) -> bool:
    """Record that a person blocked (or unblocked) the bot; False if we never met them."""
    async with db.session() as session:
        person = await people_store.person_by_platform_id(
            session, platform=platform, external_id=external_id
        )
        if person is None:
            return False
        if person.reachable != reachable:
            person.reachable = reachable
            person.updated_at = utcnow()
            session.add(person)
    return True
