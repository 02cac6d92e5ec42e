"""The one bundle of long-lived services, built by the composition root and passed down.

Typed services only: the routes (commands, buttons, dialogs) belong to the
engine, events and task kinds to the bus, and the app components the core may
poke (the scheduler) are small protocols filled in by the composition root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.background import Background
from bot.bus import Bus
from bot.clock import Clock
from bot.config import Settings
from bot.inbox import Inbox
from bot.metrics import Metrics
from bot.notifier import MultiNotifier
from bot.sms import LogSms, Nobody, Presence, SmsGateway
from store.engine import Database

if TYPE_CHECKING:
    from bot.routing import Router


class Ticker(Protocol):
    """The running scheduler, as far as the core cares: is it up, and tick now please."""

    @property
    def running(self) -> bool: ...

    def kick(self) -> None: ...


class QrCodes(Protocol):
    """A channel that makes permanent QR codes for posters (WeChat's parametric codes)."""

    async def create_qrcode(self, scene: str) -> str:
        """A permanent QR code for ``scene``; the URL of its image."""
        ...

    async def scene_url(self, scene: str) -> str:
        """What the permanent QR code for ``scene`` encodes, to draw it on a poster."""
        ...


@dataclass
class Deps:
    settings: Settings
    db: Database
    router: Router
    bus: Bus = field(default_factory=Bus)
    notifier: MultiNotifier = field(default_factory=MultiNotifier)
    clock: Clock = field(default_factory=Clock)
    metrics: Metrics = field(default_factory=Metrics)
    sms: SmsGateway = field(default_factory=LogSms)  # the web chat's way to reach phones
    presence: Presence = field(default_factory=Nobody)  # open web pages (set by the web app)
    # The scheduler component, once the composition root started one (None in most tests).
    scheduler: Ticker | None = None
    background: Background = field(default_factory=Background)
    # Set by the WeChat channel while it runs: /wechatqr makes its QR codes.
    qrcodes: QrCodes | None = None
    # Inbound updates, stored before they are acknowledged (bot.inbox); one per Deps.
    inbox: Inbox = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.inbox = Inbox(self.db, self.settings, self.clock)

    def now(self) -> datetime:
        return self.clock.now()

    def kick(self) -> None:
        """Ask the running scheduler (if any) to tick now, e.g. after enqueuing work due now."""
        if self.scheduler is not None:
            self.scheduler.kick()
