"""A 50-way claim race: one winner, and each loser's offer edited exactly once (issue 13).

The losers' presses used to edit their offer to 已被认领 and the winner's claim edited
it again ("message is not modified": up to 49 wasted calls at the busiest moment).
Counted on the fake Bot API, with the whole bot in-process (``tg``).
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot import dispatch
from tests.utils import volunteers as f
from tests.utils.tgrig import TgRig

N = 50
V0 = 3001


@pytest.mark.settings(offer_wave_size=N)
async def test_each_loser_of_a_fifty_way_race_is_edited_once(tg: TgRig) -> None:
    users = []
    for i in range(N):
        await f.volunteer(tg.deps, V0 + i, f"师傅{i}")
        users.append(tg.user(V0 + i, f"师傅{i}", started=True))
    requester = await f.person(tg.deps, 3100, "求助人")
    tg.user(3100, "求助人", started=True)
    oid = await f.order(tg.deps, requester)
    await dispatch.start(tg.deps, oid)
    await dispatch.settle(tg.deps)
    offers = [await u.next_message(timeout=30) for u in users]

    queries = await asyncio.gather(
        *(u.press("认领", message=m) for u, m in zip(users, offers, strict=True))
    )
    await asyncio.gather(
        *(u.callback_answer(q, timeout=30) for u, q in zip(users, queries, strict=True))
    )
    await dispatch.settle(tg.deps)
    await asyncio.sleep(0.3)  # edits made from the presses' replies land

    edits = Counter(
        (int(c.params["chat_id"]), int(c.params["message_id"]))
        for c in tg.api.server.calls_of("editMessageText")
    )
    won = [i for i, m in enumerate(offers) if "认领成功" in " ".join(_texts(users[i]))]
    assert len(won) == 1
    losers = [m for i, m in enumerate(offers) if i != won[0]]
    per_loser = [edits[(m.chat_id, m.message_id)] for m in losers]
    not_modified = [e for e in tg.api.server.errors if "not modified" in e.description.lower()]
    print(
        f"\n{N}-way claim race: edits per loser's offer {sorted(Counter(per_loser).items())}, "
        f"{len(not_modified)} 'message is not modified' answers"
    )
    assert per_loser == [1] * (N - 1)
    assert not_modified == []
    assert all("已被其他志愿者认领" in (m.latest().text or "") for m in losers)


def _texts(user: object) -> list[str]:
    return [m.text or "" for m in user.messages()]  # type: ignore[attr-defined]
