"""Who a broadcast reaches: scope keys and the recipients they stand for."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.roles import subtree_ids
from store.broadcasts import active_volunteer_people
from store.stations import station_by_code
from store.teams import team_by_slug


def scope_key(kind: str, value: str = "") -> str:
    """Stored form of a scope: ``all``, ``team:<slug>`` or ``station:<code>``."""
    return "all" if kind == "all" else f"{kind}:{value}"


async def recipients(session: AsyncSession, scope: str, within: set[int] | None) -> list[int]:
    """Person ids of the active volunteers ``scope`` reaches, limited to stations ``within``."""
    kind, _, value = scope.partition(":")
    stations, team_id = within, None
    if kind == "team":
        team = await team_by_slug(session, slug=value)
        if team is None:
            return []
        team_id = team.id
    elif kind == "station":
        station = await station_by_code(session, code=value)
        if station is None:
            return []
        subtree = await subtree_ids(session, station.id)  # type: ignore[arg-type]
        stations = subtree if within is None else subtree & within
    return await active_volunteer_people(session, team_id=team_id, stations=stations)
