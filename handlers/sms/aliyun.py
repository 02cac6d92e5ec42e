"""Alibaba Cloud SMS (Dysmsapi 2017-05-25 ``SendSms``), signed RPC-style (HMAC-SHA1).

Error codes from the provider's documentation: ``isp.*`` are the service's own
troubles and ``isv.BUSINESS_LIMIT_CONTROL`` is a flow limit — both worth a later
retry; every other ``isv.*`` (bad number, template, sign name, balance …) is not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from datetime import UTC, datetime
from urllib.parse import quote

import aiohttp

from bot.config import Settings
from bot.sms import TEMPLATES, SmsError
from handlers.sms.templates import template_id

log = logging.getLogger(__name__)

DEFAULT_URL = "https://dysmsapi.aliyuncs.com/"
RETRYABLE = {
    "isp.SYSTEM_ERROR",
    "isp.GATEWAY_ERROR",
    "isp.UNKNOWN",
    "isv.BUSINESS_LIMIT_CONTROL",
    "Throttling.User",
    "ServiceUnavailable",
}


def _enc(value: str) -> str:
    return quote(value, safe="-_.~")


def sign(params: dict[str, str], secret: str, method: str = "POST") -> str:
    """The RPC signature: HMAC-SHA1 over the sorted, percent-encoded parameters."""
    query = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_enc('/')}&{_enc(query)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
    def __init__(self, settings: Settings, *, timeout: float = 10.0) -> None:
        assert settings.sms_key_id and settings.sms_key_secret
        self.settings = settings
        self.url = settings.sms_base_url or DEFAULT_URL
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    def request(self, phone: str, template: str, params: dict[str, str]) -> dict[str, str]:
        s = self.settings
        assert s.sms_key_id and s.sms_key_secret
        # Only our own variables, in the template's order: nothing typed by a person.
        variables = {name: params[name] for name in TEMPLATES[template]}
        form = {
            "AccessKeyId": s.sms_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "SignName": s.sms_sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": secrets.token_hex(16),
            "SignatureVersion": "1.0",
            "TemplateCode": template_id(s, template),
            "TemplateParam": json.dumps(variables, ensure_ascii=False),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        form["Signature"] = sign(form, s.sms_key_secret.get_secret_value())
        return form

    async def send(self, phone: str, template: str, params: dict[str, str]) -> None:
        form = self.request(phone, template, params)
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as http,
                http.post(self.url, data=form) as resp,
            ):
                text = await resp.text()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SmsError("Network", str(exc), permanent=False) from None
        try:
            body = json.loads(text)
        except ValueError:
            raise SmsError(f"HTTP{status}", text[:200], permanent=status < 500) from None
        code = str(body.get("Code") or f"HTTP{status}")
        if code != "OK":
            raise SmsError(code, str(body.get("Message") or ""), permanent=code not in RETRYABLE)
        log.info("aliyun SMS sent (BizId %s)", body.get("BizId"))
