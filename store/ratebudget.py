"""The outgoing send budget shared by every instance of one bot (PostgreSQL).

One row per bot is a token bucket: ``tokens`` as of ``updated_at``, refilled at
``rate`` per second up to ``capacity``. Taking sends is one statement that
refills, grants and stores in one go under the row lock, using the database's
clock so the instances' clocks never matter.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

_ENSURE = text(
    "INSERT INTO sendbudget (key, tokens, updated_at) VALUES (:key, :capacity, clock_timestamp()) "
    "ON CONFLICT (key) DO NOTHING"
)
# Bulk passes a reserve: it only takes what stays above it, so replies find tokens.
_TAKE = text(
    """
    WITH cur AS (
        SELECT key,
               LEAST(CAST(:capacity AS float8), tokens
                     + EXTRACT(EPOCH FROM clock_timestamp() - updated_at) * :rate) AS avail
        FROM sendbudget WHERE key = :key FOR UPDATE
    ), g AS (
        SELECT key, avail,
               GREATEST(0, LEAST(CAST(:want AS int), FLOOR(avail - :reserve)))::int AS n
        FROM cur
    )
    UPDATE sendbudget AS b SET tokens = g.avail - g.n, updated_at = clock_timestamp()
    FROM g WHERE b.key = g.key
    RETURNING g.n, g.avail - g.n
    """
)


async def ensure(session: AsyncSession, *, key: str, capacity: float) -> None:
    await session.exec(_ENSURE.bindparams(key=key, capacity=capacity))  # type: ignore[call-overload]


async def take(
    session: AsyncSession, *, key: str, want: int, reserve: int, rate: float, capacity: float
) -> tuple[int, float]:
    """Take up to ``want`` sends, leaving ``reserve``; (granted, tokens left after).

    (0, -1.0) when the bucket's row is missing (call :func:`ensure`).
    """
    row = (
        await session.exec(  # type: ignore[call-overload]
            _TAKE.bindparams(key=key, want=want, reserve=reserve, rate=rate, capacity=capacity)
        )
    ).first()
    if row is None:
        return 0, -1.0
    return int(row[0]), float(row[1])
