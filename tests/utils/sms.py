"""An SMS gateway that keeps what it was asked to send, and web sign-in for tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.sms import SmsError, render


@dataclass
class RecordingSms:
    sent: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    fail_with: SmsError | None = None  # the next sends raise this

    async def send(self, phone: str, template: str, params: dict[str, str]) -> None:
        render(template, params, sign="test")  # the template and its variables must match
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append((phone, template, dict(params)))

    def to(self, phone: str, template: str | None = None) -> list[dict[str, str]]:
        return [p for ph, tpl, p in self.sent if ph == phone and template in (None, tpl)]

    def last_code(self, phone: str) -> str:
        codes = self.to(phone, "login_code")
        assert codes, f"no sign-in code sent to {phone}; sent: {self.sent}"
        return codes[-1]["code"]
