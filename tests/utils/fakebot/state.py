"""What the fake Bot API server remembers: chats, messages with their edit history, files.

The records are plain mutable dataclasses owned by the server
(:class:`~tests.utils.fakebot.server.FakeTelegramServer`); the driver only reads them and hands
tests frozen snapshots (``BotMessage``) instead.
"""

# ruff: noqa: ASYNC109 -- waits take a timeout on purpose: they fail with a report, not cancel.

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TypeVar

__all__ = [
    "ApiCall",
    "ApiError",
    "CallbackQueryRecord",
    "ChangeSignal",
    "ChatState",
    "MessageVersion",
    "StoredFile",
    "StoredMessage",
    "TranscriptEntry",
    "UploadedFile",
]

T = TypeVar("T")
Sender = Literal["user", "bot"]


class ChangeSignal:
    """Wakes every waiter whenever the server state changes.

    Waiters re-check their own predicate after each change, so one signal serves long polls,
    driver waits and error waits alike, with no sleep loops. ``notify`` is synchronous so it can
    be called from any code path (an asyncio.Condition would need its lock).
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float | None) -> T:
        """Return the first truthy ``predicate()``; raise TimeoutError after ``timeout`` s."""
        async with asyncio.timeout(timeout):
            while True:
                event = self._event  # captured before the check: no change can slip between
                result = predicate()
                if result:
                    return result
                await event.wait()


class ApiCall(NamedTuple):
    """One request the bot made; ``timestamp`` is ``time.monotonic()``."""

    method: str
    params: dict[str, Any]
    timestamp: float


class ApiError(NamedTuple):
    """One request the server refused, as the bot saw it."""

    method: str
    params: dict[str, Any]
    status: int
    description: str
    timestamp: float


class UploadedFile(NamedTuple):
    """A multipart file part of a request, as the bot uploaded it."""

    filename: str | None
    content: bytes
    content_type: str | None


@dataclass(frozen=True)
class StoredFile:
    """A file known to the server: uploaded by the bot, "sent" by a user, or only a URL."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes | None
    filename: str | None = None
    mime_type: str | None = None
    url: str | None = None

    @property
    def size(self) -> int:
        return len(self.content or b"")


@dataclass(frozen=True)
class MessageVersion:
    """The editable part of a message at one point in time."""

    text: str | None  # what the user sees, after entity parsing
    entities: tuple[dict, ...] = ()
    caption: str | None = None
    caption_entities: tuple[dict, ...] = ()
    inline_markup: dict | None = None  # an InlineKeyboardMarkup dict
    source: str | None = None  # text or caption exactly as the bot sent it (markup included)
    parse_mode: str | None = None
    at: float = field(default_factory=time.time)

    def same_content(self, other: MessageVersion) -> bool:
        """Telegram's "message is not modified" test: content and keyboard both unchanged."""
        return (
            self.text == other.text
            and list(self.entities) == list(other.entities)
            and self.caption == other.caption
            and list(self.caption_entities) == list(other.caption_entities)
            and self.inline_markup == other.inline_markup
        )


@dataclass
class StoredMessage:
    """A message in a chat, from the user or the bot, with every version the bot produced."""

    chat_id: int
    message_id: int
    sender: Sender
    from_user: dict
    chat: dict
    date: int
    versions: list[MessageVersion]
    method: str | None = None  # the Bot API method that created a bot message
    media: dict = field(default_factory=dict)  # photo/document/location/... Bot API fields
    files: list[StoredFile] = field(default_factory=list)
    keyboard: dict | None = None  # a non-inline reply_markup sent along (reply keyboard, ...)
    reply_to: StoredMessage | None = None
    link_preview_options: dict | None = None
    media_group_id: str | None = None
    forward_origin: dict | None = None
    deleted: bool = False

    @property
    def current(self) -> MessageVersion:
        return self.versions[-1]

    @property
    def edit_date(self) -> int | None:
        return int(self.current.at) if len(self.versions) > 1 else None

    def to_api(self, *, with_reply: bool = True) -> dict:
        """The Bot API ``Message`` object for the current version (a fresh deep copy)."""
        version = self.current
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.from_user,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.forward_origin is not None:
            data["forward_origin"] = self.forward_origin
        if with_reply and self.reply_to is not None:
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.media_group_id is not None:
            data["media_group_id"] = self.media_group_id
        if version.text is not None:
            data["text"] = version.text
            if version.entities:
                data["entities"] = list(version.entities)
        if self.link_preview_options is not None:
            data["link_preview_options"] = self.link_preview_options
        data.update(self.media)
        if version.caption is not None:
            data["caption"] = version.caption
            if version.caption_entities:
                data["caption_entities"] = list(version.caption_entities)
        if version.inline_markup is not None:
            # Telegram echoes only inline keyboards; PTB would choke on a reply keyboard here.
            data["reply_markup"] = version.inline_markup
        return copy.deepcopy(data)

    def describe(self) -> str:
        """One line for transcripts: the visible text, or a bracketed stand-in for media."""
        version = self.current
        if version.text is not None:
            return version.text
        caption = f" {version.caption}" if version.caption else ""
        if "photo" in self.media:
            return f"[photo]{caption}"
        if "document" in self.media:
            return f"[document {self.media['document'].get('file_name', '')}]{caption}"
        if "location" in self.media:
            loc = self.media["location"]
            return f"[location {loc['latitude']}, {loc['longitude']}]"
        if "contact" in self.media:
            return f"[contact {self.media['contact']['phone_number']}]"
        if "sticker" in self.media:
            return f"[sticker {self.media['sticker'].get('emoji', '')}]"
        if "voice" in self.media:
            return f"[voice {self.media['voice']['duration']}s]"
        kinds = ",".join(sorted(self.media)) or "empty"
        return f"[{kinds}]{caption}"


class TranscriptEntry(NamedTuple):
    """One event in a chat, in order: a message, an edit, a press, an answer, a deletion."""

    who: Sender
    text: str
    detail: str = ""  # extra debugging context (buttons, message id) for failure messages


@dataclass
class CallbackQueryRecord:
    """A button press the bot has to answer with answerCallbackQuery."""

    query_id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: dict | None = None  # the answerCallbackQuery parameters, once answered


@dataclass
class ChatState:
    """A private chat between the bot and one user (chat id == user id)."""

    user: dict
    chat: dict
    started: bool = False  # Telegram refuses to let a bot write first
    blocked: bool = False
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    events: list[TranscriptEntry] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # sendChatAction history
    reply_keyboard: dict | None = None  # the ReplyKeyboardMarkup currently shown to the user
    force_reply_to: int | None = None  # message id a ForceReply asked the user to answer
    next_message_id: int = 1

    def allocate_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def bot_messages(self) -> list[StoredMessage]:
        return [m for m in self.messages.values() if m.sender == "bot"]
