"""Buttons that no longer apply are taken away (issue 17.5).

A flow marks a reply ``transient`` when its buttons answer the person's current step
only (the ordering dialog's prompts, the service list). The channel reports where it
put such a reply (``Engine.delivered``), and that message becomes the person's *live*
one. When the person moves on — types instead of pressing, presses another message,
or is sent a newer step — the live message is edited to its text alone, so old time
buttons, an old service list or an old summary no longer look pressable (and never
answer 已过期). A channel that cannot edit (WeChat) reports nothing and loses nothing.
"""

from __future__ import annotations

from bot.deps import Deps
from bot.events import Inbound, Kind
from bot.notify import edit
from bot.reply import MessageRef, Reply
from store import inbox as inbox_rows
from store.live import forget_live, live_of_account, put_live
from store.models import LiveMessage

MAX_KEPT = 4000  # longer texts were split on sending: an edit would shorten them


def _ref(row: LiveMessage) -> MessageRef:
    return MessageRef(row.platform, row.chat_id, row.message_id)


async def _strip(deps: Deps, row: LiveMessage | None) -> None:
    if row is not None:
        await edit(deps, _ref(row), Reply(row.text))


async def moved_on(deps: Deps, row: LiveMessage | None, event: Inbound) -> None:
    """Before ``event`` is handled: the person's live message (``row``, read with the
    person) loses its buttons unless it was pressed (then what the press answers decides:
    an edit of it, or a newer step elsewhere).

    The row is forgotten in the update's own write transaction (``store.inbox.later``;
    one chat's updates run one at a time), or at once when no inbox update is handled.
    """
    if row is None or (event.kind == Kind.BUTTON and event.message == _ref(row)):
        return
    await _strip(deps, row)
    stmt, params = forget_live(person_id=row.person_id, message_id=row.message_id)
    if not inbox_rows.later(stmt, params):
        async with deps.db.session() as session:
            await session.exec(stmt, params=params)  # type: ignore[call-overload]


async def delivered(
    deps: Deps, platform: str, external_id: str, reply: Reply, ref: MessageRef
) -> None:
    """A channel put ``reply`` at ``ref`` for the person with this account: a transient one
    becomes the live message; any other edit of the live message ends its life (the edit
    set what it shows)."""
    if ref.queued:
        return
    if not (reply.transient and reply.buttons) or len(reply.text) > MAX_KEPT:
        if reply.edit:
            stmt, params = forget_live(
                platform=platform, external_id=external_id, message_id=ref.message_id
            )
            async with deps.db.session() as session:
                await session.exec(stmt, params=params)  # type: ignore[call-overload]
        return
    async with deps.db.session() as session:
        found = await live_of_account(session, platform=platform, external_id=external_id)
        if found is None:
            return  # no such person (any more)
        person_id, row = found
        before = await put_live(
            session,
            person_id=person_id,
            platform=ref.platform,
            chat_id=ref.chat_id,
            message_id=ref.message_id,
            text=reply.text,
            row=row,
        )
    await _strip(deps, before)  # at most one live step: the newer one wins
