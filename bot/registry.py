"""Which core function answers which command, button verb, dialog and deep link.

Each flow module has a ``register(reg)`` function; ``bot.flows.build_registry``
calls them in one ordered place. The engine owns the result (its routes);
channels read ``engine.routes`` to build their command menus, so a command
exists once, with its audience and description. Task kinds and event listeners
registered here go to ``reg.bus`` (bot.bus), which the composition root puts on
``Deps`` for the scheduler and ``bot.lifecycle.emit``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.bus import Bus, Listener, TaskHandler
from bot.reply import Outcome, Reply

if TYPE_CHECKING:
    from bot.context import Ctx

Result = Outcome | Reply | list[Reply] | None
Handler = Callable[["Ctx"], Awaitable[Result]]


class Audience:
    EVERYONE = "everyone"
    VOLUNTEER = "volunteer"  # shown in volunteers' menus; anyone may still call it
    ADMIN = "admin"  # refused ("无权限") for everyone else

    @staticmethod
    def of(*, admin: bool, volunteer: bool) -> str:
        """The menu audience of a person: ``admin+volunteer`` for an admin who also serves."""
        parts = ([Audience.ADMIN] if admin else []) + ([Audience.VOLUNTEER] if volunteer else [])
        return "+".join(parts) or Audience.EVERYONE


@dataclass(frozen=True)
class CommandSpec:
    name: str  # lower-case ASCII, at most 32 characters (Telegram's rule)
    handler: Handler
    audience: str = Audience.EVERYONE
    menu: str | None = None  # text key of the menu description; None keeps it off menus
    hide_for: frozenset[str] = frozenset()  # audiences whose menu leaves it out


@dataclass(frozen=True)
class ButtonSpec:
    verb: str
    handler: Handler
    admin: bool = False


@dataclass
class Registry:
    commands: dict[str, CommandSpec] = field(default_factory=dict)
    buttons: dict[str, ButtonSpec] = field(default_factory=dict)
    dialogs: dict[str, Handler] = field(default_factory=dict)
    start_payloads: dict[str, Handler] = field(default_factory=dict)
    text_fallback: Handler | None = None
    # Called when /cancel ends a dialog of this flow, to undo side effects.
    cancel_hooks: dict[str, Handler] = field(default_factory=dict)
    # Durable task kinds and domain-event listeners (shared with Deps.bus).
    bus: Bus = field(default_factory=Bus)
    # The admin commands an admin's menu shows (the rest are under /admin and /help admin);
    # empty shows them all.
    admin_menu: tuple[str, ...] = ()

    def command(
        self,
        name: str,
        handler: Handler,
        *,
        audience: str = Audience.EVERYONE,
        menu: str | None = None,
        hide_for: tuple[str, ...] = (),
    ) -> None:
        if not name.isascii() or name.lower() != name or len(name) > 32:
            raise ValueError(f"command name {name!r} is not lower-case ASCII ≤ 32")
        if name in self.commands:
            raise ValueError(f"command /{name} registered twice")
        self.commands[name] = CommandSpec(name, handler, audience, menu, frozenset(hide_for))

    def button(self, verb: str, handler: Handler, *, admin: bool = False) -> None:
        if verb in self.buttons:
            raise ValueError(f"button verb {verb!r} registered twice")
        self.buttons[verb] = ButtonSpec(verb, handler, admin)

    def dialog(self, flow: str, handler: Handler, *, on_cancel: Handler | None = None) -> None:
        if flow in self.dialogs:
            raise ValueError(f"dialog {flow!r} registered twice")
        self.dialogs[flow] = handler
        if on_cancel is not None:
            self.cancel_hooks[flow] = on_cancel

    def start_payload(self, prefix: str, handler: Handler) -> None:
        """``/start <prefix>-<rest>`` deep links (e.g. ``team-tech``, ``station-yh01``)."""
        self.start_payloads[prefix] = handler

    def on_text(self, handler: Handler) -> None:
        """Free text outside any dialog (the start of an order)."""
        self.text_fallback = handler

    def task(self, kind: str, handler: TaskHandler, *, long: bool = False) -> None:
        """Run ``handler(deps, task)`` for due tasks of ``kind``; it must be idempotent
        (``long``: it takes seconds and runs beside the scheduler's tick, ``Bus.long``)."""
        self.bus.task(kind, handler, long=long)

    def listen(self, event: str, listener: Listener) -> None:
        """Call ``listener(deps, **payload)`` after ``event`` is emitted (bot.lifecycle)."""
        self.bus.listen(event, listener)

    def menu(self, audience: str) -> list[CommandSpec]:
        """Commands for a menu: everyone's, plus volunteers' and/or admins' (``audience``
        as from :meth:`Audience.of`). What a person already is (/volunteer for a
        volunteer) is left out; admins get the short admin menu (``admin_menu``)."""
        roles = set(audience.split("+"))
        wanted = {Audience.EVERYONE} | (roles & {Audience.VOLUNTEER, Audience.ADMIN})
        out = []
        for c in self.commands.values():
            if not c.menu or c.audience not in wanted or roles & c.hide_for:
                continue
            if c.audience == Audience.ADMIN and self.admin_menu and c.name not in self.admin_menu:
                continue
            out.append(c)
        return out


def describe(spec: Any) -> str:
    return getattr(spec.handler, "__qualname__", repr(spec.handler))
