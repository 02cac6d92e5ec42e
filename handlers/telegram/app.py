"""The python-telegram-bot Application: built once, every handler registered here."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    ChatMember,
    MaybeInaccessibleMessage,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import people, photos
from bot.deps import Deps
from bot.engine import Engine
from bot.registry import Audience
from bot.reply import Outcome
from bot.texts import LANGUAGES, t
from handlers.telegram import render
from handlers.telegram.convert import PLATFORM, actor_of, inbound_of
from handlers.telegram.notifier import TelegramNotifier
from handlers.telegram.polling import TolerantBot, requests
from handlers.telegram.updates import PerChatUpdateProcessor
from store import poison, updates

log = logging.getLogger(__name__)

ENGINE = "engine"
DEPS = "deps"


async def dedupe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop an update we already handled (a webhook re-send, a restart mid-batch)."""
    deps: Deps = context.bot_data[DEPS]
    if not await updates.first_time(deps.db, PLATFORM, update.update_id):
        log.info("update %s already handled; skipped", update.update_id)
        raise ApplicationHandlerStop


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    inbound = inbound_of(update)
    engine: Engine = context.bot_data[ENGINE]
    outcome = await engine.handle(actor_of(query.from_user), inbound)  # type: ignore[arg-type]
    await query.answer(outcome.toast[:200] if outcome.toast else None, show_alert=outcome.alert)
    await _deliver(context, query.from_user.id, outcome, query.message)


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if message is None or message.from_user is None or message.chat.type != "private":
        return  # the bot works in private chats; groups are for broadcasts only
    inbound = inbound_of(update)
    if inbound is None:
        return
    engine: Engine = context.bot_data[ENGINE]
    outcome = await engine.handle(actor_of(message.from_user), inbound)
    await _deliver(context, message.chat_id, outcome, None)


async def _deliver(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    outcome: Outcome,
    pressed: MaybeInaccessibleMessage | None,
) -> None:
    """Send the replies; one marked ``edit`` replaces the message whose button was pressed."""
    for reply in outcome.replies:
        try:
            if (
                reply.edit
                and pressed is not None
                and await render.edit(context.bot, chat_id, pressed.message_id, reply)
            ):
                continue
            files = photos.loader(context.bot_data[DEPS].db)
            await render.send(context.bot, chat_id, reply, files=files)
        except Forbidden:
            log.info("chat %s blocked the bot; reply dropped", chat_id)
            return


async def on_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A user blocked or unblocked the bot: dispatch skips unreachable people at once."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    deps: Deps = context.bot_data[DEPS]
    blocked = change.new_chat_member.status == ChatMember.BANNED
    await people.set_reachable(deps.db, PLATFORM, str(change.chat.id), not blocked)
    log.info("chat %s %s the bot", change.chat.id, "blocked" if blocked else "unblocked")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every failure with the update that caused it; the bot keeps running."""
    err = context.error
    if isinstance(err, Forbidden):
        log.info("delivery refused: %s", err)
        return
    if isinstance(err, BadRequest) and "not modified" in err.message.lower():
        return
    log.error("error handling update %s", update, exc_info=err)


def register_handlers(app: Application) -> None:  # type: ignore[type-arg]
    """Order matters! Group -1 runs first for every update and may stop it."""
    app.add_handler(TypeHandler(Update, dedupe), group=-1)
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(ChatMemberHandler(on_member, ChatMemberHandler.MY_CHAT_MEMBER))
    # Everything else (commands included) goes to the core, which knows every command,
    # the person's dialog step and the polite answer for unexpected message types.
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_message))
    app.add_error_handler(on_error)


def build_application(deps: Deps, engine: Engine) -> Application:  # type: ignore[type-arg]
    settings = deps.settings

    async def set_aside(update_id: int, raw: dict, error: str) -> None:
        async with deps.db.session() as session:
            await poison.set_aside(
                session, platform=PLATFORM, update_id=update_id, raw=raw, error=error
            )

    bot = TolerantBot(
        token=settings.token or "",
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        rate_limiter=AIORateLimiter(max_retries=3),
        set_aside=set_aside,
        **requests(),
    )
    app = (
        ApplicationBuilder()
        .bot(bot)
        # Chats run concurrently; one chat's updates in order (handlers/telegram/updates.py).
        .concurrent_updates(PerChatUpdateProcessor())
        .build()
    )
    app.bot_data[ENGINE] = engine
    app.bot_data[DEPS] = deps
    register_handlers(app)
    notifier = TelegramNotifier(app.bot, engine.routes, files=photos.loader(deps.db))
    deps.notifier.add(PLATFORM, notifier)
    return app


async def set_menus(app: Application, deps: Deps, admin_chat_ids: list[int]) -> None:  # type: ignore[type-arg]
    """Chinese command menus for everyone, English for English clients, more for admins."""
    reg = app.bot_data[ENGINE].routes
    try:
        for lang in LANGUAGES:
            commands = [BotCommand(c.name, t(lang, c.menu)) for c in reg.menu(Audience.EVERYONE)]  # type: ignore[arg-type]
            await app.bot.set_my_commands(
                commands,
                scope=BotCommandScopeDefault(),
                language_code=None if lang == "zh" else lang,
            )
        admin_commands = [BotCommand(c.name, t("zh", c.menu)) for c in reg.menu(Audience.ADMIN)]  # type: ignore[arg-type]
        for chat_id in admin_chat_ids:
            try:
                await app.bot.set_my_commands(admin_commands, scope=BotCommandScopeChat(chat_id))
            except (BadRequest, Forbidden) as exc:
                log.info("no admin menu for %s: %s", chat_id, exc)
    except TelegramError as exc:
        log.warning("could not set command menus: %s", exc)
