"""Labelled real requests (admins' re-routes, people's picks, triage outcomes) and what
routing may learn from them.

Guards live here, in the query that decides what is learned: a text is learned
only when at least ``min_agree`` different people labelled it with the same
team and no other team has as many votes; undone labels and dismissed
chit-chat never count; each actor's labels count only up to ``per_actor_cap``
(their earliest ones), so one busy or careless admin cannot reshape routing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import RoutingFeedback, RoutingLabel

MIN_AGREE = 2
PER_ACTOR_CAP = 50
MAX_KEY = 200  # RoutingFeedback.key


async def record(
    session: AsyncSession,
    *,
    text: str,
    key: str,
    team_slug: str | None,
    source: str,
    actor_id: int | None,
    now: datetime,
    order_id: int | None = None,
    offered: Iterable[str] = (),
) -> RoutingFeedback:
    """Store one label; ``key`` is the normalised text the caller groups agreeing labels by."""
    row = RoutingFeedback(
        text=text[:2000],
        key=key[:MAX_KEY],
        team_slug=team_slug,
        source=source,
        actor_id=actor_id,
        order_id=order_id,
        offered=list(offered),
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def undo(session: AsyncSession, *, feedback_id: int, now: datetime) -> bool:
    """Withdraw a label (it stops counting at the next refresh); False if unknown or undone."""
    done = (
        await session.exec(  # type: ignore[call-overload]
            update(RoutingFeedback)
            .where(col(RoutingFeedback.id) == feedback_id, col(RoutingFeedback.undone_at).is_(None))
            .values(undone_at=now)
            .returning(col(RoutingFeedback.id))
        )
    ).first()
    return done is not None


async def recent(session: AsyncSession, *, limit: int = 20) -> list[RoutingFeedback]:
    """The latest labels, newest first (for the admin's undo list)."""
    stmt = select(RoutingFeedback).order_by(col(RoutingFeedback.id).desc()).limit(limit)
    return list((await session.exec(stmt)).all())


async def learned_examples(
    session: AsyncSession, *, min_agree: int = MIN_AGREE, per_actor_cap: int = PER_ACTOR_CAP
) -> dict[str, list[str]]:
    """Texts that passed the guards, grouped by team slug."""
    stmt = (
        select(RoutingFeedback)
        .where(
            col(RoutingFeedback.undone_at).is_(None),
            col(RoutingFeedback.source) != RoutingLabel.DISMISS,
        )
        .order_by(col(RoutingFeedback.id))
    )
    used: Counter[int] = Counter()
    votes: dict[str, dict[str | None, set[object]]] = defaultdict(lambda: defaultdict(set))
    text_of: dict[str, str] = {}
    for row in (await session.exec(stmt)).all():
        if row.actor_id is not None:
            used[row.actor_id] += 1
            if used[row.actor_id] > per_actor_cap:
                continue
        voter: object = row.actor_id if row.actor_id is not None else ("row", row.id)
        votes[row.key][row.team_slug].add(voter)
        text_of[row.key] = row.text
    learned: dict[str, list[str]] = defaultdict(list)
    for key, by_team in votes.items():
        ranked = sorted(by_team.items(), key=lambda item: -len(item[1]))
        slug, voters = ranked[0]
        runner_up = len(ranked[1][1]) if len(ranked) > 1 else 0
        if slug is not None and len(voters) >= min_agree and len(voters) > runner_up:
            learned[slug].append(text_of[key])
    return dict(learned)
