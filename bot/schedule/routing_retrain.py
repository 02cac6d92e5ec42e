"""The nightly routing retrain: re-teach the router from accumulated corrections.

Runs as the calendar task ``routing_retrain`` at ``routing_retrain_time``
(03:00 local by default). Every stored label (admins' re-routes, people's
picks, triage assignments) is read again, the guarded examples are adopted
unless they route the check corpus worse, and the effect is measured before
and after: one audit line ``routing.retrain`` records what was learned and
the top-1 figures on the check corpus and on the labelled real requests.

Teams whose learned requests the keywords still miss get keyword proposals:
one message to the association-wide admins per team, each word a ＋ button
(the same one-tap path as after a ``/reroute``), recorded as an audit line
``routing.propose`` that the buttons refer to. A word is proposed once.
"""

from __future__ import annotations

import html
import logging

from bot import audit, callbacks
from bot.deps import Deps
from bot.notify import admins, notify
from bot.registry import Registry
from bot.reply import Button, Reply
from bot.routing_feedback import RetrainReport, retrain
from bot.texts import t
from store import audit as audit_store
from store.engine import Session
from store.models import Task
from store.teams import team_by_slug

log = logging.getLogger(__name__)

KIND = "routing_retrain"  # a calendar kind: scheduler.calendar schedules the next night's
RETRAIN = "routing.retrain"
PROPOSE = "routing.propose"
REMEMBERED = 200  # audit rows searched for words proposed before


async def run_retrain(deps: Deps) -> RetrainReport:
    """Retrain, write the audit line, and offer the proposed keywords to admins."""
    async with deps.db.session() as session:
        earlier = await audit_store.latest_audit(session, n=REMEMBERED, target_type="routing")
    proposed = {
        term
        for row in earlier
        if row.action == PROPOSE and row.after
        for term in row.after.get("suggest") or ()
    }
    report = await retrain(deps, already_proposed=proposed)
    teams = {team.slug: team for team in deps.router.teams}
    offers: list[tuple[int, str, list[str]]] = []
    async with deps.db.session() as session:
        await audit.record(
            session,
            actor_id=None,
            action=RETRAIN,
            target_type="routing",
            after=report.audit(),
        )
        for slug, terms in report.proposals.items():
            row = await audit.record(
                session,
                actor_id=None,
                action=PROPOSE,
                target_type="routing",
                target_id=slug,
                after={"team": slug, "team_id": await _team_id(session, slug), "suggest": terms},
            )
            offers.append((row.id, teams[slug].name, terms))  # type: ignore[arg-type]
    log.info(
        "routing retrain: adopted=%s, %s learned of %s labels, check top-1 %.1f%% -> %.1f%%, "
        "labels top-1 %.1f%% -> %.1f%%, %s keyword proposal(s)",
        report.adopted,
        report.learned,
        report.labels,
        report.check_before,
        report.check_after,
        report.labels_before,
        report.labels_after,
        sum(map(len, report.proposals.values())),
    )
    if offers:
        # Keywords are association-wide: only admins without a station scope may add them.
        for person in await admins(deps):
            if person.admin_station_id is not None:
                continue
            for audit_id, team, terms in offers:
                try:
                    await notify(deps, person, _offer(person.language, audit_id, team, terms))
                except Exception:
                    log.exception("could not offer routing keywords to admin %s", person.id)
    return report


def _offer(lang: str | None, audit_id: int, team: str, terms: list[str]) -> Reply:
    text = t(lang, "routing.retrain.offer", team=team, terms="、".join(terms))
    buttons = [
        tuple(
            Button(
                html.unescape(t(lang, "admin.learn.add", term=term)),
                callbacks.encode(callbacks.ADMIN_LEARN_KEYWORD, audit_id, i),
            )
            for i, term in list(enumerate(terms))[j : j + 3]
        )
        for j in range(0, len(terms), 3)
    ]
    if len(terms) > 1:
        buttons.append(
            (
                Button(
                    t(lang, "admin.learn.all"),
                    callbacks.encode(callbacks.ADMIN_LEARN_KEYWORD, audit_id, "all"),
                ),
            )
        )
    buttons.append(
        (
            Button(
                t(lang, "admin.learn.close"),
                callbacks.encode(callbacks.ADMIN_LEARN_CLOSE, audit_id),
            ),
        )
    )
    return Reply(text, buttons=tuple(buttons))


async def _team_id(session: Session, slug: str) -> int | None:
    team = await team_by_slug(session, slug=slug)
    return team.id if team is not None else None


async def run(deps: Deps, task: Task) -> None:
    """Task ``routing_retrain`` (the scheduler then makes sure the next night's exists)."""
    await run_retrain(deps)


def register(reg: Registry) -> None:
    reg.task(KIND, run, long=True)  # seconds of routing a corpus twice: beside the tick
