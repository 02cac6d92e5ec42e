"""SMS providers behind ``bot.sms.SmsGateway``: ``log`` (offline), Alibaba Cloud, Tencent Cloud.

Both clouds are spoken to over their documented HTTP APIs with aiohttp rather
than their PyPI SDKs: Tencent's SDK is synchronous (it would block the event
loop on every SMS) and Alibaba's pulls in its whole Tea runtime for one call;
the two requests are small, signed per the providers' documents, and a base-URL
override points them at the tests' fake gateways.
"""

from __future__ import annotations

from bot.config import Settings
from bot.sms import LogSms, SmsGateway


class SmsConfigError(Exception):
    """A provider was chosen without the settings it needs."""


def build(settings: Settings) -> SmsGateway:
    """The gateway ``JIANGXIN_SMS_PROVIDER`` names, configured from settings."""
    if settings.sms_provider == "log":
        return LogSms(settings.sms_sign_name)
    missing = [
        name
        for name in ("sms_key_id", "sms_key_secret", "sms_template_login")
        if not getattr(settings, name)
    ]
    if settings.sms_provider == "tencent" and not settings.sms_app_id:
        missing.append("sms_app_id")
    if missing:
        names = ", ".join(f"JIANGXIN_{m.upper()}" for m in missing)
        raise SmsConfigError(f"JIANGXIN_SMS_PROVIDER={settings.sms_provider} needs {names}")
    if settings.sms_provider == "aliyun":
        from handlers.sms.aliyun import AliyunSms

        return AliyunSms(settings)
    from handlers.sms.tencent import TencentSms

    return TencentSms(settings)
