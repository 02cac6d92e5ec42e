"""The three-level service network as a tree: lookups and nearness."""

from __future__ import annotations

import math

from store.engine import Session
from store.models import Station
from store.staff import station_locations
from store.stations import station_by_id

NEAREST_WITHIN_KM = 30.0  # a shared location farther than this from every station names none


async def ancestors(session: Session, station_id: int | None) -> list[int]:
    """``station_id`` and its ancestors, nearest first (the tree is shallow: 3 levels)."""
    chain: list[int] = []
    seen: set[int] = set()
    current = station_id
    while current is not None and current not in seen:
        seen.add(current)
        chain.append(current)
        station = await station_by_id(session, station_id=current)
        current = station.parent_id if station else None
    return chain


async def in_subtree(session: Session, station_id: int, root_id: int) -> bool:
    return root_id in await ancestors(session, station_id)


def nearness(a: list[int], b: list[int]) -> int:
    """0 same point, 1 same town, 2 same county, 3 elsewhere/unknown.

    ``a`` and ``b`` are ancestor chains (nearest first) as from ``ancestors``.
    """
    if not a or not b:
        return 3
    if a[0] == b[0]:
        return 0
    # The lowest common ancestor's depth decides the ring.
    common = [s for s in a if s in set(b)]
    if not common:
        return 3
    depth_from_root = len(a) - a.index(common[0])  # 1 = county (root), 2 = town
    return 1 if depth_from_root >= 2 else 2


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


async def nearest_station(session: Session, latitude: float, longitude: float) -> Station | None:
    """The known station nearest to a shared location (within NEAREST_WITHIN_KM), preferring
    the most local level on a tie; None when no station has a location near it."""
    best: tuple[float, Station] | None = None
    for station, lat, lon in await station_locations(session):
        d = distance_km((latitude, longitude), (lat, lon))
        if d <= NEAREST_WITHIN_KM and (best is None or d < best[0]):
            best = (d, station)
    return best[1] if best else None
