"""Anonymous web visitors are forgotten when idle; anyone who holds something stays
(issue 13: "anonymous person rows created lazily and pruned"), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.clock import FixedClock
from bot.deps import Deps
from bot.orders import create_order
from scheduler.housekeeping import prune
from store.models import DialogState, Person, WebMessage, WebPhoto, WebPresence


async def _visitor(deps: Deps, sid: str, at, **fields) -> Person:  # type: ignore[no-untyped-def]
    async with deps.db.session() as s:
        p = Person(platform="web", external_id=sid, created_at=at, updated_at=at, **fields)
        s.add(p)
        await s.flush()
        s.add(WebMessage(person_id=p.id, payload={"role": "user", "text": "你好"}, created_at=at))  # type: ignore[arg-type]
    return p


@pytest.mark.settings(web_anonymous_ttl="30d")
async def test_idle_anonymous_visitors_are_forgotten(deps: Deps, clock: FixedClock) -> None:
    now = clock.now()
    old, recent = now - timedelta(days=40), now - timedelta(days=2)
    gone = await _visitor(deps, "visitor-idle-0000000000001", old)
    async with deps.db.session() as s:  # their own rows go with them
        photo = WebPhoto(person_id=gone.id, content_type="image/jpeg", content=b"\xff")  # type: ignore[arg-type]
        s.add(photo)
        s.add(DialogState(person_id=gone.id, flow="order", step="text", data={}, updated_at=old))  # type: ignore[arg-type]
    came_back = await _visitor(deps, "visitor-back-0000000000001", old)
    async with deps.db.session() as s:
        s.add(WebMessage(person_id=came_back.id, payload={"role": "user"}, created_at=recent))  # type: ignore[arg-type]
    page_open = await _visitor(deps, "visitor-open-0000000000001", old)
    async with deps.db.session() as s:
        s.add(WebPresence(instance="a", person_id=page_open.id, seen_at=now))  # type: ignore[arg-type]
    ordered = await _visitor(deps, "visitor-order-000000000001", old)
    async with deps.db.session() as s:
        await create_order(s, requester_id=ordered.id, text="修水管", now=old)  # type: ignore[arg-type]
    phoned = await _visitor(deps, "visitor-phone-000000000001", old, phone="13812345678")
    new = await _visitor(deps, "visitor-new-00000000000001", recent)
    telegram = Person(platform="telegram", external_id="77", created_at=old, updated_at=old)
    async with deps.db.session() as s:
        s.add(telegram)
    removed = await prune(deps, now)
    assert removed["visitors"] == 1
    async with deps.db.session() as s:
        left = set((await s.exec(select(Person.external_id))).all())
        photos = (await s.exec(select(WebPhoto))).all()
        dialogs = (await s.exec(select(DialogState))).all()
    assert gone.external_id not in left and photos == [] and dialogs == []
    kept = (came_back, page_open, ordered, phoned, new)
    assert {p.external_id for p in kept} | {"77"} == left
    assert (await prune(deps, now))["visitors"] == 0
