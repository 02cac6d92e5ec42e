"""Update processing: one chat's updates strictly in order, different chats concurrently.

PTB's default concurrent processing lets a person's quick messages overtake each
other (a reply to /volunteer arriving after the reply to the /profile sent next).
Dialogs are sequences, so every update goes through the inbox (``bot.inbox``): it
was stored before it was acknowledged, and here its chat's stored rows are handled
in order under the chat's locks (in-process, and on PostgreSQL across instances),
each marked done with its handling.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.inbox import Inbox
from store.inbox import Arrival

PLATFORM = "telegram"


def chat_key(update: Update) -> str:
    """The conversation an update belongs to: its chat, else its sender, else itself."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None:
        return str(chat.id)
    if user is not None:
        return str(user.id)
    return f"update:{update.update_id}"


def arrival(update: Update, raw: dict[str, Any]) -> Arrival:
    return Arrival(PLATFORM, str(update.update_id), chat_key(update), raw)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Hands each update to the inbox, which runs its chat's stored rows in order."""

    def __init__(self, inbox: Inbox, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.inbox = inbox

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        # The inbox row runs this update (parsed again from what was stored), so the
        # library's own coroutine for it is not needed.
        coroutine.close()  # type: ignore[attr-defined]
        await self.inbox.drain(PLATFORM, chat_key(update))

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
