"""Plays Telegram users against the bot under test, the way a person would.

A :class:`FakeUser` types messages, taps reply-keyboard buttons, presses inline buttons and
waits for the bot's answers; everything goes through the fake Bot API server, so the bot sees
ordinary updates over HTTP. Tests read what the user would see as frozen :class:`BotMessage`
snapshots.

Waiting helpers never hang silently: on timeout they fail with the chat transcript, the Bot API
errors the bot received and a hint when the bot is not fetching updates at all.
"""

# ruff: noqa: ASYNC109 -- waits take a timeout on purpose: they fail with a report, not cancel.

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from tests.utils.fakebot.server import DEFAULT_TOKEN, FakeTelegramServer
from tests.utils.fakebot.state import ChatState, StoredFile, StoredMessage
from tests.utils.fakebot.tg_html import utf16_len

if TYPE_CHECKING:
    from telegram.ext import ApplicationBuilder

__all__ = [
    "TINY_JPEG",
    "BotMessage",
    "CallbackAnswer",
    "FakeBotApi",
    "FakeUser",
    "SentFile",
]

T = TypeVar("T")

#: A valid 1x1 JPEG: what ``FakeUser.send_photo`` sends unless told otherwise.
TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////"
    "////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQAB"
    "PxA="
)
# Telegram marks "/word" (ASCII letters, digits, "_", optional "@bot") as a bot_command entity;
# "/帮助" stays plain text, so CommandHandler ignores it — as in production.
_COMMAND = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")


@dataclass(frozen=True)
class SentFile:
    """A file attached to a bot message; ``content`` is None when the bot sent only a URL."""

    file_id: str
    filename: str | None
    content: bytes | None
    mime_type: str | None
    url: str | None = None

    @classmethod
    def from_stored(cls, stored: StoredFile) -> SentFile:
        return cls(stored.file_id, stored.filename, stored.content, stored.mime_type, stored.url)

    def text(self, encoding: str = "utf-8-sig") -> str:
        """The content decoded (``utf-8-sig`` drops the BOM Excel-friendly CSVs start with)."""
        if self.content is None:
            raise AssertionError(f"file {self.filename!r} was sent by URL ({self.url}), no bytes")
        return self.content.decode(encoding)


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery: the toast (or alert) the user saw."""

    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass(frozen=True, eq=False)
class BotMessage:
    """A bot message as the user saw it at one moment (``version`` 0 = as sent, n = n-th edit).

    Snapshots never change; use :meth:`latest` for the message as it is now.
    """

    chat_id: int
    message_id: int
    version: int
    #: The visible text after entity parsing — the caption for media messages.
    text: str | None
    caption: str | None
    #: Text or caption exactly as the bot sent it, HTML tags included.
    sent_text: str | None
    parse_mode: str | None
    entities: tuple[dict, ...]
    inline_keyboard: tuple[tuple[dict, ...], ...]
    #: A non-inline reply_markup sent with the message (reply keyboard, remove, force reply).
    keyboard_markup: dict | None
    media: dict
    files: tuple[SentFile, ...]
    deleted: bool
    date: int
    method: str | None
    media_group_id: str | None
    reply_to_message_id: int | None
    link_preview_options: dict | None
    _record: StoredMessage = field(repr=False)

    @classmethod
    def snapshot(cls, record: StoredMessage, version: int | None = None) -> BotMessage:
        index = len(record.versions) - 1 if version is None else version
        state = record.versions[index]
        markup = state.inline_markup or {}
        return cls(
            chat_id=record.chat_id,
            message_id=record.message_id,
            version=index,
            text=state.text if state.text is not None else state.caption,
            caption=state.caption,
            sent_text=state.source,
            parse_mode=state.parse_mode,
            entities=state.entities if state.text is not None else state.caption_entities,
            inline_keyboard=tuple(tuple(row) for row in markup.get("inline_keyboard", ())),
            keyboard_markup=record.keyboard,
            media=record.media,
            files=tuple(SentFile.from_stored(f) for f in record.files),
            deleted=record.deleted,
            date=record.date,
            method=record.method,
            media_group_id=record.media_group_id,
            reply_to_message_id=record.reply_to.message_id if record.reply_to else None,
            link_preview_options=record.link_preview_options,
            _record=record,
        )

    def latest(self) -> BotMessage:
        """This message as it is now (after any later edits or deletion)."""
        return BotMessage.snapshot(self._record)

    @property
    def buttons(self) -> list[list[str]]:
        """Inline button labels, row by row (``[]`` when there is no inline keyboard)."""
        return [[button["text"] for button in row] for row in self.inline_keyboard]

    def has_button(self, label: str) -> bool:
        return any(button["text"] == label for row in self.inline_keyboard for button in row)

    def button(self, label: str) -> dict:
        """The inline button with this label (raw Bot API dict); it must be unique."""
        matches = [b for row in self.inline_keyboard for b in row if b["text"] == label]
        if len(matches) != 1:
            found = "no" if not matches else f"{len(matches)}"
            raise AssertionError(
                f"{found} inline button labelled {label!r} on bot message #{self.message_id} "
                f"(buttons: {self.buttons})"
            )
        return matches[0]

    def button_data(self, label: str) -> str:
        """The callback_data of the button with this label."""
        button = self.button(label)
        if "callback_data" not in button:
            raise AssertionError(f"button {label!r} has no callback_data: {button}")
        return button["callback_data"]

    def button_url(self, label: str) -> str:
        button = self.button(label)
        if "url" not in button:
            raise AssertionError(f"button {label!r} is not a URL button: {button}")
        return button["url"]

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Reply-keyboard labels sent with this message, or None."""
        if not self.keyboard_markup or "keyboard" not in self.keyboard_markup:
            return None
        return [[_label(b) for b in row] for row in self.keyboard_markup["keyboard"]]

    @property
    def removes_reply_keyboard(self) -> bool:
        return bool(self.keyboard_markup and self.keyboard_markup.get("remove_keyboard"))

    @property
    def force_reply(self) -> bool:
        return bool(self.keyboard_markup and self.keyboard_markup.get("force_reply"))

    @property
    def document(self) -> SentFile | None:
        """The document of a sendDocument message (filename, content bytes), or None."""
        return self.files[0] if "document" in self.media and self.files else None

    @property
    def photo(self) -> SentFile | None:
        return self.files[0] if "photo" in self.media and self.files else None

    @property
    def location(self) -> tuple[float, float] | None:
        location = self.media.get("location")
        return (location["latitude"], location["longitude"]) if location else None


def _label(button: str | dict) -> str:
    return button if isinstance(button, str) else button["text"]


class FakeUser:
    """One Telegram user in a private chat with the bot (chat id == user id).

    Actions (``send``, ``press``, ...) only enqueue updates and return at once, so
    ``asyncio.gather`` of several users' actions delivers them to the bot in one batch, like
    simultaneous taps. Waits (``next_message``, ...) block until the bot has acted or fail.
    """

    def __init__(self, api: FakeBotApi, user: dict, phone_number: str) -> None:
        self.api = api
        self.user = user
        self.phone_number = phone_number
        self._seen_message_id = 0  # bot messages up to this id were returned by next_message
        self._last_query_id: str | None = None

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.first_name!r})"

    @property
    def id(self) -> int:
        return self.user["id"]

    @property
    def chat_id(self) -> int:
        return self.user["id"]

    @property
    def first_name(self) -> str:
        return self.user["first_name"]

    @property
    def username(self) -> str | None:
        return self.user.get("username")

    @property
    def language_code(self) -> str | None:
        return self.user.get("language_code")

    @property
    def _server(self) -> FakeTelegramServer:
        return self.api.server

    @property
    def _chat(self) -> ChatState:
        return self._server.chat(self.id)

    # ------------------------------------------------------------------ user actions

    async def send(self, text: str, *, reply_to: BotMessage | int | None = None) -> int:
        """Send a text message (a ``/command`` gets its bot_command entity); returns its id."""
        content: dict[str, Any] = {"text": text}
        command = _COMMAND.match(text)
        if command:
            length = utf16_len(command.group())
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._send_content(content, reply_to)

    async def send_location(self, latitude: float, longitude: float) -> int:
        return self._send_content({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_contact(
        self,
        phone: str | None = None,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        own: bool = True,
    ) -> int:
        """Share a contact; ``own`` = the user's own card (``user_id`` set, as the button does)."""
        contact: dict[str, Any] = {
            "phone_number": phone or self.phone_number,
            "first_name": first_name or self.first_name,
        }
        if last_name:
            contact["last_name"] = last_name
        if own:
            contact["user_id"] = self.id
        return self._send_content({"contact": contact})

    async def send_photo(self, content: bytes = TINY_JPEG, *, caption: str | None = None) -> int:
        """Send a photo; the bot can download ``content`` through getFile."""
        full = self._server.register_file(content, kind="photos", mime_type="image/jpeg")
        thumb = self._server.register_file(content, kind="photos", mime_type="image/jpeg")
        sizes = [_photo_size(thumb, 90, 90), _photo_size(full, 1280, 960)]
        message: dict[str, Any] = {"photo": sizes}
        if caption:
            message["caption"] = caption
        return self._send_content(message)

    async def send_document(
        self,
        name: str = "a.pdf",
        content: bytes = b"%PDF-1.4\n% fake test document\n",
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> int:
        mime = mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        stored = self._server.register_file(
            content, kind="documents", filename=name, mime_type=mime
        )
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": name,
            "mime_type": mime,
            "file_size": stored.size,
        }
        message: dict[str, Any] = {"document": document}
        if caption:
            message["caption"] = caption
        return self._send_content(message)

    async def send_sticker(self, emoji: str = "👍") -> int:
        stored = self._server.register_file(b"RIFF\0\0\0\0WEBP", kind="stickers")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._send_content({"sticker": sticker})

    async def send_voice(self, duration: int = 3, content: bytes = b"OggS\0fake-voice") -> int:
        stored = self._server.register_file(content, kind="voice", mime_type="audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
        return self._send_content({"voice": voice})

    async def tap(self, label: str, *, location: tuple[float, float] = (28.1, 121.3)) -> int:
        """Tap a button of the reply keyboard currently shown (contact/location buttons share)."""
        keyboard = self._chat.reply_keyboard
        if keyboard is None:
            raise AssertionError(self._report(f"tap {label!r}: no reply keyboard is shown"))
        buttons = [b for row in keyboard["keyboard"] for b in row if _label(b) == label]
        if not buttons:
            labels = [[_label(b) for b in row] for row in keyboard["keyboard"]]
            raise AssertionError(self._report(f"tap {label!r}: not on the keyboard {labels}"))
        button = buttons[0]
        if isinstance(button, dict) and button.get("request_contact"):
            return await self.send_contact()
        if isinstance(button, dict) and button.get("request_location"):
            return await self.send_location(*location)
        return await self.send(label)

    async def press(self, label: str, message: BotMessage | None = None) -> str:
        """Press the inline button with this label; returns the callback query id.

        The button is looked up on the message as it is *now* (a person sees the current
        keyboard); without ``message``, on the newest bot message that has such a button.
        """
        record = self._record_for(message) if message else self._latest_with_button(label)
        try:
            data = BotMessage.snapshot(record).button_data(label)
        except AssertionError as err:
            raise AssertionError(self._report(f"press {label!r}: {err}")) from None
        return self._press(record, data, label)

    async def press_data(self, data: str, message: BotMessage | None = None) -> str:
        """Send a callback query with arbitrary data, as a stale or tampered client could.

        Without ``message``, it targets the newest bot message with an inline keyboard (or the
        newest bot message at all).
        """
        if message is not None:
            record = self._record_for(message)
        else:
            alive = [m for m in self._chat.bot_messages() if not m.deleted]
            with_keyboard = [m for m in alive if m.current.inline_markup]
            if not alive:
                raise AssertionError(self._report("press_data: the bot has sent no message yet"))
            record = (with_keyboard or alive)[-1]
        return self._press(record, data, f"data={data}")

    async def block_bot(self) -> None:
        """Block the bot: sends to this user now fail with 403; the bot gets my_chat_member."""
        self._server.user_sets_blocked(self.id, True)

    async def unblock_bot(self) -> None:
        self._server.user_sets_blocked(self.id, False)

    # ------------------------------------------------------------------ waiting for the bot

    async def next_message(self, timeout: float = 5.0) -> BotMessage:
        """The next bot message in this chat not yet returned to this user, as first sent.

        Messages come back strictly in order; an edit that already happened is not applied
        (call :meth:`next_edit` or :meth:`BotMessage.latest` for it).
        """

        def unseen() -> StoredMessage | None:
            for record in self._chat.bot_messages():
                if record.message_id > self._seen_message_id:
                    return record
            return None

        record = await self._wait(unseen, timeout, "a new bot message")
        self._seen_message_id = record.message_id
        return BotMessage.snapshot(record, 0)

    async def next_messages(self, count: int, timeout: float = 5.0) -> list[BotMessage]:
        """The next ``count`` bot messages (``timeout`` applies to each)."""
        return [await self.next_message(timeout) for _ in range(count)]

    async def next_edit(self, message: BotMessage, timeout: float = 5.0) -> BotMessage:
        """The version of ``message`` right after the given snapshot, waiting for the edit."""
        record = self._record_for(message, allow_deleted=True)
        wanted = message.version + 1

        def edited() -> bool:
            if record.deleted and len(record.versions) <= wanted:
                raise AssertionError(
                    self._report(f"bot message #{message.message_id} was deleted, not edited")
                )
            return len(record.versions) > wanted

        await self._wait(edited, timeout, f"an edit of bot message #{message.message_id}")
        return BotMessage.snapshot(record, wanted)

    async def callback_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        """The bot's answerCallbackQuery for that press."""
        query = self._server.callback_queries[query_id]
        answer = await self._wait(
            lambda: query.answer, timeout, f"answerCallbackQuery for press {query.data!r}"
        )
        return CallbackAnswer(
            text=answer["text"],
            show_alert=answer["show_alert"],
            url=answer["url"],
            cache_time=answer["cache_time"],
        )

    async def last_callback_answer(self, timeout: float = 5.0) -> CallbackAnswer:
        """The answer to this user's most recent press."""
        if self._last_query_id is None:
            raise AssertionError(f"{self!r} has not pressed any button")
        return await self.callback_answer(self._last_query_id, timeout)

    async def expect_no_message(self, within: float = 0.5) -> None:
        """Fail if the bot sends this user a message within ``within`` seconds (or already has)."""
        pending = self.drain()
        if pending:
            raise AssertionError(
                self._report(f"expected no new bot message, but got {[m.text for m in pending]}")
            )
        try:
            await self._server.changes.wait_for(
                lambda: any(
                    m.message_id > self._seen_message_id for m in self._chat.bot_messages()
                ),
                within,
            )
        except TimeoutError:
            return
        arrived = self.drain()
        raise AssertionError(
            self._report(
                f"expected no bot message within {within:g}s, got {[m.text for m in arrived]}"
            )
        )

    # ------------------------------------------------------------------ reading the chat

    def drain(self) -> list[BotMessage]:
        """Mark every bot message so far as read; returns the unread ones (as first sent)."""
        unread = [m for m in self._chat.bot_messages() if m.message_id > self._seen_message_id]
        if unread:
            self._seen_message_id = unread[-1].message_id
        return [BotMessage.snapshot(m, 0) for m in unread]

    def messages(self) -> list[BotMessage]:
        """All bot messages in this chat as they are now (deleted ones flagged)."""
        return [BotMessage.snapshot(m) for m in self._chat.bot_messages()]

    def last_message(self) -> BotMessage | None:
        """The newest bot message as it is now, read or not."""
        records = self._chat.bot_messages()
        return BotMessage.snapshot(records[-1]) if records else None

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Labels of the reply keyboard currently shown to this user, or None."""
        keyboard = self._chat.reply_keyboard
        return [[_label(b) for b in row] for row in keyboard["keyboard"]] if keyboard else None

    @property
    def chat_actions(self) -> list[str]:
        """sendChatAction actions ("typing", ...) the bot sent to this chat."""
        return list(self._chat.actions)

    def transcript(self) -> list[tuple[str, str]]:
        """The chat as ("user"|"bot", text) events in order.

        Messages appear as their text (media as "[photo] caption", "[document a.csv]", ...);
        other events are bracketed: "[press 认领]", "[answer] 已认领", "[edit #3] new text",
        "[delete #3]", "[blocks the bot]".
        """
        return [(entry.who, entry.text) for entry in self._chat.events]

    def format_transcript(self) -> str:
        """The transcript with message ids and buttons, for failure messages."""
        if not self._chat.events:
            return "    (empty chat)"
        lines = []
        for entry in self._chat.events:
            detail = f"    [{entry.detail}]" if entry.detail else ""
            lines.append(f"    {entry.who:>4}: {entry.text}{detail}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ internals

    def _ensure_not_blocked(self, action: str) -> None:
        if self._chat.blocked:
            raise AssertionError(
                f"{self!r} blocked the bot and cannot {action}: unblock_bot() first"
            )

    def _send_content(self, content: dict, reply_to: BotMessage | int | None = None) -> int:
        self._ensure_not_blocked("send messages")
        reply_id = reply_to.message_id if isinstance(reply_to, BotMessage) else reply_to
        return self._server.user_message(self.id, content, reply_to_message_id=reply_id).message_id

    def _press(self, record: StoredMessage, data: str, label: str) -> str:
        self._ensure_not_blocked("press buttons")
        self._last_query_id = self._server.user_press(self.id, record.message_id, data, label=label)
        return self._last_query_id

    def _record_for(self, message: BotMessage, *, allow_deleted: bool = False) -> StoredMessage:
        if message.chat_id != self.id:
            raise AssertionError(f"bot message #{message.message_id} is in another user's chat")
        record = self._chat.messages[message.message_id]
        if record.deleted and not allow_deleted:
            raise AssertionError(
                self._report(f"bot message #{message.message_id} was deleted; it can't be used")
            )
        return record

    def _latest_with_button(self, label: str) -> StoredMessage:
        for record in reversed(self._chat.bot_messages()):
            if not record.deleted and BotMessage.snapshot(record).has_button(label):
                return record
        raise AssertionError(self._report(f"no bot message has an inline button {label!r}"))

    async def _wait(self, predicate: Callable[[], T | None], timeout: float, what: str) -> T:
        try:
            return await self._server.changes.wait_for(predicate, timeout)
        except TimeoutError:
            raise AssertionError(
                self._report(f"waited {timeout:g}s for {what}, nothing came")
            ) from None

    def _report(self, problem: str) -> str:
        """A failure message with everything needed to debug without re-running."""
        server = self._server
        lines = [f"{self.first_name} (user {self.id}): {problem}"]
        if server.unfetched_update_count:
            lines.append(
                f"  {server.unfetched_update_count} update(s) never fetched by the bot — is the "
                "Application polling (run_ptb_app), or did it crash?"
            )
        errors = [e for e in server.errors if e.params.get("chat_id") in (self.id, None)]
        if errors:
            lines.append("  Bot API errors the bot received (latest last):")
            lines.extend(f"    {e.status} {e.method}: {e.description}" for e in errors[-8:])
        if server.internal_errors:
            lines.append(f"  The fake server itself crashed: {server.internal_errors[-1]}")
        lines.append(f"  Transcript of chat {self.id}:")
        lines.append(self.format_transcript())
        return "\n".join(lines)


def _photo_size(stored: StoredFile, width: int, height: int) -> dict:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": width,
        "height": height,
        "file_size": stored.size,
    }


class FakeBotApi:
    """The test's handle on the fake Telegram: the server plus a factory for users.

    ``async with FakeBotApi() as bot_api`` (or the ``fake_bot_api`` fixture) starts it; build
    the bot with :meth:`application_builder`, or by hand with
    ``ApplicationBuilder().token(bot_api.token).base_url(bot_api.base_url)
    .base_file_url(bot_api.base_file_url)``. Fault injection and inspection live on
    :attr:`server` (``bot_api.server.block_chat(...)``, ``.rate_limit(...)``, ``.calls``).
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "jiangxin_test_bot",
        bot_first_name: str = "匠心点单 (test)",
    ) -> None:
        self.server = FakeTelegramServer(
            token, bot_username=bot_username, bot_first_name=bot_first_name
        )
        self._users: dict[int, FakeUser] = {}

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        await self.server.start()

    async def stop(self) -> None:
        await self.server.stop()

    @property
    def token(self) -> str:
        return self.server.token

    @property
    def bot_id(self) -> int:
        return self.server.bot_id

    @property
    def bot_username(self) -> str:
        return self.server.bot_user["username"]

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def base_file_url(self) -> str:
        return self.server.base_file_url

    def application_builder(self, *, get_updates_read_timeout: float = 2.0) -> ApplicationBuilder:
        """An ``ApplicationBuilder`` already pointed at this server; add handlers and build.

        The short getUpdates read timeout only matters if the server misbehaves; normal
        shutdown is fast because :func:`run_ptb_app` stops polling explicitly.
        """
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
            .get_updates_read_timeout(get_updates_read_timeout)
        )

    def user(
        self,
        user_id: int,
        first_name: str = "测试用户",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        phone_number: str | None = None,
        started: bool = False,
    ) -> FakeUser:
        """A user in a private chat with the bot.

        Like Telegram, the bot cannot write to a user until the user has sent it something
        (403 "bot can't initiate conversation"); ``started=True`` models a user who pressed
        Start in an earlier session. Asking again for the same id returns the same user.
        """
        if user_id in self._users:
            existing = self._users[user_id]
            if existing.first_name != first_name:
                raise ValueError(f"user {user_id} already exists as {existing.first_name!r}")
            return existing
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.server.register_user(user, started=started)
        fake = FakeUser(self, user, phone_number or f"86138{user_id % 10**8:08d}")
        self._users[user_id] = fake
        return fake
