"""The composition root: the only module that knows every component.

It builds settings, database, router, routes (the engine's), bus, notifier and
clock once, wires the chat channels and the scheduler to them, and runs until
told to stop. It lives outside the core: nothing in ``bot``, ``store``,
``scheduler`` or ``handlers`` imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib.util
import logging
import signal
import sys
from typing import Protocol

from bot import catalog
from bot import routing_feedback as learning
from bot.clock import Clock
from bot.config import Settings
from bot.deps import Deps
from bot.engine import Engine
from bot.flows import build_registry
from bot.routing import Router, warm_up
from scheduler.runner import SchedulerService
from store import migrate, routing_feedback
from store.engine import Database

log = logging.getLogger("jiangxin")


# Update types the bot acts on, for polling and for the webhook alike.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]


class StartupError(Exception):
    """A component cannot start for a reason the operator can fix; one line says which."""


class Component(Protocol):
    """Something with a lifetime: a chat channel, the web server, the scheduler."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every Bot API request at INFO, including the token in the URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def skip_sniffio_probe() -> None:
    """httpcore asks ``import sniffio`` for every lock and event it makes (several per Bot
    API call); sniffio is not installed (anyio no longer needs it), and each failed import
    searches ``sys.path`` again, a measurable share of a reply's CPU (bench/README.md).
    Noting it as absent makes that failure a dictionary lookup; an installed sniffio is
    left alone."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


async def build(settings: Settings, *, clock: Clock | None = None) -> tuple[Deps, Engine]:
    """Open the database (migrated, catalog seeded) and build the core services and engine.

    The engine owns the routes every flow registered; their task kinds and event
    listeners go on ``Deps.bus``, where the scheduler and ``bot.lifecycle`` find them.
    """
    skip_sniffio_probe()
    db = Database(settings.database_url)
    if not await migrate.at_head(db):
        await migrate.upgrade(db)
    await catalog.seed_if_empty(db)
    warm_up()
    async with db.session() as session:
        teams = await catalog.list_teams(session)
        learned = await routing_feedback.learned_examples(session)
    # Learned examples go through the regression check again (in the background), so an
    # update refused before a restart is not adopted by it.
    router = Router(catalog.team_specs(teams), semantic=settings.routing_semantic)
    # What start-up loaded (catalogs, pypinyin's tables, the model's vocabulary) lives for the
    # whole process: moving it out of the collector's reach removes the long
    # full-collection pauses measured in bench/.
    gc.collect()
    gc.freeze()
    from handlers.sms import SmsConfigError
    from handlers.sms import build as build_sms

    try:
        sms = build_sms(settings)
    except SmsConfigError as exc:
        await db.dispose()
        raise StartupError(str(exc)) from None
    routes = build_registry()
    deps = Deps(
        settings=settings,
        db=db,
        router=router,
        bus=routes.bus,
        clock=clock or Clock(),
        sms=sms,
    )
    if learned:
        learning.schedule_refresh(deps)
    return deps, Engine(deps, routes)


async def admin_chat_ids(deps: Deps) -> list[int]:
    """Telegram chats that get the admin command menu."""
    from store import people

    ids = set(deps.settings.telegram_admin_ids)
    async with deps.db.session() as session:
        for p in await people.admins(session, super_admin_ids=ids):
            if p.platform == "telegram" and "admin" in (p.roles or []):
                ids.add(int(p.external_id))
    return sorted(ids)


async def menu_people(deps: Deps) -> list[object]:
    """Telegram people whose menu is not everyone's: admins (met or not yet) and approved
    volunteers, so a changed menu reaches them after an upgrade too."""
    from bot.people import admin_people
    from store import staff
    from store.models import Person

    async with deps.db.session() as session:
        known = {
            p.external_id: p
            for p in await admin_people(session, deps.settings)
            if p.platform == "telegram"
        }
        for p in await staff.working_volunteer_people(session, platform="telegram"):
            known.setdefault(p.external_id, p)
    for chat_id in await admin_chat_ids(deps):
        known.setdefault(str(chat_id), Person(platform="telegram", external_id=str(chat_id)))
    return list(known.values())


async def reachable_admins(deps: Deps) -> int:
    """How many admins some channel of this deployment can reach (by configuration: an
    instance without Telegram still reaches Telegram people through the outbox).

    Web people and ``phone:`` admins are reached through the web chat, which always
    runs; Telegram ids need a token; WeChat ids need the Official Account.
    """
    from bot.people import admin_people

    settings = deps.settings
    wechat = bool(settings.wechat_app_id and settings.wechat_app_secret and settings.wechat_token)
    channels = {"web": True, "telegram": bool(settings.token), "wechat": wechat}
    count = sum(1 for r in settings.admin_ids if isinstance(r, str) and r.startswith("phone:"))
    count += sum(1 for platform, _ in settings.admin_accounts if channels.get(platform))
    async with deps.db.session() as session:
        granted = [p for p in await admin_people(session, settings) if "admin" in (p.roles or [])]
    return count + sum(1 for p in granted if channels.get(p.platform))


async def warn_if_no_admin(deps: Deps) -> None:
    """Nobody could approve a volunteer or take over an unclaimed order: say so at start-up."""
    if await reachable_admins(deps) == 0:
        log.warning(
            "no admin can be reached: JIANGXIN_ADMIN_IDS names no one on a channel this "
            "deployment runs (Telegram ids need JIANGXIN_TELEGRAM_TOKEN). For the web chat "
            "or WeChat, name admins as phone:<mobile> (verified by SMS sign-in), "
            "wechat:<openid> or web:<id>"
        )


def _polling_error(exc: Exception) -> None:
    # PTB retries by itself; one line per failure instead of a traceback every second.
    log.warning("Telegram polling failed: %s", exc)


class TelegramComponent:
    """Telegram by long polling (the default) or by webhook (served by the web app)."""

    name = "telegram"

    def __init__(self, deps: Deps, engine: Engine) -> None:
        from handlers.telegram.app import build_application

        self.deps = deps
        self.app = build_application(deps, engine)

    async def start(self) -> None:
        from handlers.telegram.app import set_menus

        await self.app.initialize()
        await self.app.start()
        self.deps.inbox.open("telegram")  # stored updates (a crash's leftovers) go first
        await set_menus(self.app, self.deps, await menu_people(self.deps))  # type: ignore[arg-type]
        if self.deps.settings.telegram_mode == "polling":
            await self.app.bot.delete_webhook()
            assert self.app.updater is not None
            await self.app.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, error_callback=_polling_error
            )
        else:
            # Updates arrive at the web app's webhook route (WebComponent), which must be
            # listening already: assemble() starts it first.
            from telegram.error import TelegramError

            from handlers.web.webhook import webhook_secret

            url = self.deps.settings.webhook_url or ""
            try:
                await self.app.bot.set_webhook(
                    url,
                    secret_token=webhook_secret(self.deps.settings),
                    allowed_updates=ALLOWED_UPDATES,
                )
            except TelegramError as exc:
                await self.stop()
                raise StartupError(f"Telegram refused the webhook {url}: {exc}") from None
        me = self.app.bot.username
        log.info("Telegram bot @%s is running (%s)", me, self.deps.settings.telegram_mode)

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        await self.deps.inbox.close("telegram")
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()


class WebComponent:
    """The aiohttp server: web chat, /healthz, /metrics and, in webhook mode, Telegram's webhook."""

    name = "web"

    def __init__(self, deps: Deps, engine: Engine, telegram_app: object = None) -> None:
        from handlers.web.app import make_app
        from handlers.web.webhook import WebhookConfigError

        self.deps = deps
        try:
            self.app = make_app(deps, engine, telegram_app=telegram_app)
        except WebhookConfigError as exc:
            raise StartupError(str(exc)) from None
        self.runner: object = None
        self.port = deps.settings.web_port

    @property
    def url(self) -> str:
        """Where to open the chat (a wildcard host is shown as 127.0.0.1)."""
        host = self.deps.settings.web_host
        host = "127.0.0.1" if host in ("", "0.0.0.0") else "::1" if host == "::" else host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}/chat"

    async def start(self) -> None:
        from aiohttp import web

        runner = web.AppRunner(self.app, shutdown_timeout=5.0)
        await runner.setup()
        self.runner = runner
        settings = self.deps.settings
        try:
            await web.TCPSite(runner, settings.web_host, settings.web_port).start()
        except OSError as exc:
            await runner.cleanup()
            self.runner = None
            raise StartupError(
                f"cannot serve the web chat on {settings.web_host}:{settings.web_port}: "
                f"{exc.strerror or exc} (set JIANGXIN_WEB_HOST / JIANGXIN_WEB_PORT)"
            ) from None
        addresses = runner.addresses
        if addresses:
            self.port = addresses[0][1]  # the real port when JIANGXIN_WEB_PORT=0
        log.info("web server on %s:%s (chat: %s)", settings.web_host, self.port, self.url)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()  # type: ignore[attr-defined]
            self.runner = None


class InboxComponent:
    """Inbound updates stored before they were acknowledged (bot.inbox).

    Starts first, so what a crash left is queued before anything new arrives (each
    channel opens its own rows once it can answer), and stops last.
    """

    name = "inbox"

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def start(self) -> None:
        await self.deps.inbox.start()

    async def stop(self) -> None:
        await self.deps.inbox.stop()


class BackgroundWork:
    """Work the flows started in the background (offer fan-outs, broadcasts).

    Stopped right after the scheduler: broadcasts save their progress for the
    scheduler to resume, and pending offer sends get a bounded grace period while
    Telegram is still up. Nothing depends on this for correctness (every offer and
    broadcast recipient is a row), it only avoids needless re-sends after a restart.
    """

    name = "background"
    grace = 10.0  # seconds

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        from bot import broadcast, dispatch

        await broadcast.shutdown(self.deps)
        try:
            await asyncio.wait_for(dispatch.settle(self.deps), self.grace)
        except TimeoutError:
            log.warning("background sends still running after %.0fs; stopping", self.grace)


class EngineComponent:
    """The engine's live-message notes, written behind the replies (bot.live).

    Started last and so stopped first, while the channels can still take the buttons off
    the messages the notes replace; what the channels reply during the rest of the
    shutdown is noted at once.
    """

    name = "engine"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await self.engine.stop()


class CacheInvalidation:
    """Hears other instances' team changes (PostgreSQL LISTEN) and drops the cached teams."""

    name = "cache"

    def __init__(self, deps: Deps) -> None:
        from store.cache import CacheListener

        self.listener = CacheListener(deps.db)

    async def start(self) -> None:
        await self.listener.start()

    async def stop(self) -> None:
        await self.listener.stop()


def assemble(deps: Deps, engine: Engine) -> list[Component]:
    """The components to run, in start order (stopped in reverse)."""
    components: list[Component] = [InboxComponent(deps), CacheInvalidation(deps)]
    settings = deps.settings
    run_telegram = bool(settings.token) and settings.has_role("telegram")
    telegram = TelegramComponent(deps, engine) if run_telegram else None
    # The web server always runs (chat, health, metrics); it starts before Telegram so a
    # webhook is listening when setWebhook is called, and stops after it.
    components.append(WebComponent(deps, engine, telegram.app if telegram else None))
    if telegram is not None:
        components.append(telegram)
    # Stopped after the scheduler (which could resume a broadcast) and before Telegram.
    components.append(BackgroundWork(deps))
    # The scheduler starts last, so its first tick (overdue tasks) can already send.
    # Without the scheduler role it still sends what the outbox holds for its channels.
    scheduler = SchedulerService(deps, outbox_only=not settings.has_role("scheduler"))
    deps.scheduler = scheduler
    components.append(scheduler)
    components.append(EngineComponent(engine))
    return components


async def wechat_command(settings: Settings, action: str, scene: str | None) -> int:
    """`jiangxin wechat menu|qrcode`: the channel's one-off calls to WeChat."""
    from handlers.wechat.cli import run

    return await run(settings, action, scene)


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> int:
    """Run the bot until SIGINT/SIGTERM (or ``stop`` is set).

    Without a Telegram token only the web chat runs (the embedded default).
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    deps, engine = await build(settings)
    started: list[Component] = []
    try:
        try:
            for component in assemble(deps, engine):
                await component.start()
                started.append(component)
        except StartupError as exc:
            print(f"匠心点单 cannot start: {exc}", file=sys.stderr)
            return 2
        await warn_if_no_admin(deps)
        web = next((c for c in started if isinstance(c, WebComponent)), None)
        if web is not None and not settings.token:
            print(
                f"匠心点单 web chat: {web.url} (no JIANGXIN_TELEGRAM_TOKEN set: Telegram is off)",
                flush=True,
            )
        await stop.wait()
        log.info("stopping")
    finally:
        for component in reversed(started):
            try:
                await component.stop()
            except Exception:
                log.exception("failed to stop %s", component.name)
        await deps.db.dispose()
    return 0
