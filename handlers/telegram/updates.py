"""Update processing: one chat's updates strictly in order, different chats concurrently.

PTB's default concurrent processing lets a person's quick messages overtake each
other (a reply to /volunteer arriving after the reply to the /profile sent next).
Dialogs are sequences, so each chat gets a lock taken in arrival order; the
de-duplication write, the core call and the reply sends all happen under it.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, key: int) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = None
        if isinstance(update, Update):
            chat, user = update.effective_chat, update.effective_user
            key = chat.id if chat is not None else user.id if user is not None else None
        if key is None:
            await coroutine
            return
        async with self._lock(key):  # asyncio.Lock wakes waiters first-in, first-out
            await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
