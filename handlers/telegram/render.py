"""Core replies → python-telegram-bot calls."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from io import BytesIO
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest

from bot.reply import Reply
from handlers.telegram.splitting import split_html

log = logging.getLogger(__name__)

KEPT_PHOTO = "web:"  # file ids of the photos we keep ourselves (bot.photos)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def inline_markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.data)
                for b in row
            ]
            for row in reply.buttons
        ]
    )


def markup(reply: Reply) -> Markup:
    if reply.buttons:
        return inline_markup(reply)
    if reply.keyboard:
        return ReplyKeyboardMarkup(
            [
                [
                    KeyboardButton(
                        k.label,
                        request_contact=k.request == "contact" or None,
                        request_location=k.request == "location" or None,
                    )
                    for k in row
                ]
                for row in reply.keyboard
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
            # Telegram shows it in the empty input field while the keyboard is up (1–64).
            input_field_placeholder=reply.hint[:64] if reply.hint else None,
        )
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


Call = Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]


async def _direct(call: Callable[[], Awaitable[Any]]) -> Any:
    return await call()


# The bytes of a photo we keep (``web:<id>``, bot.photos), or None when it is gone.
Files = Callable[[str], Awaitable[bytes | None]]


async def _photos(reply: Reply, files: Files | None) -> list[str | InputFile]:
    """Telegram file ids as they are; kept photos uploaded (skipped if gone or no loader)."""
    out: list[str | InputFile] = []
    for p in reply.photos[:10]:
        if not p.startswith(KEPT_PHOTO):
            out.append(p)
        elif files is not None and (content := await files(p)) is not None:
            out.append(InputFile(BytesIO(content), filename="photo.jpg"))
    return out


async def send(
    bot: Bot,
    chat_id: int | str,
    reply: Reply,
    *,
    attempt: Call = _direct,
    files: Files | None = None,
) -> Message:
    """Send ``reply``; returns the message that carries its buttons (the last one).

    A reply can take several Bot API calls (photos, then text parts). ``attempt``
    wraps each call on its own, so a retry after a 429 repeats only the call that
    failed, never the photos already delivered. ``files`` loads the photos we keep
    (web chat and WeChat photos), which go up as file uploads.
    """
    photos = await _photos(reply, files) if reply.photos else []
    if len(photos) == 1:
        await attempt(lambda: bot.send_photo(chat_id, photos[0]))
    elif photos:
        media = [InputMediaPhoto(p) for p in photos]
        await attempt(lambda: bot.send_media_group(chat_id, media))
    if reply.document is not None:
        doc = reply.document
        caption = split_html(doc.caption or reply.text, MessageLimit.CAPTION_LENGTH)[0]
        return await attempt(
            lambda: bot.send_document(  # type: ignore[no-any-return]
                chat_id,
                InputFile(BytesIO(doc.content), filename=doc.filename),
                caption=caption,
                parse_mode=ParseMode.HTML,
            )
        )
    parts = split_html(reply.text)
    for part in parts[:-1]:
        await attempt(partial(bot.send_message, chat_id, part, parse_mode=ParseMode.HTML))
    return await attempt(
        lambda: bot.send_message(  # type: ignore[no-any-return]
            chat_id,
            parts[-1],
            parse_mode=ParseMode.HTML,
            reply_markup=markup(reply),
            link_preview_options=None,
        )
    )


async def edit(bot: Bot, chat_id: int | str, message_id: int, reply: Reply) -> bool:
    """Edit a message in place; False when Telegram refuses (too old, deleted …)."""
    try:
        await bot.edit_message_text(
            split_html(reply.text)[0],  # an edit is one message: keep the first part
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=inline_markup(reply),
        )
        return True
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return True  # a double click: the message already says this
        log.info("could not edit %s/%s: %s", chat_id, message_id, exc.message)
        return False
