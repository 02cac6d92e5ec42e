"""Factories for dispatch tests: people, volunteers, a small station tree, orders, waves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select

from bot import orders
from bot.deps import Deps
from bot.events import Actor
from store.engine import Database
from store.models import (
    Person,
    Station,
    StationLevel,
    Task,
    TaskStatus,
    Team,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)


async def team_id(deps: Deps, slug: str) -> int:
    async with deps.db.session() as session:
        team = (await session.exec(select(Team).where(col(Team.slug) == slug))).one()
    return team.id  # type: ignore[return-value]


async def person(
    deps: Deps,
    external_id: str | int,
    name: str = "求助人",
    *,
    platform: str = "telegram",
    language: str = "zh",
    phone: str | None = None,
) -> Person:
    async with deps.db.session() as session:
        p = Person(
            platform=platform,
            external_id=str(external_id),
            display_name=name,
            language=language,
            phone=phone,
        )
        session.add(p)
        await session.flush()
    return p


async def volunteer(
    deps: Deps,
    external_id: str | int,
    name: str,
    *,
    teams: tuple[str, ...] = ("tech",),
    station_id: int | None = None,
    status: str = VolunteerStatus.ACTIVE,
    honours: str = "",
    max_open_jobs: int = 3,
    last_job_at: datetime | None = None,
    language: str = "zh",
    platform: str = "telegram",
) -> Volunteer:
    ids = [await team_id(deps, slug) for slug in teams]
    async with deps.db.session() as session:
        p = Person(
            platform=platform,
            external_id=str(external_id),
            display_name=name,
            language=language,
            roles=["volunteer"],
        )
        session.add(p)
        await session.flush()
        v = Volunteer(
            person_id=p.id,
            name=name,
            phone="13900000000",
            station_id=station_id,  # type: ignore[arg-type]
            status=status,
            honours=honours,
            max_open_jobs=max_open_jobs,
            last_job_at=last_job_at,
        )
        session.add(v)
        await session.flush()
        for tid in ids:
            session.add(VolunteerTeam(volunteer_id=v.id, team_id=tid))  # type: ignore[arg-type]
    return v


async def crew(
    db: Database, *, count: int, first_id: int, team: str, station: tuple[str, str]
) -> None:
    """``count`` active Telegram volunteers of ``team`` at a new county station (code,
    name), external ids from ``first_id``, in one transaction: a broadcast's audience."""
    async with db.session() as session:
        where = Station(code=station[0], name=station[1], level=StationLevel.COUNTY)
        session.add(where)
        await session.flush()
        tid = (await session.exec(select(Team.id).where(col(Team.slug) == team))).one()
        people = [
            Person(
                platform="telegram",
                external_id=str(first_id + i),
                display_name=f"队员{i}",
                roles=["volunteer"],
            )
            for i in range(count)
        ]
        session.add_all(people)
        await session.flush()
        rows = [
            Volunteer(
                person_id=p.id,  # type: ignore[arg-type]
                name=p.display_name,
                station_id=where.id,  # type: ignore[arg-type]
                status=VolunteerStatus.ACTIVE,
            )
            for p in people
        ]
        session.add_all(rows)
        await session.flush()
        session.add_all(VolunteerTeam(volunteer_id=v.id, team_id=tid) for v in rows)  # type: ignore[arg-type, misc]


async def stations(deps: Deps) -> dict[str, int]:
    """Two counties: yh (towns yh.a with points yh.a1/yh.a2, and yh.b with yh.b1), lq (lq.a)."""
    tree = [
        ("yh", "玉环市", StationLevel.COUNTY, None),
        ("yh.a", "玉城街道", StationLevel.TOWN, "yh"),
        ("yh.a1", "城中村服务点", StationLevel.POINT, "yh.a"),
        ("yh.a2", "机电企业服务点", StationLevel.POINT, "yh.a"),
        ("yh.b", "楚门镇", StationLevel.TOWN, "yh"),
        ("yh.b1", "楚门工业区服务点", StationLevel.POINT, "yh.b"),
        ("lq", "临海市", StationLevel.COUNTY, None),
        ("lq.a", "古城街道", StationLevel.TOWN, "lq"),
    ]
    ids: dict[str, int] = {}
    async with deps.db.session() as session:
        for code, name, level, parent in tree:
            s = Station(
                code=code.replace(".", "-"),
                name=name,
                level=level,
                parent_id=ids[parent] if parent else None,
            )
            session.add(s)
            await session.flush()
            ids[code] = s.id  # type: ignore[assignment]
    return ids


async def order(
    deps: Deps,
    requester: Person,
    *,
    team: str | None = "tech",
    text: str = "注塑件毛边太多",
    **fields: Any,
) -> int:
    tid = await team_id(deps, team) if team else None
    async with deps.db.session() as session:
        o = await orders.create_order(
            session,
            requester_id=requester.id,
            text=text,  # type: ignore[arg-type]
            now=deps.now(),
            team_id=tid,
            **fields,
        )
    return o.id  # type: ignore[return-value]


async def run_waves(deps: Deps) -> int:
    """Run the offer_wave tasks that are due now, as the scheduler's tick would; how many ran."""
    from bot.dispatch import WAVE_TASK

    async with deps.db.session() as session:
        due = list(
            (
                await session.exec(
                    select(Task)
                    .where(
                        col(Task.kind) == WAVE_TASK,
                        col(Task.status) == TaskStatus.PENDING,
                        col(Task.due_at) <= deps.now(),
                    )
                    .order_by(col(Task.due_at), col(Task.id))
                )
            ).all()
        )
    for task in due:
        await deps.bus.tasks[WAVE_TASK](deps, task)
        async with deps.db.session() as session:
            row = await session.get(Task, task.id)
            if row is not None and row.status == TaskStatus.PENDING and row.due_at == task.due_at:
                row.status = TaskStatus.DONE
                session.add(row)
    return len(due)


def actor(p: Person) -> Actor:
    return Actor(
        platform=p.platform,
        external_id=p.external_id,
        display_name=p.display_name,
        language=p.language,
    )
