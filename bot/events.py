"""What arrives from a chat channel, stripped of the channel's own types.

Every channel builds an ``Inbound``, so the checks every channel needs live in
its constructor: text is made valid Unicode (a lone surrogate from a web frame
would otherwise fail deep inside routing or the database driver), and a
location outside the globe's ranges is not a location at all.
"""

from __future__ import annotations

import math
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

    def __post_init__(self) -> None:
        for name in ("text", "command", "data", "media"):
            value = getattr(self, name)
            if value and not _is_clean(value):
                object.__setattr__(self, name, clean_text(value))
        if self.args and not all(_is_clean(a) for a in self.args):
            object.__setattr__(self, "args", tuple(clean_text(a) for a in self.args))
        if self.kind == Kind.LOCATION and not valid_location(self.latitude, self.longitude):
            object.__setattr__(self, "kind", Kind.UNSUPPORTED)
            object.__setattr__(self, "media", "location")
            object.__setattr__(self, "latitude", None)
            object.__setattr__(self, "longitude", None)


def _is_clean(s: str) -> bool:
    if "\x00" in s:
        return False
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def clean_text(s: str) -> str:
    """``s`` as valid Unicode: a split surrogate pair joined, a lone surrogate replaced by
    U+FFFD, NUL characters dropped."""
    joined = s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return joined.replace("\x00", "")


def valid_location(latitude: float | None, longitude: float | None) -> bool:
    """Both present, finite, latitude within ±90 and longitude within ±180."""
    if latitude is None or longitude is None:
        return False
    if isinstance(latitude, bool) or isinstance(longitude, bool):
        return False
    return (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )
