"""Multi-step dialogs: declared as a table of steps, kept in the database.

A dialog is a ``Dialog`` of ``Step`` rows (what to ask, how to read the
answer, where to go next, which 修改 field returns to it) in the spirit of
python-telegram-bot's ``ConversationHandler(states=…)`` and aiogram's
``StatesGroup``. Unlike those, where a person is lives in a ``DialogState``
row (``store.dialogs``), so a restart, a second instance or another channel
resumes at the same step. Flows save and clear through ``save``/``clear``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from store.dialogs import clear_dialog, save_dialog

if TYPE_CHECKING:
    from bot.context import Ctx
    from bot.registry import Result
    from bot.reply import Reply

Data = dict[str, Any]
Ask = Callable[["Ctx", Data], "Reply | Awaitable[Reply]"]
Answer = Callable[["Ctx", Data], "Awaitable[Result]"]
Next = Callable[["Ctx", Data], Awaitable[str]]


async def save(ctx: Ctx, flow: str, step: str, data: Data) -> None:
    """Put the actor at ``step`` of ``flow`` with ``data`` (JSON-plain), in its own transaction."""
    async with ctx.deps.db.session() as session:
        await save_dialog(session, person_id=ctx.person.id, flow=flow, step=step, data=data)  # type: ignore[arg-type]


async def clear(ctx: Ctx) -> None:
    """End whatever dialog the actor is in."""
    async with ctx.deps.db.session() as session:
        await clear_dialog(session, person_id=ctx.person.id)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Step:
    """One step: its question, how a message at it is read, and what follows it."""

    name: str
    ask: Ask  # the question (also repeated under a hint after unexpected input)
    answer: Answer  # reads a message sent at this step
    next: str | Next | None = None  # the following step (a function when it depends)
    edits: str | None = None  # the 修改 field that comes back to this step
    on_edit: Callable[[Data], None] | None = None  # resets the draft when 修改 comes here
    hint: str | None = None  # text key of the input field's placeholder at this step


@dataclass(frozen=True)
class Dialog:
    """A flow's steps in order, and the step 修改 returns to when an edited step is done."""

    flow: str
    steps: tuple[Step, ...]
    returns_to: str | None = None
    by_name: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {s.name: s for s in self.steps})
        missing = {
            s.next for s in self.steps if isinstance(s.next, str) and s.next not in self.by_name
        }
        if missing or (self.returns_to and self.returns_to not in self.by_name):
            raise ValueError(f"dialog {self.flow!r} goes to unknown steps {sorted(missing)}")

    def step(self, name: str) -> Step | None:
        return self.by_name.get(name)

    async def ask(self, ctx: Ctx, data: Data, step: str) -> Reply:
        """The question of ``step``, whether its prompt needs the database (async) or not."""
        spec = self.by_name[step]
        reply = spec.ask(ctx, data)
        reply = await reply if isinstance(reply, Awaitable) else reply
        if spec.hint and reply.hint is None:
            reply = dataclasses.replace(reply, hint=ctx.t(spec.hint))
        return reply

    def editing(self, field_name: str) -> Step:
        """The step a 修改 of ``field_name`` goes to."""
        return next(s for s in self.steps if s.edits == field_name)

    async def next_after(self, ctx: Ctx, data: Data, done: str) -> str | None:
        """Where the dialog goes once ``done`` is answered; None when it is complete."""
        following = self.by_name[done].next
        if following is None or isinstance(following, str):
            return following
        return await following(ctx, data)
