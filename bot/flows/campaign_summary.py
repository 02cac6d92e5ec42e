"""The order summary's part in a campaign (issue 20): 纳入【服务月】需求征集 or not.

While a campaign collects needs (需求征集, 对接认领) for the draft's team and station,
the summary offers to put the order into it; the draft's ``campaign_id`` says it is.
"""

from __future__ import annotations

from typing import Any

from bot import callbacks, campaigns
from bot.callbacks import encode
from bot.context import Ctx
from bot.reply import Button
from store.campaigns import campaign_by_id


async def lines(ctx: Ctx, data: dict[str, Any]) -> list[str]:
    if not data.get("campaign_id"):
        return []
    async with ctx.deps.db.read() as session:
        campaign = await campaign_by_id(session, campaign_id=data["campaign_id"])
    if campaign is None:
        return []
    return [ctx.t("campaigns.summary.in", name=campaign.name)]


async def buttons(ctx: Ctx, data: dict[str, Any]) -> tuple[tuple[Button, ...], ...]:
    """纳入 / 不纳入 the collecting campaign (none when no campaign collects for this draft)."""
    tok = data["tok"]
    if data.get("campaign_id"):
        label = ctx.t("campaigns.btn.leave_campaign")
        return ((Button(label, encode(callbacks.ORDER_CAMPAIGN, tok, 0)),),)
    async with ctx.deps.db.read() as session:
        campaign = await campaigns.collecting(session, data.get("team_id"), data.get("station_id"))
    if campaign is None:
        return ()
    label = ctx.t("campaigns.btn.join_campaign", name=campaign.name)
    return ((Button(label, encode(callbacks.ORDER_CAMPAIGN, tok, campaign.id)),),)
