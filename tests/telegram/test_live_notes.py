"""The live-message notes are written behind the replies (bot.live.LiveNotes): a step costs
its update's one write transaction, the old step's buttons still go, and the notes reach
the database at the flush (or at stop), or ride in the person's next update."""

# ruff: noqa: F811 -- pytest fixtures are imported by name and then used as parameters.

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlmodel import select

from store.engine import Database
from store.models import LiveMessage, Person
from tests.utils.fakebot.driver import BotMessage, FakeUser
from tests.utils.fakebot.fixtures import fake_bot_api  # noqa: F401  (fixture)
from tests.utils.tgrig import TgRig, tg  # noqa: F401  (fixture)

YES_TECH = "✅ 对，交给技术攻关服务队"
# Write sessions that are not an update's handling: storing a getUpdates batch in the inbox;
# on PostgreSQL the transaction that only holds the chat's advisory lock while its rows
# run, and the send budget the instances share (one per message sent, by the sender).
NOT_THE_HANDLING = {"receive", "Inbox._drain", "SharedBudget.take"}


class Sessions:
    """Every ``Database.session()`` opened, by the name of the function that opened it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.callers: list[str] = []
        original = Database.session

        def counted(db: Database) -> Any:
            self.callers.append(sys._getframe(1).f_code.co_qualname)
            return original(db)

        monkeypatch.setattr(Database, "session", counted)

    def take(self) -> list[str]:
        callers, self.callers = self.callers, []
        return [c for c in callers if c not in NOT_THE_HANDLING]


async def idle(tg: TgRig) -> None:
    """Until the updates sent so far are handled to the end (replies sent and noted)."""
    assert tg.running is not None
    app = tg.running.application
    for _ in range(500):
        await asyncio.sleep(0.01)
        if app.update_processor.current_concurrent_updates == 0 and app.update_queue.empty():
            return
    raise AssertionError("updates still being handled after 5 s")


async def live_row(tg: TgRig, user: FakeUser) -> LiveMessage | None:
    async with tg.db.read() as s:
        person = (await s.exec(select(Person).where(Person.external_id == str(user.id)))).one()
        return await s.get(LiveMessage, person.id)


async def test_each_step_is_one_write_transaction_and_old_buttons_still_go(
    tg: TgRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue (performance): at most one read-write transaction per update — a text step
    whose reply carries step buttons, a press answered by an edit, a step typed instead of
    pressed — while the buttons of the step left behind disappear as before. The flush of
    the notes is the batch's, not an update's: held off here (it has its own test)."""
    tg.engine.live_notes.delay = 60.0
    u = tg.user(2101, "钱师傅", phone_number="8613812345678")
    await u.send("/start")  # a first visit also writes the person: not counted
    await u.next_message()
    await idle(tg)
    sessions = Sessions(monkeypatch)
    per_step: dict[str, list[str]] = {}

    async def step(name: str, act: Callable[[], Awaitable[Any]]) -> None:
        await act()
        await idle(tg)
        per_step[name] = sessions.take()

    confirm: BotMessage
    time_prompt: BotMessage
    photos: BotMessage
    summary: BotMessage
    again: BotMessage

    async def need() -> None:
        nonlocal confirm
        await u.send("注塑件毛边太多怎么办")
        confirm = await u.next_message()
        assert confirm.buttons

    await step("a need typed: the routing question with its buttons", need)

    async def yes() -> None:
        await u.press(YES_TECH, message=confirm)
        await u.next_edit(confirm)
        await u.next_message()  # the place prompt

    await step("the team pressed: answered by an edit", yes)

    async def place() -> None:
        nonlocal time_prompt
        await u.send("北仑区大碶街道1号")
        time_prompt = (await u.next_messages(2))[-1]
        assert time_prompt.has_button("尽快")

    await step("the place typed: the time buttons", place)

    async def typed_time() -> None:
        await u.send("明天上午")  # typed instead of pressing a time button
        assert "明天上午" in (await u.next_message()).text
        assert time_prompt.latest().buttons == []  # the time buttons went

    await step("the time typed instead of pressed", typed_time)

    async def phone() -> None:
        nonlocal photos
        await u.tap("📱 分享我的手机号")
        photos = (await u.next_messages(2))[-1]
        assert photos.buttons == [["跳过"], ["取消"]]

    await step("the phone shared: the photo buttons", phone)

    async def skip() -> None:
        nonlocal summary
        await u.press("跳过", message=photos)
        summary = await u.next_edit(photos)  # the photos message becomes the summary
        assert summary.has_button("确认提交")

    await step("photos skipped: the summary, in place", skip)

    async def words() -> None:
        nonlocal again
        await u.send("确认")  # words at the summary: it comes again, the old one goes quiet
        again = await u.next_message()
        assert again.has_button("确认提交") and summary.latest().buttons == []

    await step("words at the summary: a new summary", words)
    assert confirm.latest().buttons == [] and photos.latest().buttons == []
    costly = {name: callers for name, callers in per_step.items() if len(callers) > 1}
    assert costly == {}, per_step
    # The new summary's note is still held; it is written when the engine stops.
    assert await live_row(tg, u) is None
    await tg.engine.stop()
    row = await live_row(tg, u)
    assert row is not None and row.message_id == str(again.message_id)


async def test_a_note_reaches_the_database_at_the_flush(tg: TgRig) -> None:
    """Nobody moves on: the live message is in the database one flush later, and the one it
    replaced in the database loses its buttons then."""
    u = tg.user(2102, "孙师傅")
    await u.send("/order")
    catalogue = await u.next_message()
    await asyncio.sleep(tg.engine.live_notes.delay + 0.5)
    row = await live_row(tg, u)
    assert row is not None and row.message_id == str(catalogue.message_id)
    # The list is pressed (it stays live in the database, written with the press) and
    # answered by new messages: the newest is noted, and at the flush it replaces the list.
    await u.press("技术攻关服务队", message=catalogue)
    await u.next_message()
    services = await u.next_message()
    quiet = await u.next_edit(catalogue)  # the flush strips what the newer note replaced
    assert quiet.buttons == [] and "服务清单" in quiet.text
    row = await live_row(tg, u)
    assert row is not None and row.message_id == str(services.message_id)


async def test_a_note_reaches_the_database_at_stop(tg: TgRig) -> None:
    tg.engine.live_notes.delay = 60.0
    u = tg.user(2103, "李师傅")
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await idle(tg)
    assert await live_row(tg, u) is None
    await tg.restart()  # an orderly stop writes what is pending
    row = await live_row(tg, u)
    assert row is not None and row.message_id == str(confirm.message_id)
    assert confirm.latest().buttons  # still the step's: nobody moved on
    await u.send("/cancel")  # the next process strips it
    await u.next_message()
    assert confirm.latest().buttons == []
    await idle(tg)
    assert await live_row(tg, u) is None


async def test_moving_on_before_the_flush_strips_the_pending_message(tg: TgRig) -> None:
    """The next update takes the note back: typing strips the pending message and the row
    it replaces in the database, and forgets that row with the step."""
    tg.engine.live_notes.delay = 60.0
    u = tg.user(2104, "周师傅")
    await u.send("/order")
    catalogue = await u.next_message()
    await idle(tg)
    await tg.engine.live_notes.flush()  # the list is the database's live row
    await u.press("技术攻关服务队", message=catalogue)  # pressed: it stays live …
    await u.next_message()
    services = await u.next_message()  # … and the team's services are noted, held
    await idle(tg)
    assert catalogue.latest().buttons and services.latest().buttons
    row = await live_row(tg, u)
    assert row is not None and row.message_id == str(catalogue.message_id)
    await u.send("注塑件毛边太多怎么办")  # typed instead: both lose their buttons
    await u.next_message()  # the team was picked: straight to the place
    assert catalogue.latest().buttons == [] and services.latest().buttons == []
    await idle(tg)
    assert await live_row(tg, u) is None  # forgotten with the step
    await tg.engine.live_notes.flush()
    assert await live_row(tg, u) is None


async def test_a_pressed_pending_message_is_written_with_the_press(tg: TgRig) -> None:
    """Pressing the message whose note is held keeps it live: the press's transaction
    writes it, and the newer step noted after it replaces it at the flush."""
    tg.engine.live_notes.delay = 60.0
    u = tg.user(2105, "吴师傅")
    await u.send("/order")
    catalogue = await u.next_message()
    await idle(tg)
    await u.press("技术攻关服务队", message=catalogue)
    await u.next_message()
    services = await u.next_message()
    await idle(tg)
    row = await live_row(tg, u)
    assert row is not None and row.message_id == str(catalogue.message_id)
    assert catalogue.latest().buttons
    await tg.engine.live_notes.flush()
    assert catalogue.latest().buttons == []
    row = await live_row(tg, u)
    assert row is not None and row.message_id == str(services.message_id)
    # Pressing a held message answered by an edit of it: written, then forgotten.
    await u.send("注塑件毛边太多怎么办")
    await u.next_message()
    await u.send("/cancel")
    await u.next_message()
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await idle(tg)
    await u.press(YES_TECH, message=confirm)
    await u.next_edit(confirm)
    await u.next_message()
    await idle(tg)
    row = await live_row(tg, u)
    assert row is not None and row.message_id == str(confirm.message_id)
    await tg.engine.live_notes.flush()
    assert await live_row(tg, u) is None  # edited by its own answer: its life ended
