"""The one bundle of long-lived services, built by the composition root and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.clock import Clock
from bot.config import Settings
from bot.metrics import Metrics
from bot.notifier import MultiNotifier
from bot.sms import LogSms, Nobody, Presence, SmsGateway
from store.engine import Database

if TYPE_CHECKING:
    from bot.registry import Registry
    from bot.routing import Router


@dataclass
class Deps:
    settings: Settings
    db: Database
    router: Router
    registry: Registry
    notifier: MultiNotifier = field(default_factory=MultiNotifier)
    clock: Clock = field(default_factory=Clock)
    metrics: Metrics = field(default_factory=Metrics)
    sms: SmsGateway = field(default_factory=LogSms)  # the web chat's way to reach phones
    presence: Presence = field(default_factory=Nobody)  # open web pages (set by the web app)
    # Optional hooks filled by the composition root (metrics, scheduler kick …).
    extras: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock.now()
