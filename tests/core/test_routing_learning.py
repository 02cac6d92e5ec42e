"""Learning from corrections (core ring, SQLite and PostgreSQL): labels from /reroute change
routing only once two people agree, undo and the per-admin cap hold, chit-chat is never
learned, and a learned update that routes the check corpus worse is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlmodel import col, select

from bot import routing_feedback
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.routing import Router, load_default_teams
from bot.routing.evaluate import Example
from bot.routing.router import LEARNED
from bot.schedule import routing_retrain
from scheduler import calendar
from scheduler.runner import tick
from store import routing_feedback as store
from store.models import AuditLog, Role, RoutingFeedback, RoutingLabel, Task, TaskStatus, Team
from tests.utils.admin import Admin, add_order, add_person, team_id
from tests.utils.env import T0
from tests.utils.notifier import RecordingNotifier

ROOT = Path(__file__).resolve().parents[2]
SALTY = "单位食堂的饭菜太咸了"  # no keyword, no close template: routed to no team at first


async def test_reroute_learning_takes_effect_only_after_two_admins_agree(
    deps: Deps, engine: Engine
) -> None:
    boss = Admin(engine, 1, "会长")  # settings.admin_ids == [1]
    await add_person(deps, 2, "副会长", roles=[Role.ADMIN])
    deputy = Admin(engine, 2, "副会长")
    worker = await add_person(deps, 500, "工人")
    assert deps.router.route(SALTY).team != "health"
    first = await add_order(deps, worker, SALTY, team_id=await team_id(deps, "convenience"))
    second = await add_order(deps, worker, SALTY, team_id=await team_id(deps, "convenience"))

    assert "改派给 职工健康服务队" in await boss(f"/reroute {first.code} health")
    await routing_feedback.settled(deps)
    assert deps.router.route(SALTY).team != "health"  # one correction is not enough

    # The same admin again does not make two people agree.
    third = await add_order(deps, worker, SALTY, team_id=await team_id(deps, "convenience"))
    await boss(f"/reroute {third.code} health")
    await routing_feedback.settled(deps)
    assert deps.router.route(SALTY).team != "health"

    assert "改派给 职工健康服务队" in await deputy(f"/reroute {second.code} health")
    await routing_feedback.settled(deps)
    learned = deps.router.route(SALTY)
    assert learned.team == "health" and learned.matched == (LEARNED,)
    assert deps.router.route(" 单位食堂的饭菜太咸了！").team == "health"  # normalised text

    async with deps.db.session() as session:
        rows = (await session.exec(select(RoutingFeedback))).all()
    assert {(r.source, r.team_slug, r.order_id is not None) for r in rows} == {
        (RoutingLabel.REROUTE, "health", True)
    }
    assert {r.actor_id for r in rows} == {p for p in {rows[0].actor_id, rows[-1].actor_id}} and len(
        rows
    ) == 3

    # Undo the deputy's label: back to one agreeing person, routing forgets.
    deputy_row = next(r for r in rows if r.order_id == second.id)
    listed = await boss("/unlearn")
    assert f"#{deputy_row.id} → health" in listed and SALTY in listed
    assert "已撤销记录" in await boss(f"/unlearn {deputy_row.id}")
    assert "没有编号" in await boss(f"/unlearn {deputy_row.id}")  # undone already
    assert "用法" in await boss("/unlearn x")
    await routing_feedback.settled(deps)
    assert deps.router.route(SALTY).team != "health"
    assert "（已撤销）" in await boss("/unlearn")
    # a scoped or non-admin person may not touch routing's learning
    assert "无权限" in await Admin(engine, 500, "工人")("/unlearn")


async def test_guards_cap_per_admin_chitchat_and_disagreement(deps: Deps) -> None:
    a = await add_person(deps, 11, "甲", roles=[Role.ADMIN])
    b = await add_person(deps, 12, "乙", roles=[Role.ADMIN])
    c = await add_person(deps, 13, "丙", roles=[Role.ADMIN])
    for actor in (a, b):  # chit-chat, even agreed on, is stored as dismissed and never learned
        await routing_feedback.record_label(
            deps, text="谢谢你们", team_slug="tech", source=RoutingLabel.REROUTE, actor_id=actor.id
        )
    for actor in (a, c):  # a tie between two teams teaches nothing
        slug = "legal" if actor is a else "safety"
        await routing_feedback.record_label(
            deps, text="工地上的事", team_slug=slug, source=RoutingLabel.REROUTE, actor_id=actor.id
        )
    for actor in (a, b, c):  # two against one: the majority wins
        slug = "agri" if actor is not c else "environment"
        await routing_feedback.record_label(
            deps, text="鱼塘边的水发绿", team_slug=slug, source=RoutingLabel.PICK, actor_id=actor.id
        )
    await routing_feedback.settled(deps)
    async with deps.db.session() as session:
        assert await store.learned_examples(session) == {"agri": ["鱼塘边的水发绿"]}
        dismissed = (
            await session.exec(select(RoutingFeedback).where(RoutingFeedback.text == "谢谢你们"))
        ).all()
        assert {r.source for r in dismissed} == {RoutingLabel.DISMISS}
        # per-admin cap: a's labels beyond the cap no longer count, so the agri text
        # (a's second learnable label) loses a's vote and only b agrees.
        assert await store.learned_examples(session, per_actor_cap=1) == {}
        assert await store.learned_examples(session, per_actor_cap=2) == {
            "agri": ["鱼塘边的水发绿"]
        }
    assert deps.router.route("鱼塘边的水发绿").matched == (LEARNED,)


def test_regression_check_refuses_a_worse_learned_update() -> None:
    router = Router(load_default_teams())
    corpus = [Example("注塑件毛边太多", "tech"), Example("老板三个月没发工资", "legal")]
    wrong = {"health": ["注塑件毛边太多"]}  # would route a corpus sentence to the wrong team
    assert router.try_learned(wrong, corpus).result() is False
    assert router.learned == {} and router.route("注塑件毛边太多").team == "tech"
    right = {"health": ["单位食堂的饭菜太咸了"]}
    assert router.try_learned(right, corpus).result() is True
    assert router.route("单位食堂的饭菜太咸了").team == "health"
    router.close()


def test_semantic_off_is_the_keyword_stage_alone() -> None:
    keyword = Router(load_default_teams(), semantic=False)
    fused = Router(load_default_teams(), semantic=True)
    texts = ["水到膝盖了", "my air conditioner is broken", "这个机器人好笨", "注塑件毛边太多"]
    for text in texts:
        alone = keyword.keyword_route(text)
        got = keyword.route(text)
        assert (got.team, got.score, got.candidates) == (alone.team, alone.score, alone.candidates)
    # words the keywords never saw: only the semantic stage finds the team
    unseen = "our river smells bad since the factory opened"
    assert keyword.route(unseen).team is None
    assert fused.route(unseen).team == "environment"


def test_model_loads_offline_without_any_hub() -> None:
    env = dict(os.environ)
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="",
        JIANGXIN_ROUTING_SEMANTIC="on",
    )
    code = (
        "from bot.routing import Router, load_default_teams;"
        "print(Router(load_default_teams()).route('my air conditioner is broken').team)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "convenience"


async def test_nightly_retrain_learns_measures_audits_and_proposes_keywords(
    deps: Deps, engine: Engine, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    """Two admins agreed on a request, but no refresh ran (the bot restarted meanwhile): the
    nightly calendar task learns it, writes its measured effect to the audit log, and offers
    the request's words as keywords, one tap each."""
    a = await add_person(deps, 11, "甲", roles=[Role.ADMIN])
    b = await add_person(deps, 12, "乙", roles=[Role.ADMIN])
    async with deps.db.session() as session:
        for actor in (a, b):
            await store.record(
                session,
                text=SALTY,
                key=SALTY,
                team_slug="health",
                source=RoutingLabel.REROUTE,
                actor_id=actor.id,
                now=deps.now(),
            )
    assert deps.router.route(SALTY).team != "health"

    await calendar.ensure_next(deps, T0)
    night = calendar.retrain_slot(deps.settings, T0)
    assert night.astimezone(deps.settings.tz).hour == 3  # JIANGXIN_ROUTING_RETRAIN_TIME
    clock.set(night - timedelta(seconds=1))
    await tick(deps, worker_id="test", now=night - timedelta(seconds=1))
    assert deps.router.route(SALTY).team != "health"  # not before its time
    clock.set(night)
    while await tick(deps, worker_id="test", now=night):
        pass
    assert deps.router.route(SALTY).team == "health"

    async with deps.db.session() as session:
        rows = (await session.exec(select(AuditLog).order_by(col(AuditLog.id)))).all()
        keys = {t.key: t.status for t in (await session.exec(select(Task))).all()}
    retrained = [r for r in rows if r.action == "routing.retrain"]
    proposed = [r for r in rows if r.action == "routing.propose"]
    assert len(retrained) == 1 and retrained[0].after is not None
    effect = retrained[0].after
    assert effect["adopted"] is True and effect["learned"] == 1 and effect["labels"] == 1
    assert effect["labels_top1"] == [0.0, 100.0]  # the measured effect on the labelled requests
    before, after = effect["check_top1"]
    assert after >= before  # the regression check held
    assert len(proposed) == 1 and proposed[0].target_id == "health"
    terms = proposed[0].after["suggest"]  # type: ignore[index]
    assert "食堂" in terms and "单位" not in terms  # 单位 is a side word of other teams
    assert keys[calendar.retrain_key(deps.settings, night)] == TaskStatus.DONE
    assert keys[calendar.retrain_key(deps.settings, night + timedelta(days=1))] == (
        TaskStatus.PENDING
    )

    # Association-wide admins get the proposal with ＋ buttons; one tap adds the keyword.
    (offer,) = [r for r in notifier.to("11") if "夜间分派学习" in r.text]
    assert "职工健康服务队" in offer.text and len(notifier.to("12")) == 1
    labels = [btn.label for row in offer.buttons for btn in row]
    assert f"＋{terms[0]}" in labels and "不用了" in labels
    plus = next(btn.data for row in offer.buttons for btn in row if btn.label == f"＋{terms[0]}")
    outcome = await Admin(engine, 11, "甲").press(plus)  # type: ignore[arg-type]
    assert "已加入" in outcome.replies[0].text
    async with deps.db.session() as session:
        health = (await session.exec(select(Team).where(Team.slug == "health"))).one()
    assert terms[0] in health.keywords

    # The next night: nothing new to learn, and no word is proposed twice.
    notifier.clear()
    report = await routing_retrain.run_retrain(deps)
    assert report.adopted is None and report.proposals == {}
    assert notifier.sent == []
