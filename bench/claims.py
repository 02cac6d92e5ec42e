"""认领 races: K volunteers press 认领 on the same order at once; exactly one may win.

Per round: an order of the technical team is created (``bot.orders.create_order``)
and dispatched (``bot.dispatch.start``, wave size K), so each of the K
volunteers holds a sent offer; then all K press 认领 together and each press is
timed from the common start until its answer:

* ``engine`` mode (default): ``Engine.handle`` with the offer's own button data
  (``jclaim:<order>``) and message reference, exactly what the Telegram and web
  channels hand the core (person lookup, checks, the atomic claim, the loser's
  edited offer);
* ``dispatch`` mode: ``bot.dispatch.claim(deps, order, volunteer)`` directly,
  the domain function alone.

"All answered" is the wall time until the last of the K answers. The claim's
follow-up (other offers edited, the job card, the requester told) runs in the
background as in production; "all done" is the wall time until it has finished
too. Every round is verified — one 认领成功 answer, the order CLAIMED by that
volunteer, one CLAIMED offer and K-1 TAKEN — and printed with its winner.
The first round of each K is a warm-up and is not counted.

    .venv/bin/python bench/claims.py                  # SQLite
    .venv/bin/python bench/claims.py --pg             # SQLite, then PostgreSQL
    .venv/bin/python bench/claims.py --quick
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from _common import (
    Table,
    add_volunteers,
    backends,
    bench_deps,
    load_average,
    machine,
    ms,
    parser,
    percentile,
)
from sqlmodel import col, select

from bot import dispatch, jobtext, orders
from bot.callbacks import encode
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.reply import MessageRef
from bot.texts import t
from store.models import Offer, OfferStatus, Order, OrderStatus, Person, Team

WON = t("zh", "jobs.claim.won")
LOST = t("zh", "jobs.claim.lost")


class RoundFailed(Exception):
    """A round broke the one-winner rule (or its offers were not all sent)."""


@dataclass
class Series:
    """One (K, mode) run."""

    k: int
    mode: str
    latencies: list[float] = field(default_factory=list)  # every press
    winner_latencies: list[float] = field(default_factory=list)
    all_answered: list[float] = field(default_factory=list)  # per round
    all_done: list[float] = field(default_factory=list)  # per round, follow-up included
    rounds: int = 0
    failures: list[str] = field(default_factory=list)
    cpu: float = 0.0  # this process's CPU seconds over the measured rounds (presses + follow-up)


async def _new_order(
    deps: Deps, requester: Person, team_id: int, k: int
) -> tuple[int, list[Offer]]:
    async with deps.db.session() as session:
        order = await orders.create_order(
            session,
            requester_id=requester.id,
            text="注塑件毛边太多，想请师傅看看模具",  # type: ignore[arg-type]
            now=deps.now(),
            team_id=team_id,
            address="宁波市北仑区大碶街道1号",
            contact_phone="13812345678",
        )
    oid: int = order.id  # type: ignore[assignment]
    await dispatch.start(deps, oid)
    async with deps.db.session() as session:
        offers = list(
            (
                await session.exec(
                    select(Offer)
                    .where(col(Offer.order_id) == oid)
                    .order_by(col(Offer.volunteer_id))
                )
            ).all()
        )
    if len(offers) != k or any(o.status != OfferStatus.SENT for o in offers):
        raise RoundFailed(f"order {oid}: {len(offers)} offers, not {k} sent ones")
    return oid, offers


async def _verify(deps: Deps, oid: int, winners: list[int]) -> int:
    if len(winners) != 1:
        raise RoundFailed(f"order {oid}: {len(winners)} winners")
    async with deps.db.session() as session:
        order = await session.get(Order, oid)
        statuses = [
            o.status
            for o in (await session.exec(select(Offer).where(col(Offer.order_id) == oid))).all()
        ]
    if order is None or order.status != OrderStatus.CLAIMED or order.volunteer_id != winners[0]:
        raise RoundFailed(
            f"order {oid}: stored holder {order and order.volunteer_id}, "
            f"answered winner {winners[0]}"
        )
    if (
        statuses.count(OfferStatus.CLAIMED) != 1
        or statuses.count(OfferStatus.TAKEN) != len(statuses) - 1
    ):
        raise RoundFailed(f"order {oid}: offer statuses {sorted(statuses)}")
    return winners[0]


async def _round(
    deps: Deps,
    engine: Engine,
    mode: str,
    oid: int,
    offers: list[Offer],
    people: dict[int, Person],
) -> tuple[list[tuple[int, float, bool]], float]:
    """Fire all K presses at once; (volunteer id, latency, won) each, and the wall time."""
    start = time.perf_counter()

    async def press(offer: Offer) -> tuple[int, float, bool]:
        if mode == "engine":
            p = people[offer.volunteer_id]
            outcome = await engine.handle(
                Actor(p.platform, p.external_id, p.display_name, language="zh"),
                Inbound(
                    Kind.BUTTON,
                    data=encode(jobtext.CLAIM, oid),
                    message=MessageRef(offer.platform, offer.chat_id, offer.message_id),
                ),  # type: ignore[arg-type]
            )
            if outcome.toast not in (WON, LOST):
                raise RoundFailed(f"order {oid}: unexpected answer {outcome.toast!r}")
            won = outcome.toast == WON
        else:
            won = await dispatch.claim(deps, oid, offer.volunteer_id, wait=False)
        return offer.volunteer_id, time.perf_counter() - start, won

    answers = await asyncio.gather(*(press(o) for o in offers))
    return answers, time.perf_counter() - start


async def run_series(kind: str, pg_url: str | None, k: int, mode: str, rounds: int) -> Series:
    series = Series(k, mode)
    # max_open_jobs is raised so a volunteer who won earlier rounds still competes.
    async with bench_deps(kind, pg_url, offer_wave_size=k) as (deps, _notifier, engine):
        vols = await add_volunteers(deps, k, first_external_id=20_000, max_open_jobs=1_000_000)
        people = {v.id: p for p, v in vols}
        names = {v.id: v.name for _, v in vols}
        async with deps.db.session() as session:
            requester = Person(platform="telegram", external_id="19999", display_name="求助人")
            session.add(requester)
            team = (await session.exec(select(Team).where(col(Team.slug) == "tech"))).one()
        for n in range(rounds + 1):
            try:
                oid, offers = await _new_order(deps, requester, team.id, k)  # type: ignore[arg-type]
                start, cpu = time.perf_counter(), time.process_time()
                answers, wall = await _round(deps, engine, mode, oid, offers, people)
                await dispatch.settle(deps)
                done, cpu = time.perf_counter() - start, time.process_time() - cpu
                winner = await _verify(deps, oid, [vid for vid, _, won in answers if won])
            except RoundFailed as exc:
                series.failures.append(str(exc))
                print(f"    {kind} K={k} {mode} round {n}: FAILED {exc}", flush=True)
                continue
            label = "warm-up" if n == 0 else f"round {n}"
            print(
                f"    {kind} K={k} {mode} {label}: order {oid} won by {names[winner]} "
                f"(volunteer {winner}); {k} answers in {ms(wall)} ms, "
                f"all done {ms(done)} ms",
                flush=True,
            )
            if n == 0:
                continue
            series.rounds += 1
            series.all_answered.append(wall)
            series.all_done.append(done)
            series.cpu += cpu
            series.latencies += [lat for _, lat, _ in answers]
            series.winner_latencies += [lat for _, lat, won in answers if won]
    return series


def report(kind: str, results: list[Series]) -> None:
    print(f"\n### {kind}: 认领 races (ms)\n")
    table = Table(
        [
            "K",
            "mode",
            "rounds",
            "one winner",
            "claim p50",
            "claim p99",
            "winner p50",
            "all answered p50",
            "all answered p99",
            "all done p50",
            "CPU per claim",
        ]
    )
    for s in results:
        table.add(
            s.k,
            s.mode,
            s.rounds,
            f"{s.rounds}/{s.rounds + len(s.failures)}",
            ms(percentile(s.latencies, 50)),
            ms(percentile(s.latencies, 99)),
            ms(percentile(s.winner_latencies, 50)),
            ms(percentile(s.all_answered, 50)),
            ms(percentile(s.all_answered, 99)),
            ms(percentile(s.all_done, 50)),
            ms(s.cpu / max(len(s.latencies), 1)),
        )
    print(table.render() + "\n")


def main() -> None:
    p = parser(__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=None, help="measured rounds per K and mode")
    p.add_argument("--k", default=None, help="claimers per round, e.g. 10,50")
    p.add_argument("--mode", choices=("engine", "dispatch", "both"), default="both")
    args = p.parse_args()
    ks = [int(x) for x in args.k.split(",")] if args.k else ([5, 10] if args.quick else [10, 50])
    rounds = args.rounds or (3 if args.quick else 15)
    modes = ["engine", "dispatch"] if args.mode == "both" else [args.mode]
    print(f"# bench/claims.py — {machine(args.pg)}")
    print(
        f"K = {ks}, {rounds} measured rounds (+1 warm-up) per K and mode, modes {modes}\n",
        flush=True,
    )
    failed = 0
    for kind in backends(args):
        results = []
        for k in ks:
            for mode in modes:
                results.append(asyncio.run(run_series(kind, args.pg, k, mode, rounds)))
        report(kind, results)
        print(f"(load average after the {kind} run: {load_average()})\n", flush=True)
        failed += sum(len(s.failures) for s in results)
    if failed:
        raise SystemExit(f"{failed} round(s) broke the one-winner rule")


if __name__ == "__main__":
    main()
