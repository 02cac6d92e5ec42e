"""Monthly star levels (星级评定) from cumulative service hours.

A volunteer's level is the number of ``star_hours`` thresholds their
cumulative ``service_minutes`` reach (20, 50, 100, 200, 300 hours by default:
one to five stars). The review runs as the calendar task ``star_levels`` on the
first of each month; a volunteer who rose is congratulated. Levels are
recomputed from the hours each time, so a repeated run changes and announces
nothing, and lowered thresholds or corrected hours settle by themselves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.deps import Deps
from bot.registry import Registry
from bot.reply import Reply
from bot.schedule.delivery import deliver
from bot.texts import t
from store.models import Person, Task, Volunteer, VolunteerStatus
from store.volunteers import all_volunteers

log = logging.getLogger(__name__)

ANNOUNCED = (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED)  # working volunteers hear of it


def level_for(minutes: int, thresholds: list[int]) -> int:
    """How many thresholds (in hours) ``minutes`` of service reach."""
    return sum(1 for hours in thresholds if minutes >= hours * 60)


@dataclass(frozen=True)
class Change:
    volunteer_id: int
    before: int
    after: int


async def review(deps: Deps) -> list[Change]:
    """Recompute every volunteer's level, store the changes, congratulate those who rose."""
    thresholds = deps.settings.star_hours
    changes: list[Change] = []
    risen: list[tuple[Volunteer, Person]] = []
    now = deps.now()
    async with deps.db.session() as session:
        for v in await all_volunteers(session):
            level = level_for(v.service_minutes, thresholds)
            if level == v.star_level:
                continue
            changes.append(Change(v.id, v.star_level, level))  # type: ignore[arg-type]
            if level > v.star_level and v.status in ANNOUNCED:
                person = await session.get(Person, v.person_id)
                if person is not None:
                    risen.append((v, person))
            v.star_level = level
            v.updated_at = now
            session.add(v)
    for v, person in risen:
        lang = person.language
        text = t(
            lang,
            "schedule.stars.up",
            name=v.name or person.display_name,
            hours=v.service_minutes // 60,
            stars="★" * v.star_level,
            level=v.star_level,
        )
        try:
            await deliver(deps, person, Reply(text))
        except Exception:
            # The level is stored; one lost congratulation is not worth a second review.
            log.exception("could not congratulate volunteer %s", v.id)
    if changes:
        log.info("star review: %s level change(s), %s rise(s) announced", len(changes), len(risen))
    return changes


KIND = "star_levels"  # a calendar kind: scheduler.calendar schedules next month's after a run


async def run(deps: Deps, task: Task) -> None:
    """Task ``star_levels``: review (the scheduler then makes sure next month's is scheduled)."""
    await review(deps)


def register(reg: Registry) -> None:
    reg.task(KIND, run)
