"""SMS as a channel of its own: the gateway interface, the offline ``log`` gateway,
and the texts every provider's templates must match.

A template takes only a code, an order code, a status word and a short link, so
no free text a person typed can ever be injected into an SMS. Real providers
(Alibaba Cloud, Tencent Cloud) live in ``handlers/sms``; the core sees only
``SmsGateway``.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.texts import choices, t

log = logging.getLogger(__name__)

TEMPLATES = {
    "login_code": ("code",),
    "order_status": ("code", "status", "link"),
    "offer": ("code", "link"),
}


class SmsError(Exception):
    """The provider refused an SMS; ``permanent`` when retrying cannot help."""

    def __init__(self, code: str, message: str = "", *, permanent: bool = True) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.permanent = permanent


class SmsGateway(Protocol):
    async def send(self, phone: str, template: str, params: dict[str, str]) -> None:
        """Send one templated SMS; raises ``SmsError`` when the provider refuses."""


def render(template: str, params: dict[str, str], *, sign: str, lang: str = "zh") -> str:
    """The SMS text as the template says it (what ``log`` writes)."""
    if template not in TEMPLATES or set(params) != set(TEMPLATES[template]):
        raise ValueError(f"bad SMS template {template!r} / params {sorted(params)}")
    return t(lang, choices.SMS_TEXT[template], sign=sign, **params)


class LogSms:
    """The default gateway: one INFO line per SMS, so ``make run`` works offline."""

    def __init__(self, sign: str = "匠心点单") -> None:
        self.sign = sign

    async def send(self, phone: str, template: str, params: dict[str, str]) -> None:
        log.info("SMS to %s: %s", phone, render(template, params, sign=self.sign))


class Presence(Protocol):
    async def online(self, person_id: int) -> bool:
        """Whether a page of this person is open right now (so the chat reaches them)."""


class Nobody:
    """No web pages at all (no web app running): everyone is offline."""

    async def online(self, person_id: int) -> bool:
        return False
