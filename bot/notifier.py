"""How the core reaches people other than the one it is answering.

The core never talks to Telegram or the web directly: it hands a Reply and a
Person to a Notifier. Each channel implements one; ``MultiNotifier`` picks the
channel by the person's platform.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.reply import MessageRef, Reply
from store.models import Person

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be delivered for now (network, server error)."""


class Unreachable(DeliveryError):
    """The person can no longer be reached (they blocked the bot, deleted the chat)."""


class NoChannel(DeliveryError):
    """This instance runs no channel for the person's platform (e.g. a web-only instance
    and a Telegram person): another instance must deliver it, the person is not unreachable."""


class Notifier(Protocol):
    async def send(self, person: Person, reply: Reply) -> MessageRef | None:
        """Deliver ``reply``; return a reference for later edits when the channel has one."""

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        """Replace a message sent earlier; a no-op when it is already so."""


class MultiNotifier:
    """Routes each delivery to the notifier of the person's platform."""

    def __init__(self, channels: dict[str, Notifier] | None = None) -> None:
        self.channels: dict[str, Notifier] = dict(channels or {})

    def add(self, platform: str, notifier: Notifier) -> None:
        self.channels[platform] = notifier

    def can_edit(self, platform: str) -> bool:
        """Whether a message sent on ``platform`` can be changed later (WeChat's cannot:
        its notifier says ``edits = False``)."""
        return bool(getattr(self.channels.get(platform), "edits", True))

    async def send(self, person: Person, reply: Reply) -> MessageRef | None:
        channel = self.channels.get(person.platform)
        if channel is None:
            raise NoChannel(person.platform)
        return await channel.send(person, reply)

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        channel = self.channels.get(ref.platform)
        if channel is not None:
            await channel.edit(ref, reply)
