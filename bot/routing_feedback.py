"""Learning from corrections: record labelled requests, and re-teach the router when the
guards allow it.

Labels come from an admin's ``/reroute`` (or the assignment of a 都不是 order),
and from a person's pick among the offered choices. ``store.routing_feedback``
decides what passed the guards (two agreeing people, undo, per-actor cap, no
chit-chat); :meth:`bot.routing.Router.try_learned` refuses an update that
routes the check corpus worse. The check corpus is the shipped template
sentences plus, when ``JIANGXIN_ROUTING_CHECK_CORPUS`` names one, a labelled
JSONL file (the development corpus in a deployment that has it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.deps import Deps
from bot.routing import normalize, segment
from bot.routing.evaluate import Example, read_examples
from bot.routing.keywords import KeywordError, parse_keyword
from bot.routing.semantic import load_templates
from bot.routing.stopwords import is_contentless
from store import routing_feedback as store
from store.models import RoutingLabel

log = logging.getLogger(__name__)


def _key(text: str) -> str:
    return " ".join(normalize(text).split())


def is_chitchat(text: str) -> bool:
    """Never learned from: a request made of greetings and filler words only."""
    norm = normalize(text)
    return not norm.strip() or is_contentless(segment.cut(norm))


async def record_label(
    deps: Deps,
    *,
    text: str,
    team_slug: str | None,
    source: str,
    actor_id: int | None,
    order_id: int | None = None,
    offered: Iterable[str] = (),
) -> int | None:
    """Store one labelled request and schedule a learning refresh; returns the label's id."""
    if source != RoutingLabel.DISMISS and is_chitchat(text):
        source = RoutingLabel.DISMISS
    async with deps.db.session() as session:
        row = await store.record(
            session,
            text=text,
            key=_key(text),
            team_slug=team_slug,
            source=source,
            actor_id=actor_id,
            order_id=order_id,
            offered=offered,
            now=deps.now(),
        )
        label_id = row.id
    schedule_refresh(deps)
    return label_id


async def undo_label(deps: Deps, *, label_id: int) -> bool:
    """Withdraw a label and re-teach the router without it."""
    async with deps.db.session() as session:
        done = await store.undo(session, feedback_id=label_id, now=deps.now())
    if done:
        schedule_refresh(deps)
    return done


def check_corpus(deps: Deps) -> list[Example]:
    """What a learned update must not route worse."""
    examples = [Example(text, slug) for slug, texts in load_templates().items() for text in texts]
    path = deps.settings.routing_check_corpus
    if path:
        try:
            examples += read_examples(path)
        except (OSError, ValueError) as exc:
            log.warning("routing check corpus unreadable, using the templates only: %s", exc)
    return examples


async def refresh(deps: Deps) -> bool | None:
    """Re-teach the router from the stored labels; None when nothing changed."""
    async with deps.db.session() as session:
        learned = await store.learned_examples(session)
    current = {slug: sorted(texts) for slug, texts in deps.router.learned.items()}
    if current == {slug: sorted(texts) for slug, texts in learned.items()}:
        return None
    adopted = await asyncio.wrap_future(deps.router.try_learned(learned, check_corpus(deps)))
    if not adopted:
        log.warning("routing: learned update refused, it routes the check corpus worse")
    return adopted


def schedule_refresh(deps: Deps) -> asyncio.Task[bool | None]:
    """Refresh in the background (one at a time); ``settled`` waits for the latest."""
    previous = deps.background.learning

    async def run() -> bool | None:
        if previous is not None and not previous.done():
            await asyncio.gather(previous, return_exceptions=True)
        return await refresh(deps)

    task = asyncio.get_running_loop().create_task(run())
    deps.background.learning = task
    return task


async def settled(deps: Deps) -> bool | None:
    """Wait for the latest scheduled refresh (tests, shutdown)."""
    task = deps.background.learning
    return await task if task is not None else None


# ---------------------------------------------------------------- keyword proposals


def _norm(text: str) -> str:
    return "".join(normalize(text).split())


def propose_keywords(
    deps: Deps, text: str, team_slug: str, known: Iterable[str] = (), *, limit: int = 5
) -> list[str]:
    """Words of ``text`` worth adding as keywords of ``team_slug``, most telling first.

    Candidates are :func:`bot.routing.suggest_keywords`'s (no stop words, rare
    words first) minus the team's ``known`` keywords; a word is dropped when
    it occurs in a check-corpus sentence that belongs to another team or to
    no team: it is a side word there (学生, 包装, 膝盖), and making it a keyword
    could only route that sentence worse.
    """
    from bot.routing import suggest_keywords

    known_set = set(known)
    elsewhere = [_norm(ex.text) for ex in check_corpus(deps) if ex.team != team_slug]
    proposals = []
    for term in suggest_keywords(text, deps.router.index, limit=limit * 3):
        if term in known_set or any(term in sentence for sentence in elsewhere):
            continue
        proposals.append(term)
        if len(proposals) == limit:
            break
    return proposals


# ---------------------------------------------------------------- nightly retrain


@dataclass(frozen=True)
class RetrainReport:
    """What a nightly retrain did and what it changed, measured before and after."""

    adopted: bool | None  # None: nothing new to learn
    learned: int  # texts that passed the guards
    labels: int  # labelled real requests (not undone, not dismissed)
    check_before: float  # top-1 % on the check corpus
    check_after: float
    labels_before: float  # top-1 % on the labelled real requests
    labels_after: float
    proposals: dict[str, list[str]] = field(default_factory=dict)

    def audit(self) -> dict[str, object]:
        return {
            "adopted": self.adopted,
            "learned": self.learned,
            "labels": self.labels,
            "check_top1": [round(self.check_before, 1), round(self.check_after, 1)],
            "labels_top1": [round(self.labels_before, 1), round(self.labels_after, 1)],
            "proposals": self.proposals,
        }


async def retrain(deps: Deps, *, already_proposed: Iterable[str] = ()) -> RetrainReport:
    """Re-teach the router from every stored label and measure the effect.

    The labelled real requests (one team per text: the most voted) and the
    check corpus are routed before and after the refresh, which adopts the
    guarded examples unless they route the check corpus worse. Teams whose
    learned texts the keyword stage still misses get keyword proposals
    (words not proposed before), for an admin to accept with one tap.
    """
    async with deps.db.session() as session:
        labelled = await store.learned_examples(session, min_agree=1)
        learned = await store.learned_examples(session)
    examples = [Example(text, slug) for slug, texts in labelled.items() for text in texts]
    corpus = check_corpus(deps)
    before_check = await asyncio.wrap_future(deps.router.measure(corpus))
    before_labels = await asyncio.wrap_future(deps.router.measure(examples))
    await settled(deps)  # a refresh a label scheduled goes first
    adopted = await refresh(deps)
    after_check = await asyncio.wrap_future(deps.router.measure(corpus))
    after_labels = await asyncio.wrap_future(deps.router.measure(examples))
    seen = set(already_proposed)
    proposals: dict[str, list[str]] = {}
    teams = {team.slug: team for team in deps.router.teams}
    for slug, texts in sorted(learned.items()):
        team = teams.get(slug)
        if team is None or not team.active:
            continue
        known = {_keyword_term(k) for k in team.keywords} | seen
        terms: list[str] = []
        for text in texts:
            if deps.router.keyword_route(text).team == slug:
                continue  # the keywords already know this request
            for term in propose_keywords(deps, text, slug, known | set(terms), limit=3):
                terms.append(term)
        if terms:
            proposals[slug] = terms[:8]
            seen.update(terms)
    return RetrainReport(
        adopted=adopted,
        learned=sum(map(len, learned.values())),
        labels=len(examples),
        check_before=before_check.top1_rate,
        check_after=after_check.top1_rate,
        labels_before=before_labels.top1_rate,
        labels_after=after_labels.top1_rate,
        proposals=proposals,
    )


def _keyword_term(raw: str) -> str:
    try:
        return parse_keyword(raw, allow_chitchat=True)[0]
    except KeywordError:
        return raw
