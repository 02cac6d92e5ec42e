"""``/metrics`` in the Prometheus text format, from the app's own registry.

Counters and histograms (updates handled, offers sent, time to claim, scheduler
task lag) are fed where things happen; the orders-by-status gauge is a snapshot
of the database, so it is refreshed on each scrape.

Who may scrape: with ``JIANGXIN_METRICS_TOKEN`` set, whoever sends
``Authorization: Bearer <token>``; without it, only a client on this machine
talking to us directly (loopback, and no proxy's ``X-Forwarded-For`` /
``Forwarded`` header — behind a proxy every request comes from loopback).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.deps import Deps
from handlers.web.keys import DEPS
from store.models import OrderStatus
from store.orders import count_by_status

log = logging.getLogger(__name__)

REFRESH_TIMEOUT = 5.0  # seconds; a slow database must not hang the scrape
STATUSES = tuple(v for k, v in vars(OrderStatus).items() if k.isupper() and isinstance(v, str))


async def refresh_orders_gauge(deps: Deps) -> None:
    """Set ``jiangxin_orders{status=…}`` to the current count of each status (0 when none)."""
    async with deps.db.session() as session:
        counts = await count_by_status(session)
    gauge = deps.metrics.orders_by_status
    for status in (*STATUSES, *(s for s in counts if s not in STATUSES)):
        gauge.labels(status).set(counts.get(status, 0))


def scrape_allowed(request: web.Request, token: str | None) -> bool:
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


async def metrics(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    secret = deps.settings.metrics_token
    if not scrape_allowed(request, secret.get_secret_value() if secret else None):
        if secret:
            raise web.HTTPUnauthorized(headers={"WWW-Authenticate": "Bearer"})
        raise web.HTTPForbidden(text="set JIANGXIN_METRICS_TOKEN to scrape from elsewhere")
    try:
        await asyncio.wait_for(refresh_orders_gauge(deps), REFRESH_TIMEOUT)
    except Exception as exc:  # serve the other metrics even when the database is away
        log.warning("could not refresh the orders gauge: %s", exc)
    body = generate_latest(deps.metrics.registry)
    return web.Response(
        body=body, headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/metrics", metrics, name="metrics")
