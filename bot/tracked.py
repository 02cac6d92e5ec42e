"""Where messages about an order went, so their buttons can follow the order (issue 17.5).

A reply carrying a ``Track`` (a volunteer's job card, a /board item, a requester's
notice with 联系志愿者) is noted here wherever it lands: sent by ``bot.notify`` or by
a channel answering the person (``Engine.delivered``). Only the newest such message of
one kind about one order keeps its buttons: noting it takes them off the older ones,
whose text stays. When the order itself moves on, ``bot.jobcards`` edits what is left.
A channel that cannot edit (WeChat) is not tracked at all.
"""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.reply import MessageRef, Reply
from store.models import TrackedMessage
from store.tracked import forget_at, is_tracked, put_tracked

log = logging.getLogger(__name__)

MAX_KEPT = 4000  # longer texts were split on sending: an edit would shorten them


def ref_of(row: TrackedMessage) -> MessageRef:
    return MessageRef(row.platform, row.chat_id, row.message_id)


async def edit_row(deps: Deps, row: TrackedMessage, reply: Reply) -> bool:
    """Edit a tracked message in place; False (logged) when the platform refuses."""
    try:
        await deps.notifier.edit(ref_of(row), reply)
        return True
    except Exception as exc:
        log.info("could not edit %s/%s: %s", row.chat_id, row.message_id, exc)
        return False


def can_edit(deps: Deps, platform: str) -> bool:
    return bool(getattr(deps.notifier, "can_edit", lambda _: True)(platform))


async def noted(deps: Deps, person_id: int | None, reply: Reply, ref: MessageRef | None) -> None:
    """``reply`` now shows at ``ref``: track it if it carries a Track (the older message of
    its kind about its order loses its buttons); an edit without one ends the tracking of
    the message it replaced. Never raises."""
    if ref is None or ref.queued or not can_edit(deps, ref.platform):
        return
    track = reply.track
    try:
        if track is None:
            if reply.edit:
                where = {
                    "platform": ref.platform,
                    "chat_id": ref.chat_id,
                    "message_id": ref.message_id,
                }
                async with deps.db.read() as session:
                    known = await is_tracked(session, **where)
                if known:  # e.g. a board item edited into "已认领"
                    async with deps.db.session() as session:
                        await forget_at(session, **where)
            return
        if person_id is None or len(reply.text) > MAX_KEPT:
            return
        async with deps.db.session() as session:
            older = await put_tracked(
                session,
                order_id=track.order_id,
                person_id=person_id,
                kind=track.kind,
                platform=ref.platform,
                chat_id=ref.chat_id,
                message_id=ref.message_id,
                shown=track.shown,
                text=reply.text,
            )
        for row in older:  # superseded: the newer message carries the buttons now
            await edit_row(deps, row, Reply(row.text))
    except Exception:
        log.exception("could not track message %s/%s", ref.chat_id, ref.message_id)
