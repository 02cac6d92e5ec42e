"""What the core says back: plain data that every chat channel renders its own way.

Text is a small HTML subset (<b>, <i>, <u>, <code>, <a href>) that Telegram's
HTML parse mode and the web chat both understand. Anything a user typed must be
escaped before it goes into a Reply: ``bot.texts.t`` does it for its arguments.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """An inline button: either a callback (``data``, short ASCII) or a link (``url``)."""

    label: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class KeyButton:
    """A button of the reply keyboard under the input field.

    ``request`` asks the client for something the user must confirm: "contact"
    (their own phone number) or "location".
    """

    label: str
    request: str | None = None


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class Track:
    """This message is about ``order_id`` and its buttons follow the order (bot.tracked):
    ``kind`` "card" (the holder's job card), "board" (a /board item) or "talk" (a
    requester's notice with 联系志愿者); ``shown`` is the state of the order it shows."""

    kind: str
    order_id: int
    shown: str = ""


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    keyboard: tuple[tuple[KeyButton, ...], ...] = ()
    remove_keyboard: bool = False
    edit: bool = False  # replace the message whose button was pressed instead of sending
    document: Document | None = None
    photos: tuple[str, ...] = ()  # platform file ids to attach
    # Its buttons answer the current step only: taken away once the person moves on
    # (bot.live); the text stays.
    transient: bool = False
    hint: str | None = None  # what to type next: the input field's placeholder (web, Telegram)
    track: Track | None = None  # edited when its order moves on (bot.tracked)


@dataclass
class Outcome:
    """Everything one inbound event produces for the person who sent it."""

    replies: list[Reply] = field(default_factory=list)
    toast: str | None = None  # short answer to a button press (at most 200 characters)
    alert: bool = False  # show the toast as a dialog rather than a passing notice

    @classmethod
    def of(cls, value: Outcome | Reply | list[Reply] | None) -> Outcome:
        if value is None:
            return cls()
        if isinstance(value, Outcome):
            return value
        if isinstance(value, Reply):
            return cls([value])
        return cls(list(value))


def rows(*buttons: Button, per_row: int = 1) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out ``per_row`` to a row."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


@dataclass(frozen=True)
class MessageRef:
    """A message we sent, so it can be edited later (e.g. an offer once it is claimed)."""

    platform: str
    chat_id: str
    message_id: str

    @property
    def queued(self) -> bool:
        """Handed to another instance's outbox: on its way, its message id not known yet."""
        return not self.message_id


def reply_to_data(reply: Reply) -> dict[str, Any]:
    """``reply`` as JSON-safe data, to keep in a row (the outbox) and rebuild later."""
    document = reply.document
    return {
        "text": reply.text,
        "buttons": [[[b.label, b.data, b.url] for b in row] for row in reply.buttons],
        "keyboard": [[[k.label, k.request] for k in row] for row in reply.keyboard],
        "remove_keyboard": reply.remove_keyboard,
        "photos": list(reply.photos),
        "hint": reply.hint,
        "track": None
        if reply.track is None
        else [reply.track.kind, reply.track.order_id, reply.track.shown],
        "document": None
        if document is None
        else [document.filename, base64.b64encode(document.content).decode(), document.caption],
    }


def reply_from_data(data: dict[str, Any]) -> Reply:
    """The Reply :func:`reply_to_data` kept."""
    document = data.get("document")
    track = data.get("track")
    return Reply(
        data["text"],
        buttons=tuple(tuple(Button(*b) for b in row) for row in data.get("buttons", ())),
        keyboard=tuple(tuple(KeyButton(*k) for k in row) for row in data.get("keyboard", ())),
        remove_keyboard=bool(data.get("remove_keyboard")),
        photos=tuple(data.get("photos", ())),
        hint=data.get("hint"),
        track=None if track is None else Track(*track),
        document=None
        if document is None
        else Document(document[0], base64.b64decode(document[1]), document[2]),
    )
