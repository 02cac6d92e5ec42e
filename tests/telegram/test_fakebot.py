"""Self-tests of the fake Telegram rig: a tiny real PTB bot driven over HTTP by fake users.

The bot below is deliberately small and independent of Jiangxin's code, so a failure here
points at the rig (tests/utils/fakebot), not at the product.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
import pytest_asyncio
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.utils.fakebot import TINY_JPEG, FakeBotApi, RunningApp, run_ptb_app
from tests.utils.fakebot.fixtures import fake_bot_api  # noqa: F401
from tests.utils.fakebot.tg_html import HtmlParseError, parse_html

CSV_EXPORT = "id,name\n1,王师傅\n".encode("utf-8-sig")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = " ".join(context.args or []) or "-"
    await update.effective_message.reply_text(
        f"你好 {update.effective_user.first_name}，参数：{args}"
    )


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("认领", callback_data="claim:1"),
                InlineKeyboardButton("原样", callback_data="same"),
            ],
            [InlineKeyboardButton("长提示", callback_data="long")],
        ]
    )
    await update.effective_message.reply_text("待认领订单 #1", reply_markup=keyboard)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.data == "long":
        await query.answer("长" * 201)  # over Telegram's 200 characters: must fail
        return
    await query.answer("已认领" if query.data.startswith("claim:") else None)
    if query.data.startswith("claim:"):
        name = html.escape(query.from_user.first_name)
        await query.edit_message_text(f"订单 #1 已由 <b>{name}</b> 认领", parse_mode=ParseMode.HTML)
    elif query.data == "same":
        # A double click re-renders identical content: Telegram answers "not modified".
        await query.edit_message_text(query.message.text, reply_markup=query.message.reply_markup)


async def broken_html(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user_input = "1 < 2"  # not passed through html.escape: the classic production crash
    await update.effective_message.reply_html(f"你说：<b>{user_input}</b>")


async def long_callback_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("认领", callback_data="认领" * 11)]])
    await update.effective_message.reply_text("22 个汉字 = 66 字节", reply_markup=keyboard)


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_document(
        document=CSV_EXPORT, filename="orders.csv", caption="导出完成"
    )


async def ask_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("分享手机号", request_contact=True)], ["取消"]], resize_keyboard=True
    )
    await update.effective_message.reply_text("请分享手机号", reply_markup=keyboard)


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    phone = update.effective_message.contact.phone_number
    await update.effective_message.reply_text(f"已记录 {phone}", reply_markup=ReplyKeyboardRemove())


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    file = await update.effective_message.photo[-1].get_file()
    data = await file.download_as_bytearray()
    await update.effective_message.reply_text(f"收到图片 {len(data)} 字节")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


def build_app(bot_api: FakeBotApi) -> Application:
    app = bot_api.application_builder().build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CommandHandler("html", broken_html))
    app.add_handler(CommandHandler("longdata", long_callback_data))
    app.add_handler(CommandHandler("export", export))
    app.add_handler(CommandHandler("phone", ask_phone))
    app.add_handler(MessageHandler(filters.CONTACT, contact))
    app.add_handler(MessageHandler(filters.PHOTO, photo))
    app.add_handler(CallbackQueryHandler(button))
    # Last: anything else that is text and not a command.
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


@dataclass(frozen=True)
class Rig:
    """The fake Telegram and the bot polling it, for tests that need both."""

    api: FakeBotApi
    app: RunningApp


@pytest_asyncio.fixture
async def rig(fake_bot_api: FakeBotApi) -> AsyncIterator[Rig]:  # noqa: F811
    async with run_ptb_app(build_app(fake_bot_api)) as running:
        yield Rig(fake_bot_api, running)


async def test_text_is_echoed_and_transcribed(rig: Rig) -> None:
    bot_api = rig.api
    user = bot_api.user(1001, "王师傅")
    await user.send("注塑件毛边太多怎么办")
    reply = await user.next_message()
    assert reply.text == "echo: 注塑件毛边太多怎么办"
    assert user.transcript() == [
        ("user", "注塑件毛边太多怎么办"),
        ("bot", "echo: 注塑件毛边太多怎么办"),
    ]


async def test_command_args_and_non_ascii_commands(rig: Rig) -> None:
    bot_api = rig.api
    user = bot_api.user(1001, "王师傅")
    await user.send("/start team-tech")
    assert (await user.next_message()).text == "你好 王师傅，参数：team-tech"
    # Telegram does not mark "/帮助" as a command, so CommandHandler never sees it.
    await user.send("/帮助")
    assert (await user.next_message()).text == "echo: /帮助"


async def test_press_answers_and_edits(rig: Rig) -> None:
    bot_api = rig.api
    user = bot_api.user(1001, "王<师傅>")
    await user.send("/menu")
    menu_message = await user.next_message()
    assert menu_message.buttons == [["认领", "原样"], ["长提示"]]
    assert menu_message.button_data("认领") == "claim:1"

    await user.press("认领", message=menu_message)
    answer = await user.last_callback_answer()
    assert (answer.text, answer.show_alert) == ("已认领", False)
    edited = await user.next_edit(menu_message)
    assert edited.text == "订单 #1 已由 王<师傅> 认领"
    assert edited.sent_text == "订单 #1 已由 <b>王&lt;师傅&gt;</b> 认领"
    assert edited.entities == ({"type": "bold", "offset": 9, "length": 5},)
    assert edited.buttons == []  # an edit without reply_markup drops the keyboard, as Telegram
    assert menu_message.latest().version == 1


async def test_identical_edit_raises_bad_request(rig: Rig) -> None:
    bot_api, app = rig.api, rig.app
    user = bot_api.user(1001, "王师傅")
    await user.send("/menu")
    await user.next_message()
    await user.press("原样")
    error = await app.next_error()
    assert isinstance(error, BadRequest)
    assert "message is not modified" in error.message.lower()


async def test_unescaped_html_raises_bad_request(rig: Rig) -> None:
    bot_api, app = rig.api, rig.app
    user = bot_api.user(1001, "王师傅")
    await user.send("/html")
    error = await app.next_error()
    assert isinstance(error, BadRequest)
    assert error.message.startswith("Can't parse entities: unsupported start tag")
    await user.expect_no_message(within=0.2)


async def test_html_entities_come_back_as_telegram_does(rig: Rig) -> None:
    bot_api, app = rig.api, rig.app
    user = bot_api.user(1001, "王师傅", started=True)
    sent = await app.bot.send_message(user.id, "🏟 <b>粗体</b> &lt;x&gt; & y", parse_mode="HTML")
    assert sent.text == "🏟 粗体 <x> & y"
    assert sent.entities == (MessageEntity(MessageEntity.BOLD, offset=3, length=2),)
    assert sent.text_html == "🏟 <b>粗体</b> &lt;x&gt; &amp; y"


async def test_callback_data_over_64_bytes_raises_bad_request(rig: Rig) -> None:
    bot_api, app = rig.api, rig.app
    user = bot_api.user(1001, "王师傅")
    await user.send("/longdata")
    error = await app.next_error()
    assert isinstance(error, BadRequest)
    assert error.message.lower() == "button_data_invalid"


async def test_answer_text_over_200_characters_raises_bad_request(rig: Rig) -> None:
    bot_api, app = rig.api, rig.app
    user = bot_api.user(1001, "王师傅")
    await user.send("/menu")
    await user.next_message()
    await user.press("长提示")
    error = await app.next_error()
    assert isinstance(error, BadRequest)
    assert error.message.lower() == "message_too_long"  # PTB drops "Bad Request: ", capitalizes


async def test_blocked_and_never_started_chats_raise_forbidden(rig: Rig) -> None:
    bot_api, app = rig.api, rig.app
    user = bot_api.user(1001, "王师傅")
    await user.send("/start")
    await user.next_message()
    bot_api.server.block_chat(user.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(user.id, "新订单")

    stranger = bot_api.user(1002, "李工")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await app.bot.send_message(stranger.id, "新订单")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await app.bot.send_message(999_999, "新订单")


async def test_injected_429_raises_retry_after(rig: Rig) -> None:
    bot_api, app = rig.api, rig.app
    user = bot_api.user(1001, "王师傅", started=True)
    bot_api.server.rate_limit(chat_id=user.id, times=1, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(user.id, "第一条")
    assert caught.value.retry_after == dt.timedelta(seconds=3)
    await app.bot.send_message(user.id, "第二条")  # only the next send was limited
    assert bot_api.server.count_429 == 1
    assert [m.text for m in user.drain()] == ["第二条"]


async def test_flood_limit_answers_429_beyond_the_rate(rig: Rig) -> None:
    bot_api, app = rig.api, rig.app
    users = [bot_api.user(5000 + i, f"用户{i}", started=True) for i in range(3)]
    bot_api.server.flood_limit(global_per_sec=2)
    for user in users[:2]:  # a burst of one second's worth passes
        await app.bot.send_message(user.id, "通知")
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(users[2].id, "通知")
    assert caught.value.retry_after == dt.timedelta(seconds=1)
    assert bot_api.server.count_429 == 1
    sends = bot_api.server.calls_of("sendMessage")
    assert [call.params["chat_id"] for call in sends] == [5000, 5001, 5002]


async def test_ten_users_pressing_concurrently_all_get_answers(rig: Rig) -> None:
    bot_api = rig.api
    users = [bot_api.user(2000 + i, f"师傅{i}") for i in range(10)]
    await asyncio.gather(*(u.send("/menu") for u in users))
    menus = await asyncio.gather(*(u.next_message() for u in users))
    await asyncio.gather(*(u.press("认领", m) for u, m in zip(users, menus, strict=True)))
    answers = await asyncio.gather(*(u.last_callback_answer() for u in users))
    assert {a.text for a in answers} == {"已认领"}
    edits = await asyncio.gather(*(u.next_edit(m) for u, m in zip(users, menus, strict=True)))
    assert [e.text for e in edits] == [f"订单 #1 已由 师傅{i} 认领" for i in range(10)]


async def test_broadcast_through_aioratelimiter_stays_under_flood_limit(
    fake_bot_api: FakeBotApi,  # noqa: F811
) -> None:
    users = [fake_bot_api.user(6000 + i, f"用户{i}", started=True) for i in range(45)]
    fake_bot_api.server.flood_limit(global_per_sec=30)
    app = fake_bot_api.application_builder().rate_limiter(AIORateLimiter()).build()
    async with run_ptb_app(app) as running:
        await asyncio.gather(*(running.bot.send_message(u.id, "停水通知") for u in users))
    assert fake_bot_api.server.count_429 == 0
    assert len(fake_bot_api.server.calls_of("sendMessage")) == 45


async def test_forged_callback_data_is_delivered(rig: Rig) -> None:
    bot_api = rig.api
    user = bot_api.user(1001, "王师傅")
    await user.send("/menu")
    menu_message = await user.next_message()
    await user.press_data("claim:999x")  # the bot treats it as a claim of an unknown order
    assert (await user.last_callback_answer()).text == "已认领"
    assert (await user.next_edit(menu_message)).text.startswith("订单 #1")
    assert user.transcript()[-3:] == [
        ("user", "[press data=claim:999x]"),
        ("bot", "[answer] 已认领"),
        ("bot", "[edit #2] 订单 #1 已由 王师傅 认领"),
    ]


async def test_sent_document_bytes_are_readable(rig: Rig) -> None:
    bot_api = rig.api
    user = bot_api.user(1001, "王师傅")
    await user.send("/export")
    message = await user.next_message()
    assert message.text == "导出完成"
    assert message.document is not None
    assert message.document.filename == "orders.csv"
    assert message.document.content == CSV_EXPORT
    assert message.document.text().splitlines() == ["id,name", "1,王师傅"]


async def test_reply_keyboard_contact_button(rig: Rig) -> None:
    bot_api = rig.api
    user = bot_api.user(1001, "王师傅", phone_number="8613812345678")
    await user.send("/phone")
    prompt = await user.next_message()
    assert prompt.reply_keyboard == [["分享手机号"], ["取消"]]
    assert user.reply_keyboard == [["分享手机号"], ["取消"]]
    await user.tap("分享手机号")
    confirmation = await user.next_message()
    assert confirmation.text == "已记录 8613812345678"
    assert confirmation.removes_reply_keyboard
    assert user.reply_keyboard is None


async def test_user_photo_is_downloadable_by_the_bot(rig: Rig) -> None:
    bot_api = rig.api
    user = bot_api.user(1001, "王师傅")
    await user.send_photo()
    assert (await user.next_message()).text == f"收到图片 {len(TINY_JPEG)} 字节"


async def test_expect_no_message(rig: Rig) -> None:
    bot_api = rig.api
    user = bot_api.user(1001, "王师傅")
    await user.send_sticker()  # the bot has no sticker handler
    await user.expect_no_message(within=0.3)

    await user.send("你好")
    with pytest.raises(AssertionError, match="expected no bot message"):
        await user.expect_no_message(within=2)


async def test_timeout_fails_with_the_transcript(rig: Rig) -> None:
    bot_api = rig.api
    user = bot_api.user(1001, "王师傅")
    await user.send("你好")
    await user.next_message()
    await user.send_voice()
    with pytest.raises(AssertionError) as caught:
        await user.next_message(timeout=0.2)
    report = str(caught.value)
    assert "waited 0.2s for a new bot message" in report
    assert "Transcript of chat 1001" in report
    assert "echo: 你好" in report and "[voice 3s]" in report


async def test_waiting_without_a_running_bot_says_so(
    fake_bot_api: FakeBotApi,  # noqa: F811
) -> None:
    bot_api = fake_bot_api
    user = bot_api.user(1001, "王师傅")
    await user.send("你好")
    with pytest.raises(AssertionError, match=r"never fetched by the bot"):
        await user.next_message(timeout=0.1)


async def test_commands_are_stored_per_scope_and_language(rig: Rig) -> None:
    bot_api, app = rig.api, rig.app
    await app.bot.set_my_commands([("start", "开始"), ("menu", "菜单")], language_code="zh")
    assert bot_api.server.get_commands(language_code="zh") == [
        ("start", "开始"),
        ("menu", "菜单"),
    ]
    assert bot_api.server.get_commands() == []
    commands = await app.bot.get_my_commands(language_code="zh")
    assert [c.command for c in commands] == ["start", "menu"]
    with pytest.raises(BadRequest):
        await app.bot.set_my_commands([("帮助", "help")])
    with pytest.raises(BadRequest):
        await app.bot.set_my_commands([("start", "开始")], language_code="zh-hans")


async def test_wrong_token_and_unknown_method(fake_bot_api: FakeBotApi) -> None:  # noqa: F811
    base = fake_bot_api.base_url
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base}999:WRONG/getMe") as response:
            assert response.status == 401
            assert (await response.json())["description"] == "Unauthorized"
        async with session.post(f"{base}{fake_bot_api.token}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        # GET with a query string and JSON bodies work too (PTB itself POSTs form data).
        async with session.get(f"{base}{fake_bot_api.token}/getMe?x=1") as response:
            assert (await response.json())["result"]["id"] == fake_bot_api.bot_id
        async with session.post(f"{base}{fake_bot_api.token}/getMe", json={}) as response:
            assert (await response.json())["result"]["username"] == fake_bot_api.bot_username


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("a &lt;b&gt; &amp; &quot;c&quot; &#x27;d&#39; & e", "a <b> & \"c\" 'd' & e", []),
        ("🏟 <i>x</i>", "🏟 x", [("italic", 3, 1)]),
        ("<b>a<i>b</i></b>", "ab", [("bold", 0, 2), ("italic", 1, 1)]),
        ('<a href="https://t.me/x?a=1&amp;b=2">t</a>', "t", [("text_link", 0, 1)]),
        ('<pre><code class="language-python">x</code></pre>', "x", [("pre", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        (
            '<tg-spoiler>s</tg-spoiler><span class="tg-spoiler">t</span>',
            "st",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
    ],
)
def test_html_parser_accepts_telegram_html(
    source: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    plain, parsed = parse_html(source)
    assert plain == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed] == entities


@pytest.mark.parametrize(
    ("source", "error"),
    [  # tdlib's own test cases and wording
        ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("🏟 🏟&lt;<i    aba>", 'Expected equal sign in declaration of an attribute of the tag "i"'),
        ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
        ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
        ("<i>a</em>", 'Unmatched end tag at byte offset 4, expected "</i>", found "</em>"'),
        ("<b>a", "Can't find end tag corresponding to start tag b"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_html_parser_rejects_what_telegram_rejects(source: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)
    assert str(caught.value).startswith(error)
