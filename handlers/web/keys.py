"""Typed keys for what the web application shares between its handlers."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.deps import Deps
from bot.engine import Engine
from handlers.web.guard import FloodGuard
from handlers.web.hub import Hub
from handlers.web.identity import SessionSigner

DEPS = web.AppKey("deps", Deps)
ENGINE = web.AppKey("engine", Engine)
HUB = web.AppKey("hub", Hub)
GUARD = web.AppKey("guard", FloodGuard)
SESSIONS = web.AppKey("sessions", SessionSigner)
# The python-telegram-bot Application fed by the webhook (None: no webhook route).
TELEGRAM: web.AppKey[Application[Any, Any, Any, Any, Any, Any]] = web.AppKey("telegram")
WEBHOOK_SECRET = web.AppKey("webhook_secret", str)
# Open pages across instances (handlers.web.presence.SharedPresence).
PRESENCE: web.AppKey[Any] = web.AppKey("presence")
