"""The context one inbound event is handled in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.deps import Deps
from bot.events import Actor, Inbound
from bot.reply import Reply
from bot.texts import t
from store.models import DialogState, Person


class Routes(Protocol):
    """What a flow may look up among the engine's routes (bot.registry.Registry)."""

    @property
    def start_payloads(self) -> Mapping[str, Callable[[Ctx], Awaitable[Any]]]: ...

    @property
    def cancel_hooks(self) -> Mapping[str, Callable[[Ctx], Awaitable[Any]]]: ...

    @property
    def text_fallback(self) -> Callable[[Ctx], Awaitable[Any]] | None: ...


@dataclass
class Ctx:
    deps: Deps
    actor: Actor
    person: Person
    event: Inbound
    routes: Routes  # the engine's routes (deep links, cancel hooks, the free-text fallback)
    is_admin: bool = False
    is_super_admin: bool = False
    is_volunteer: bool = False
    dialog: DialogState | None = None
    args: list[str] = field(default_factory=list)  # callback arguments after the verb

    @property
    def lang(self) -> str:
        return self.person.language or "zh"

    def t(self, key: str, **kwargs: Any) -> str:
        return t(self.lang, key, **kwargs)

    def reply(self, key: str, **kwargs: Any) -> Reply:
        return Reply(self.t(key, **kwargs))
