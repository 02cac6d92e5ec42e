"""Telegram's webhook: updates POSTed to the path of ``JIANGXIN_WEBHOOK_URL``.

Telegram sends the secret registered with ``setWebhook`` in the
``X-Telegram-Bot-Api-Secret-Token`` header; anything without it is refused
(403) before the body is read. An accepted update is stored in the inbox
(``bot.inbox``, one transaction) and only then answered 200, so a crash after the
answer loses nothing: the row is handled after the restart, or by another
instance. Then it goes onto the python-telegram-bot Application's update queue.
A re-sent update (Telegram re-sends on a slow answer) has the same ``update_id``:
the inbox drops it, so each is processed once even across instances.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.config import Settings
from handlers.telegram.updates import arrival
from handlers.web.keys import DEPS, TELEGRAM, WEBHOOK_SECRET
from store import poison

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # 1 MiB; real updates are a few kilobytes
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


class WebhookConfigError(ValueError):
    """Webhook mode is misconfigured; the message names the setting."""


def webhook_secret(settings: Settings) -> str:
    """The configured secret, or one derived from the bot token when none is set.

    Deriving keeps webhook mode safe without extra configuration: only someone
    who knows the token can compute it, and it stays the same across restarts.
    """
    if settings.webhook_secret is not None and settings.webhook_secret.get_secret_value():
        secret = settings.webhook_secret.get_secret_value()
        if not _SECRET.match(secret):
            raise WebhookConfigError(
                "JIANGXIN_WEBHOOK_SECRET is invalid: use 1-256 of A-Z a-z 0-9 _ -"
            )
        return secret
    token = settings.token or ""
    return hmac.new(token.encode(), b"jiangxin-webhook-secret", hashlib.sha256).hexdigest()


def webhook_path(settings: Settings) -> str:
    """The path of JIANGXIN_WEBHOOK_URL, which this server answers."""
    if not settings.webhook_url:
        raise WebhookConfigError(
            "JIANGXIN_WEBHOOK_URL is required when JIANGXIN_TELEGRAM_MODE=webhook"
        )
    return urlsplit(settings.webhook_url).path or "/"


async def receive_update(request: web.Request) -> web.Response:
    secret = request.app[WEBHOOK_SECRET]
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode()):
        log.warning("webhook: refused a request without the right secret from %s", request.remote)
        raise web.HTTPForbidden()
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length)
    try:
        data: Any = await request.json()  # reading past client_max_size raises 413
    except ValueError:
        raise web.HTTPBadRequest(text="not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise web.HTTPBadRequest(text="not a Telegram update")
    application = request.app[TELEGRAM]
    if not application.running:
        # Starting or stopping: Telegram keeps the update and sends it again later.
        raise web.HTTPServiceUnavailable()
    deps = request.app[DEPS]
    try:
        update = Update.de_json(data, application.bot)
    except Exception as exc:
        # It came from Telegram (the secret matched): a re-send would fail the same way.
        log.exception("webhook: could not read update %s; set aside", data["update_id"])
        async with deps.db.session() as session:
            await poison.set_aside(
                session,
                platform="telegram",
                update_id=data["update_id"],
                raw=data,
                error=f"{type(exc).__name__}: {exc}",
            )
        return web.Response(status=200)
    # Stored before the answer (an error here is a 500: Telegram sends it again). A re-sent
    # update is not stored twice; its chat is still run, in case its first instance died.
    await deps.inbox.receive([arrival(update, data)])
    await application.update_queue.put(update)
    return web.Response(status=200)


def setup(app: web.Application, settings: Settings, telegram_app: Any) -> None:
    """Serve the webhook path when Telegram runs in webhook mode."""
    app[TELEGRAM] = telegram_app
    app[WEBHOOK_SECRET] = webhook_secret(settings)
    app.router.add_post(webhook_path(settings), receive_update, name="telegram_webhook")
