"""The WeChat channel's rows: the shared access token, accepted inbound keys, numbered
choices, and messages kept for subscription-account people until they next write."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from store.engine import Database
from store.models import WechatChoice, WechatInbound, WechatPending, WechatToken


async def first_time(db: Database, *, key: str) -> bool:
    """Record an inbound message key; False when WeChat re-delivered something already taken."""
    try:
        async with db.session() as session:
            session.add(WechatInbound(key=key[:128]))
        return True
    except IntegrityError:
        return False


async def prune_inbound(db: Database, *, before: datetime) -> int:
    async with db.session() as session:
        result = await session.exec(  # type: ignore[call-overload]
            delete(WechatInbound).where(col(WechatInbound.created_at) < before)
        )
        return int(result.rowcount or 0)


async def stored_token(db: Database, *, app_id: str) -> WechatToken | None:
    async with db.session() as session:
        return await session.get(WechatToken, app_id)


async def save_token(
    db: Database, *, app_id: str, token: str, expires_at: datetime, replaces: str | None
) -> bool:
    """Store a fresh token. ``replaces`` is the token the caller saw (None: none stored);
    False when another instance stored a different one first (then use theirs)."""
    try:
        async with db.session() as session:
            if replaces is None:
                session.add(WechatToken(app_id=app_id, token=token, expires_at=expires_at))
                return True
            result = await session.exec(  # type: ignore[call-overload]
                update(WechatToken)
                .where(col(WechatToken.app_id) == app_id, col(WechatToken.token) == replaces)
                .values(token=token, expires_at=expires_at)
            )
            return bool(result.rowcount)
    except IntegrityError:
        return False


async def put_choices(db: Database, *, openid: str, options: list[str], now: datetime) -> None:
    async with db.session() as session:
        row = await session.get(WechatChoice, openid)
        if row is None:
            session.add(WechatChoice(openid=openid, options=options, created_at=now))
        else:
            row.options, row.created_at = options, now
            session.add(row)


async def take_choice(db: Database, *, openid: str, number: int) -> str | None:
    """The callback data behind "回复 <number>", or None when no such choice is on offer."""
    async with db.session() as session:
        row = await session.get(WechatChoice, openid)
        if row is None or not 1 <= number <= len(row.options):
            return None
        return row.options[number - 1]


async def has_choices(db: Database, *, openid: str) -> bool:
    async with db.session() as session:
        return await session.get(WechatChoice, openid) is not None


async def clear_choices(db: Database, *, openid: str) -> None:
    async with db.session() as session:
        await session.exec(  # type: ignore[call-overload]
            delete(WechatChoice).where(col(WechatChoice.openid) == openid)
        )


async def keep_pending(
    db: Database, *, openid: str, text: str, choices_text: str, choices: list[str], now: datetime
) -> None:
    """Keep a message for a subscription account's person until they next write."""
    async with db.session() as session:
        session.add(
            WechatPending(
                openid=openid, text=text, choices_text=choices_text, choices=choices, created_at=now
            )
        )


async def pending(db: Database, *, openid: str) -> list[WechatPending]:
    """The messages kept for ``openid``, oldest first."""
    async with db.session() as session:
        stmt = (
            select(WechatPending)
            .where(col(WechatPending.openid) == openid)
            .order_by(col(WechatPending.id))
        )
        return list((await session.exec(stmt)).all())


async def drop_pending(db: Database, *, ids: list[int]) -> int:
    """Forget messages once they went out; how many were still there (0: another request
    of the same person took them first)."""
    async with db.session() as session:
        result = await session.exec(  # type: ignore[call-overload]
            delete(WechatPending).where(col(WechatPending.id).in_(ids))
        )
        return int(result.rowcount or 0)
