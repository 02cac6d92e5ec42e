"""What arrives from a chat channel, stripped of the channel's own types."""

from __future__ import annotations

from dataclasses import dataclass

from bot.reply import MessageRef


@dataclass(frozen=True)
class Actor:
    """Who sent the event, as the channel knows them."""

    platform: str  # "telegram" | "web"
    external_id: str
    display_name: str = ""
    username: str | None = None
    language: str | None = None  # the client's language code, if it sent one


class Kind:
    COMMAND = "command"
    TEXT = "text"
    BUTTON = "button"
    LOCATION = "location"
    CONTACT = "contact"
    PHOTO = "photo"
    UNSUPPORTED = "unsupported"  # stickers, voice, files … where we expect text


@dataclass(frozen=True)
class Inbound:
    kind: str
    text: str = ""  # message text or photo caption
    command: str = ""  # lower-case, without the slash
    args: tuple[str, ...] = ()
    data: str = ""  # callback data of a pressed button
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None
    contact_is_self: bool = False
    photo: str | None = None  # platform file id
    media: str = ""  # what an unsupported message was ("sticker", "voice", …)
    message: MessageRef | None = None  # for a button press: the message it sat on
