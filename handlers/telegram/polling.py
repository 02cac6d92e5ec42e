"""Long polling that one malformed update cannot stall.

python-telegram-bot parses a whole ``getUpdates`` batch at once; if one update
fails to parse (a field its version requires is missing), the batch raises, the
offset never moves, and polling asks for the same batch forever while everyone
else waits. ``TolerantBot`` reads the batch itself, parses each update alone,
sets aside the ones that fail (``store.poison``) and hands the library an empty
``Update`` with the same id in their place, so the offset moves past them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.ext import ExtBot

from handlers.telegram.transport import AiohttpRequest

log = logging.getLogger(__name__)

# (update_id, raw update, error) → None: keeps the update for admins to look at.
SetAside = Callable[[int, JSONDict, str], Awaitable[None]]
# [(parsed, raw), …] → None: stores a batch durably (the inbox) before the offset moves on.
StoreBatch = Callable[[list[tuple[Update, JSONDict]]], Awaitable[None]]

POOL_SIZE = 256  # concurrent Bot API calls, as python-telegram-bot's builder uses


class TolerantBot(ExtBot):  # type: ignore[type-arg]
    """An ExtBot whose ``get_updates`` never fails because of one update's content."""

    def __init__(
        self, *args: Any, set_aside: SetAside, store_batch: StoreBatch | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_aside = set_aside
        self._store_batch = store_batch

    async def get_updates(  # type: ignore[override]
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: int | timedelta | None = None,  # noqa: ASYNC109 (the Bot API parameter)
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        data: JSONDict = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        # A long poll may legitimately take ``timeout`` seconds before answering.
        wait = timeout.total_seconds() if isinstance(timeout, timedelta) else (timeout or 0)
        base = (
            self._request[0].read_timeout
            if isinstance(read_timeout, DefaultValue)
            else read_timeout
        )
        raw = await self._post(
            "getUpdates",
            data,
            read_timeout=(base or 0) + wait,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        parsed = [(p, item) for item in raw or () if (p := await self._parse(item)) is not None]
        readable = [(u, item) for (u, ok), item in parsed if ok]
        if readable and self._store_batch is not None:
            # Stored before python-telegram-bot sees them: the next getUpdates confirms the
            # batch to Telegram, so a crash from here on loses nothing. If storing fails,
            # this raises and the same batch is fetched again.
            await self._store_batch(readable)
        return tuple(u for (u, _), _ in parsed)

    async def _parse(self, item: Any) -> tuple[Update, bool] | None:
        """The update and whether it could be read (False: an empty stand-in)."""
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if not isinstance(update_id, int):
            log.error("getUpdates returned an update without an id; dropped: %r", item)
            return None
        try:
            update = Update.de_json(item, self)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.error("update %s could not be parsed and is set aside: %s", update_id, error)
            try:
                await self._set_aside(update_id, item, error)
            except Exception:
                log.exception("could not record poison update %s", update_id)
            return Update(update_id=update_id), False  # empty: nothing handles it, the offset moves
        self.insert_callback_data(update)
        return update, True


def requests() -> dict[str, AiohttpRequest]:
    """The two connection pools python-telegram-bot's builder would make for a bot (over
    aiohttp: handlers/telegram/transport.py)."""
    return {
        "request": AiohttpRequest(connection_pool_size=POOL_SIZE),
        "get_updates_request": AiohttpRequest(connection_pool_size=1),
    }
