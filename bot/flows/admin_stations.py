"""/stations (the three-level service network as a tree) and /addstation.

A station's level follows from its parent: none → county (县级服务站),
county → town (镇街服务站), town → point (村/企业服务点). A station admin sees
and extends only their own subtree; counties need an unscoped admin.
"""

from __future__ import annotations

import re

from bot import audit, roles
from bot.context import Ctx
from bot.flows.admin_common import args
from bot.registry import Audience, Registry, Result
from bot.reply import Reply
from bot.texts import choices
from store import staff as staff_store
from store import stations as stations_store
from store.models import Station, StationLevel, VolunteerStatus

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")  # deep-link safe: /start station-<code>
MAX_NAME = 64
CHILD_LEVEL = {
    None: StationLevel.COUNTY,
    StationLevel.COUNTY: StationLevel.TOWN,
    StationLevel.TOWN: StationLevel.POINT,
}


def ordered_tree(stations: dict[int, Station], roots: list[int]) -> list[tuple[int, Station]]:
    """(depth, station) in display order: each station followed by its children, by code."""
    children: dict[int | None, list[Station]] = {}
    for s in stations.values():
        children.setdefault(s.parent_id, []).append(s)
    for kids in children.values():
        kids.sort(key=lambda s: s.code)
    out: list[tuple[int, Station]] = []
    seen: set[int] = set()

    def walk(station: Station, depth: int) -> None:
        if station.id in seen:  # a corrupted parent loop must not hang the bot
            return
        seen.add(station.id)  # type: ignore[arg-type]
        out.append((depth, station))
        for child in children.get(station.id, []):
            walk(child, depth + 1)

    for root in sorted((stations[r] for r in roots if r in stations), key=lambda s: s.code):
        walk(root, 0)
    return out


async def tree(ctx: Ctx) -> Result:
    """The service network (a station admin's own subtree), with active volunteers per station."""
    async with ctx.deps.db.session() as session:
        stations = await roles.stations_by_id(session)
        counts = await stations_store.volunteer_counts(session, status=VolunteerStatus.ACTIVE)
    scope = roles.scope_of(ctx)
    if scope is not None:
        roots = [scope]
    else:
        roots = [s.id for s in stations.values() if s.parent_id not in stations]  # type: ignore[misc]
    rows = ordered_tree(stations, roots)
    if not rows:
        return ctx.reply("admin.stations.empty")
    lines = [
        ctx.t(
            "admin.stations.line" if s.active else "admin.stations.line_off",
            indent="　" * depth,
            name=s.name,
            code=s.code,
            level=ctx.t(choices.STATION_LEVEL[s.level]),
            volunteers=counts.get(s.id, 0),
        )
        for depth, s in rows
    ]
    return Reply(ctx.t("admin.stations.head", n=len(rows)) + "\n" + "\n".join(lines))


async def add_station(ctx: Ctx) -> Result:
    """``/addstation <code> <name> [parent_code]``."""
    a = args(ctx)
    if len(a) < 2:
        return ctx.reply("admin.addstation.usage")
    code = a[0].lower()
    if not CODE.match(code):
        return ctx.reply("admin.addstation.bad_code", code=a[0])
    async with ctx.deps.db.session() as session:
        parent: Station | None = None
        name_parts = a[1:]
        if len(a) >= 3:
            parent = await stations_store.station_by_code(session, code=a[-1])
            if parent is None:
                return ctx.reply("admin.station.not_found", code=a[-1])
            name_parts = a[1:-1]
        name = " ".join(name_parts)
        if len(name) > MAX_NAME:
            return ctx.reply("admin.team.too_long", field=ctx.t("admin.field.name"), most=MAX_NAME)
        if parent is None:
            roles.require_unscoped(ctx)
        else:
            await roles.require_scope(session, ctx, parent.id)
        level = CHILD_LEVEL.get(parent.level if parent else None)
        if level is None:
            return ctx.reply("admin.addstation.too_deep", parent=parent.name if parent else "")
        if await stations_store.station_by_code(session, code=code) is not None:
            return ctx.reply("admin.addstation.exists", code=code)
        await stations_store.add_station(
            session,
            station=Station(
                code=code, name=name, level=level, parent_id=parent.id if parent else None
            ),
        )
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="station.add",
            target_type="station",
            target_id=code,
            after={"name": name, "level": level, "parent": parent.code if parent else None},
        )
    return ctx.reply(
        "admin.addstation.done",
        name=name,
        code=code,
        level=ctx.t(choices.STATION_LEVEL[level]),
        parent=parent.name if parent else "—",
    )


_COORDS = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,，\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


async def locate_station(ctx: Ctx) -> Result:
    """``/stationloc <code> <纬度>,<经度>``: where a station is, so a requester's shared
    location is named by its nearest station and offers show how near volunteers are."""
    a = args(ctx)
    m = _COORDS.match(" ".join(a[1:])) if len(a) >= 2 else None
    if m is None:
        return ctx.reply("staff.stationloc.usage")
    lat, lon = float(m.group(1)), float(m.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return ctx.reply("staff.stationloc.usage")
    async with ctx.deps.db.session() as session:
        station = await stations_store.station_by_code(session, code=a[0].lower())
        if station is None:
            return ctx.reply("admin.station.not_found", code=a[0])
        await roles.require_scope(session, ctx, station.id)
        await staff_store.set_station_location(
            session,
            station_id=station.id,
            latitude=lat,
            longitude=lon,
            now=ctx.deps.now(),  # type: ignore[arg-type]
        )
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="station.locate",
            target_type="station",
            target_id=station.code,
            after={"latitude": lat, "longitude": lon},
        )
    return ctx.reply("staff.stationloc.done", name=station.name, lat=f"{lat:.5f}", lon=f"{lon:.5f}")


def register(reg: Registry) -> None:
    reg.command("stations", tree, audience=Audience.ADMIN, menu="menu.stations")
    reg.command("addstation", add_station, audience=Audience.ADMIN, menu="menu.addstation")
    reg.command("stationloc", locate_station, audience=Audience.ADMIN)
