"""Dispatch's task kinds, task keys and the constants every part shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from store.models import (
    OrderStatus,
)

# Offers that can still be answered, and those that may be offered again (store.offers).
from store.offers import LIVE as LIVE
from store.offers import REOFFERABLE as REOFFERABLE

WAVE_TASK = "offer_wave"
DISPATCHING = (OrderStatus.NEW, OrderStatus.OFFERED)
NEUTRAL_RATING = 3.0  # a volunteer nobody has rated yet ranks as an average one
# A PENDING offer without a message this old lost its sender (a crash): the next wave resends.
STALE_PENDING = timedelta(minutes=2)
EPOCH = datetime.min.replace(tzinfo=UTC)
RELEASE_ACTION = "order.release"  # audit action of release(); released_by() reads it


def wave_key(order_id: int, wave: int) -> str:
    """The task key of one wave (``order:<id>:wave:<n>``).

    One key per wave, not one per order: the next wave is enqueued while the
    current wave's task is still running, and re-using that row could let the
    scheduler's "done" overwrite the freshly scheduled wave.
    """
    return f"order:{order_id}:wave:{wave}"


FOLLOWUP_TASK = "claim_followup"
FOLLOWUP_SAFETY_NET = timedelta(minutes=1)


def followup_key(order_id: int) -> str:
    return f"order:{order_id}:claimed"


def wave_prefix(order_id: int) -> str:
    return f"order:{order_id}:wave"
