"""Queries about offers."""

# --- added by restructure-flows ---

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import (
    Feedback,
    Offer,
    OfferStatus,
    Order,
    OrderStatus,
    Person,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)


async def offers_of_order(session: AsyncSession, *, order_id: int) -> list[Offer]:
    """Every offer of an order, oldest first."""
    stmt = select(Offer).where(col(Offer.order_id) == order_id).order_by(col(Offer.created_at))
    return list((await session.exec(stmt)).all())


async def offer_on_message(
    session: AsyncSession, *, order_id: int, volunteer_id: int, chat_id: str, message_id: str
) -> bool:
    """True if this volunteer's offer of this order is the message a button sits under."""
    stmt = select(Offer.id).where(
        col(Offer.order_id) == order_id,
        col(Offer.volunteer_id) == volunteer_id,
        col(Offer.chat_id) == chat_id,
        col(Offer.message_id) == message_id,
    )
    return (await session.exec(stmt)).first() is not None


async def offer_by_id(session: AsyncSession, *, offer_id: int) -> Offer | None:
    return await session.get(Offer, offer_id)


LIVE = (OfferStatus.PENDING, OfferStatus.SENT)  # an offer that can still be answered


REOFFERABLE = (OfferStatus.TAKEN, OfferStatus.WITHDRAWN)  # may be offered again (re-dispatch)


def _insert(session: AsyncSession) -> Any:
    """The dialect's INSERT (both SQLite and PostgreSQL have ON CONFLICT … RETURNING)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def put_offer(
    session: AsyncSession, *, order_id: int, volunteer_id: int, wave: int, now: datetime
) -> int | None:
    """A new PENDING offer (or a re-offer of a taken/withdrawn one); None if it is taken.

    The unique (order, volunteer) pair makes two dispatchers racing for the same
    candidate insert one row: the loser gets None and moves on to the next.
    """
    stmt = (
        _insert(session)(Offer)
        .values(
            order_id=order_id,
            volunteer_id=volunteer_id,
            wave=wave,
            status=OfferStatus.PENDING,
            created_at=now,
        )
        .on_conflict_do_update(
            index_elements=["order_id", "volunteer_id"],
            set_={
                "status": OfferStatus.PENDING,
                "wave": wave,
                "created_at": now,
                "responded_at": None,
                "platform": None,
                "chat_id": None,
                "message_id": None,
            },
            where=col(Offer.status).in_(REOFFERABLE),
        )
        .returning(col(Offer.id))
    )
    return (await session.exec(stmt)).scalar_one_or_none()  # type: ignore[call-overload,no-any-return]


async def upsert_own(
    session: AsyncSession, *, order_id: int, volunteer_id: int, status: str, now: datetime
) -> tuple[str | None, str | None, str | None]:
    """Set the (order, volunteer) offer to ``status``, creating it for claims without one
    (the board, an admin's assignment); returns its message reference."""
    stmt = (
        _insert(session)(Offer)
        .values(
            order_id=order_id,
            volunteer_id=volunteer_id,
            wave=0,
            status=status,
            created_at=now,
            responded_at=now,
        )
        .on_conflict_do_update(
            index_elements=["order_id", "volunteer_id"],
            set_={"status": status, "responded_at": now},
        )
        .returning(col(Offer.platform), col(Offer.chat_id), col(Offer.message_id))
    )
    row = (await session.exec(stmt)).one()  # type: ignore[call-overload]
    return row[0], row[1], row[2]


async def pending_with_people(
    session: AsyncSession, *, offer_ids: list[int]
) -> list[tuple[Offer, Person]]:
    """Those of ``offer_ids`` still PENDING, with the volunteer's person, by offer id."""
    stmt = (
        select(Offer, Person)
        .join(Volunteer, col(Volunteer.id) == col(Offer.volunteer_id))
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .where(col(Offer.id).in_(offer_ids), col(Offer.status) == OfferStatus.PENDING)
        .order_by(col(Offer.id))
    )
    return list((await session.exec(stmt)).all())  # type: ignore[arg-type]


async def mark_failed(session: AsyncSession, *, offer_id: int, now: datetime) -> bool:
    """A PENDING offer could not be delivered; True if this call marked it."""
    lost = await session.exec(  # type: ignore[call-overload]
        update(Offer)
        .where(col(Offer.id) == offer_id, col(Offer.status) == OfferStatus.PENDING)
        .values(status=OfferStatus.FAILED, responded_at=now)
        .returning(col(Offer.id))
    )
    return lost.first() is not None  # type: ignore[no-any-return]


async def mark_sent(session: AsyncSession, *, offer_id: int, **message: Any) -> bool:
    """A PENDING offer's message went out (``platform``, ``chat_id``, ``message_id``)."""
    sent = await session.exec(  # type: ignore[call-overload]
        update(Offer)
        .where(col(Offer.id) == offer_id, col(Offer.status) == OfferStatus.PENDING)
        .values(status=OfferStatus.SENT, **message)
        .returning(col(Offer.id))
    )
    return sent.first() is not None  # type: ignore[no-any-return]


async def set_message(session: AsyncSession, *, offer_id: int, **message: Any) -> str:
    """Record the offer's message whatever its status; returns that status."""
    moved = await session.exec(  # type: ignore[call-overload]
        update(Offer)
        .where(col(Offer.id) == offer_id)
        .values(**message)
        .returning(col(Offer.status))
    )
    return moved.scalar_one()  # type: ignore[no-any-return]


async def stale_pending(session: AsyncSession, *, order_id: int, before: datetime) -> list[int]:
    """PENDING offers of the order written before ``before`` whose message never went out."""
    stmt = select(col(Offer.id)).where(
        col(Offer.order_id) == order_id,
        col(Offer.status) == OfferStatus.PENDING,
        col(Offer.message_id).is_(None),
        col(Offer.created_at) < before,
    )
    return [i for i in (await session.exec(stmt)).all() if i is not None]


async def orders_of(session: AsyncSession, *, offer_ids: list[int]) -> dict[int, list[int]]:
    """Those of ``offer_ids`` still PENDING with no message recorded, by order."""
    if not offer_ids:
        return {}
    stmt = select(col(Offer.order_id), col(Offer.id)).where(
        col(Offer.id).in_(offer_ids),
        col(Offer.status) == OfferStatus.PENDING,
        col(Offer.message_id).is_(None),
    )
    out: dict[int, list[int]] = {}
    for order_id, offer_id in (await session.exec(stmt)).all():
        out.setdefault(order_id, []).append(offer_id)
    return out


async def candidate_rows(session: AsyncSession, *, order: Order) -> Sequence[Any]:
    """Who may be offered ``order`` now (unranked): volunteer id, station, last job,
    open jobs, mean rating.

    Active (not paused) volunteers of the order's team whom the bot can reach,
    under their limit of open jobs, who are not the requester and have no offer
    of this order they could still answer or have answered (declined, claimed,
    undeliverable).
    """
    jobs = (
        select(col(Order.volunteer_id).label("vid"), func.count().label("n"))
        .where(col(Order.status).in_(OrderStatus.ACTIVE), col(Order.volunteer_id).is_not(None))
        .group_by(col(Order.volunteer_id))
        .subquery()
    )
    ratings = (
        select(col(Feedback.volunteer_id).label("vid"), func.avg(Feedback.rating).label("r"))
        .where(col(Feedback.volunteer_id).is_not(None))
        .group_by(col(Feedback.volunteer_id))
        .subquery()
    )
    answered = select(col(Offer.id)).where(
        col(Offer.order_id) == order.id,
        col(Offer.volunteer_id) == col(Volunteer.id),
        col(Offer.status).not_in(REOFFERABLE),
    )
    n_jobs = func.coalesce(jobs.c.n, 0)
    stmt = (
        select(  # type: ignore[call-overload]
            col(Volunteer.id),
            col(Volunteer.station_id),
            col(Volunteer.last_job_at),
            n_jobs,
            ratings.c.r,
        )
        .join(VolunteerTeam, col(VolunteerTeam.volunteer_id) == col(Volunteer.id))
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .outerjoin(jobs, jobs.c.vid == col(Volunteer.id))
        .outerjoin(ratings, ratings.c.vid == col(Volunteer.id))
        .where(
            col(VolunteerTeam.team_id) == order.team_id,
            col(Volunteer.status) == VolunteerStatus.ACTIVE,
            col(Person.reachable).is_(True),
            col(Volunteer.person_id) != order.requester_id,
            ~answered.exists(),
            n_jobs < col(Volunteer.max_open_jobs),
        )
    )
    return (await session.exec(stmt)).all()  # type: ignore[no-any-return]


async def close_live(
    session: AsyncSession,
    *,
    order_id: int,
    to: str,
    now: datetime,
    except_volunteer: int | None = None,
) -> list[tuple[int, str | None, str | None, str | None]]:
    """Move the order's open offers (but ``except_volunteer``'s) to ``to``; returns
    (volunteer id, platform, chat id, message id) of each, to edit their messages."""
    where = [col(Offer.order_id) == order_id, col(Offer.status).in_(LIVE)]
    if except_volunteer is not None:
        where.append(col(Offer.volunteer_id) != except_volunteer)
    rows = await session.exec(  # type: ignore[call-overload]
        update(Offer)
        .where(*where)
        .values(status=to, responded_at=now)
        .returning(
            col(Offer.volunteer_id), col(Offer.platform), col(Offer.chat_id), col(Offer.message_id)
        )
    )
    return list(rows.all())


async def withdraw_of_volunteer(
    session: AsyncSession, *, volunteer_id: int, now: datetime
) -> list[tuple[int, str | None, str | None, str | None]]:
    """Withdraw every open offer made to a volunteer; returns (order id, platform, chat id,
    message id) of each."""
    rows = await session.exec(  # type: ignore[call-overload]
        update(Offer)
        .where(col(Offer.volunteer_id) == volunteer_id, col(Offer.status).in_(LIVE))
        .values(status=OfferStatus.WITHDRAWN, responded_at=now)
        .returning(
            col(Offer.order_id), col(Offer.platform), col(Offer.chat_id), col(Offer.message_id)
        )
    )
    return list(rows.all())


async def decline(session: AsyncSession, *, offer_id: int, now: datetime) -> int | None:
    """不方便: the offer is declined if it could still be answered; returns its order id."""
    declined = await session.exec(  # type: ignore[call-overload]
        update(Offer)
        .where(col(Offer.id) == offer_id, col(Offer.status).in_(LIVE))
        .values(status=OfferStatus.DECLINED, responded_at=now)
        .returning(col(Offer.order_id))
    )
    return declined.scalar_one_or_none()  # type: ignore[no-any-return]


async def count_live(session: AsyncSession, *, order_id: int) -> int:
    """How many of the order's offers can still be answered."""
    query = (
        select(func.count())
        .select_from(Offer)
        .where(col(Offer.order_id) == order_id, col(Offer.status).in_(LIVE))
    )
    return int((await session.exec(query)).one())


async def with_volunteers(session: AsyncSession, *, order_id: int) -> list[tuple[Offer, Volunteer]]:
    """Every offer made of the order with its volunteer, wave by wave."""
    query = (
        select(Offer, Volunteer)
        .join(Volunteer, col(Volunteer.id) == col(Offer.volunteer_id))
        .where(col(Offer.order_id) == order_id)
        .order_by(col(Offer.wave), col(Offer.id))
    )
    return list((await session.exec(query)).all())  # type: ignore[arg-type]
