"""Telegram updates → the core's Actor and Inbound."""

from __future__ import annotations

from telegram import Message, Update, User

from bot.events import Actor, Inbound, Kind
from bot.reply import MessageRef

PLATFORM = "telegram"

_MEDIA = (
    ("sticker", "sticker"),
    ("voice", "voice"),
    ("audio", "audio"),
    ("video", "video"),
    ("video_note", "video"),
    ("animation", "video"),
    ("document", "document"),
)


def actor_of(user: User) -> Actor:
    return Actor(
        platform=PLATFORM,
        external_id=str(user.id),
        display_name=user.full_name,
        username=user.username,
        language=user.language_code,
    )


def ref_of(message: Message) -> MessageRef:
    return MessageRef(PLATFORM, str(message.chat_id), str(message.message_id))


def inbound_of(update: Update) -> Inbound | None:
    """The core event for ``update``, or None for updates we do not act on."""
    if update.callback_query is not None:
        q = update.callback_query
        msg = q.message if isinstance(q.message, Message) else None
        return Inbound(Kind.BUTTON, data=q.data or "", message=ref_of(msg) if msg else None)
    m = update.message
    if m is None:
        return None
    if m.text is not None:
        text = m.text
        if (
            text.startswith("/")
            and m.entities
            and m.entities[0].type == "bot_command"
            and m.entities[0].offset == 0
        ):
            head, *args = text.split()
            command = head[1:].split("@", 1)[0].lower()
            return Inbound(Kind.COMMAND, text=text, command=command, args=tuple(args))
        return Inbound(Kind.TEXT, text=text)
    if m.location is not None:
        return Inbound(Kind.LOCATION, latitude=m.location.latitude, longitude=m.location.longitude)
    if m.contact is not None:
        is_self = m.from_user is not None and m.contact.user_id == m.from_user.id
        return Inbound(Kind.CONTACT, phone=m.contact.phone_number, contact_is_self=is_self)
    if m.photo:
        return Inbound(Kind.PHOTO, photo=m.photo[-1].file_id, text=m.caption or "")
    for attr, media in _MEDIA:
        if getattr(m, attr, None) is not None:
            return Inbound(Kind.UNSUPPORTED, media=media)
    return Inbound(Kind.UNSUPPORTED, media="other")
