"""Delivering core messages to Telegram users, with flood-control retries."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.notifier import DeliveryError, Unreachable
from bot.registry import Registry
from bot.reply import MessageRef, Reply
from bot.texts import t
from handlers.telegram import render
from handlers.telegram.convert import PLATFORM
from store.models import Person

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
MAX_RETRY_AFTER = 60.0  # seconds; longer floods are reported instead of waited out


class TelegramNotifier:
    def __init__(
        self, bot: Bot, registry: Registry | None = None, *, files: render.Files | None = None
    ) -> None:
        self.bot = bot
        self.registry = registry
        self.files = files  # the photos we keep (web chat, WeChat), uploaded

    async def _retrying(self, what: str, call):  # type: ignore[no-untyped-def]
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return await call()
            except RetryAfter as exc:
                wait = exc.retry_after
                seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                if seconds > MAX_RETRY_AFTER or attempt == MAX_ATTEMPTS:
                    raise DeliveryError(f"{what}: flood control ({seconds}s)") from exc
                log.warning("%s: 429, retrying after %.1fs", what, seconds)
                await asyncio.sleep(seconds)
            except Forbidden as exc:
                raise Unreachable(f"{what}: {exc.message}") from exc
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    raise Unreachable(f"{what}: {exc.message}") from exc
                raise
            except (TimedOut, NetworkError) as exc:
                if attempt == MAX_ATTEMPTS:
                    raise DeliveryError(f"{what}: {exc}") from exc
                await asyncio.sleep(0.5 * attempt)
        raise DeliveryError(what)  # pragma: no cover

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
