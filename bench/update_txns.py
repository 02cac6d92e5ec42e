"""Transactions and statements per update, before and after the transactional inbox.

Counts what one update costs the database on the common path, with SQLAlchemy
events (``_common.DbCounter``: statements, transactions, and which transactions
wrote nothing), for each step of a person's order conversation:

    free_text     a need, typed (routed; the order dialog starts)
    confirm_team  ✅ the team (a button press)
    place         an address typed at the place step (text in a dialog)
    help          /help (a command that writes nothing)
    cancel        /cancel under the time step's buttons (they are taken away: bot.live)

Two ways of taking an update in, on the same engine and database:

    before   the id recorded in its own transaction (``store.updates.first_time``,
             what the Telegram channel did before the inbox), then ``Engine.handle``
             and, as a channel does after sending, ``Engine.delivered`` for each reply
    inbox    the update stored (``Inbox.receive``: the one write per webhook
             request or getUpdates batch that makes it durable before the ack),
             then handled by the inbox, which marks it done inside the flow's
             own write transaction (or on its own when the flow writes nothing)

    .venv/bin/python bench/update_txns.py            # SQLite
    .venv/bin/python bench/update_txns.py --pg       # SQLite, then PostgreSQL
    JX_BENCH_CODE=/path/to/other/checkout .venv/bin/python bench/update_txns.py   # its code
"""

from __future__ import annotations

import asyncio
import itertools

from _common import BUCKET, DbCounter, Table, backends, bench_deps, parser

from bot import callbacks
from bot.callbacks import ORDER_PICK_TEAM
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.reply import MessageRef, Outcome
from store import updates
from store.inbox import Arrival
from store.models import InboxUpdate

STEPS = ("free_text", "confirm_team", "place", "help", "cancel")
ROUNDS = 20
_ids = itertools.count(1)


def _team_button(outcome: Outcome) -> str:
    for reply in outcome.replies:
        for row in reply.buttons:
            for b in row:
                if b.data and callbacks.decode(b.data)[0] == ORDER_PICK_TEAM:
                    return b.data
    raise SystemExit("no team button: " + " | ".join(r.text[:60] for r in outcome.replies))


async def delivered(engine: Engine, actor: Actor, outcome: Outcome) -> None:
    """What a channel does once it sent the replies: tells the core where (bot.live)."""
    for reply in outcome.replies:
        ref = MessageRef("telegram", actor.external_id, str(next(_ids)))
        await engine.delivered(actor, reply, ref)


class Before:
    """The channel as it was: dedupe in its own transaction, then the engine."""

    def __init__(self, deps: Deps, engine: Engine) -> None:
        self.deps, self.engine = deps, engine

    async def handle(self, actor: Actor, event: Inbound) -> Outcome:
        assert await updates.first_time(self.deps.db, "telegram", next(_ids))
        outcome = await self.engine.handle(actor, event)
        await delivered(self.engine, actor, outcome)
        return outcome


class WithInbox:
    """The channel now: stored, then handled by the inbox under the chat's lock."""

    def __init__(self, deps: Deps, engine: Engine) -> None:
        self.deps, self.engine = deps, engine
        self.outcome: Outcome | None = None
        self.events: dict[str, tuple[Actor, Inbound]] = {}
        deps.inbox.add_runner("bench", self._run)
        deps.inbox.open("bench")

    async def _run(self, row: InboxUpdate) -> None:
        actor, event = self.events.pop(row.key)
        self.outcome = await self.engine.handle(actor, event)
        await delivered(self.engine, actor, self.outcome)

    async def handle(self, actor: Actor, event: Inbound) -> Outcome:
        key = str(next(_ids))
        self.events[key] = (actor, event)
        await self.deps.inbox.receive([Arrival("bench", key, actor.external_id, {})])
        await self.deps.inbox.drain("bench", actor.external_id)
        assert self.outcome is not None
        return self.outcome


async def rounds(channel: Before | WithInbox, counter: DbCounter, n: int) -> None:
    for i in range(n):
        actor = Actor("telegram", str(500_000 + i), f"王师傅{i}", language="zh-hans")
        BUCKET.set("setup")
        await channel.engine.handle(actor, Inbound(Kind.COMMAND, text="/start", command="start"))
        BUCKET.set("free_text")
        out = await channel.handle(actor, Inbound(Kind.TEXT, text="注塑件毛边太多怎么办"))
        BUCKET.set("confirm_team")
        out = await channel.handle(actor, Inbound(Kind.BUTTON, data=_team_button(out)))
        BUCKET.set("place")
        await channel.handle(actor, Inbound(Kind.TEXT, text="宁波市北仑区大碶街道1号"))
        BUCKET.set("help")
        await channel.handle(actor, Inbound(Kind.COMMAND, text="/help", command="help"))
        BUCKET.set("cancel")
        await channel.handle(actor, Inbound(Kind.COMMAND, text="/cancel", command="cancel"))


async def measure(kind: str, pg_url: str | None, mode: str, n: int) -> dict[str, tuple]:
    async with bench_deps(kind, pg_url, routing_semantic=False) as (deps, _notifier, engine):
        channel = Before(deps, engine) if mode == "before" else WithInbox(deps, engine)
        await rounds(channel, DbCounter(deps), 2)  # warm-up: caches, pool, statement cache
        with DbCounter(deps) as counter:
            await rounds(channel, counter, n)
        out = {}
        for step in STEPS:
            tx = counter.transactions.get(step, 0) / n
            ro = counter.read_only.get(step, 0) / n
            out[step] = (counter.statements.get(step, 0) / n, tx, tx - ro)
        return out


async def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    n = 3 if args.quick else ROUNDS
    for kind in backends(args):
        print(f"\n{kind}: per update (mean of {n})\n")
        table = Table(["step", "mode", "statements", "transactions", "of which wrote"])
        results = {mode: await measure(kind, args.pg, mode, n) for mode in ("before", "inbox")}
        for step in STEPS:
            for mode in ("before", "inbox"):
                st, tx, rw = results[mode][step]
                table.add(step, mode, f"{st:.1f}", f"{tx:.1f}", f"{rw:.1f}")
        print(table.render())


if __name__ == "__main__":
    asyncio.run(main())
