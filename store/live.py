"""The message whose buttons are live for a person (one row per person, see bot.live)."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import LiveMessage, utcnow


async def live_of(session: AsyncSession, *, person_id: int) -> LiveMessage | None:
    return await session.get(LiveMessage, person_id)


async def take_live(
    session: AsyncSession, *, person_id: int, message_id: str | None = None
) -> LiveMessage | None:
    """The person's live message (only if it is ``message_id``), forgotten in the same
    transaction: its buttons are done."""
    row = await session.get(LiveMessage, person_id, with_for_update=True)
    if row is None or (message_id is not None and row.message_id != message_id):
        return None
    await session.delete(row)
    return row


async def put_live(
    session: AsyncSession,
    *,
    person_id: int,
    platform: str,
    chat_id: str,
    message_id: str,
    text: str,
) -> LiveMessage | None:
    """Make this message the person's live one; returns the one it replaces, if another."""
    row = await session.get(LiveMessage, person_id, with_for_update=True)
    before = None
    if row is None:
        row = LiveMessage(
            person_id=person_id, platform=platform, chat_id=chat_id, message_id="", text=""
        )
    elif (row.platform, row.chat_id, row.message_id) != (platform, chat_id, message_id):
        before = LiveMessage(
            person_id=person_id,
            platform=row.platform,
            chat_id=row.chat_id,
            message_id=row.message_id,
            text=row.text,
        )
    row.platform, row.chat_id, row.message_id = platform, chat_id, message_id
    row.text, row.created_at = text, utcnow()
    session.add(row)
    return before
