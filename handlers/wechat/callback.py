"""The callback WeChat calls at ``/wechat``: URL check (GET) and messages (POST).

WeChat waits 5 s for an answer and then re-delivers, up to three times, and
never re-delivers a message it got ``success`` for. So a POST is checked
(signature, safe-mode decryption), stored in the inbox (``bot.inbox``: one insert;
a re-delivery, to this instance or another, has the same key and stops there) and
only then answered ``success``; the work happens after the answer, and a crash
in between loses nothing (the row is handled after the restart, or by another
instance). The inbox runs the engine and the replies go out through the
customer-service API. One person's messages are processed strictly in arrival
order, different people concurrently.

A subscription account (订阅号, ``JIANGXIN_WECHAT_MODE=subscription``) has no
customer-service API, so there the POST waits for the work (up to 4 s of WeChat's 5)
and answers with the replies as a passive text message; anything said to the person
meanwhile (a volunteer's claim, a reminder) is kept and goes out with the answer to
their next message, and so do replies whose work took too long.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import weakref
from collections.abc import AsyncIterator, Mapping

from aiohttp import web
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot import notify, people, photos
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Inbound, Kind
from bot.lifecycle import emit
from bot.reply import Outcome, Reply
from bot.texts import t
from handlers.wechat import convert, render
from handlers.wechat.api import WeChatApi, WeChatError
from handlers.wechat.convert import PLATFORM, Incoming
from handlers.wechat.notifier import WeChatNotifier
from store import wechat as store
from store.inbox import Arrival
from store.models import InboxUpdate, Person, WechatPending
from store.people import person_by_platform_id

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
MAX_SKEW = 600  # seconds; an older signed request is a replay, not a re-delivery
ACK = "success"
PASSIVE_WAIT = 4.0  # seconds a subscription account's answer may wait for the work
PASSIVE_BYTES = 1800  # kept messages packed into one passive answer (WeChat allows 2048)


class WeChatChannel:
    """Everything the callback needs while the web app runs."""

    def __init__(self, deps: Deps, engine: Engine, api: WeChatApi) -> None:
        settings = deps.settings
        assert settings.wechat_token is not None
        self.deps = deps
        self.engine = engine
        self.api = api
        self.token = settings.wechat_token.get_secret_value()
        aes = settings.wechat_aes_key.get_secret_value() if settings.wechat_aes_key else ""
        self.crypto = WeChatCrypto(self.token, aes, api.app_id) if aes else None
        self.notifier = WeChatNotifier(api, settings)
        # A subscription account (订阅号) answers in the response, within WeChat's 5 s.
        self.passive = settings.wechat_mode == "subscription"
        self.passive_wait = PASSIVE_WAIT
        self._drain_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    # -- HTTP ----------------------------------------------------------------------------

    def _signed(self, request: web.Request) -> bool:
        q = request.query
        try:
            check_signature(
                self.token, q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", "")
            )
        except InvalidSignatureException:
            return False
        return True

    async def verify(self, request: web.Request) -> web.Response:
        """WeChat's server-URL check: echo ``echostr`` when the signature is ours."""
        if not self._signed(request):
            raise web.HTTPForbidden(text="bad signature")
        return web.Response(text=request.query.get("echostr", ""))

    async def receive(self, request: web.Request) -> web.Response:
        q = request.query
        if not self._signed(request):
            raise web.HTTPForbidden(text="bad signature")
        try:
            if abs(time.time() - int(q.get("timestamp", "0"))) > MAX_SKEW:
                raise web.HTTPForbidden(text="stale timestamp")
        except ValueError:
            raise web.HTTPForbidden(text="bad timestamp") from None
        body = await request.read()
        if q.get("encrypt_type") == "aes":
            if self.crypto is None:
                raise web.HTTPBadRequest(text="safe mode without JIANGXIN_WECHAT_AES_KEY")
            try:
                body = self.crypto.decrypt_message(
                    body, q.get("msg_signature", ""), q["timestamp"], q.get("nonce", "")
                ).encode()
            except (InvalidSignatureException, InvalidAppIdException):
                raise web.HTTPForbidden(text="bad message signature") from None
            except Exception:
                raise web.HTTPBadRequest(text="cannot decrypt") from None
        try:
            incoming = convert.parse(body)
        except Exception:
            log.info("WeChat: unreadable message body")
            raise web.HTTPBadRequest(text="unreadable message") from None
        if incoming is None:
            return web.Response(text=ACK)
        # Durable before the answer; an error here is a 500, and WeChat re-delivers.
        payload = {"xml": body.decode("utf-8", "replace")}
        arrival = Arrival(PLATFORM, incoming.key, incoming.openid, payload)
        if not await self.deps.inbox.receive([arrival]):
            log.info("WeChat re-delivered %s; already taken", incoming.key)
        task = self.deps.inbox.kick(PLATFORM, incoming.openid)  # (in case its first taker died)
        if not self.passive:
            return web.Response(text=ACK)
        return await self._answer(incoming, task, q)

    # -- subscription accounts: answers in the response ------------------------------------

    async def _answer(
        self, incoming: Incoming, task: asyncio.Task[None] | None, q: Mapping[str, str]
    ) -> web.Response:
        """What a subscription account says back: the replies, if the work finishes within
        WeChat's 5 s (else they wait for the person's next message), and whatever was
        kept for them since they last wrote."""
        if task is not None:
            await asyncio.wait([task], timeout=self.passive_wait)
            if not task.done():
                log.info(
                    "WeChat: %s took too long; its replies wait for the next message", incoming.key
                )
                return web.Response(text=ACK)
        text = await self._take_pending(incoming.openid)
        if text is None:
            return web.Response(text=ACK)
        xml = TextReply(source=incoming.account, target=incoming.openid, content=text).render()
        if q.get("encrypt_type") == "aes" and self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, q.get("nonce", ""), q.get("timestamp"))
        return web.Response(text=xml, content_type="application/xml")

    async def _take_pending(self, openid: str) -> str | None:
        """The kept messages as one passive answer (as many as fit; a line says how many
        more wait), and the numbered choices of the last one that offers any."""
        async with self._draining(openid):
            rows = await store.pending(self.deps.db, openid=openid)
            taken: list[WechatPending] = []
            size = 0
            for row in rows:
                need = len(row.text.encode()) + len(row.choices_text.encode()) + 4
                if taken and size + need > PASSIVE_BYTES:
                    break
                taken.append(row)
                size += need
            if not taken:
                return None
            await store.drop_pending(self.deps.db, ids=[r.id for r in taken])  # type: ignore[misc]
        with_choices = [r for r in taken if r.choices]
        parts = [r.text for r in taken]
        if with_choices:
            last = with_choices[-1]
            parts[taken.index(last)] += "\n\n" + last.choices_text
            await store.put_choices(
                self.deps.db, openid=openid, options=last.choices, now=self.deps.now()
            )
        text = "\n\n".join(parts)
        if len(rows) > len(taken):
            person = await self._person(openid)
            lang = person.language if person is not None else self.deps.settings.language
            text += "\n\n" + render.plain(t(lang, "wxweb.passive.more", n=len(rows) - len(taken)))
        while len(text.encode()) > render.MAX_TEXT_BYTES:  # one very long message: cut
            text = text[: len(text) * 9 // 10]
        return text

    def _draining(self, openid: str) -> asyncio.Lock:
        lock = self._drain_locks.get(openid)
        if lock is None:
            lock = self._drain_locks[openid] = asyncio.Lock()
        return lock

    # -- processing ----------------------------------------------------------------------

    async def run(self, row: InboxUpdate) -> None:
        """One stored message (the inbox calls this, in the person's order)."""
        incoming = convert.parse(row.payload["xml"])
        if incoming is not None:
            await self.process(incoming)

    async def settle(self) -> None:
        """Wait until every accepted message has been handled (tests)."""
        await self.deps.inbox.settle(PLATFORM)

    async def process(self, incoming: Incoming) -> None:
        openid = incoming.openid
        if incoming.subscribed is False:
            await self._unfollowed(openid)
            return
        inbound = await self._resolve(incoming)
        if inbound is not None and inbound.kind == Kind.PHOTO:
            inbound = await self._kept_photo(openid, inbound)
        if inbound is None:
            return
        outcome = await self.engine.handle(convert.actor_of(openid), inbound)
        person = await self._person(openid)
        if person is None:
            return
        await self.deliver(person, outcome)

    async def _unfollowed(self, openid: str) -> None:
        """Unreachable until they follow again; admins hear of any order under way."""
        log.info("WeChat user %s unfollowed the account", openid)
        await store.clear_choices(self.deps.db, openid=openid)
        async with self.deps.db.session() as session:
            person = await person_by_platform_id(session, platform=PLATFORM, external_id=openid)
            if person is None or not person.reachable:
                return
            await people.mark_unreachable(session, person.id)  # type: ignore[arg-type]
        await emit(self.deps, "person_unreachable", person_id=person.id, platform=PLATFORM)

    async def _resolve(self, incoming: Incoming) -> Inbound | None:
        """A msgmenu tap or "回复 1" becomes the button it stands for."""
        inbound = incoming.inbound
        if inbound is None:
            return None
        db, openid = self.deps.db, incoming.openid
        if incoming.menu_tap is not None:
            if incoming.menu_tap == render.KEYBOARD_ID:
                return inbound  # a keyboard choice: its label is the text
            return Inbound(Kind.BUTTON, data=incoming.menu_tap)
        if incoming.digits is not None:
            data = await store.take_choice(db, openid=openid, number=incoming.digits)
            if data is not None:
                await store.clear_choices(db, openid=openid)
                if data.startswith(render.KEYBOARD_ID + ":"):
                    return Inbound(Kind.TEXT, text=data.split(":", 1)[1])
                return Inbound(Kind.BUTTON, data=data)
        return inbound

    async def _kept_photo(self, openid: str, inbound: Inbound) -> Inbound | None:
        """A photo arrives as a MediaId that WeChat keeps three days and only this account
        can read: fetch it now and keep it (``web:<id>``), so volunteers on every channel
        see it. None (the person was asked to send it again) when that fails."""
        deps = self.deps
        if inbound.photo is None or inbound.photo.startswith(photos.PREFIX):
            return inbound
        async with deps.db.session() as session:
            person = await people.get_or_create(
                session, convert.actor_of(openid), default_language=deps.settings.language
            )
        file = None
        try:
            content = await self.api.get_media(inbound.photo)
            file = await photos.keep(deps.db, person_id=person.id, content=content, now=deps.now())  # type: ignore[arg-type]
        except WeChatError as exc:
            log.info("WeChat: could not fetch photo %s of %s: %s", inbound.photo, openid, exc)
        if file is None:
            await self.deliver(person, Outcome.of(Reply(t(person.language, "wxweb.photo_failed"))))
            return None
        return dataclasses.replace(inbound, photo=file)

    async def _person(self, openid: str) -> Person | None:
        """The person, reachable again: they just wrote, so the 48-hour window is open."""
        async with self.deps.db.session() as session:
            person = await person_by_platform_id(session, platform=PLATFORM, external_id=openid)
            if person is not None and not person.reachable:
                person.reachable = True
                session.add(person)
        return person

    async def deliver(self, person: Person, outcome: Outcome) -> None:
        """The outcome as messages; WeChat has no toasts or edits, so both become new text."""
        replies = list(outcome.replies)
        if outcome.toast:
            replies.insert(0, Reply(outcome.toast))
        for reply in replies:
            if await notify.notify(self.deps, person, reply) is None:
                return


CHANNEL = web.AppKey("wechat", WeChatChannel)


def setup(app: web.Application, deps: Deps, engine: Engine) -> None:
    """Serve ``/wechat`` and deliver the core's messages to WeChat people while the app runs."""

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        api = WeChatApi(deps.settings, deps.db, deps.now)
        channel = WeChatChannel(deps, engine, api)
        app[CHANNEL] = channel
        deps.notifier.add(PLATFORM, channel.notifier)
        deps.qrcodes = api  # /wechatqr in chat (bot.flows.wechat)
        mode = "safe mode" if channel.crypto is not None else "plaintext"
        log.info("WeChat Official Account %s: callback at /wechat (%s)", api.app_id, mode)
        deps.inbox.open(PLATFORM)
        yield
        await deps.inbox.close(PLATFORM)
        deps.notifier.channels.pop(PLATFORM, None)
        deps.qrcodes = None
        await api.close()

    async def run(row: InboxUpdate) -> None:
        await app[CHANNEL].run(row)

    # Registered now, so rows a crash left are queued at start-up; they run once open.
    deps.inbox.add_runner(PLATFORM, run)

    async def verify(request: web.Request) -> web.Response:
        return await request.app[CHANNEL].verify(request)

    async def receive(request: web.Request) -> web.Response:
        return await request.app[CHANNEL].receive(request)

    app.cleanup_ctx.append(lifetime)
    app.router.add_get("/wechat", verify, name="wechat_verify")
    app.router.add_post("/wechat", receive, name="wechat_receive")
