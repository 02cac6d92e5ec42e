"""/wechatqr: an admin gets the Official Account QR code for a team or station poster.

The WeChat channel, when it runs, puts its QR-code maker in ``deps.qrcodes``; the
core only knows the ``bot.deps.QrCodes`` protocol.
"""

from __future__ import annotations

from bot.context import Ctx
from bot.flows.order_draft import active_team
from bot.registry import Audience, Registry, Result
from store import stations
from store.activities import activity_by_id
from store.engine import Session
from store.models import ActivityStatus


async def scene_exists(session: Session, scene: str) -> bool:
    """Whether ``team-<slug>`` / ``station-<code>`` / ``activity-<id>`` names an existing
    team, station or published activity."""
    prefix, _, rest = scene.partition("-")
    if not rest or len(scene) > 64:
        return False
    if prefix == "team":
        return await active_team(session, rest) is not None
    if prefix == "station":
        station = await stations.station_by_code(session, code=rest)
        return station is not None and station.active
    if prefix == "activity":
        found = await activity_by_id(session, activity_id=int(rest)) if rest.isdigit() else None
        return found is not None and found.status == ActivityStatus.PUBLISHED
    return False


async def qrcode(ctx: Ctx) -> Result:
    maker = ctx.deps.qrcodes
    if maker is None:
        return ctx.reply("wechat.qrcode.off")
    scene = ctx.event.args[0] if ctx.event.args else ""
    async with ctx.deps.db.session() as session:
        known = await scene_exists(session, scene)
    if not known:
        return ctx.reply("wechat.qrcode.usage")
    try:
        url = await maker.create_qrcode(scene)
    except Exception as exc:
        return ctx.reply("wechat.qrcode.failed", error=str(exc))
    return ctx.reply("wechat.qrcode.done", scene=scene, url=url)


def register(reg: Registry) -> None:
    # No menu entry: the command only matters where the WeChat channel runs.
    reg.command("wechatqr", qrcode, audience=Audience.ADMIN)
