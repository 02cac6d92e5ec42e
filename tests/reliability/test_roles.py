"""Instances with roles: one without a channel never judges that channel's people unreachable.

Reproduces the attack run's finding: instance A polls Telegram, instance B on the
same database has no token. B's dispatch used to mark every Telegram volunteer it
could not reach as unreachable. Now B leaves those sends in the outbox and A
(which has the channel) sends them.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import col, select

from bot import dispatch
from bot.clock import FixedClock
from bot.deps import Deps
from bot.dispatch.common import STALE_PENDING
from bot.dispatch.offers import redeliver_stale
from bot.notifier import MultiNotifier
from bot.notify import deliver
from bot.reply import Button, Document, KeyButton, Reply, reply_from_data, reply_to_data
from scheduler.runner import tick
from store.models import Offer, OfferStatus, Person, Task, TaskStatus
from tests.utils import volunteers as f
from tests.utils.notifier import RecordingNotifier
from tests.utils.settings import make_settings


def instance(deps: Deps, channels: dict[str, RecordingNotifier], roles: str = "all") -> Deps:
    """Another process on the same database, running only ``channels``."""
    settings = deps.settings.model_copy(update={"roles": roles.split(",")})
    return replace(deps, settings=settings, notifier=MultiNotifier(dict(channels)))


async def _people(deps: Deps) -> list[Person]:
    async with deps.db.session() as s:
        return list((await s.exec(select(Person).order_by(col(Person.id)))).all())


async def test_a_send_without_the_channel_waits_in_the_outbox_for_one_with_it(
    deps: Deps,
) -> None:
    web_only = instance(deps, {"web": RecordingNotifier()})
    tg_channel = RecordingNotifier()
    with_telegram = instance(deps, {"telegram": tg_channel})
    person = await f.person(deps, 700)
    reply = Reply("已由志愿者认领", buttons=((Button("查看", "order_view:1"),),))

    queued = await deliver(web_only, person, reply)
    assert queued is not None and queued.queued  # on its way, through another instance
    async with deps.db.session() as s:
        assert (await s.get(Person, person.id)).reachable  # type: ignore[union-attr]
        [task] = (await s.exec(select(Task))).all()
    assert task.kind == "outbox.telegram" and task.status == TaskStatus.PENDING

    assert await tick(web_only, worker_id="web-only") == 0  # not its to send, nor to fail
    assert tg_channel.sent == []
    assert await tick(with_telegram, worker_id="telegram") == 1
    [sent] = tg_channel.sent
    assert sent.reply == reply and sent.person_id == person.id
    async with deps.db.session() as s:
        assert (await s.get(Task, task.id)).status == TaskStatus.DONE  # type: ignore[union-attr]


@pytest.mark.settings(offer_wave_size=4)
async def test_a_web_only_instance_dispatching_marks_no_telegram_volunteer_unreachable(
    deps: Deps, clock: FixedClock
) -> None:
    st = await f.stations(deps)
    requester = await f.person(deps, 500)
    volunteers = [
        await f.volunteer(deps, 10 + i, f"师傅{i}", station_id=st["yh.a1"]) for i in range(4)
    ]
    web_only = instance(deps, {"web": RecordingNotifier()}, roles="web,scheduler")
    tg_channel = RecordingNotifier()
    telegram = instance(deps, {"telegram": tg_channel}, roles="telegram")

    oid = await f.order(deps, requester, station_id=st["yh.a1"])
    await dispatch.start(web_only, oid)
    await dispatch.settle(web_only)

    assert all(p.reachable for p in await _people(deps))  # nobody wrongly unreachable
    async with deps.db.session() as s:
        offers = (await s.exec(select(Offer).where(col(Offer.order_id) == oid))).all()
    assert {o.volunteer_id for o in offers} == {v.id for v in volunteers}
    assert {o.status for o in offers} == {OfferStatus.PENDING}  # handed over, not failed
    clock.advance(STALE_PENDING * 2)
    await redeliver_stale(web_only, oid)  # a handed-over offer is not sent a second time

    # The Telegram instance (no scheduler role) sends what the outbox holds for it.
    assert await tick(telegram, worker_id="telegram", outbox_only=True) == 4
    assert sorted(s.external_id for s in tg_channel.sent) == ["10", "11", "12", "13"]
    assert all("认领" in str(s.reply.buttons) for s in tg_channel.sent)
    async with deps.db.session() as s:
        offers = (await s.exec(select(Offer).where(col(Offer.order_id) == oid))).all()
    assert {o.status for o in offers} == {OfferStatus.SENT}
    assert all(o.message_id for o in offers)  # the real messages, so a claim can edit them


def test_a_reply_survives_the_outbox_row() -> None:
    reply = Reply(
        "<b>通知</b>",
        buttons=((Button("认领", "job_claim:7"), Button("网页", url="https://x.example/")),),
        keyboard=((KeyButton("📍 位置", "location"),),),
        remove_keyboard=False,
        document=Document("a.csv", b"\xef\xbb\xbfcode\n", "导出"),
        photos=("tg-file-1",),
    )
    assert reply_from_data(reply_to_data(reply)) == reply


def test_roles_are_checked_and_named() -> None:
    assert make_settings().active_roles == ["web", "telegram", "wechat", "scheduler"]
    web = make_settings(roles="web")
    assert web.has_role("web") and not web.has_role("scheduler")
    with pytest.raises(ValueError, match="unknown role"):
        make_settings(roles="web,cook")
