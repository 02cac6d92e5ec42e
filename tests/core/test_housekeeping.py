"""Old update ids and finished tasks are pruned; pending and recent rows stay."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.clock import FixedClock
from bot.deps import Deps
from scheduler.housekeeping import prune
from store.models import InboxState, InboxUpdate, ProcessedUpdate, Task, TaskStatus, WechatInbound


async def test_prune_keeps_what_still_matters(deps: Deps, clock: FixedClock) -> None:
    now = clock.now()
    old, recent = now - timedelta(days=40), now - timedelta(days=1)
    async with deps.db.session() as s:
        s.add(ProcessedUpdate(platform="telegram", update_id=1, created_at=old))
        s.add(ProcessedUpdate(platform="telegram", update_id=2, created_at=recent))
        s.add(WechatInbound(key="m:1", created_at=old))
        s.add(WechatInbound(key="m:2", created_at=recent))
        for key, state, created in [
            ("1", InboxState.DONE, old),
            ("2", InboxState.DONE, recent),
            ("3", InboxState.RECEIVED, old),  # never handled: kept until it is
            ("4", InboxState.FAILED, old),
            ("5", InboxState.FAILED, recent),
        ]:
            s.add(
                InboxUpdate(platform="telegram", key=key, chat="9", state=state, created_at=created)
            )
        for i, (status, created) in enumerate(
            [
                (TaskStatus.DONE, old),
                (TaskStatus.CANCELLED, old),
                (TaskStatus.DONE, recent),
                (TaskStatus.PENDING, old),
                (TaskStatus.FAILED, old),
                (TaskStatus.FAILED, now - timedelta(days=100)),
            ]
        ):
            s.add(Task(kind="k", key=f"t{i}", due_at=created, status=status, created_at=created))
    assert await prune(deps, now) == {
        "updates": 1,
        "wechat": 1,
        "inbox": 2,
        "tasks": 3,
        "visitors": 0,
        "outbox": 0,
    }
    async with deps.db.session() as s:
        ids = (await s.exec(select(ProcessedUpdate.update_id))).all()
        keys = sorted((await s.exec(select(Task.key).order_by(col(Task.key)))).all())
    assert ids == [2]
    assert keys == ["t2", "t3", "t4"]  # recent done, pending, failed under 90 days
    assert await prune(deps, now) == {
        "updates": 0,
        "wechat": 0,
        "inbox": 0,
        "tasks": 0,
        "visitors": 0,
        "outbox": 0,
    }
    async with deps.db.session() as s:
        assert (await s.exec(select(WechatInbound.key))).all() == ["m:2"]
        inbox = sorted((await s.exec(select(InboxUpdate.key))).all())
    assert inbox == ["2", "3", "5"]
