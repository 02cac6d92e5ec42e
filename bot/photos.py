"""Who may see a photo uploaded in the web chat: the same rule as for Telegram photos.

A requester's photos go to the volunteer who claimed the order and to admins —
never to offers, boards or broadcasts — and a relayed photo to the two people
of that order. The uploader always sees their own. File ids are ``web:<id>``.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import people
from bot.config import Settings
from store import webchat
from store.models import Person, WebPhoto

PREFIX = "web:"
MAX_BYTES = 5 * 1024 * 1024  # as for Telegram photos we keep


def file_id(photo_id: int) -> str:
    return f"{PREFIX}{photo_id}"


def photo_id(file_id: str) -> int | None:
    rest = file_id.removeprefix(PREFIX)
    return int(rest) if file_id.startswith(PREFIX) and rest.isdigit() else None


async def owned(session: AsyncSession, *, person_id: int, file: str) -> bool:
    """Whether ``file`` is a web photo this person uploaded (what they may attach)."""
    pid = photo_id(file)
    row = await webchat.photo_by_id(session, photo_id=pid)
    return row is not None and row.person_id == person_id


async def may_see(
    session: AsyncSession, *, settings: Settings, viewer: Person, photo: WebPhoto
) -> bool:
    if viewer.id == photo.person_id or people.is_admin(settings, viewer):
        return True
    if await people.is_super_admin_checked(session, settings, viewer):
        return True
    file = file_id(photo.id)  # type: ignore[arg-type]
    volunteer = await people.volunteer_of(session, viewer)
    if volunteer is not None and await webchat.claimed_order_has_photo(
        session, volunteer_id=volunteer.id, file_id=file
    ):
        return True
    # A photo relayed between the two people of an order.
    for order in await webchat.orders_relaying_photo(session, file_id=file):
        if order.requester_id == viewer.id:
            return True
        if volunteer is not None and order.volunteer_id == volunteer.id:
            return True
    return False
