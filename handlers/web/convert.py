"""Frames from the chat page → the core's Inbound events, checked as untrusted input.

The page sends small JSON objects over the WebSocket::

    {"type": "text", "text": "空调不制冷"}          typed text, or "/command args"
    {"type": "button", "data": "verb:1", "message": 12}   an inline button on message 12
    {"type": "contact", "phone": "138 0013 8000"}   the phone form of a contact request
    {"type": "location", "latitude": 30.2, "longitude": 120.1}
    {"type": "photo", "photo": "web:12"}            a photo uploaded to /chat/photo first

Anything else is refused with a text key to show the person.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from bot.callbacks import MAX_BYTES
from bot.events import Inbound, Kind
from bot.reply import MessageRef

MAX_ID = 2**31  # message ids are 32-bit integer columns
MAX_ECHO = 1000  # characters of a person's own message kept in their transcript
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\S*)?(?:\s+(.*))?$", re.DOTALL)
_PHONE_JUNK = re.compile(r"[\s\-().（）－—]")
_PHONE = re.compile(r"^\+?\d{6,15}$")
START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # Telegram's deep-link alphabet


class BadFrame(ValueError):
    """A frame the page should never send; ``key`` is the text to answer with."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Parsed:
    inbound: Inbound
    echo: str | None = None  # what to show as the person's own message (plain text)
    echo_key: str | None = None  # or a text key (with echo_args) for contact/location
    echo_args: tuple[tuple[str, str], ...] = ()


def text_inbound(text: str) -> Inbound:
    """Typed text: a ``/command`` (ASCII, as on Telegram) or plain text."""
    m = _COMMAND.match(text)
    if m:
        args = tuple((m.group(2) or "").split())
        return Inbound(Kind.COMMAND, text=text, command=m.group(1).lower(), args=args)
    return Inbound(Kind.TEXT, text=text)


def normalize_phone(raw: str) -> str | None:
    """``138 0013-8000`` → ``13800138000``; None when it is not a plausible number."""
    phone = _PHONE_JUNK.sub("", raw).replace("＋", "+")
    phone = phone.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return phone if _PHONE.match(phone) else None


def _coordinate(value: Any, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and -limit <= number <= limit else None


def parse(frame: Any, person_id: int) -> Parsed | None:
    """The event a frame stands for; None for frames to ignore (empty text); BadFrame."""
    if not isinstance(frame, dict):
        raise BadFrame("web.bad_message")
    kind = frame.get("type")
    if kind == "text":
        text = frame.get("text")
        if not isinstance(text, str):
            raise BadFrame("web.bad_message")
        text = text.strip()
        if not text:
            return None
        echo = text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "…"
        return Parsed(text_inbound(text), echo=echo)
    if kind == "button":
        data = frame.get("data")
        if not isinstance(data, str) or not data or len(data.encode()) > MAX_BYTES:
            raise BadFrame("web.bad_message")
        message = frame.get("message")
        ref = None
        if isinstance(message, int) and not isinstance(message, bool) and 0 < message < MAX_ID:
            ref = MessageRef("web", str(person_id), str(message))
        return Parsed(Inbound(Kind.BUTTON, data=data, message=ref))
    if kind == "contact":
        raw = frame.get("phone")
        phone = normalize_phone(raw) if isinstance(raw, str) and len(raw) <= 40 else None
        if phone is None:
            raise BadFrame("web.phone_invalid")
        return Parsed(
            Inbound(Kind.CONTACT, phone=phone, contact_is_self=True),
            echo_key="web.sent_phone",
            echo_args=(("phone", phone),),
        )
    if kind == "location":
        lat = _coordinate(frame.get("latitude"), 90)
        lon = _coordinate(frame.get("longitude"), 180)
        if lat is None or lon is None:
            raise BadFrame("web.location_invalid")
        return Parsed(
            Inbound(Kind.LOCATION, latitude=lat, longitude=lon),
            echo_key="web.sent_location",
            echo_args=(("lat", f"{lat:.5f}"), ("lon", f"{lon:.5f}")),
        )
    if kind == "photo":
        photo = frame.get("photo")
        if not isinstance(photo, str) or not re.fullmatch(r"web:\d{1,9}", photo):
            raise BadFrame("web.bad_message")
        return Parsed(Inbound(Kind.PHOTO, photo=photo), echo_key="web.sent_photo")
    raise BadFrame("web.bad_message")
