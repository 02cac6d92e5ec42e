"""Queries about broadcasts (应急动员) and their roll call."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import BroadcastReply, Person, Volunteer

YES, NO = "yes", "no"  # BroadcastReply.answer


@dataclass
class RollCall:
    yes: int
    no: int
    yes_names: list[str]


async def roll_call(session: AsyncSession, *, broadcast_id: int) -> RollCall:
    """Who answered 我能到场 (names, in answer order) and how many 去不了."""
    rows = (
        await session.exec(
            select(BroadcastReply.answer, Person.display_name, Volunteer.name)
            .join(Person, col(Person.id) == col(BroadcastReply.person_id))
            .outerjoin(Volunteer, col(Volunteer.person_id) == col(BroadcastReply.person_id))
            .where(col(BroadcastReply.broadcast_id) == broadcast_id)
            .order_by(col(BroadcastReply.created_at), col(BroadcastReply.person_id))
        )
    ).all()
    yes = [(vname or pname or "?") for a, pname, vname in rows if a == YES]
    return RollCall(yes=len(yes), no=sum(1 for a, *_ in rows if a == NO), yes_names=yes)
