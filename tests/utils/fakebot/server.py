"""A fake Telegram Bot API server on 127.0.0.1, for driving the real python-telegram-bot stack.

The bot under test talks HTTP to this server exactly as it would to api.telegram.org (PTB is
pointed here with ``ApplicationBuilder().base_url(...).base_file_url(...)``), so every layer —
request encoding, ``de_json``, handlers, error mapping, the updater's long polling — runs for
real. The server is deliberately strict where Telegram is strict (HTML entities, callback data
bytes, message-not-modified, blocked users, users who never started the bot, flood control):
a test that passes here should not crash in production on those rules.

Only one bot and private chats are modelled. Users' actions come from the driver
(:mod:`tests.utils.fakebot.driver`), which calls the ``user_*`` methods below.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
import math
import mimetypes
import time
import traceback
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

from tests.utils.fakebot.state import (
    ApiCall,
    ApiError,
    CallbackQueryRecord,
    ChangeSignal,
    ChatState,
    MessageVersion,
    StoredFile,
    StoredMessage,
    TranscriptEntry,
    UploadedFile,
)
from tests.utils.fakebot.tg_html import HtmlParseError, parse_html

__all__ = ["DEFAULT_TOKEN", "ApiFailure", "FakeTelegramServer"]

_LOGGER = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-jiangxin-fake-token"

Params = dict[str, Any]
MethodHandler = Callable[[Params], Awaitable[Any]]

# Methods that create a message: these are what flood control and injected 429s apply to.
MESSAGE_METHODS = frozenset(
    {
        "sendmessage", "sendphoto", "senddocument", "sendmediagroup", "sendlocation",
        "copymessage", "forwardmessage",
    }
)  # fmt: skip
# A user who blocked the bot refuses these too.
_BLOCKABLE_METHODS = MESSAGE_METHODS | {"sendchataction"}

# Form-encoded requests (what PTB sends) carry every value as a string; these say how to decode.
_JSON_PARAMS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "link_preview_options",
        "reply_parameters", "media", "commands", "scope", "allowed_updates", "message_ids",
    }
)  # fmt: skip
_INT_PARAMS = frozenset(
    {
        "chat_id", "from_chat_id", "message_id", "offset", "limit", "user_id", "cache_time",
        "message_thread_id", "reply_to_message_id", "max_connections", "width", "height",
        "duration", "live_period", "heading", "proximity_alert_radius",
    }
)  # fmt: skip
_FLOAT_PARAMS = frozenset({"timeout", "latitude", "longitude", "horizontal_accuracy"})
_BOOL_PARAMS = frozenset(
    {
        "disable_notification", "protect_content", "show_alert", "allow_sending_without_reply",
        "drop_pending_updates", "has_spoiler", "disable_content_type_detection",
        "allow_paid_broadcast", "show_caption_above_media", "disable_web_page_preview",
    }
)  # fmt: skip

# Telegram's default when a bot never chose allowed_updates.
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_INLINE_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
_COMMAND_SCOPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
        "chat_administrators", "chat_member",
    }
)  # fmt: skip
# Sends arriving up to this many seconds early still pass flood control. A client-side limiter
# that paces correctly still sees its requests bunch up on the way here: a burst opens many
# connections at once, and their latencies spread by 100 ms and more on a busy test machine.
_FLOOD_JITTER = 0.25
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


class ApiFailure(Exception):
    """A Bot API error answer; raised inside method handlers, rendered as Telegram does."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> ApiFailure:
    return ApiFailure(400, f"Bad Request: {description}")


def _too_many(retry_after: int) -> ApiFailure:
    return ApiFailure(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def _coerce(name: str, value: Any) -> Any:
    """Decode one form value the way Telegram types it; JSON bodies arrive already typed."""
    if not isinstance(value, str):
        return value
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            raise _bad(f"can't parse {name} JSON object") from None
    if name in _INT_PARAMS:
        try:
            return int(value)
        except ValueError:
            return value  # e.g. chat_id="@channel"
    if name in _FLOAT_PARAMS:
        try:
            return float(value)
        except ValueError:
            raise _bad(f"wrong {name} specified") from None
    if name in _BOOL_PARAMS:
        return value.lower() in ("true", "1")
    return value


async def _read_params(request: web.Request) -> Params:
    """Merge query string and body (JSON, urlencoded or multipart) into typed parameters."""
    raw: dict[str, Any] = dict(request.query)
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad("can't parse JSON request body") from None
            if isinstance(body, dict):
                raw.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    with value.file as handle:
                        raw[name] = UploadedFile(value.filename, handle.read(), value.content_type)
                else:
                    raw[name] = value
    return {name: _coerce(name, value) for name, value in raw.items()}


def _chat_id(params: Params, name: str = "chat_id") -> int:
    value = params.get(name)
    if value is None or value == "":
        raise _bad(f"{name} is empty")
    if not isinstance(value, int):
        raise _bad("chat not found")  # @usernames: only private chats are modelled
    return value


def _message_id(params: Params) -> int:
    value = params.get("message_id")
    if not isinstance(value, int):
        raise _bad("message identifier is not specified")
    return value


class FakeTelegramServer:
    """The Bot API for one bot, plus inspection and fault injection for tests.

    Start it with ``await server.start()`` (port chosen by the OS) and point the bot at
    :attr:`base_url` / :attr:`base_file_url`. Everything runs on the test's event loop; state
    changes are synchronous, so no locks are needed.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "jiangxin_test_bot",
        bot_first_name: str = "匠心点单 (test)",
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.changes = ChangeSignal()
        #: Every request with a valid token, in arrival order (getUpdates included).
        self.calls: list[ApiCall] = []
        #: Every error answer the bot received.
        self.errors: list[ApiError] = []
        #: Exceptions inside the fake server itself: a bug in the rig, never in the bot.
        self.internal_errors: list[str] = []
        self.count_429 = 0
        #: Seconds every call but getUpdates takes before Telegram acts on it. A call whose
        #: client went away meanwhile (a killed bot) is dropped: it never reached Telegram.
        self.drop_latency = 0.0
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        #: Commands per (scope as canonical JSON, language_code).
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.webhook: dict | None = None
        self.allowed_updates: list[str] | None = None
        #: Every update ever produced, including those already confirmed.
        self.updates: list[dict] = []

        self._pending: list[dict] = []
        self._max_fetched_update_id = 0
        self._poll_generation = 0
        self._closing = False
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)  # files, queries, media groups
        self._files_by_path: dict[str, StoredFile] = {}
        #: Seconds a call waits before the API handles it (``latency(method, params)``): a
        #: slow Telegram. The call is handled even if the bot died meanwhile, as a request
        #: that reached Telegram is, so a kill -9 mid-call leaves its outcome unknown to the bot.
        self.latency: Callable[[str, Params], float] | None = None
        self._injected_429: list[dict] = []
        self._flood_per_chat: float | None = None
        self._global_bucket: _TokenBucket | None = None
        self._chat_buckets: dict[int, _TokenBucket] = {}
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._methods: dict[str, MethodHandler] = {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._ok,
                "close": self._ok,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setMyDescription": self._set_my_description,
                "getMyDescription": self._get_my_description,
                "setMyShortDescription": self._set_my_short_description,
                "getMyShortDescription": self._get_my_short_description,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "sendMediaGroup": self._send_media_group,
                "sendLocation": self._send_location,
                "copyMessage": self._copy_message,
                "forwardMessage": self._forward_message,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "getFile": self._get_file,
                "getChat": self._get_chat,
                "getChatMember": self._get_chat_member,
            }.items()
        }

    # ------------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the fake Bot API server is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{file_path:.+}", self._handle_file)
        # A short shutdown_timeout: stop() releases long polls first, so nothing should linger.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Answer pending long polls with [] and close the listener."""
        self._closing = True
        self.changes.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ fault injection

    def block_chat(self, chat_id: int) -> None:
        """The user blocked the bot: every send to this chat gets 403 from now on."""
        self._known_chat(chat_id).blocked = True

    def unblock_chat(self, chat_id: int) -> None:
        self._known_chat(chat_id).blocked = False

    def rate_limit(
        self,
        chat_id: int | None = None,
        times: int = 1,
        retry_after: int = 1,
        *,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Answer the next ``times`` message sends (to ``chat_id``, or any chat) with 429.

        ``methods`` narrows or widens what counts (default: the message-creating methods);
        names are case-insensitive Bot API method names.
        """
        wanted = frozenset(m.lower() for m in methods) if methods else MESSAGE_METHODS
        self._injected_429.append(
            {"chat_id": chat_id, "left": times, "retry_after": retry_after, "methods": wanted}
        )

    def flood_limit(
        self, per_chat_per_sec: float | None = None, global_per_sec: float | None = None
    ) -> None:
        """Simulate Telegram flood control: message sends beyond these rates get 429.

        Each limit is a token bucket holding one second's worth of sends (a burst of
        ``global_per_sec`` passes, then the sustained rate) — the model of PTB's
        ``AIORateLimiter``, so a bot using it with the same limits never sees a 429 here; 250
        ms of network jitter is tolerated. ``retry_after`` is the whole seconds until the next send
        would pass (at least 1). ``None`` disables a limit.

        Telegram's real limits are fuzzy: about 30/s overall and about 1/s per chat, with short
        bursts tolerated in private chats — so keep ``per_chat_per_sec`` for bulk-send tests.
        """
        self._global_bucket = _TokenBucket(global_per_sec) if global_per_sec else None
        self._flood_per_chat = per_chat_per_sec
        self._chat_buckets.clear()

    # ------------------------------------------------------------------ inspection

    def chat(self, chat_id: int) -> ChatState:
        return self._known_chat(chat_id)

    def calls_of(self, *methods: str) -> list[ApiCall]:
        """Calls to the given methods (case-insensitive), in order."""
        wanted = {m.lower() for m in methods}
        return [call for call in self.calls if call.method.lower() in wanted]

    def get_commands(
        self, scope: dict | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """The (command, description) pairs set for that scope and language."""
        key = (self._scope_key(scope), language_code)
        return [(c["command"], c["description"]) for c in self.commands.get(key, [])]

    @property
    def unfetched_update_count(self) -> int:
        """Updates the bot has not received yet — non-zero in a failure usually means the
        Application is not polling (not started, crashed, or stopped)."""
        return sum(1 for u in self._pending if u["update_id"] > self._max_fetched_update_id)

    @property
    def unconfirmed_update_count(self) -> int:
        """Updates Telegram would send again: not confirmed by a later getUpdates offset."""
        return len(self._pending)

    # ------------------------------------------------------------------ user side (driver)

    def register_user(self, user: dict, *, started: bool) -> ChatState:
        """Create the private chat with this user; ``started`` = the user already pressed Start."""
        chat_dict = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if user.get(key):
                chat_dict[key] = user[key]
        state = ChatState(user=user, chat=chat_dict, started=started)
        self.chats[user["id"]] = state
        return state

    def register_file(
        self,
        content: bytes | None,
        *,
        kind: str,
        filename: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> StoredFile:
        """Keep a file so getFile and downloads work; ``kind`` names its folder ("photos")."""
        number = next(self._ids)
        suffix = ""
        if filename and "." in filename:
            suffix = "." + filename.rsplit(".", 1)[1]
        elif mime_type:
            suffix = mimetypes.guess_extension(mime_type) or ""
        stored = StoredFile(
            file_id=f"fake-{kind}-{number:06d}",
            file_unique_id=f"u{number:06d}",
            file_path=f"{kind}/file_{number}{suffix}",
            content=content,
            filename=filename,
            mime_type=mime_type,
            url=url,
        )
        self.files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def user_message(
        self, user_id: int, content: dict, *, reply_to_message_id: int | None = None
    ) -> StoredMessage:
        """The user sends a message; ``content`` holds Bot API Message fields (text, photo, ...)."""
        chat = self._known_chat(user_id)
        chat.started = True
        reply_id = reply_to_message_id if reply_to_message_id is not None else chat.force_reply_to
        chat.force_reply_to = None
        content = dict(content)
        version = MessageVersion(
            text=content.pop("text", None),
            entities=tuple(content.pop("entities", ())),
            caption=content.pop("caption", None),
            caption_entities=tuple(content.pop("caption_entities", ())),
        )
        message = StoredMessage(
            chat_id=user_id,
            message_id=chat.allocate_message_id(),
            sender="user",
            from_user=chat.user,
            chat=chat.chat,
            date=int(time.time()),
            versions=[version],
            media=content,
            reply_to=chat.messages.get(reply_id) if reply_id is not None else None,
        )
        chat.messages[message.message_id] = message
        chat.events.append(TranscriptEntry("user", message.describe(), f"#{message.message_id}"))
        self.enqueue_update("message", message.to_api())
        return message

    def user_press(self, user_id: int, message_id: int, data: str, *, label: str) -> str:
        """The user presses an inline button; returns the callback query id."""
        chat = self._known_chat(user_id)
        chat.started = True
        message = chat.messages[message_id]
        query_id = str(4_000_000_000_000 + next(self._ids))
        self.callback_queries[query_id] = CallbackQueryRecord(
            query_id=query_id, user_id=user_id, chat_id=user_id, message_id=message_id, data=data
        )
        chat.events.append(TranscriptEntry("user", f"[press {label}]", f"#{message_id} {data}"))
        query = {
            "id": query_id,
            "from": chat.user,
            "message": message.to_api(),
            "chat_instance": str(8_000_000_000 + user_id),
            "data": data,
        }
        self.enqueue_update("callback_query", query)
        return query_id

    def user_sets_blocked(self, user_id: int, blocked: bool) -> None:
        """The user blocks/unblocks the bot; Telegram tells the bot with a my_chat_member update."""
        chat = self._known_chat(user_id)
        chat.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        chat.events.append(TranscriptEntry("user", "[blocks the bot]" if blocked else "[unblocks]"))
        member_update = {
            "chat": chat.chat,
            "from": chat.user,
            "date": int(time.time()),
            "old_chat_member": self._member(old),
            "new_chat_member": self._member(new),
        }
        self.enqueue_update("my_chat_member", member_update)

    def enqueue_update(self, kind: str, payload: dict) -> dict:
        """Queue a raw update (``kind`` is its Bot API field, e.g. "message") for getUpdates."""
        update = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        self.updates.append(update)
        self._pending.append(update)
        self.changes.notify()
        return update

    # ------------------------------------------------------------------ HTTP

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._failure_response(method, {}, ApiFailure(401, "Unauthorized"))
        try:
            params = await _read_params(request)
        except ApiFailure as failure:
            return self._failure_response(method, {}, failure)
        if self.drop_latency and method.lower() != "getupdates":
            await asyncio.sleep(self.drop_latency)
            if request.transport is None or request.transport.is_closing():
                return web.Response(status=499)
        self.calls.append(ApiCall(method, params, time.monotonic()))
        delay = self.latency(method, params) if self.latency is not None else 0.0
        if delay > 0:
            await asyncio.sleep(delay)
        handler = self._methods.get(method.lower())
        if handler is None:
            not_found = ApiFailure(404, "Not Found")
            return self._failure_response(method, params, not_found, note="not implemented here")
        try:
            result = await handler(params)
        except ApiFailure as failure:
            return self._failure_response(method, params, failure)
        except Exception:
            # A bug in the rig must not look like a Telegram answer: record it loudly.
            self.internal_errors.append(f"{method}: {traceback.format_exc()}")
            _LOGGER.exception("fake Bot API crashed in %s", method)
            crash = ApiFailure(500, "Internal Server Error: the fake Bot API crashed")
            return self._failure_response(method, params, crash)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            raise web.HTTPUnauthorized()
        stored = self._files_by_path.get(request.match_info["file_path"])
        if stored is None or stored.content is None:
            raise web.HTTPNotFound()
        content_type = (stored.mime_type or "application/octet-stream").split(";")[0]
        return web.Response(body=stored.content, content_type=content_type)

    def _failure_response(
        self, method: str, params: Params, failure: ApiFailure, *, note: str = ""
    ) -> web.Response:
        description = f"{failure.description} ({note})" if note else failure.description
        self.errors.append(ApiError(method, params, failure.status, description, time.monotonic()))
        if failure.status == 429:
            self.count_429 += 1
        body: dict[str, Any] = {
            "ok": False,
            "error_code": failure.status,
            "description": failure.description,
        }
        if failure.parameters:
            body["parameters"] = failure.parameters
        self.changes.notify()  # waiters include recent errors in their failure messages
        return web.json_response(body, status=failure.status)

    # ------------------------------------------------------------------ helpers

    def _known_chat(self, chat_id: int) -> ChatState:
        try:
            return self.chats[chat_id]
        except KeyError:
            raise ValueError(f"no user/chat {chat_id} registered with the fake server") from None

    def _member(self, status: str) -> dict:
        member: dict[str, Any] = {"status": status, "user": self.bot_user}
        if status == "kicked":
            member["until_date"] = 0
        return member

    @staticmethod
    def _scope_key(scope: dict | None) -> str:
        return json.dumps(scope or {"type": "default"}, sort_keys=True)

    def _begin_send(self, method: str, params: Params) -> ChatState:
        """Gate for every send, in Telegram's order: flood control first, then the chat state."""
        chat_id = _chat_id(params)
        name = method.lower()
        for rule in self._injected_429:
            if rule["left"] > 0 and name in rule["methods"] and rule["chat_id"] in (None, chat_id):
                rule["left"] -= 1
                raise _too_many(rule["retry_after"])
        if name in MESSAGE_METHODS:
            self._check_flood(chat_id)
        chat = self.chats.get(chat_id)
        if chat is None:
            raise _bad("chat not found")
        if chat.blocked and name in _BLOCKABLE_METHODS:
            raise ApiFailure(403, "Forbidden: bot was blocked by the user")
        if not chat.started:
            raise ApiFailure(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _flood_buckets(self, chat_id: int) -> list[_TokenBucket]:
        buckets = [self._global_bucket] if self._global_bucket else []
        if self._flood_per_chat:
            if chat_id not in self._chat_buckets:
                self._chat_buckets[chat_id] = _TokenBucket(self._flood_per_chat)
            buckets.append(self._chat_buckets[chat_id])
        return buckets

    def _check_flood(self, chat_id: int) -> None:
        now = time.monotonic()
        wait = max((bucket.wait(now) for bucket in self._flood_buckets(chat_id)), default=0.0)
        if wait > _FLOOD_JITTER:
            raise _too_many(max(1, math.ceil(wait)))

    def _record_send(self, chat_id: int) -> None:
        now = time.monotonic()
        for bucket in self._flood_buckets(chat_id):
            bucket.take(now)

    def _format(
        self, text: Any, parse_mode: str | None, entities: Any, *, caption: bool
    ) -> tuple[str, tuple[dict, ...]]:
        """Apply parse_mode/entities and Telegram's length limits to a text or caption."""
        what = "caption" if caption else "text"
        if not isinstance(text, str):
            raise _bad(f"message {what} is empty")
        if parse_mode:
            mode = parse_mode.lower()
            if mode == "html":
                try:
                    plain, parsed = parse_html(text)
                except HtmlParseError as err:
                    raise _bad(f"can't parse entities: {err}") from None
                result_entities = tuple(parsed)
            elif mode in ("markdown", "markdownv2"):
                # Silently accepting would let Markdown bugs pass; be loud instead.
                raise _bad(
                    f"the fake Bot API does not simulate parse_mode {parse_mode!r}; use HTML "
                    "(house style) or teach tests/utils/fakebot/server.py about it"
                )
            else:
                raise _bad("unsupported parse_mode")
        else:
            plain = text
            result_entities = tuple(entities or ())
        if not caption and not plain.strip():
            raise _bad("message text is empty")
        if caption and len(plain) > 1024:
            raise _bad("message caption is too long")
        if not caption and len(plain) > 4096:
            raise _bad("message is too long")
        return plain, result_entities

    def _caption(self, params: Params) -> tuple[str | None, tuple[dict, ...]]:
        caption = params.get("caption")
        if caption is None or caption == "":
            return None, ()
        return self._format(
            caption, params.get("parse_mode"), params.get("caption_entities"), caption=True
        )

    @staticmethod
    def _validate_inline_keyboard(markup: dict) -> dict:
        rows = markup.get("inline_keyboard")
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        if sum(len(row) for row in rows) > 100:
            raise _bad("reply markup is too long")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad(
                        'can\'t parse inline keyboard button: Field "text" must be of type String'
                    )
                if not any(key in button for key in _INLINE_BUTTON_ACTIONS):
                    raise _bad(
                        "can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                        raise _bad("BUTTON_DATA_INVALID")
                if "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not url.startswith(
                        ("http://", "https://", "tg://")
                    ):
                        raise _bad("BUTTON_URL_INVALID")
                if not button["text"]:
                    raise _bad("BUTTON_TEXT_INVALID")
        return markup

    def _split_markup(self, markup: Any) -> tuple[dict | None, dict | None]:
        """(inline keyboard, other markup) from a reply_markup parameter, validated."""
        if markup is None:
            return None, None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return self._validate_inline_keyboard(markup), None
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not rows:
                raise _bad("can't parse reply keyboard markup JSON object")
            for row in rows:
                for button in row:
                    label = button if isinstance(button, str) else button.get("text")
                    if not isinstance(label, str) or not label:
                        raise _bad("keyboard button text is empty")
            return None, markup
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return None, markup
        raise _bad("can't parse reply keyboard markup JSON object")

    def _inline_only(self, markup: Any) -> dict | None:
        inline, other = self._split_markup(markup)
        if other is not None:
            raise _bad("inline keyboard expected")
        return inline

    def _reply_target(self, chat: ChatState, params: Params) -> StoredMessage | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, allow = reply.get("message_id"), reply.get("allow_sending_without_reply")
        else:
            message_id = params.get("reply_to_message_id")
            allow = params.get("allow_sending_without_reply")
        if message_id is None:
            return None
        target = chat.messages.get(message_id)
        if target is None or target.deleted:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return target

    def _store_bot_message(
        self,
        chat: ChatState,
        method: str,
        version: MessageVersion,
        params: Params,
        *,
        media: dict | None = None,
        files: Iterable[StoredFile] = (),
        keyboard: dict | None = None,
        reply_to: StoredMessage | None = None,
        media_group_id: str | None = None,
        forward_origin: dict | None = None,
    ) -> StoredMessage:
        chat_id = chat.user["id"]
        message = StoredMessage(
            chat_id=chat_id,
            message_id=chat.allocate_message_id(),
            sender="bot",
            from_user=self.bot_user,
            chat=chat.chat,
            date=int(time.time()),
            versions=[version],
            method=method,
            media=media or {},
            files=list(files),
            keyboard=keyboard,
            reply_to=reply_to,
            link_preview_options=params.get("link_preview_options"),
            media_group_id=media_group_id,
            forward_origin=forward_origin,
        )
        chat.messages[message.message_id] = message
        if keyboard is not None:
            if "keyboard" in keyboard:
                chat.reply_keyboard = keyboard
            elif keyboard.get("remove_keyboard"):
                chat.reply_keyboard = None
            elif keyboard.get("force_reply"):
                chat.force_reply_to = message.message_id
        chat.events.append(TranscriptEntry("bot", message.describe(), _detail(message)))
        self._record_send(chat_id)
        self.changes.notify()
        return message

    def _resolve_file(self, value: Any, params: Params, *, kind: str) -> StoredFile:
        """An InputFile parameter: an upload, ``attach://name``, a known file_id or a URL."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value[len("attach://") :])
            if not isinstance(value, UploadedFile):
                raise _bad("wrong file identifier/HTTP URL specified")
        if isinstance(value, UploadedFile):
            return self.register_file(
                value.content,
                kind=kind,
                filename=value.filename,
                mime_type=value.content_type,
            )
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or None
            return self.register_file(None, kind=kind, filename=name, url=value)
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if value is None or value == "":
            raise _bad(f"there is no {kind.rstrip('s')} in the request")
        raise _bad("wrong file identifier/HTTP URL specified")

    def _photo_media(self, stored: StoredFile) -> dict:
        """A ``photo`` field: Telegram returns several sizes; a thumbnail and the original."""
        thumb = self.register_file(stored.content, kind="photos", mime_type="image/jpeg")
        return {
            "photo": [
                _photo_size(thumb, 90, 90),
                _photo_size(stored, 1280, 960),
            ]
        }

    @staticmethod
    def _document_media(stored: StoredFile) -> dict:
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if stored.filename:
            document["file_name"] = stored.filename
        mime = stored.mime_type or (
            mimetypes.guess_type(stored.filename)[0] if stored.filename else None
        )
        if mime:
            document["mime_type"] = mime
        return {"document": document}

    def _target_message(self, params: Params, *, action: str) -> tuple[ChatState, StoredMessage]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")  # inline mode is not modelled
        chat = self.chats.get(_chat_id(params))
        if chat is None:
            raise _bad("chat not found")
        message = chat.messages.get(_message_id(params))
        if message is None or message.deleted:
            raise _bad(f"message to {action} not found")
        return chat, message

    def _editable(self, params: Params) -> StoredMessage:
        _chat, message = self._target_message(params, action="edit")
        if message.sender != "bot":
            raise _bad("message can't be edited")
        return message

    def _apply_edit(self, message: StoredMessage, version: MessageVersion) -> dict:
        if version.same_content(message.current):
            raise _bad(_NOT_MODIFIED)
        message.versions.append(version)
        chat = self.chats[message.chat_id]
        chat.events.append(
            TranscriptEntry(
                "bot", f"[edit #{message.message_id}] {message.describe()}", _detail(message)
            )
        )
        self.changes.notify()
        return message.to_api()

    def _confirm_updates(self, offset: int) -> None:
        if offset < 0:
            keep = -offset
            self._pending = self._pending[-keep:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def _update_allowed(self, update: dict) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in _DEFAULT_EXCLUDED_UPDATES

    # ------------------------------------------------------------------ Bot API methods

    async def _ok(self, params: Params) -> bool:
        return True

    async def _get_me(self, params: Params) -> dict:
        return dict(self.bot_user)

    async def _get_updates(self, params: Params) -> list[dict]:
        if self.webhook is not None:
            raise ApiFailure(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        if isinstance(params.get("offset"), int) and params["offset"] != 0:
            self._confirm_updates(params["offset"])
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)

        # Telegram ends an older long poll with 409 when a new one arrives (two bot instances).
        self._poll_generation += 1
        generation = self._poll_generation
        self.changes.notify()

        def outcome() -> tuple[str, list[dict]] | None:
            if self._poll_generation != generation:
                return ("conflict", [])
            if self._closing:
                return ("closing", [])
            batch = [u for u in self._pending if self._update_allowed(u)][:limit]
            return ("updates", batch) if batch else None

        result = outcome()
        if result is None and timeout > 0:
            try:
                result = await self.changes.wait_for(outcome, timeout)
            except TimeoutError:
                result = None
        if result is None:
            return []
        status, batch = result
        if status == "conflict":
            raise ApiFailure(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot "
                "instance is running",
            )
        if batch:
            self._max_fetched_update_id = max(self._max_fetched_update_id, batch[-1]["update_id"])
            self.changes.notify()
        return copy.deepcopy(batch)

    async def _set_webhook(self, params: Params) -> bool:
        url = params.get("url") or ""
        if params.get("drop_pending_updates"):
            self._pending.clear()
        if not url:
            self.webhook = None
            return True
        if not url.startswith(("http://", "https://")):
            raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        self.webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "allowed_updates": params.get("allowed_updates"),
            "max_connections": params.get("max_connections") or 40,
        }
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _get_webhook_info(self, params: Params) -> dict:
        info: dict[str, Any] = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook["allowed_updates"] is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    @staticmethod
    def _language(params: Params) -> str:
        code = params.get("language_code") or ""
        if code and not (len(code) == 2 and code.isascii() and code.isalpha() and code.islower()):
            raise _bad("invalid language code specified")  # "zh-hans" is a user locale, not this
        return code

    def _scope(self, params: Params) -> str:
        scope = params.get("scope")
        if scope is not None and (
            not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES
        ):
            raise _bad("can't parse BotCommandScope JSON object")
        return self._scope_key(scope)

    async def _set_my_commands(self, params: Params) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            description = command.get("description", "") if isinstance(command, dict) else ""
            if not (
                1 <= len(name) <= 32
                and all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in name)
            ):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _bad("command description is empty or too long")
        key = (self._scope(params), self._language(params))
        self.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(self, params: Params) -> list[dict]:
        return copy.deepcopy(self.commands.get((self._scope(params), self._language(params)), []))

    async def _delete_my_commands(self, params: Params) -> bool:
        self.commands.pop((self._scope(params), self._language(params)), None)
        return True

    async def _set_my_description(self, params: Params) -> bool:
        description = params.get("description") or ""
        if len(description) > 512:
            raise _bad("description is too long")
        self.descriptions[("description", self._language(params))] = description
        return True

    async def _get_my_description(self, params: Params) -> dict:
        key = ("description", self._language(params))
        return {"description": self.descriptions.get(key, "")}

    async def _set_my_short_description(self, params: Params) -> bool:
        description = params.get("short_description") or ""
        if len(description) > 120:
            raise _bad("short description is too long")
        self.descriptions[("short_description", self._language(params))] = description
        return True

    async def _get_my_short_description(self, params: Params) -> dict:
        key = ("short_description", self._language(params))
        return {"short_description": self.descriptions.get(key, "")}

    async def _send_message(self, params: Params) -> dict:
        chat = self._begin_send("sendMessage", params)
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        inline, keyboard = self._split_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        version = MessageVersion(
            text=text,
            entities=entities,
            inline_markup=inline,
            source=params["text"],
            parse_mode=params.get("parse_mode"),
        )
        message = self._store_bot_message(
            chat, "sendMessage", version, params, keyboard=keyboard, reply_to=reply_to
        )
        return message.to_api()

    async def _send_file_message(self, method: str, field: str, params: Params) -> dict:
        chat = self._begin_send(method, params)
        caption, caption_entities = self._caption(params)
        inline, keyboard = self._split_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        kind = "photos" if field == "photo" else "documents"
        stored = self._resolve_file(params.get(field), params, kind=kind)
        if stored.content is not None and not stored.content:
            raise _bad("file must be non-empty")
        media = self._photo_media(stored) if field == "photo" else self._document_media(stored)
        version = MessageVersion(
            text=None,
            caption=caption,
            caption_entities=caption_entities,
            inline_markup=inline,
            source=params.get("caption"),
            parse_mode=params.get("parse_mode"),
        )
        message = self._store_bot_message(
            chat,
            method,
            version,
            params,
            media=media,
            files=[stored],
            keyboard=keyboard,
            reply_to=reply_to,
        )
        return message.to_api()

    async def _send_photo(self, params: Params) -> dict:
        return await self._send_file_message("sendPhoto", "photo", params)

    async def _send_document(self, params: Params) -> dict:
        return await self._send_file_message("sendDocument", "document", params)

    async def _send_media_group(self, params: Params) -> list[dict]:
        chat = self._begin_send("sendMediaGroup", params)
        items = params.get("media")
        if not isinstance(items, list) or not 2 <= len(items) <= 10:
            raise _bad("wrong number of media in the album: must be between 2 and 10")
        reply_to = self._reply_target(chat, params)
        prepared = []
        for item in items:
            if not isinstance(item, dict) or item.get("type") not in (
                "photo", "video", "document", "audio"
            ):  # fmt: skip
                raise _bad("can't parse InputMedia JSON object")
            caption, caption_entities = self._caption(
                {
                    "caption": item.get("caption"),
                    "parse_mode": item.get("parse_mode"),
                    "caption_entities": item.get("caption_entities"),
                }
            )
            kind = "photos" if item["type"] == "photo" else f"{item['type']}s"
            stored = self._resolve_file(item.get("media"), params, kind=kind)
            prepared.append((item, caption, caption_entities, stored))
        group_id = str(10_000_000 + next(self._ids))
        results = []
        for item, caption, caption_entities, stored in prepared:
            if item["type"] == "photo":
                media = self._photo_media(stored)
            elif item["type"] == "document":
                media = self._document_media(stored)
            else:
                media = {item["type"]: _av_file(item["type"], stored)}
            version = MessageVersion(
                text=None,
                caption=caption,
                caption_entities=caption_entities,
                source=item.get("caption"),
                parse_mode=item.get("parse_mode"),
            )
            message = self._store_bot_message(
                chat,
                "sendMediaGroup",
                version,
                params,
                media=media,
                files=[stored],
                reply_to=reply_to,
                media_group_id=group_id,
            )
            results.append(message.to_api())
        return results

    async def _send_location(self, params: Params) -> dict:
        chat = self._begin_send("sendLocation", params)
        latitude, longitude = params.get("latitude"), params.get("longitude")
        if not isinstance(latitude, float) or not -90 <= latitude <= 90:
            raise _bad("wrong latitude specified")
        if not isinstance(longitude, float) or not -180 <= longitude <= 180:
            raise _bad("wrong longitude specified")
        inline, keyboard = self._split_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        message = self._store_bot_message(
            chat,
            "sendLocation",
            MessageVersion(text=None, inline_markup=inline),
            params,
            media={"location": {"latitude": latitude, "longitude": longitude}},
            keyboard=keyboard,
            reply_to=reply_to,
        )
        return message.to_api()

    def _source_message(self, params: Params, action: str) -> StoredMessage:
        source_chat = self.chats.get(_chat_id(params, "from_chat_id"))
        source = source_chat.messages.get(_message_id(params)) if source_chat else None
        if source is None or source.deleted:
            raise _bad(f"message to {action} not found")
        return source

    async def _copy_message(self, params: Params) -> dict:
        chat = self._begin_send("copyMessage", params)
        source = self._source_message(params, "copy")
        inline, keyboard = self._split_markup(params.get("reply_markup"))
        caption, caption_entities = source.current.caption, source.current.caption_entities
        if "caption" in params:
            caption, caption_entities = self._caption(params)
        version = MessageVersion(
            text=source.current.text,
            entities=source.current.entities,
            caption=caption,
            caption_entities=caption_entities,
            inline_markup=inline,
            source=source.current.source,
        )
        message = self._store_bot_message(
            chat,
            "copyMessage",
            version,
            params,
            media=copy.deepcopy(source.media),
            files=source.files,
            keyboard=keyboard,
            reply_to=self._reply_target(chat, params),
        )
        return {"message_id": message.message_id}

    async def _forward_message(self, params: Params) -> dict:
        chat = self._begin_send("forwardMessage", params)
        source = self._source_message(params, "forward")
        version = MessageVersion(
            text=source.current.text,
            entities=source.current.entities,
            caption=source.current.caption,
            caption_entities=source.current.caption_entities,
            source=source.current.source,
        )
        origin = {"type": "user", "sender_user": source.from_user, "date": source.date}
        message = self._store_bot_message(
            chat,
            "forwardMessage",
            version,
            params,
            media=copy.deepcopy(source.media),
            files=source.files,
            forward_origin=origin,
        )
        return message.to_api()

    async def _edit_message_text(self, params: Params) -> dict:
        message = self._editable(params)
        if message.current.text is None:
            raise _bad("there is no text in the message to edit")
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities"), caption=False
        )
        version = MessageVersion(
            text=text,
            entities=entities,
            # Like Telegram: an edit without reply_markup removes the inline keyboard.
            inline_markup=self._inline_only(params.get("reply_markup")),
            source=params["text"],
            parse_mode=params.get("parse_mode"),
        )
        return self._apply_edit(message, version)

    async def _edit_message_caption(self, params: Params) -> dict:
        message = self._editable(params)
        if message.current.text is not None:
            raise _bad("there is no caption in the message to edit")
        caption, caption_entities = self._caption(params)
        version = MessageVersion(
            text=None,
            caption=caption,
            caption_entities=caption_entities,
            inline_markup=self._inline_only(params.get("reply_markup")),
            source=params.get("caption"),
            parse_mode=params.get("parse_mode"),
        )
        return self._apply_edit(message, version)

    async def _edit_message_reply_markup(self, params: Params) -> dict:
        message = self._editable(params)
        current = message.current
        version = MessageVersion(
            text=current.text,
            entities=current.entities,
            caption=current.caption,
            caption_entities=current.caption_entities,
            inline_markup=self._inline_only(params.get("reply_markup")),
            source=current.source,
            parse_mode=current.parse_mode,
        )
        return self._apply_edit(message, version)

    async def _delete_message(self, params: Params) -> bool:
        chat, message = self._target_message(params, action="delete")
        message.deleted = True
        chat.events.append(TranscriptEntry("bot", f"[delete #{message.message_id}]"))
        self.changes.notify()
        return True

    async def _answer_callback_query(self, params: Params) -> bool:
        record = self.callback_queries.get(str(params.get("callback_query_id", "")))
        if record is None or record.answer is not None:
            raise _bad(_QUERY_INVALID)
        text = params.get("text") or ""
        if len(text) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        record.answer = {
            "text": text or None,
            "show_alert": bool(params.get("show_alert")),
            "url": params.get("url"),
            "cache_time": params.get("cache_time") or 0,
        }
        alert = " (alert)" if record.answer["show_alert"] else ""
        self.chats[record.chat_id].events.append(
            TranscriptEntry("bot", f"[answer{alert}] {text}".rstrip(), f"query {record.query_id}")
        )
        self.changes.notify()
        return True

    async def _send_chat_action(self, params: Params) -> bool:
        chat = self._begin_send("sendChatAction", params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        chat.actions.append(action)
        return True

    async def _get_file(self, params: Params) -> dict:
        stored = self.files.get(str(params.get("file_id", "")))
        if stored is None or stored.content is None:
            raise _bad("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def _get_chat(self, params: Params) -> dict:
        chat = self.chats.get(_chat_id(params))
        if chat is None:
            raise _bad("chat not found")
        return {
            **chat.chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_chat_member(self, params: Params) -> dict:
        chat = self.chats.get(_chat_id(params))
        if chat is None:
            raise _bad("chat not found")
        user_id = params.get("user_id")
        if user_id == chat.user["id"]:
            return {"status": "member", "user": chat.user}
        if user_id == self.bot_id:
            return {"status": "member", "user": self.bot_user}
        raise _bad("user not found")


class _TokenBucket:
    """``rate`` sends per second, with a burst of one second's worth."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(rate, 1.0)
        self.tokens = self.capacity
        self.updated = time.monotonic()

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one send may pass (0 = now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1


def _photo_size(stored: StoredFile, width: int, height: int) -> dict:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": width,
        "height": height,
        "file_size": stored.size,
    }


def _av_file(kind: str, stored: StoredFile) -> dict:
    data: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": 1,
        "file_size": stored.size,
    }
    if kind == "video":
        data.update(width=640, height=480)
    if stored.filename:
        data["file_name"] = stored.filename
    return data


def _detail(message: StoredMessage) -> str:
    """Buttons and keyboards of a bot message, for failure transcripts."""
    parts = [f"#{message.message_id}"]
    markup = message.current.inline_markup
    if markup:
        labels = [
            f"{b['text']}→{b.get('callback_data', b.get('url', '?'))}"
            for row in markup["inline_keyboard"]
            for b in row
        ]
        parts.append("buttons: " + " | ".join(labels))
    if message.keyboard:
        if "keyboard" in message.keyboard:
            labels = [
                b if isinstance(b, str) else b.get("text", "?")
                for row in message.keyboard["keyboard"]
                for b in row
            ]
            parts.append("keyboard: " + " | ".join(labels))
        elif message.keyboard.get("remove_keyboard"):
            parts.append("removes keyboard")
        elif message.keyboard.get("force_reply"):
            parts.append("force reply")
    return "  ".join(parts)
