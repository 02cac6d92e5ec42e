"""Domain events, so one flow can react to another without importing it.

Emitted after the change is committed. A listener's failure is logged and does
not undo the change or stop the other listeners.

Events and their payloads (all carry ``order_id`` unless noted):
- ``order_created``: a new order was submitted (dispatch starts offering it).
- ``order_cancelled``: by the requester or an admin (``by``: person id, ``reason``).
- ``order_claimed``: a volunteer holds it (``volunteer_id``).
- ``order_released``: the volunteer gave it up; it is open again (``reason``).
- ``appointment_set``: ``appointment_at`` (aware datetime) was set or moved.
- ``job_started``, ``job_done``: the volunteer started / finished the service.
- ``order_confirmed``: the requester confirmed (``resolved``: bool).
- ``order_rerouted``: an admin moved it to another team (``team_id``).
- ``volunteer_approved``: ``volunteer_id`` (no order).
- ``month_started``: the monthly star review ran on the 1st (no payload).
- ``activity_published``: ``activity_id`` (no order).
- ``person_unreachable``: a channel can no longer reach ``person_id`` on ``platform``
  (no order).
- ``instance_started``: this process's scheduler started; work a crashed predecessor
  left half-done (offers in flight) is picked up (no payload).
"""

from __future__ import annotations

from typing import Any

from bot.deps import Deps

STARTED = "instance_started"


async def emit(deps: Deps, event: str, **payload: Any) -> None:
    """Tell the listeners on ``deps.bus`` (registered by the flows) that ``event`` happened."""
    await deps.bus.emit(deps, event, **payload)
