"""Delivering core messages to Telegram users (bulk sends: offers, broadcasts, reminders)."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.notifier import DeliveryError, Unreachable
from bot.registry import Registry
from bot.reply import MessageRef, Reply
from bot.texts import t
from handlers.telegram import render
from handlers.telegram.convert import PLATFORM
from handlers.telegram.limiter import bulk
from store.models import Person

log = logging.getLogger(__name__)


class TelegramNotifier:
    """Sends to people other than the one being answered: bulk priority in the send limiter.

    Retries (429, 5xx, network) happen once, in the limiter's policy
    (``handlers/telegram/limiter.py``); what still fails here is reported.
    """

    def __init__(
        self, bot: Bot, registry: Registry | None = None, *, files: render.Files | None = None
    ) -> None:
        self.bot = bot
        self.registry = registry
        self.files = files  # the photos we keep (web chat, WeChat), uploaded

    async def _retrying(self, what: str, call):  # type: ignore[no-untyped-def]
        try:
            with bulk():
                return await call()
        except RetryAfter as exc:
            raise DeliveryError(f"{what}: flood control ({exc.retry_after})") from exc
        except Forbidden as exc:
            raise Unreachable(f"{what}: {exc.message}") from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise Unreachable(f"{what}: {exc.message}") from exc
            raise
        except (TimedOut, NetworkError) as exc:
            raise DeliveryError(f"{what}: {exc}") from exc

    async def send(self, person: Person, reply: Reply) -> MessageRef | None:
        chat_id = person.external_id
        what = f"send to {chat_id}"
        msg = await render.send(
            self.bot,
            chat_id,
            reply,
            attempt=lambda call: self._retrying(what, call),
            files=self.files,
        )
        return MessageRef(PLATFORM, str(msg.chat_id), str(msg.message_id))

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        await self._retrying(
            f"edit {ref.chat_id}/{ref.message_id}",
            lambda: render.edit(self.bot, ref.chat_id, int(ref.message_id), reply),
        )

    async def set_menu(self, person: Person, audience: str) -> None:
        """Give one person the command menu of their role (admins, volunteers)."""
        if self.registry is None:
            return
        commands = [
            BotCommand(c.name, t(person.language, c.menu))  # type: ignore[arg-type]
            for c in self.registry.menu(audience)
        ]
        try:
            await self.bot.set_my_commands(
                commands, scope=BotCommandScopeChat(int(person.external_id))
            )
        except (Forbidden, BadRequest) as exc:
            log.info("could not set menu for %s: %s", person.external_id, exc)
