"""The admin's progress message, edited at most every EDIT_EVERY seconds."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.background import LiveCounts, ProgressSlot
from bot.broadcast import common
from bot.broadcast.common import MAX_NAMES
from bot.deps import Deps
from bot.notify import edit as edit_message
from bot.people import is_super_admin
from bot.reply import MessageRef, Reply
from bot.texts import choices, t
from store.broadcasts import RollCall, roll_call
from store.models import (
    Broadcast,
    Person,
)
from store.stations import station_by_code, station_by_id
from store.teams import team_by_slug

log = logging.getLogger(__name__)


def progress_slot(deps: Deps, broadcast_id: int) -> ProgressSlot:
    return deps.background.progress.setdefault(broadcast_id, ProgressSlot())


def poke(deps: Deps, broadcast_id: int) -> None:
    """Something changed: refresh the progress message soon (at most every EDIT_EVERY s)."""
    slot = progress_slot(deps, broadcast_id)
    slot.dirty = True
    if slot.task is None or slot.task.done():
        slot.task = asyncio.get_running_loop().create_task(
            _refresh(deps, broadcast_id, slot), name=f"broadcast-{broadcast_id}-progress"
        )


async def _refresh(deps: Deps, broadcast_id: int, slot: ProgressSlot) -> None:
    loop = asyncio.get_running_loop()
    while slot.dirty:
        wait = slot.last_edit + common.EDIT_EVERY - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        slot.dirty = False
        try:
            if await edit_progress(deps, broadcast_id, slot):
                slot.last_edit = loop.time()
        except Exception:
            log.exception("could not refresh the progress of broadcast %s", broadcast_id)
            slot.last_edit = loop.time()


async def edit_progress(deps: Deps, broadcast_id: int, slot: ProgressSlot) -> bool:
    async with deps.db.session() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None or not broadcast.message_id or not broadcast.chat_id:
            return False
        admin = await session.get(Person, broadcast.admin_id)
        calls = await roll_call(session, broadcast_id=broadcast_id)
        within = (
            admin.admin_station_id if admin and not is_super_admin(deps.settings, admin) else None
        )
        label = await scope_label(
            session, broadcast.scope, admin.language if admin else None, within=within
        )
    if admin is None:
        return False
    text = progress_text(broadcast, calls, slot.live, label, admin.language)
    if text == slot.last_text:
        return False
    ref = MessageRef(admin.platform, broadcast.chat_id, broadcast.message_id)
    if await edit_message(deps, ref, Reply(text)):
        slot.last_text = text
    return True  # an edit was attempted: the next one waits EDIT_EVERY either way


async def scope_label(
    session: AsyncSession, scope: str, lang: str | None, *, within: int | None = None
) -> str:
    """Who a broadcast reaches, in words; ``within`` is a station-scoped admin's station,
    which narrows "all" and a team to that station's subtree (issue 17, item 17)."""
    kind, _, value = scope.partition(":")
    home = await station_by_id(session, station_id=within) if within is not None else None
    if kind == "team":
        team = await team_by_slug(session, slug=value)
        name = team.name if team else value
        if home is not None:
            return t(lang, "staff.bc.scope.team_within", name=name, station=home.name)
        return t(lang, "admin.bc.scope.team", name=name)
    if kind == "station":
        station = await station_by_code(session, code=value)
        return t(lang, "admin.bc.scope.station", name=station.name if station else value)
    if home is not None:
        return t(lang, "staff.bc.scope.all_within", station=home.name)
    return t(lang, "admin.bc.scope.all")


def progress_text(
    broadcast: Broadcast, calls: RollCall, live: LiveCounts | None, label: str, lang: str | None
) -> str:
    """The admin's live message: delivery progress, then the roll call."""
    sent = live.sent if live else broadcast.sent
    failed = live.failed if live else broadcast.failed
    if broadcast.finished_at is not None:
        state = "sent"
    else:
        state = "paused" if live is not None and not live.running else "sending"
    lines = [
        t(lang, "admin.bc.progress.head", id=broadcast.id, scope=label),
        t(lang, "admin.bc.progress.quote", text=_short(broadcast.text, 60)),
        t(
            lang,
            choices.BROADCAST_PROGRESS[state],
            done=sent + failed,
            total=broadcast.total,
            sent=sent,
            failed=failed,
        ),
        t(
            lang,
            "admin.bc.progress.roll",
            yes=calls.yes,
            no=calls.no,
            silent=max(sent - calls.yes - calls.no, 0),
        ),
    ]
    if calls.yes_names:
        names = "、".join(calls.yes_names[:MAX_NAMES])
        more = len(calls.yes_names) - MAX_NAMES
        lines.append(
            t(lang, "admin.bc.progress.names", names=names)
            + (t(lang, "admin.bc.progress.more", n=more) if more > 0 else "")
        )
    return "\n".join(lines)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
