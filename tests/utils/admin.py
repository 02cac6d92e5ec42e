"""Admin helpers for the core ring: an admin who types commands, and rows made directly."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot import broadcast, dispatch, orders
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.reply import MessageRef, Outcome
from store.models import (
    AuditLog,
    Order,
    Person,
    Role,
    Station,
    Team,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)
from tests.utils.env import T0


class Admin:
    """One person sending commands and pressing buttons through the engine."""

    def __init__(self, engine: Engine, uid: int, name: str = "管理员") -> None:
        self.engine = engine
        self.actor = Actor("telegram", str(uid), name, username=f"user{uid}")
        self.last = Outcome()

    async def __call__(self, text: str) -> str:
        head, *rest = text.split()
        event = Inbound(Kind.COMMAND, text=text, command=head[1:], args=tuple(rest))
        self.last = await self.engine.handle(self.actor, event)
        await settle(self.engine.deps)
        return "\n".join(r.text for r in self.last.replies)

    async def press(self, data: str, message: MessageRef | None = None) -> Outcome:
        ref = message or MessageRef("telegram", self.actor.external_id, "900")
        self.last = await self.engine.handle(
            self.actor, Inbound(Kind.BUTTON, data=data, message=ref)
        )
        await settle(self.engine.deps)
        return self.last

    def data(self, label: str) -> str:
        found = [
            b.data for r in self.last.replies for row in r.buttons for b in row if b.label == label
        ]
        assert len(found) == 1, f"no button {label!r} in {self.last}"
        return found[0]  # type: ignore[return-value]


async def settle(deps: Deps) -> None:
    await dispatch.settle(deps)
    await broadcast.settle(deps)


async def add_person(deps: Deps, uid: int, name: str, **kw: Any) -> Person:
    async with deps.db.session() as s:
        p = Person(
            platform="telegram",
            external_id=str(uid),
            display_name=name,
            username=f"user{uid}",
            **kw,
        )
        s.add(p)
    return p


async def add_station(
    deps: Deps, code: str, name: str, level: str, parent: Station | None = None
) -> Station:
    async with deps.db.session() as s:
        st = Station(code=code, name=name, level=level, parent_id=parent.id if parent else None)
        s.add(st)
    return st


async def team_id(deps: Deps, slug: str) -> int:
    async with deps.db.session() as s:
        return (await s.exec(select(Team.id).where(Team.slug == slug))).one()  # type: ignore[return-value]


async def add_volunteer(
    deps: Deps,
    uid: int,
    name: str,
    *,
    station: Station | None = None,
    teams: tuple[str, ...] = (),
    status: str = VolunteerStatus.ACTIVE,
    phone: str = "13800000000",
) -> Volunteer:
    person = await add_person(deps, uid, name, roles=[Role.VOLUNTEER])
    ids = [await team_id(deps, slug) for slug in teams]
    async with deps.db.session() as s:
        v = Volunteer(
            person_id=person.id,
            name=name,
            phone=phone,
            status=status,  # type: ignore[arg-type]
            station_id=station.id if station else None,
        )
        s.add(v)
        await s.flush()
        for tid in ids:
            s.add(VolunteerTeam(volunteer_id=v.id, team_id=tid))  # type: ignore[arg-type]
    return v


async def add_order(deps: Deps, requester: Person, text: str, **fields: Any) -> Order:
    at = fields.pop("created_at", T0)
    async with deps.db.session() as s:
        o = await orders.create_order(
            s,
            requester_id=requester.id,
            text=text,
            now=at,  # type: ignore[arg-type]
            **fields,
        )
    return o


async def get(deps: Deps, model: Any, key: Any) -> Any:
    async with deps.db.session() as s:
        return await s.get(model, key)


async def audit_actions(deps: Deps) -> list[str]:
    async with deps.db.session() as s:
        rows = (await s.exec(select(AuditLog).order_by(col(AuditLog.id)))).all()
    return [r.action for r in rows]
