"""Our SMS templates (``bot.sms.TEMPLATES``) → the provider's template ids from settings."""

from __future__ import annotations

from bot.config import Settings
from bot.sms import SmsError


def template_id(settings: Settings, template: str) -> str:
    """The provider's template id for one of our templates (``bot.sms.TEMPLATES``)."""
    value = {
        "login_code": settings.sms_template_login,
        "order_status": settings.sms_template_status,
        "offer": settings.sms_template_offer,
    }.get(template)
    if not value:
        raise SmsError("NoTemplate", f"no template id set for {template}")
    return value
