"""``/healthz``: is this instance able to do its work? For load balancers and monitors.

200 when the database answers and the scheduler runs, 503 otherwise; the JSON
body says which part failed, and how many inbound updates were set aside in the
last 24 hours because they could not be handled (``store.poison``): a number
above zero is worth a look, but does not make the instance unhealthy.

The scheduler is whatever the composition root put in ``deps.scheduler`` (a
``bot.deps.Ticker``). When there is none, the answer depends on whether one is
needed: if any durable task kind is registered (``deps.bus.tasks``), due work
would pile up unrun, so a missing scheduler is unhealthy; with no task kinds it
is reported as "absent" and does not count
against health.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.deps import Deps
from handlers.web.keys import DEPS
from store import poison

DB_TIMEOUT = 5.0  # seconds; a database that takes longer is as good as down


def scheduler_state(deps: Deps) -> tuple[str, bool]:
    """("running" | "stopped" | "absent", healthy?)."""
    scheduler = deps.scheduler
    if scheduler is None:
        return "absent", not deps.bus.tasks
    return ("running", True) if scheduler.running else ("stopped", False)


async def database_ok(deps: Deps) -> bool:
    try:
        return await asyncio.wait_for(deps.db.ping(), DB_TIMEOUT)
    except TimeoutError:
        return False


async def healthz(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    db_ok = await database_ok(deps)
    scheduler, scheduler_ok = scheduler_state(deps)
    healthy = db_ok and scheduler_ok
    body: dict[str, Any] = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if db_ok else "unreachable",
        "scheduler": scheduler,
    }
    if db_ok:
        async with deps.db.session() as session:
            since = deps.now() - timedelta(hours=24)
            body["set_aside_updates_24h"] = await poison.count_since(session, since=since)
    return web.json_response(
        body, status=200 if healthy else 503, headers={"Cache-Control": "no-store"}
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz, name="healthz")
