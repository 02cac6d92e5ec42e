"""Photos we keep ourselves (``web:<id>``), and who may see them.

The web chat's uploads and WeChat's photos (fetched from WeChat's temporary
media, which expires after three days) are kept as ``WebPhoto`` rows, so every
channel can show them: the web page loads them, Telegram and WeChat get them
uploaded. A Telegram file id only means something on Telegram.

Who may see one: the same rule as for Telegram photos. A requester's photos go
to the volunteer who claimed the order and to admins — never to offers, boards
or broadcasts — and a relayed photo to the two people of that order. The
uploader always sees their own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import people
from bot.config import Settings
from store import webchat
from store.engine import Database
from store.models import Person, WebPhoto

PREFIX = "web:"
MAX_BYTES = 5 * 1024 * 1024  # as for Telegram photos we keep
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"RIFF", "image/webp"),
)


def sniff(content: bytes) -> str | None:
    """The image type by its first bytes (not what the sender claims): JPEG, PNG, WebP."""
    for magic, kind in _MAGIC:
        if content.startswith(magic) and (kind != "image/webp" or content[8:12] == b"WEBP"):
            return kind
    return None


async def keep(db: Database, *, person_id: int, content: bytes, now: datetime) -> str | None:
    """Keep an image a person sent; its file id, or None when it is no image we keep."""
    kind = sniff(content)
    if kind is None or len(content) > MAX_BYTES:
        return None
    async with db.session() as session:
        row = WebPhoto(person_id=person_id, content_type=kind, content=content, created_at=now)
        return file_id(await webchat.add_photo(session, photo=row))


async def content(db: Database, file: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of a kept photo, for a channel that uploads it."""
    async with db.session() as session:
        row = await webchat.photo_by_id(session, photo_id=photo_id(file))
    return (row.content_type, row.content) if row is not None else None


def loader(db: Database) -> Callable[[str], Awaitable[bytes | None]]:
    """A function giving a kept photo's bytes (None when gone), for channels that upload."""

    async def load(file: str) -> bytes | None:
        found = await content(db, file)
        return found[1] if found is not None else None

    return load


def visible_on(files: Iterable[str], sent_from: str, to: str) -> tuple[str, ...]:
    """The photos a person on platform ``to`` can be shown: kept ones on every channel,
    a platform's own file ids only there."""
    return tuple(f for f in files if f.startswith(PREFIX) or sent_from == to)


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
