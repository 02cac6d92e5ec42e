"""Delivering core messages to WeChat people: customer-service messages, else a template.

Customer-service messages reach a person within 48 hours of their last message
to the account. Outside that window (45015), or when the day's quota is used up
(45047), the reply goes out as the generic 服务进度通知 template
(``JIANGXIN_WECHAT_TEMPLATE_NOTICE``) linking to the web chat. A person who
unfollowed the account (43004), or one no message type can reach, is reported
``Unreachable``, so the core marks them and the admins' views say so.

A subscription account (订阅号, ``JIANGXIN_WECHAT_MODE=subscription``) has neither
API: every message is kept (``store.wechat``) and goes out in the passive answer
to the person's next message (``handlers.wechat.callback``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bot import photos
from bot.config import Settings
from bot.notifier import DeliveryError, Unreachable
from bot.reply import MessageRef, Reply
from bot.texts import t
from handlers.wechat import render
from handlers.wechat.api import BUSY, WeChatApi, WeChatError
from handlers.wechat.convert import PLATFORM
from store import wechat as store
from store.models import Person

log = logging.getLogger(__name__)

NOT_SUBSCRIBED = 43004
WINDOW_CLOSED = 45015
QUOTA_USED = 45047
BAD_MEDIA = 40007
# A photo WeChat cannot take: unknown media id, or a file type (WebP) or size it refuses.
BAD_FILE = (BAD_MEDIA, 40005, 40006, 40009)
MEDIA_LIFETIME = timedelta(days=2, hours=12)  # WeChat keeps temporary media for three days
TEMPLATE_FIELD = 200  # characters shown in one template field


class WeChatNotifier:
    edits = False  # a message once sent cannot change (bot.tracked leaves WeChat alone)

    def __init__(self, api: WeChatApi, settings: Settings) -> None:
        self.api = api
        self.settings = settings
        self._media: dict[str, tuple[str, datetime]] = {}  # kept photo → (media id, reuse until)

    async def send(self, person: Person, reply: Reply) -> MessageRef | None:
        openid = person.external_id
        if self.settings.wechat_mode == "subscription":
            # No customer-service API: kept for the answer to the person's next message.
            kept = render.passive(reply, person.language)
            await store.keep_pending(
                self.api.db,
                openid=openid,
                text=kept.text,
                choices_text=kept.choices_text,
                choices=kept.choices,
                now=self.api.now(),
            )
            return MessageRef(PLATFORM, openid, "0")
        rendered = render.render(reply, person.language)
        for message in rendered.messages:
            try:
                if message["msgtype"] == "image":
                    message = await self._uploaded(message)
                await self.api.send_custom({"touser": openid, **message})
            except WeChatError as exc:
                if exc.errcode in BAD_FILE and message["msgtype"] == "image":
                    log.info("photo %s is not a WeChat media id; skipped", message["image"])
                    continue
                if exc.errcode in (WINDOW_CLOSED, QUOTA_USED):
                    await self._template(person, reply, exc)
                    return MessageRef(PLATFORM, openid, "0")
                raise _failure(openid, exc) from exc
        if rendered.choices is not None:
            await store.put_choices(
                self.api.db, openid=openid, options=rendered.choices, now=self.api.now()
            )
        elif rendered.menu:  # "回复 1" now means nothing: the newest choices are a menu
            await store.clear_choices(self.api.db, openid=openid)
        return MessageRef(PLATFORM, openid, "0")

    async def _uploaded(self, message: dict[str, Any]) -> dict[str, Any]:
        """An image message whose photo is one we keep (``web:<id>``) gets a WeChat media id;
        an upload lasts three days, so it is reused for a little less than that."""
        file = str(message["image"]["media_id"])
        if not file.startswith(photos.PREFIX):
            return message
        now = self.api.now()
        cached = self._media.get(file)
        if cached is None or cached[1] <= now:
            found = await photos.content(self.api.db, file)
            if found is None:
                raise WeChatError(BAD_MEDIA, f"{file} is gone")
            media_id = await self.api.upload_image(found[1], found[0])
            cached = (media_id, now + MEDIA_LIFETIME)
            self._media[file] = cached
        return {"msgtype": "image", "image": {"media_id": cached[0]}}

    async def _template(self, person: Person, reply: Reply, why: WeChatError) -> None:
        template = self.settings.wechat_template_notice
        if not template:
            raise Unreachable(f"wechat: {why.errmsg or why.errcode} and no notice template set")
        lang = person.language
        body = render.plain(reply.text).strip()
        first, _, rest = body.partition("\n")
        now = self.api.now().astimezone(self.settings.tz)
        data: dict[str, Any] = {
            "first": {"value": render.plain(t(lang, "wechat.notice.title"))},
            "keyword1": {"value": first[:TEMPLATE_FIELD]},
            "keyword2": {"value": now.strftime("%Y-%m-%d %H:%M")},
            "remark": {
                "value": (rest.strip()[:TEMPLATE_FIELD] + "\n" if rest.strip() else "")
                + render.plain(t(lang, "wechat.notice.remark"))
            },
        }
        try:
            await self.api.send_template(
                person.external_id, template, data, self.settings.wechat_chat_url
            )
        except WeChatError as exc:
            raise _failure(person.external_id, exc) from exc
        log.info("sent a template notice to %s (%s)", person.external_id, why.errcode)

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        """WeChat cannot change a message once sent; a pressed stale choice answers 已过期."""
        return None


def _failure(openid: str, exc: WeChatError) -> DeliveryError:
    if exc.errcode == BUSY:
        return DeliveryError(f"wechat {openid}: {exc}")
    if exc.errcode in (NOT_SUBSCRIBED, WINDOW_CLOSED, QUOTA_USED):
        return Unreachable(f"wechat {openid}: {exc}")
    return DeliveryError(f"wechat {openid}: {exc}")
