"""``/metrics`` in the Prometheus text format, from the app's own registry.

Counters and histograms (updates handled, offers sent, time to claim, scheduler
task lag) are fed where things happen; the orders-by-status gauge is a snapshot
of the database, so it is refreshed on each scrape.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func
from sqlmodel import select

from bot.deps import Deps
from handlers.web.keys import DEPS
from store.models import Order, OrderStatus

log = logging.getLogger(__name__)

REFRESH_TIMEOUT = 5.0  # seconds; a slow database must not hang the scrape
STATUSES = tuple(v for k, v in vars(OrderStatus).items() if k.isupper() and isinstance(v, str))


async def refresh_orders_gauge(deps: Deps) -> None:
    """Set ``jiangxin_orders{status=…}`` to the current count of each status (0 when none)."""
    async with deps.db.session() as session:
        stmt = select(Order.status, func.count()).group_by(Order.status)
        counts = {status: int(n) for status, n in (await session.exec(stmt)).all()}
    gauge = deps.metrics.orders_by_status
    for status in (*STATUSES, *(s for s in counts if s not in STATUSES)):
        gauge.labels(status).set(counts.get(status, 0))


async def metrics(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
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
