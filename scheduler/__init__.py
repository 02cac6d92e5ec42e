"""Due work: the durable tick (``scheduler.runner``) and the tasks it runs.

Reminders, reconfirmation and stale-claim checks (``reminders``, ``stale``),
the daily digest (``digest``) and the monthly star review (``stars``) are
registered here; feedback requests live with their buttons in
``bot.flows.feedback``. ``runner.SchedulerService`` is the app component.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.deps import Deps
    from bot.registry import Registry


def register(reg: Registry) -> None:
    """Register the scheduler's task kinds and the lifecycle events it follows."""
    from scheduler import digest, reminders, stale, stars

    reminders.register(reg)
    stale.register(reg)
    digest.register(reg)
    stars.register(reg)


def kick(deps: Deps) -> None:
    """Ask the running scheduler (if any) to tick now, e.g. after enqueuing work due now."""
    service = deps.extras.get("scheduler")
    if service is not None:
        service.kick()
