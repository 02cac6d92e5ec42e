"""The web chat: the page at ``/chat`` and its WebSocket at ``/chat/ws``.

The page is plain HTML/CSS/JS (no build step) filled with ``bot.texts`` sentences.
Each socket belongs to the browser's signed session; every event goes through
the same ``Engine`` as Telegram, and every reply is stored before it is pushed
(see ``handlers.web.messages``), so reconnecting pages catch up.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import mimetypes
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import WSCloseCode, WSMsgType, web

from bot import people, photos, roles, signin
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.flows.start import newcomer_greeting
from bot.registry import Audience
from bot.reply import MessageRef, Outcome
from bot.texts import normalize_language, t
from handlers.web import messages, wechat_oauth
from handlers.web.convert import START_PAYLOAD, BadFrame, parse
from handlers.web.guard import client_ip, origin_allowed
from handlers.web.hub import Connection, Hub
from handlers.web.identity import request_session, set_cookie
from handlers.web.keys import DEPS, ENGINE, GUARD, HUB, PRESENCE, SESSIONS
from handlers.web.notifier import PLATFORM
from store.inbox import Arrival
from store.models import InboxUpdate, Person, WebMessage
from store.people import person_by_id, person_by_platform_id

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
MAX_FRAME = 16 * 1024  # bytes; the longest text the engine accepts is 1000 characters
HEARTBEAT = 30.0  # seconds between pings, so dead mobile connections are noticed
TEMPLATE = web.AppKey("chat_template", str)
# The open pages by the inbox row of the frame they sent and wait for (its answer goes there).
PAGES: web.AppKey[dict[int, ChatSession]] = web.AppKey("chat_pages")
INBOX = "web"  # the inbox's platform for chat frames; a row's chat is the person's id
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")
_PLACEHOLDER = re.compile(r"\{\{(t|static):([A-Za-z0-9_.\-]+)\}\}|\{\{(lang|texts)\}\}")


def language_of(request: web.Request) -> str:
    """The page language from the browser's Accept-Language (first entry)."""
    first = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0].strip()
    return normalize_language(first or None)


def load_template() -> str:
    return (STATIC_DIR / "index.html").read_text(encoding="utf-8")


def render_page(template: str, request: web.Request, lang: str) -> str:
    """Fill ``{{t:key}}``, ``{{static:file}}``, ``{{lang}}`` and ``{{texts}}``."""
    from bot.texts import keys

    def js_texts() -> str:
        data = {
            k.removeprefix("web.js."): t(lang, k)
            for k in sorted(keys(lang))
            if k.startswith("web.js.")
        }
        raw = json.dumps(data, ensure_ascii=False)
        # Inside <script type="application/json">: never let text close the element.
        return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    def fill(m: re.Match[str]) -> str:
        if m.group(1) == "t":
            return html.escape(t(lang, m.group(2)))
        if m.group(1) == "static":
            url = request.app.router["static"].url_for(filename=m.group(2))
            return html.escape(str(url))
        if m.group(3) == "lang":
            return "zh-CN" if lang == "zh" else "en"
        return js_texts()

    return _PLACEHOLDER.sub(fill, template)


def _security_headers(request: web.Request) -> dict[str, str]:
    # Older WebViews do not count ws:// as 'self', so the socket's origin is named too.
    host = request.host if _HOST.match(request.host) else ""
    sockets = f" ws://{host} wss://{host}" if host else ""
    return {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'{sockets}; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


async def page(request: web.Request) -> web.Response:
    """The chat page; gives the browser a session cookie (or refreshes its lifetime)."""
    wechat = wechat_oauth.sign_in_redirect(request)
    if wechat is not None:
        raise wechat
    signer = request.app[SESSIONS]
    sid = request_session(request, signer)
    cookie = signer.cookie_value(sid) if sid else signer.new_session()[1]
    lang = language_of(request)
    body = render_page(request.app[TEMPLATE], request, lang)
    response = web.Response(
        text=body, content_type="text/html", charset="utf-8", headers=_security_headers(request)
    )
    set_cookie(response, request, cookie)
    return response


async def root(request: web.Request) -> web.Response:
    raise web.HTTPFound(request.app.router["chat"].url_for().with_query(request.query))


class ChatSession:
    """One open page: turns its frames into core events and its outcomes into messages."""

    def __init__(self, request: web.Request, ws: web.WebSocketResponse, sid: str) -> None:
        app = request.app
        self.deps = app[DEPS]
        self.engine = app[ENGINE]
        self.hub = app[HUB]
        self.presence = app[PRESENCE]
        self.guard = app[GUARD]
        self.ws = ws
        self.conn = Connection(ws)
        self.lang = language_of(request)
        self.sid, self.ip = sid, client_ip(request)
        platform, external_id = wechat_oauth.identity(request, sid)
        self.actor = Actor(platform=platform, external_id=external_id, language=self.lang)
        self.person_id: int | None = None
        self.pages = app[PAGES]

    async def run(self, person: Person | None, start_payload: str | None) -> None:
        """Greet or follow a deep link, send the transcript, then serve frames until closed.

        A visitor who has not written yet has no person row: the page shows the
        greeting, and the row (with the greeting kept first in the transcript) is
        made by their first frame, so visits alone write nothing.
        """
        if person is not None:
            self.person_id, self.lang = person.id, person.language
            # A signed-in browser acts as its person, whichever channel that person came from.
            self.actor = Actor(
                platform=person.platform, external_id=person.external_id, language=self.lang
            )
        if start_payload and (person is not None or self.guard.take(self.sid, self.ip)):
            # A deep link such as a station's QR code: the flow it opens needs the person.
            args = (start_payload,)
            await self.handle(
                Inbound(Kind.COMMAND, text=f"/start {start_payload}", command="start", args=args)
            )
            if self.person_id is None:  # the engine failed before it could record the person
                await self.ws.close(code=WSCloseCode.INTERNAL_ERROR, message=b"try again")
                return
        try:
            if self.person_id is not None:
                await self._attach()
                rows = await messages.history(self.deps.db, self.person_id)
                last_id = rows[-1].id if rows else 0
                shown = [messages.view(r) for r in rows]
            else:
                self.hub.wait(self.sid, self.conn)
                last_id, shown = 0, [self._greeting_view()]
            await self.conn.open({"type": "history", "messages": shown}, last_id or 0)
            await self.conn.send(await self._menu())
            async for msg in self.ws:
                if msg.type == WSMsgType.TEXT:
                    await self.on_frame(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await self.toast(t(self.lang, "web.bad_message"))
        finally:
            self.hub.stop_waiting(self.sid, self.conn)
            person_id = self.person_id or self.conn.person_id
            if person_id is not None:
                self.hub.detach(person_id, self.conn)
                try:
                    # Shielded: a closing socket may cancel this handler, not the bookkeeping.
                    await asyncio.shield(self.presence.closed(person_id))
                except Exception:  # shutting down; the row goes stale on its own
                    log.exception("could not record that a page of %s closed", person_id)

    async def _attach(self) -> None:
        assert self.person_id is not None
        self.hub.attach(self.person_id, self.conn)
        await self.presence.opened(self.person_id)

    def _greeting_view(self) -> dict[str, Any]:
        """The newcomer's greeting, shown but not stored (there is nobody to store it for)."""
        view = messages.bot_payload(newcomer_greeting(self.lang))
        return {**view, "id": 0, "at": int(self.deps.now().timestamp() * 1000), "images": []}

    async def _become_person(self) -> None:
        """A visitor's first frame: now they get a row; the greeting opens their transcript."""
        async with self.hub.lock(self.sid):  # the session's tabs may all write at once
            if self.conn.person_id is not None:  # another tab made the person meanwhile
                self.person_id = self.conn.person_id
                return
            person = await _made_person(self.deps, self.actor)
            assert person.id is not None
            self.person_id, self.lang = person.id, person.language
            self.hub.adopt(self.sid, person.id)  # this page and the session's other tabs
        await self.presence.opened(person.id)
        if not await messages.history(self.deps.db, person.id, limit=1):
            greeting = messages.bot_payload(newcomer_greeting(self.lang))
            await messages.store(self.deps.db, person.id, greeting)

    async def _menu(self) -> dict[str, Any]:
        """The page's command menu, for the person's role (as Telegram's menus are)."""
        audience = Audience.EVERYONE
        if self.person_id is None:
            return self._menu_of(audience)
        async with self.deps.db.session() as session:
            person = await person_by_id(session, person_id=self.person_id)
        if person is not None:
            audience = await roles.menu_audience(self.deps, person)
        return self._menu_of(audience)

    def _menu_of(self, audience: str) -> dict[str, Any]:
        specs = self.engine.routes.menu(audience)
        return {
            "type": "menu",
            "commands": [
                {"command": c.name, "label": t(self.lang, c.menu)} for c in specs if c.menu
            ],
        }

    async def on_frame(self, data: str) -> None:
        """One frame from the page; a failure answers politely and keeps the socket open."""
        try:
            await self._on_frame(data)
        except Exception:
            log.exception("web chat: failed to handle a frame of person %s", self.person_id)
            await self.toast(t(self.lang, "common.error"))

    async def _on_frame(self, data: str) -> None:
        if not self.guard.take(self.sid, self.ip):
            await self.toast(t(self.lang, "web.busy"))
            return
        try:
            frame = json.loads(data)
        except ValueError:
            await self.toast(t(self.lang, "web.bad_message"))
            return
        try:
            parsed = parse(frame, self.person_id or 0)
        except BadFrame as bad:
            await self.toast(t(self.lang, bad.key))
            return
        if parsed is None:
            return
        if self.person_id is None:  # another tab of this session may have written first
            self.person_id = self.conn.person_id
        if self.person_id is None:
            await self._become_person()
        assert self.person_id is not None
        shown: tuple[str, ...] = ()
        if parsed.inbound.photo is not None:  # only a photo this person uploaded
            async with self.deps.db.session() as session:
                mine = await photos.owned(
                    session, person_id=self.person_id, file=parsed.inbound.photo
                )
            if not mine:
                await self.toast(t(self.lang, "web.bad_message"))
                return
            shown = (parsed.inbound.photo,)
        echo = parsed.echo
        if parsed.echo_key is not None:
            echo = t(self.lang, parsed.echo_key, **dict(parsed.echo_args))
        # Stored before the page sees its message echoed (its acknowledgement): a crash
        # from here on loses nothing, the inbox handles the frame after the restart.
        assert self.person_id is not None
        chat = str(self.person_id)
        payload = {
            "frame": frame,
            "person_id": self.person_id,
            "platform": self.actor.platform,
            "external_id": self.actor.external_id,
            "language": self.actor.language,
        }
        inbox = self.deps.inbox
        [row] = await inbox.receive([Arrival(INBOX, uuid.uuid4().hex, chat, payload)])
        if echo is not None:
            await self._store_and_push(messages.user_payload(echo, shown))
        pages = self.pages
        pages[row.id] = self  # type: ignore[index]
        try:
            await inbox.drain(INBOX, chat)
        finally:
            pages.pop(row.id, None)  # type: ignore[arg-type]

    async def handle(self, inbound: Inbound) -> None:
        outcome = await self.engine.handle(self.actor, inbound)
        if self.person_id is None:
            person = await _person_by_sid(self.deps, self.actor.external_id, self.actor.platform)
            if person is None:
                return
            self.person_id, self.lang = person.id, person.language
        await self.deliver(outcome, inbound)

    async def deliver(self, outcome: Outcome, inbound: Inbound) -> None:
        assert self.person_id is not None
        await deliver(
            self.deps,
            self.hub,
            self.person_id,
            outcome,
            inbound,
            engine=self.engine,
            actor=self.actor,
        )
        if outcome.toast:
            await self.toast(outcome.toast, alert=outcome.alert)

    async def _store_and_push(self, payload: dict[str, Any]) -> WebMessage:
        assert self.person_id is not None
        row = await messages.store(self.deps.db, self.person_id, payload)
        await self.hub.push(self.person_id, {"type": "message", "message": messages.view(row)})
        return row

    async def toast(self, text: str, *, alert: bool = False) -> None:
        await self.conn.send({"type": "toast", "text": text[:200], "alert": alert})


async def deliver(
    deps: Deps,
    hub: Hub,
    person_id: int,
    outcome: Outcome,
    inbound: Inbound,
    *,
    engine: Engine,
    actor: Actor,
) -> None:
    """The replies, stored then pushed to the person's open pages (toasts are the caller's);
    the engine hears where each landed, so a step's buttons can be taken away later."""
    for reply in outcome.replies:
        if reply.edit and inbound.message is not None:
            try:
                message_id = int(inbound.message.message_id)
            except ValueError:
                message_id = 0
            edited = await messages.replace(deps.db, person_id, message_id, reply)
            if edited is not None:
                row, changed = edited
                if changed:
                    await hub.push(person_id, {"type": "edit", "message": messages.view(row)})
                await engine.delivered(actor, reply, inbound.message)
                continue
        row = await messages.store(deps.db, person_id, messages.bot_payload(reply))
        await hub.push(person_id, {"type": "message", "message": messages.view(row)})
        await engine.delivered(actor, reply, MessageRef(PLATFORM, str(person_id), str(row.id)))


async def run_frame(app: web.Application, row: InboxUpdate) -> None:
    """A stored frame (the inbox calls this, in the person's order): the page that sent it
    gets the answer, or, after a restart, whichever of the person's pages are open."""
    p = row.payload
    parsed = parse(p["frame"], p["person_id"])
    if parsed is None:
        return
    actor = Actor(platform=p["platform"], external_id=p["external_id"], language=p["language"])
    page = app[PAGES].get(row.id)  # type: ignore[arg-type]
    engine, deps, hub = app[ENGINE], app[DEPS], app[HUB]
    outcome = await engine.handle(actor, parsed.inbound)
    if page is not None:
        await page.deliver(outcome, parsed.inbound)
        return
    await deliver(deps, hub, p["person_id"], outcome, parsed.inbound, engine=engine, actor=actor)
    if outcome.toast:
        toast = {"type": "toast", "text": outcome.toast[:200], "alert": outcome.alert}
        await hub.push(p["person_id"], toast)


async def _person_by_sid(deps: Deps, sid: str, platform: str = PLATFORM) -> Person | None:
    async with deps.db.session() as session:
        if platform != PLATFORM:  # a WeChat person signed in by OAuth
            return await person_by_platform_id(session, platform=platform, external_id=sid)
        return await signin.person_of_session(session, sid)


async def person_of_request(request: web.Request, sid: str) -> Person | None:
    """Whom the page with session ``sid`` speaks as (WeChat OAuth, phone sign-in or anonymous)."""
    platform, external_id = wechat_oauth.identity(request, sid)
    return await _person_by_sid(request.app[DEPS], external_id, platform)


async def writing_person(request: web.Request, sid: str) -> Person:
    """The person of session ``sid``, made now if this visitor had not written before."""
    found = await person_of_request(request, sid)
    if found is not None:
        return found
    deps = request.app[DEPS]
    platform, external_id = wechat_oauth.identity(request, sid)
    actor = Actor(platform=platform, external_id=external_id, language=language_of(request))
    return await _made_person(deps, actor)


async def _made_person(deps: Deps, actor: Actor) -> Person:
    """The actor's person, made if missing; a second try finds the one another instance
    (or request) made at the same moment."""
    for attempt in (1, 2):
        try:
            async with deps.db.session() as session:
                return await people.get_or_create(
                    session, actor, default_language=deps.settings.language
                )
        except Exception:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def socket(request: web.Request) -> web.WebSocketResponse:
    """The chat's WebSocket: pages of our own origins with a valid session only."""
    deps = request.app[DEPS]
    if not origin_allowed(request, deps.settings):
        log.info(
            "web chat: refused Origin %r for host %r", request.headers.get("Origin"), request.host
        )
        raise web.HTTPForbidden(text="origin not allowed")
    sid = request_session(request, request.app[SESSIONS])
    if sid is None:
        raise web.HTTPUnauthorized(text="no session: open /chat first")
    payload = request.query.get("start") or None
    if payload is not None and not START_PAYLOAD.match(payload):
        payload = None
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT, max_msg_size=MAX_FRAME)
    if not ws.can_prepare(request).ok:
        raise web.HTTPBadRequest(text="expected a WebSocket handshake")
    guard = request.app[GUARD]
    if not guard.open_tab(sid):
        raise web.HTTPTooManyRequests(text="too many open chat pages for this browser")
    try:
        await ws.prepare(request)
        platform, external_id = wechat_oauth.identity(request, sid)
        person = await _person_by_sid(deps, external_id, platform)
        await ChatSession(request, ws, sid).run(person, payload)
    finally:
        guard.close_tab(sid)
    return ws


async def document(request: web.Request) -> web.Response:
    """A document sent to this browser's person (exports and the like)."""
    sid = request_session(request, request.app[SESSIONS])
    identity = wechat_oauth.identity(request, sid) if sid else None
    person = await _person_by_sid(request.app[DEPS], identity[1], identity[0]) if identity else None
    found = None
    if person is not None and person.id is not None:
        found = await messages.document(
            request.app[DEPS].db, person.id, int(request.match_info["id"])
        )
    if found is None:
        raise web.HTTPNotFound()
    filename, content = found
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return web.Response(
        body=content,
        content_type=content_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def setup(app: web.Application) -> None:
    """Add the chat's routes to ``app``; its frames go through the inbox (``bot.inbox``)."""
    app[TEMPLATE] = load_template()
    app[PAGES] = {}
    inbox = app[DEPS].inbox

    async def run(row: InboxUpdate) -> None:
        await run_frame(app, row)

    async def frames(app: web.Application) -> AsyncIterator[None]:
        inbox.open(INBOX)
        yield
        await inbox.close(INBOX)

    inbox.add_runner(INBOX, run)
    app.cleanup_ctx.append(frames)
    app.router.add_get("/", root, name="root")
    app.router.add_get("/chat", page, name="chat")
    app.router.add_get("/chat/ws", socket, name="chat_ws")
    app.router.add_get(r"/chat/file/{id:\d{1,9}}", document, name="chat_file")
    app.router.add_static("/chat/static", STATIC_DIR, name="static", append_version=True)
