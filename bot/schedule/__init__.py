"""Due work with user-facing text, registered as task kinds the scheduler's tick runs.

Reminders, reconfirmation and stale-claim checks (``reminders``, ``stale``),
the daily digest (``digest``), the monthly star review (``stars``) and the
nightly routing retrain (``routing_retrain``) live
here, in the domain; ``scheduler/`` only ticks, leases, keeps the calendar
rows and prunes. Feedback requests live with their buttons in
``bot.flows.feedback``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.registry import Registry


def register(reg: Registry) -> None:
    """Register the task kinds and the lifecycle events they follow."""
    from bot.schedule import digest, reminders, routing_retrain, stale, stars

    reminders.register(reg)
    stale.register(reg)
    digest.register(reg)
    stars.register(reg)
    routing_retrain.register(reg)
