"""The python-telegram-bot Application: built once, every handler registered here."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeDefault,
    ChatMember,
    MaybeInaccessibleMessage,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import people, photos, roles
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor
from bot.registry import Audience
from bot.reply import MessageRef, Outcome
from bot.texts import LANGUAGES, t
from handlers.telegram import render
from handlers.telegram.convert import PLATFORM, actor_of, inbound_of, ref_of
from handlers.telegram.limiter import TelegramRateLimiter, make_limiter
from handlers.telegram.notifier import TelegramNotifier
from handlers.telegram.polling import TolerantBot, requests
from handlers.telegram.updates import PerChatUpdateProcessor, arrival
from store import inbox as inbox_rows
from store import poison
from store.models import InboxUpdate, Person

log = logging.getLogger(__name__)

ENGINE = "engine"
DEPS = "deps"


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    inbound = inbound_of(update)
    engine: Engine = context.bot_data[ENGINE]
    outcome = await engine.handle(actor_of(query.from_user), inbound)  # type: ignore[arg-type]
    await query.answer(outcome.toast[:200] if outcome.toast else None, show_alert=outcome.alert)
    await _deliver(context, actor_of(query.from_user), outcome, query.message)


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if message is None or message.from_user is None or message.chat.type != "private":
        return  # the bot works in private chats; groups are for broadcasts only
    inbound = inbound_of(update)
    if inbound is None:
        return
    engine: Engine = context.bot_data[ENGINE]
    actor = actor_of(message.from_user)
    outcome = await engine.handle(actor, inbound)
    await _deliver(context, actor, outcome, None)


async def _deliver(
    context: ContextTypes.DEFAULT_TYPE,
    actor: Actor,
    outcome: Outcome,
    pressed: MaybeInaccessibleMessage | None,
) -> None:
    """Send the replies; one marked ``edit`` replaces the message whose button was pressed.

    Where a reply whose buttons answer one step landed is told to the core (bot.live),
    which takes those buttons away once the person moves on.
    """
    engine: Engine = context.bot_data[ENGINE]
    chat_id = int(actor.external_id)
    for reply in outcome.replies:
        try:
            if (
                reply.edit
                and pressed is not None
                and await render.edit(context.bot, chat_id, pressed.message_id, reply)
            ):
                ref = MessageRef(PLATFORM, str(chat_id), str(pressed.message_id))
                await engine.delivered(actor, reply, ref)
                continue
            files = photos.loader(context.bot_data[DEPS].db)
            sent = await render.send(context.bot, chat_id, reply, files=files)
            await engine.delivered(actor, reply, ref_of(sent))
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
    # The inbox tries the update again, and sets it aside after JIANGXIN_INBOX_ATTEMPTS.
    inbox_rows.report_failure(f"{type(err).__name__}: {err}")


def register_handlers(app: Application) -> None:  # type: ignore[type-arg]
    """Order matters! Re-sent updates never get here: the inbox stored each once."""
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

    # Updates parsed on arrival, by update id, until their stored row runs (not parsed again).
    parsed: dict[str, Update] = {}

    async def store_batch(batch: list[tuple[Update, dict]]) -> None:
        rows = await deps.inbox.receive([arrival(update, raw) for update, raw in batch])
        fresh = {row.key for row in rows}
        parsed.update((key, u) for u, _ in batch if (key := str(u.update_id)) in fresh)

    bot = TolerantBot(
        token=settings.token or "",
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        rate_limiter=TelegramRateLimiter(
            make_limiter(
                deps.db,
                settings.token or "",
                settings.telegram_rate,
                chat_rate=settings.telegram_chat_rate,
                chat_burst=settings.telegram_chat_burst,
            )
        ),
        set_aside=set_aside,
        store_batch=store_batch,
        **requests(),
    )
    app = (
        ApplicationBuilder()
        .bot(bot)
        # Chats run concurrently; one chat's updates in order (handlers/telegram/updates.py).
        .concurrent_updates(PerChatUpdateProcessor(deps.inbox))
        .build()
    )

    async def run(row: InboxUpdate) -> None:
        """One stored update through the handlers below (errors reach ``on_error``)."""
        update = parsed.pop(row.key, None) or Update.de_json(row.payload, app.bot)
        await app.process_update(update)

    deps.inbox.add_runner(PLATFORM, run)
    app.bot_data[ENGINE] = engine
    app.bot_data[DEPS] = deps
    register_handlers(app)
    notifier = TelegramNotifier(app.bot, engine.routes, files=photos.loader(deps.db))
    deps.notifier.add(PLATFORM, notifier)
    return app


async def set_menus(app: Application, deps: Deps, people: list[Person]) -> None:  # type: ignore[type-arg]
    """Chinese command menus for everyone, English for English clients; each admin and
    approved volunteer gets the menu of what they can do (bot.roles.menu_audience)."""
    reg = app.bot_data[ENGINE].routes
    try:
        for lang in LANGUAGES:
            commands = [BotCommand(c.name, t(lang, c.menu)) for c in reg.menu(Audience.EVERYONE)]  # type: ignore[arg-type]
            await app.bot.set_my_commands(
                commands,
                scope=BotCommandScopeDefault(),
                language_code=None if lang == "zh" else lang,
            )
        for lang in LANGUAGES:
            # What a person sees before pressing Start, and on the bot's profile (issue 17).
            code = None if lang == "zh" else lang
            await app.bot.set_my_description(t(lang, "staff.bot.description"), language_code=code)
            await app.bot.set_my_short_description(
                t(lang, "staff.bot.short_description"), language_code=code
            )
        notifier = deps.notifier.channels.get(PLATFORM)
        for person in people:
            if isinstance(notifier, TelegramNotifier):
                await notifier.set_menu(person, await roles.menu_audience(deps, person))
    except TelegramError as exc:
        log.warning("could not set command menus: %s", exc)
