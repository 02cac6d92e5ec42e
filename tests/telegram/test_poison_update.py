"""One update python-telegram-bot cannot parse must not stall polling for everyone."""

from __future__ import annotations

import time

from sqlmodel import select

from store.models import PoisonUpdate, ProcessedUpdate
from tests.utils.tgrig import TgRig


async def test_an_unparsable_update_is_set_aside_and_polling_goes_on(tg: TgRig) -> None:
    first = tg.user(3001, "甲")
    await first.send("/help")
    await first.next_message()
    # A poll message without the fields python-telegram-bot 22 requires (question, options…).
    broken = tg.api.server.enqueue_update(
        "message",
        {
            "message_id": 77,
            "date": int(time.time()),
            "chat": {"id": 3002, "type": "private", "first_name": "乙"},
            "from": {"id": 3002, "is_bot": False, "first_name": "乙"},
            "poll": {"id": "p1"},
        },
    )
    others = [tg.user(3002 + i, f"用户{i}") for i in range(3)]
    for user in others:
        await user.send("/help")
    for user in others:
        assert "/order" in (await user.next_message()).text  # everyone after it is answered
    async with tg.db.session() as s:
        [poison] = (await s.exec(select(PoisonUpdate))).all()
        processed = await s.get(ProcessedUpdate, ("telegram", broken["update_id"]))
    assert poison.update_id == broken["update_id"] and '"poll"' in poison.raw
    assert poison.error and processed is not None
    assert tg.api.server.unfetched_update_count == 0  # the offset moved past it
