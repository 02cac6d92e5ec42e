"""The Telegram channel end to end: greetings, menus, odd input, restarts."""

from __future__ import annotations

import asyncio

from tests.utils import volunteers as f
from tests.utils.tgrig import TgRig


async def test_start_answers_in_chinese(tg: TgRig) -> None:
    worker = tg.user(1001, "王师傅")
    await worker.send("/start")
    msg = await worker.next_message()
    assert "王师傅" in msg.text and "匠心点单" in msg.text


async def test_help_differs_for_admin(tg: TgRig) -> None:
    worker, admin = tg.user(1001, "王师傅"), tg.user(1, "管理员")
    await worker.send("/help")
    await admin.send("/help")
    w, a = await worker.next_message(), await admin.next_message()
    assert "/myorders" in w.text or "/order" in w.text
    assert "/admin" in a.text


async def test_menus_are_set_with_chinese_descriptions(tg: TgRig) -> None:
    server = tg.api.server
    default = server.get_commands()
    assert {"start", "help", "cancel"} <= {name for name, _ in default}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in desc) for _, desc in default)
    english = dict(server.get_commands(language_code="en"))
    assert english["help"] == "Help"
    admin = server.get_commands(scope={"type": "chat", "chat_id": 1})
    assert len(admin) >= len(default)


async def test_unexpected_input_gets_a_polite_reply(tg: TgRig) -> None:
    worker = tg.user(1002, "李师傅")
    await worker.send_sticker()
    assert "表情" in (await worker.next_message()).text
    await worker.send("/nosuchcommand")
    assert "/help" in (await worker.next_message()).text
    await worker.press_data("claim:999999")
    answer = await worker.last_callback_answer()
    assert answer.text == "已过期"


async def test_restart_keeps_working(tg: TgRig) -> None:
    worker = tg.user(1003, "赵师傅")
    await worker.send("/start")
    await worker.next_message()
    await tg.restart()
    await worker.send("/help")
    assert (await worker.next_message()).text


async def _reachable(tg: TgRig, user_id: int, want: bool) -> bool:
    from sqlmodel import select

    from store.models import Person

    for _ in range(100):  # a bounded wait for the update to be handled
        async with tg.db.session() as s:
            p = (await s.exec(select(Person).where(Person.external_id == str(user_id)))).one()
        if p.reachable is want:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_blocking_the_bot_marks_the_person_unreachable(tg: TgRig) -> None:
    worker = tg.user(1004, "钱师傅")
    await worker.send("/start")
    await worker.next_message()
    await worker.block_bot()
    assert await _reachable(tg, 1004, False)
    await worker.unblock_bot()
    assert await _reachable(tg, 1004, True)


async def test_a_long_reply_is_split_without_breaking_entities(tg: TgRig) -> None:
    worker = tg.user(1005, "孙师傅")
    need = "电机坏了" + "&" * 996  # escapes to ~5,000 characters of HTML
    await worker.send(need)
    first = await worker.next_message()
    messages = [first]
    while not messages[-1].buttons:
        messages.append(await worker.next_message())
    shown = "".join(m.text for m in messages)
    assert need in shown  # every "&" arrived as "&", none as "&amp" or "mp;"
    assert "&amp" not in shown and "mp;" not in shown


async def test_one_persons_quick_messages_are_answered_in_order(tg: TgRig) -> None:
    worker = tg.user(1006, "周师傅")
    commands = ["/help", "/start", "/myorders", "/help", "/cancel", "/start"]
    for text in commands:  # sent back to back, as a fast typist would
        await worker.send(text)
    replies = await worker.next_messages(len(commands))
    kinds = [
        "help"
        if "怎么用" in m.text
        else "start"
        if "这里是" in m.text
        else "orders"
        if "订单" in m.text
        else "cancel"
        if "没有进行中" in m.text
        else m.text
        for m in replies
    ]
    assert kinds == ["help", "start", "orders", "help", "cancel", "start"]


async def test_a_429_on_the_text_does_not_resend_the_photos(tg: TgRig) -> None:
    from sqlmodel import select

    from bot.notify import deliver
    from bot.reply import Reply
    from store.models import Person

    worker = tg.user(1007, "吴师傅")
    await worker.send_photo()  # the user shared a photo: the bot may send its file id on
    await worker.next_message()
    photo = next(iter(tg.api.server.files))
    async with tg.db.session() as s:
        person = (await s.exec(select(Person).where(Person.external_id == "1007"))).one()
    tg.api.server.rate_limit(chat_id=1007, times=1, retry_after=1, methods=["sendMessage"])
    ref = await deliver(tg.deps, person, Reply("现场照片如上", photos=(photo,)))
    assert ref is not None
    assert len(tg.api.server.calls_of("sendPhoto")) == 1
    assert tg.api.server.count_429 == 1
    assert (await worker.next_message()).photo is not None
    assert (await worker.next_message()).text == "现场照片如上"


async def test_people_are_greeted_by_the_name_they_gave_once_politely(tg: TgRig) -> None:
    await f.volunteer(tg.deps, 3101, "王建国")  # registered as a volunteer under this name
    volunteer = tg.user(3101, "王师傅")  # and called 王师傅 on Telegram
    await volunteer.send("/start")
    text = (await volunteer.next_message()).text
    assert text.startswith("您好，王建国！") and "师傅师傅" not in text
    worker = tg.user(3102, "李师傅")
    await worker.send("/start")
    assert (await worker.next_message()).text.startswith("您好，李师傅！")
