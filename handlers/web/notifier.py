"""Delivering core messages to web-chat people: store the message, then push it live.

Storing first means nothing is lost while the person's page is closed: it gets
the message with its history when it connects again. ``MessageRef``s carry the
person id as ``chat_id`` and the ``WebMessage`` id as ``message_id``.
"""

from __future__ import annotations

import logging

from bot.notifier import DeliveryError
from bot.registry import Registry
from bot.reply import MessageRef, Reply
from bot.texts import t
from handlers.web import messages
from handlers.web.hub import Hub
from store.engine import Database
from store.models import Person

log = logging.getLogger(__name__)

PLATFORM = "web"


class WebNotifier:
    def __init__(self, db: Database, hub: Hub, registry: Registry | None = None) -> None:
        self.db = db
        self.hub = hub
        self.registry = registry

    async def set_menu(self, person: Person, audience: str) -> None:
        """A role changed (approved, granted …): open pages get the new command menu."""
        if self.registry is None or person.id is None:
            return
        commands = [
            {"command": c.name, "label": t(person.language, c.menu)}  # type: ignore[arg-type]
            for c in self.registry.menu(audience)
        ]
        await self.hub.push(person.id, {"type": "menu", "commands": commands})

    async def send(self, person: Person, reply: Reply) -> MessageRef | None:
        if person.id is None:
            raise DeliveryError("person without id")
        row = await messages.store(self.db, person.id, messages.bot_payload(reply))
        await self.hub.push(person.id, {"type": "message", "message": messages.view(row)})
        return MessageRef(PLATFORM, str(person.id), str(row.id))

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        try:
            person_id, message_id = int(ref.chat_id), int(ref.message_id)
        except ValueError:
            raise DeliveryError(f"not a web message reference: {ref}") from None
        edited = await messages.replace(self.db, person_id, message_id, reply)
        if edited is None:
            raise DeliveryError(f"no web message {message_id} for person {person_id}")
        row, changed = edited
        if changed:
            await self.hub.push(person_id, {"type": "edit", "message": messages.view(row)})
