"""Queries for campaigns (服务月): their needs, 揭榜 bids, activities and cases.

A stage moves by one conditional UPDATE (``stage = <from>``), so a 下一阶段 press and
the stage's scheduled date crossing each other move it once. A need is released
from collection the same way (``held`` true → false).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import (
    Campaign,
    CampaignActivity,
    CampaignBid,
    CampaignCase,
    CampaignNeed,
    CampaignStage,
    Feedback,
    Order,
    Volunteer,
)


async def add_campaign(session: AsyncSession, *, campaign: Campaign) -> Campaign:
    session.add(campaign)
    await session.flush()
    return campaign


async def campaign_by_id(session: AsyncSession, *, campaign_id: int | None) -> Campaign | None:
    return await session.get(Campaign, campaign_id) if campaign_id is not None else None


async def open_campaigns(
    session: AsyncSession, *, stages: Collection[str] | None = None
) -> list[Campaign]:
    """Campaigns not closed (or in ``stages``), newest first."""
    query = select(Campaign).where(col(Campaign.stage) != CampaignStage.CLOSED)
    if stages is not None:
        query = query.where(col(Campaign.stage).in_(list(stages)))
    return list((await session.exec(query.order_by(col(Campaign.id).desc()))).all())


async def all_campaigns(session: AsyncSession) -> list[Campaign]:
    return list((await session.exec(select(Campaign).order_by(col(Campaign.id).desc()))).all())


async def move_stage(
    session: AsyncSession, *, campaign_id: int, from_stage: str, to_stage: str, now: datetime
) -> bool:
    """Move the campaign from ``from_stage`` to ``to_stage``; True if this call did it."""
    values: dict[str, Any] = {"stage": to_stage, "stage_at": now}
    if to_stage == CampaignStage.CLOSED:
        values["closed_at"] = now
    result = await session.exec(  # type: ignore[call-overload]
        update(Campaign)
        .where(col(Campaign.id) == campaign_id, col(Campaign.stage) == from_stage)
        .values(**values)
        .returning(col(Campaign.id))
    )
    return result.first() is not None


# ---------------------------------------------------------------- needs


async def tag_order(
    session: AsyncSession, *, campaign_id: int, order_id: int, stage: str, held: bool, now: datetime
) -> CampaignNeed:
    """Tag ``order_id`` with the campaign (once; a second tag keeps the first)."""
    need = await session.get(CampaignNeed, order_id)
    if need is None:
        need = CampaignNeed(
            order_id=order_id, campaign_id=campaign_id, stage=stage, held=held, created_at=now
        )
        session.add(need)
        await session.flush()
    return need


async def need_of(session: AsyncSession, *, order_id: int) -> CampaignNeed | None:
    return await session.get(CampaignNeed, order_id)


async def is_held(session: AsyncSession, *, order_id: int) -> bool:
    """True while dispatch must leave the order alone: a collected need not yet
    published, or a 揭榜 whose applicants the admins have not picked from yet."""
    need = await session.get(CampaignNeed, order_id)
    if need is None:
        return False
    return need.held or (need.bounty_until is not None and need.bounty_closed_at is None)


async def needs_with_orders(
    session: AsyncSession, *, campaign_id: int, held: bool | None = None
) -> list[tuple[CampaignNeed, Order]]:
    """The campaign's needs and their orders, oldest first."""
    query = (
        select(CampaignNeed, Order)
        .join(Order, col(Order.id) == col(CampaignNeed.order_id))
        .where(col(CampaignNeed.campaign_id) == campaign_id)
    )
    if held is not None:
        query = query.where(col(CampaignNeed.held) == held)
    rows = await session.exec(query.order_by(col(Order.id)))
    return [(n, o) for n, o in rows.all()]


async def publish(
    session: AsyncSession, *, order_id: int, now: datetime, bounty_until: datetime | None = None
) -> bool:
    """Release a collected need for claiming (or as 揭榜 until ``bounty_until``); once."""
    result = await session.exec(  # type: ignore[call-overload]
        update(CampaignNeed)
        .where(col(CampaignNeed.order_id) == order_id, col(CampaignNeed.held).is_(True))
        .values(held=False, published_at=now, bounty_until=bounty_until)
        .returning(col(CampaignNeed.order_id))
    )
    return result.first() is not None


async def merge(session: AsyncSession, *, order_id: int, into_id: int) -> bool:
    """Mark a held need as a duplicate of another (its order is cancelled by the caller)."""
    result = await session.exec(  # type: ignore[call-overload]
        update(CampaignNeed)
        .where(col(CampaignNeed.order_id) == order_id, col(CampaignNeed.held).is_(True))
        .values(held=False, merged_into=into_id)
        .returning(col(CampaignNeed.order_id))
    )
    return result.first() is not None


async def close_bounty(session: AsyncSession, *, order_id: int, now: datetime) -> bool:
    result = await session.exec(  # type: ignore[call-overload]
        update(CampaignNeed)
        .where(
            col(CampaignNeed.order_id) == order_id,
            col(CampaignNeed.bounty_until).is_not(None),
            col(CampaignNeed.bounty_closed_at).is_(None),
        )
        .values(bounty_closed_at=now)
        .returning(col(CampaignNeed.order_id))
    )
    return result.first() is not None


async def add_bid(
    session: AsyncSession, *, order_id: int, volunteer_id: int, now: datetime
) -> bool:
    """A volunteer's 揭榜; False if they had applied already."""
    if await session.get(CampaignBid, (order_id, volunteer_id)) is not None:
        return False
    session.add(CampaignBid(order_id=order_id, volunteer_id=volunteer_id, created_at=now))
    await session.flush()
    return True


async def bids_of(session: AsyncSession, *, order_id: int) -> list[tuple[CampaignBid, Volunteer]]:
    rows = await session.exec(
        select(CampaignBid, Volunteer)
        .join(Volunteer, col(Volunteer.id) == col(CampaignBid.volunteer_id))
        .where(col(CampaignBid.order_id) == order_id)
        .order_by(col(CampaignBid.created_at), col(CampaignBid.volunteer_id))
    )
    return [(b, v) for b, v in rows.all()]


async def mark_picked(session: AsyncSession, *, order_id: int, volunteer_id: int) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(CampaignBid)
        .where(col(CampaignBid.order_id) == order_id, col(CampaignBid.volunteer_id) == volunteer_id)
        .values(picked=True)
    )


async def evaluate(
    session: AsyncSession,
    *,
    order_id: int,
    effect: str,
    benefit: str,
    nominated: bool,
    by: int | None,
    now: datetime,
) -> CampaignNeed | None:
    need = await session.get(CampaignNeed, order_id)
    if need is None:
        return None
    need.effect, need.benefit, need.nominated = effect[:500], benefit[:500], nominated
    need.evaluated_by, need.evaluated_at = by, now
    session.add(need)
    await session.flush()
    return need


async def campaign_names(
    session: AsyncSession, *, order_ids: Sequence[int | None]
) -> dict[int, str]:
    """The name of the campaign each of ``order_ids`` is tagged with (those that are)."""
    ids = [i for i in order_ids if i is not None]
    if not ids:
        return {}
    rows = await session.exec(
        select(CampaignNeed.order_id, Campaign.name)
        .join(Campaign, col(Campaign.id) == col(CampaignNeed.campaign_id))
        .where(col(CampaignNeed.order_id).in_(ids))
    )
    return {oid: name for oid, name in rows.all()}


async def rated_order_ids(session: AsyncSession, *, order_ids: Sequence[int]) -> dict[int, int]:
    """The requester's rating of each of ``order_ids`` that has one."""
    if not order_ids:
        return {}
    rows = await session.exec(
        select(Feedback.order_id, Feedback.rating).where(col(Feedback.order_id).in_(order_ids))
    )
    return {oid: rating for oid, rating in rows.all()}


# ---------------------------------------------------------------- activities


async def tag_activity(session: AsyncSession, *, campaign_id: int, activity_id: int) -> bool:
    if await session.get(CampaignActivity, activity_id) is not None:
        return False
    session.add(CampaignActivity(activity_id=activity_id, campaign_id=campaign_id))
    await session.flush()
    return True


async def activity_ids(session: AsyncSession, *, campaign_id: int) -> list[int]:
    rows = await session.exec(
        select(CampaignActivity.activity_id).where(col(CampaignActivity.campaign_id) == campaign_id)
    )
    return list(rows.all())


# ---------------------------------------------------------------- cases


async def add_case(session: AsyncSession, *, case: CampaignCase) -> CampaignCase:
    session.add(case)
    await session.flush()
    return case


async def case_by_id(session: AsyncSession, *, case_id: int | None) -> CampaignCase | None:
    return await session.get(CampaignCase, case_id) if case_id is not None else None


async def case_of_order(session: AsyncSession, *, order_id: int) -> CampaignCase | None:
    rows = await session.exec(select(CampaignCase).where(col(CampaignCase.order_id) == order_id))
    return rows.first()


async def cases(
    session: AsyncSession,
    *,
    statuses: Collection[str],
    campaign_id: int | None = None,
) -> list[CampaignCase]:
    query = select(CampaignCase).where(col(CampaignCase.status).in_(list(statuses)))
    if campaign_id is not None:
        query = query.where(col(CampaignCase.campaign_id) == campaign_id)
    return list((await session.exec(query.order_by(col(CampaignCase.id)))).all())


async def move_case(
    session: AsyncSession, *, case_id: int, from_status: str, to_status: str, now: datetime
) -> bool:
    values: dict[str, Any] = {"status": to_status, "updated_at": now}
    if to_status == "published":
        values["published_at"] = now
    result = await session.exec(  # type: ignore[call-overload]
        update(CampaignCase)
        .where(col(CampaignCase.id) == case_id, col(CampaignCase.status) == from_status)
        .values(**values)
        .returning(col(CampaignCase.id))
    )
    return result.first() is not None
