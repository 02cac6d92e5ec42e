"""Tencent Cloud SMS (API 3.0, ``SendSms`` 2021-01-11), signed with TC3-HMAC-SHA256.

A request can fail as a whole (``Response.Error``: credentials, signature, rate)
or per number (``SendStatusSet[].Code`` other than ``Ok``: bad number, template,
balance, frequency limits). ``InternalError*``, ``RequestLimitExceeded*`` and the
short frequency limits are worth a later retry; the rest are not.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiohttp

from bot.config import Settings
from bot.sms import TEMPLATES, SmsError
from handlers.sms.templates import template_id

log = logging.getLogger(__name__)

DEFAULT_URL = "https://sms.tencentcloudapi.com/"
SERVICE, VERSION, ACTION = "sms", "2021-01-11", "SendSms"
_RETRY_PREFIXES = ("InternalError", "RequestLimitExceeded")
_RETRY_CODES = {
    "LimitExceeded.PhoneNumberThirtySecondLimit",
    "LimitExceeded.PhoneNumberOneHourLimit",
    "LimitExceeded.DeliveryFrequencyLimit",
    "FailedOperation.FailResolvePacket",
}


def retryable(code: str) -> bool:
    return code.startswith(_RETRY_PREFIXES) or code in _RETRY_CODES


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def authorization(
    *, secret_id: str, secret_key: str, host: str, payload: str, timestamp: int
) -> str:
    """The TC3-HMAC-SHA256 ``Authorization`` header for a JSON POST to ``/``."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:application/json; charset=utf-8\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload.encode()).hexdigest(),
        ]
    )
    scope = f"{date}/{SERVICE}/tc3_request"
    to_sign = "\n".join(
        ["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), SERVICE), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


class TencentSms:
    def __init__(self, settings: Settings, *, timeout: float = 10.0) -> None:
        assert settings.sms_key_id and settings.sms_key_secret and settings.sms_app_id
        self.settings = settings
        self.url = settings.sms_base_url or DEFAULT_URL
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    def request(self, phone: str, template: str, params: dict[str, str]) -> tuple[str, dict]:
        s = self.settings
        assert s.sms_key_id and s.sms_key_secret
        payload = json.dumps(
            {
                "PhoneNumberSet": [f"+86{phone}"],
                "SmsSdkAppId": s.sms_app_id,
                "SignName": s.sms_sign_name,
                "TemplateId": template_id(s, template),
                "TemplateParamSet": [params[name] for name in TEMPLATES[template]],
            },
            ensure_ascii=False,
        )
        host = urlsplit(self.url).netloc
        timestamp = int(time.time())
        headers = {
            "Authorization": authorization(
                secret_id=s.sms_key_id,
                secret_key=s.sms_key_secret.get_secret_value(),
                host=host,
                payload=payload,
                timestamp=timestamp,
            ),
            "Content-Type": "application/json; charset=utf-8",
            "Host": host,
            "X-TC-Action": ACTION,
            "X-TC-Version": VERSION,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": s.sms_region,
        }
        return payload, headers

    async def send(self, phone: str, template: str, params: dict[str, str]) -> None:
        payload, headers = self.request(phone, template, params)
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as http,
                http.post(self.url, data=payload.encode(), headers=headers) as resp,
            ):
                text = await resp.text()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SmsError("Network", str(exc), permanent=False) from None
        try:
            body = json.loads(text).get("Response") or {}
        except (ValueError, AttributeError):
            raise SmsError(f"HTTP{status}", text[:200], permanent=status < 500) from None
        error = body.get("Error")
        if error:
            code = str(error.get("Code") or "Unknown")
            raise SmsError(code, str(error.get("Message") or ""), permanent=not retryable(code))
        statuses = body.get("SendStatusSet") or [{"Code": f"HTTP{status}"}]
        code = str(statuses[0].get("Code") or "")
        if code != "Ok":
            message = str(statuses[0].get("Message") or "")
            raise SmsError(code, message, permanent=not retryable(code))
        log.info("tencent SMS sent (SerialNo %s)", statuses[0].get("SerialNo"))
