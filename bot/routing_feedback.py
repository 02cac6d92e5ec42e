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

from bot.deps import Deps
from bot.routing import normalize, segment
from bot.routing.evaluate import Example, read_examples
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
