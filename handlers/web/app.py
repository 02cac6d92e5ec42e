"""The one aiohttp application: web chat, ``/healthz``, ``/metrics`` and Telegram's webhook.

``make_app`` only wires routes; what needs the running loop (the session key
from the database, the web notifier) is opened and closed in ``cleanup_ctx``.
``jiangxin.app.WebComponent`` serves it on ``JIANGXIN_WEB_HOST:JIANGXIN_WEB_PORT``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from bot.deps import Deps
from bot.engine import Engine
from handlers.web import chat, health, login, metrics, photos, webhook
from handlers.web.fanout import Fanout
from handlers.web.guard import FloodGuard
from handlers.web.hub import Hub
from handlers.web.identity import SessionSigner, load_key
from handlers.web.keys import (
    DEPS,
    ENGINE,
    GUARD,
    HUB,
    PRESENCE,
    SESSIONS,
    TELEGRAM,
    WEBHOOK_SECRET,
)
from handlers.web.notifier import PLATFORM, WebNotifier
from handlers.web.presence import SharedPresence

__all__ = ["DEPS", "ENGINE", "HUB", "SESSIONS", "TELEGRAM", "WEBHOOK_SECRET", "make_app"]


async def _sessions(app: web.Application) -> AsyncIterator[None]:
    """The cookie-signing key: configured, or generated once and kept in the database."""
    deps = app[DEPS]
    app[SESSIONS] = SessionSigner(await load_key(deps.settings, deps.db))
    yield


async def _web_channel(app: web.Application) -> AsyncIterator[None]:
    """Deliver the core's messages to web people while the app runs."""
    deps = app[DEPS]
    previous = deps.notifier.channels.get(PLATFORM)
    deps.notifier.add(PLATFORM, WebNotifier(deps.db, app[HUB], app[ENGINE].routes))
    presence = SharedPresence(deps, app[HUB])
    await presence.start()
    app[PRESENCE] = presence
    previous_presence, deps.presence = deps.presence, presence
    yield
    deps.presence = previous_presence
    await presence.stop()
    if previous is not None:
        deps.notifier.add(PLATFORM, previous)
    else:
        deps.notifier.channels.pop(PLATFORM, None)


async def _fanout(app: web.Application) -> AsyncIterator[None]:
    """Pushes between instances sharing one PostgreSQL database (LISTEN/NOTIFY)."""
    fanout = Fanout(app[DEPS].db, app[HUB])
    await fanout.start()
    if fanout.enabled:
        app[HUB].publish = fanout.publish
    yield
    app[HUB].publish = None
    await fanout.stop()


async def _close_sockets(app: web.Application) -> None:
    await app[HUB].close_all()


def make_app(deps: Deps, engine: Engine, *, telegram_app: Any = None) -> web.Application:
    """The web application on ``deps`` and ``engine``; with ``telegram_app`` in webhook
    mode it also serves Telegram's webhook and feeds that Application's update queue."""
    app = web.Application(client_max_size=webhook.MAX_BODY)
    app[DEPS] = deps
    app[ENGINE] = engine
    app[HUB] = Hub()
    app[GUARD] = FloodGuard(deps.settings)
    app.cleanup_ctx.append(_sessions)
    app.cleanup_ctx.append(_web_channel)
    app.cleanup_ctx.append(_fanout)
    app.on_shutdown.append(_close_sockets)
    health.setup(app)
    metrics.setup(app)
    if deps.settings.has_role("web"):
        chat.setup(app)
        login.setup(app)
        photos.setup(app)
    if deps.settings.wechat_enabled:
        from handlers.web import wechat_oauth
        from handlers.wechat import callback as wechat

        wechat.setup(app, deps, engine)
        wechat_oauth.setup(app)
    if telegram_app is not None and deps.settings.telegram_mode == "webhook":
        webhook.setup(app, deps.settings, telegram_app)
    return app
