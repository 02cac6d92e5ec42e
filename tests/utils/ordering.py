"""A worker talking to the core, and the ordering dialog's rows."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.reply import Outcome
from store.models import DialogState, Order, Person

WORKER = Actor("telegram", "1001", "王师傅", language="zh-hans")
ADMIN = Actor("telegram", "1", "管理员")
CONFIRM = "您的需求将由【技术攻关服务队】处理，对吗？"


class Chat:
    """One person talking to the core; remembers the last outcome to press its buttons."""

    def __init__(self, engine: Engine, actor: Actor = WORKER) -> None:
        self.engine = engine
        self.actor = actor
        self.last = Outcome()

    async def send(self, **kwargs: Any) -> Outcome:
        self.last = await self.engine.handle(self.actor, Inbound(**kwargs))
        return self.last

    async def say(self, text: str) -> Outcome:
        return await self.send(kind=Kind.TEXT, text=text)

    async def command(self, name: str, *args: str) -> Outcome:
        return await self.send(kind=Kind.COMMAND, text=f"/{name}", command=name, args=args)

    async def press(self, label: str, outcome: Outcome | None = None) -> Outcome:
        return await self.press_data(button_data(outcome or self.last, label))

    async def press_data(self, data: str) -> Outcome:
        return await self.send(kind=Kind.BUTTON, data=data)

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.last.replies)


def button_data(outcome: Outcome, label: str) -> str:
    found = [b.data for r in outcome.replies for row in r.buttons for b in row if b.label == label]
    labels = [b.label for r in outcome.replies for row in r.buttons for b in row]
    assert len(found) == 1, f"no single button {label!r} in {labels}"
    return found[0]  # type: ignore[return-value]


def keyboard(outcome: Outcome) -> list[tuple[str, str | None]]:
    return [(k.label, k.request) for r in outcome.replies for row in r.keyboard for k in row]


async def state_of(deps: Deps, actor: Actor = WORKER) -> DialogState | None:
    async with deps.db.session() as s:
        person = (await s.exec(select(Person).where(Person.external_id == actor.external_id))).one()
        return await s.get(DialogState, person.id)


async def all_orders(deps: Deps) -> list[Order]:
    async with deps.db.session() as s:
        return list((await s.exec(select(Order).order_by(Order.id))).all())  # type: ignore[arg-type]


async def to_summary(
    chat: Chat, need: str = "注塑件毛边太多怎么办", *, phone: str = "13812345678"
) -> Outcome:
    """Free text → tech team → address → 尽快 → phone → no photos: at the summary."""
    await chat.say(need)
    await chat.press("✅ 对，交给技术攻关服务队")
    await chat.say("宁波市北仑区大碶街道1号")
    await chat.press("尽快")
    await chat.say(phone)
    return await chat.press("跳过")
