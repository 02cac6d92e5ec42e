"""Talking to the engine in one line: commands, text, button presses, and reading replies."""

from __future__ import annotations

from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.reply import Outcome, Reply

ADMIN = Actor("telegram", "1", "管理员")
APPLICANT = Actor("telegram", "20", "张工")
OTHER = Actor("telegram", "21", "路人")


async def cmd(engine: Engine, who: Actor, command: str, *args: str) -> Outcome:
    text = " ".join((f"/{command}", *args))
    return await engine.handle(who, Inbound(Kind.COMMAND, text=text, command=command, args=args))


async def say(engine: Engine, who: Actor, text: str) -> Outcome:
    return await engine.handle(who, Inbound(Kind.TEXT, text=text))


async def press(engine: Engine, who: Actor, data: str) -> Outcome:
    return await engine.handle(who, Inbound(Kind.BUTTON, data=data))


def text(outcome: Outcome) -> str:
    return "\n".join(r.text for r in outcome.replies)


def buttons(reply: Reply) -> list[str]:
    return [b.label for row in reply.buttons for b in row]


def data_of(reply: Reply, label_part: str) -> str:
    for row in reply.buttons:
        for b in row:
            if label_part in b.label:
                assert b.data is not None
                return b.data
    raise AssertionError(f"no button {label_part!r} in {buttons(reply)}")
