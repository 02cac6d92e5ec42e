"""The three-level service network as a tree: lookups and nearness."""

from __future__ import annotations

from store.engine import Session
from store.stations import station_by_id


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
