"""Dispatch (派单与抢单): who is offered an order, in which waves, and who wins it.

Everything that matters is a row — an Offer per volunteer and order (with the
message to edit later) and the next wave as a Task — so a restart loses no
offer. Every race (ten volunteers pressing 认领 together, a decline crossing a
claim, a wave crossing a cancel) is settled in the database by a conditional
UPDATE or an INSERT … ON CONFLICT, never by a check in Python.

Waves: wave 1 offers the top ``offer_wave_size`` candidates at once. Each later
wave, ``offer_wave_interval`` after the previous one, widens to the next ring of
the station tree (same point → same town → same county → elsewhere) and offers
every remaining candidate inside it. A wave that finds nobody left expires the
order (无人认领) and hands it to the admins with its history. A declined or
undeliverable offer is passed to the next candidate at once.

Sending is never done inside a transaction, and deliveries fan out
concurrently, so one slow or blocked chat holds up nobody else.
"""

from __future__ import annotations

from bot.dispatch.candidates import Candidate, candidates, open_orders_for, released_by
from bot.dispatch.claim import assign, claim, run_followup
from bot.dispatch.common import (
    DISPATCHING,
    FOLLOWUP_SAFETY_NET,
    FOLLOWUP_TASK,
    LIVE,
    NEUTRAL_RATING,
    RELEASE_ACTION,
    REOFFERABLE,
    STALE_PENDING,
    WAVE_TASK,
    followup_key,
    wave_key,
    wave_prefix,
)
from bot.dispatch.expiry import history
from bot.dispatch.listeners import (
    on_order_cancelled,
    on_order_created,
    on_order_rerouted,
    redispatch,
    run_start,
)
from bot.dispatch.offers import (
    CLOSED_KEY,
    OFFER_DELIVERED,
    _deliver,
    _put_offer,
    offer_delivered,
    recover,
)
from bot.dispatch.release import decline, release, withdraw_offers
from bot.dispatch.waves import run_wave, start
from bot.dispatch.work import settle, spawn

__all__ = [
    "CLOSED_KEY",
    "DISPATCHING",
    "FOLLOWUP_SAFETY_NET",
    "FOLLOWUP_TASK",
    "LIVE",
    "NEUTRAL_RATING",
    "OFFER_DELIVERED",
    "RELEASE_ACTION",
    "REOFFERABLE",
    "STALE_PENDING",
    "WAVE_TASK",
    "Candidate",
    "_deliver",
    "_put_offer",
    "assign",
    "candidates",
    "claim",
    "decline",
    "followup_key",
    "history",
    "offer_delivered",
    "on_order_cancelled",
    "on_order_created",
    "on_order_rerouted",
    "open_orders_for",
    "recover",
    "redispatch",
    "release",
    "released_by",
    "run_followup",
    "run_start",
    "run_wave",
    "settle",
    "spawn",
    "start",
    "wave_key",
    "wave_prefix",
    "withdraw_offers",
]
