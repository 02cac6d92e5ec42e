"""The one entry point every chat channel calls: an inbound event in, an Outcome out.

It resolves the person, checks roles, routes to the registered flow and turns
refusals and crashes into polite answers. Events of one person are handled one
at a time (their dialog is a sequence); different people run concurrently.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
import weakref

from bot import callbacks, live, people, tracked
from bot.context import Ctx
from bot.deps import Deps
from bot.errors import Forbidden, Refusal
from bot.events import Actor, Inbound, Kind
from bot.registry import Audience, Registry
from bot.reply import MessageRef, Outcome, Reply
from bot.texts import choices, normalize_language, t
from store import inbox as inbox_rows
from store.people import Seen, person_by_platform_id
from store.people import seen as person_seen

log = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 1000  # characters a person may type in one message
_DIALOG_KINDS = (Kind.TEXT, Kind.LOCATION, Kind.CONTACT, Kind.PHOTO, Kind.UNSUPPORTED)


class Engine:
    """Owns the routes (what answers each command, button and dialog) and applies them."""

    def __init__(self, deps: Deps, routes: Registry) -> None:
        self.deps = deps
        self.routes = routes
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        # Where the step buttons are, noted behind this process's replies (bot.live).
        self.live_notes = live.LiveNotes(deps)

    async def stop(self) -> None:
        """Write what the engine keeps in memory (the live notes); before the database closes."""
        await self.live_notes.stop()

    def _lock(self, actor: Actor) -> asyncio.Lock:
        key = (actor.platform, actor.external_id)
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def handle(self, actor: Actor, event: Inbound) -> Outcome:
        self.deps.metrics.updates.labels(actor.platform, event.kind).inc()
        async with self._lock(actor):
            try:
                return await self._handle(actor, event)
            except Refusal as r:
                text = t(normalize_language(actor.language), r.key, **r.kwargs)
                return _refusal(event, text, r.toast)
            except Exception:
                log.exception(
                    "failed to handle %s from %s:%s", event.kind, actor.platform, actor.external_id
                )
                return _refusal(event, t(normalize_language(actor.language), "common.error"), False)

    async def delivered(self, actor: Actor, reply: Reply, ref: MessageRef) -> None:
        """The channel put ``reply`` at ``ref`` (see ``bot.live`` and ``bot.tracked``);
        never raises."""
        if not (reply.transient or reply.edit or reply.track):
            return
        try:
            if reply.transient or reply.edit:
                await live.delivered(self.live_notes, actor.platform, actor.external_id, reply, ref)
            person_id = None
            if reply.track is not None:  # only a tracked message needs to know whose it is
                async with self.deps.db.read() as session:
                    person = await person_by_platform_id(
                        session, platform=actor.platform, external_id=actor.external_id
                    )
                person_id = person.id if person is not None else None
            await tracked.noted(self.deps, person_id, reply, ref)
        except Exception:
            log.exception("could not note the live message of %s", actor.external_id)

    async def _handle(self, actor: Actor, event: Inbound) -> Outcome:
        deps = self.deps
        event = as_command(event)
        # This process's note of the live message not written yet (then read the person).
        pending = await self.live_notes.take((actor.platform, actor.external_id))
        seen = await self._seen(actor)
        person, state = seen.person, seen.dialog
        is_super = people.is_super_admin(deps.settings, person) or seen.phone_admin
        await live.moved_on(deps, person.id, seen.live, event, pending)  # type: ignore[arg-type]
        # From here on the flow runs: its write marks the inbox row done in the same commit.
        inbox_rows.arm()
        ctx = Ctx(
            deps=deps,
            actor=actor,
            person=person,
            event=event,
            routes=self.routes,
            is_super_admin=is_super,
            is_admin=is_super or people.is_admin(deps.settings, person),
            is_volunteer=people.is_working_volunteer(seen.volunteer),
            dialog=state,
        )
        try:
            if event.kind in (Kind.TEXT,) and len(event.text) > MAX_TEXT_LENGTH:
                return Outcome.of(
                    ctx.reply("common.too_long", length=len(event.text), limit=MAX_TEXT_LENGTH)
                )
            if event.kind == Kind.COMMAND:
                return await self._command(ctx)
            if event.kind == Kind.BUTTON:
                return await self._button(ctx)
            routes = self.routes
            if state is not None and state.flow in routes.dialogs:
                return Outcome.of(await routes.dialogs[state.flow](ctx))
            # A photo with a caption (or alone) outside a dialog is a need with a photo.
            if event.kind in (Kind.TEXT, Kind.PHOTO) and routes.text_fallback is not None:
                return Outcome.of(await routes.text_fallback(ctx))
            return Outcome.of(unsupported(ctx))
        except Refusal as r:
            return _refusal(event, ctx.t(r.key, **r.kwargs), r.toast)

    async def _seen(self, actor: Actor) -> Seen:
        """The person and what the update needs of them: one read, no write lock.

        Only a first visit, or a name or username that changed, writes (before the flow).
        """
        deps = self.deps
        key = {"platform": actor.platform, "external_id": actor.external_id}
        phones = deps.settings.admin_phones
        async with deps.db.read() as session:
            seen = await person_seen(session, **key, admin_phones=phones)
        if seen is not None and not people.stale(seen.person, actor):
            return seen
        async with deps.db.session() as session:
            if seen is not None:
                people.refresh(seen.person, actor)
                session.add(seen.person)
                return seen
            await people.get_or_create(session, actor, default_language=deps.settings.language)
            seen = await person_seen(session, **key, admin_phones=phones)
        assert seen is not None
        return seen

    async def _command(self, ctx: Ctx) -> Outcome:
        spec = self.routes.commands.get(ctx.event.command)
        if spec is None:
            return Outcome.of(ctx.reply("common.unknown_command"))
        if spec.audience == Audience.ADMIN and not ctx.is_admin:
            return Outcome.of(ctx.reply("common.forbidden"))
        return Outcome.of(await spec.handler(ctx))

    async def _button(self, ctx: Ctx) -> Outcome:
        try:
            verb, args = callbacks.decode(ctx.event.data)
        except callbacks.BadCallback:
            return Outcome(toast=ctx.t("common.expired"))
        spec = self.routes.buttons.get(verb)
        if spec is None:
            return Outcome(toast=ctx.t("common.expired"))
        if spec.admin and not ctx.is_admin:
            raise Forbidden()
        ctx.args = args
        try:
            outcome = Outcome.of(await spec.handler(ctx))
        except callbacks.BadCallback:
            return Outcome(toast=ctx.t("common.expired"))
        return outcome


_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?$")


def as_command(event: Inbound) -> Inbound:
    """Text that is really a command: ``／order`` from a Chinese keyboard (full-width
    slash, which Telegram does not mark as a command) or ``/Help`` typed on the web."""
    if event.kind != Kind.TEXT or event.text.lstrip()[:1] not in ("/", "／"):
        return event
    head, *args = event.text.split()
    m = _COMMAND.match(unicodedata.normalize("NFKC", head))
    if m is None:
        return event
    return Inbound(Kind.COMMAND, text=event.text, command=m.group(1).lower(), args=tuple(args))


def unsupported(ctx: Ctx) -> Reply:
    """The hint for a message type we cannot use here."""
    if ctx.event.media == "voice":  # a short way forward: type it, or the phone's voice input
        return ctx.reply("worker.voice")
    media = ctx.t(choices.MEDIA.get(ctx.event.media or "other", "common.media.other"))
    return ctx.reply("common.unsupported", media=media)


def _refusal(event: Inbound, text: str, toast: bool) -> Outcome:
    if event.kind == Kind.BUTTON:
        # A button press always gets its answer as a toast; long ones as an alert.
        return Outcome(toast=text[:200], alert=len(text) > 60 or not toast)
    return Outcome([Reply(text)])
