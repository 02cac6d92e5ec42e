"""Fake Alibaba Cloud and Tencent Cloud SMS gateways on 127.0.0.1.

Each checks the request's signature the way its provider documents it (written
here independently of ``handlers/sms``), records what it was asked to send, and
answers with the next queued result code (``OK`` / ``Ok`` when none is queued).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

KEY_ID, KEY_SECRET, APP_ID = "test-key-id", "test-key-secret", "1400000001"


@dataclass
class FakeGateway:
    server: TestServer | None = None
    sent: list[dict[str, Any]] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # result codes to answer with, in order
    bad_signatures: int = 0

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    def next_code(self, ok: str) -> str:
        return self.answers.pop(0) if self.answers else ok


FAKE = web.AppKey("fake", FakeGateway)


def _pct(value: str) -> str:
    return quote(value, safe="~-._")


async def _aliyun(request: web.Request) -> web.Response:
    fake: FakeGateway = request.app[FAKE]
    form = dict(await request.post())
    given = str(form.pop("Signature", ""))
    canonical = "&".join(f"{_pct(k)}={_pct(str(form[k]))}" for k in sorted(form))
    string = "POST&%2F&" + _pct(canonical)
    want = base64.b64encode(
        hmac.new((KEY_SECRET + "&").encode(), string.encode(), hashlib.sha1).digest()
    ).decode()
    if form.get("AccessKeyId") != KEY_ID or given != want:
        fake.bad_signatures += 1
        return web.json_response({"Code": "SignatureDoesNotMatch", "Message": "bad"}, status=400)
    fake.sent.append(
        {
            "phone": form["PhoneNumbers"],
            "sign": form["SignName"],
            "template": form["TemplateCode"],
            "params": json.loads(str(form["TemplateParam"])),
        }
    )
    code = fake.next_code("OK")
    status = 500 if code.startswith("isp.") else 200
    return web.json_response(
        {"Code": code, "Message": code, "RequestId": "r-1", "BizId": "b-1"}, status=status
    )


def _h(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


async def _tencent(request: web.Request) -> web.Response:
    fake: FakeGateway = request.app[FAKE]
    raw = await request.read()
    ts = int(request.headers["X-TC-Timestamp"])
    day = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")
    host = request.headers["Host"]
    canonical = (
        f"POST\n/\n\ncontent-type:{request.headers['Content-Type']}\nhost:{host}\n\n"
        f"content-type;host\n{hashlib.sha256(raw).hexdigest()}"
    )
    string = (
        f"TC3-HMAC-SHA256\n{ts}\n{day}/sms/tc3_request\n"
        f"{hashlib.sha256(canonical.encode()).hexdigest()}"
    )
    key = _h(_h(_h(("TC3" + KEY_SECRET).encode(), day), "sms"), "tc3_request")
    want = hmac.new(key, string.encode(), hashlib.sha256).hexdigest()
    auth = request.headers.get("Authorization", "")
    if f"Credential={KEY_ID}/" not in auth or not auth.endswith(f"Signature={want}"):
        fake.bad_signatures += 1
        error = {"Code": "AuthFailure.SignatureFailure", "Message": "bad"}
        return web.json_response({"Response": {"Error": error, "RequestId": "r"}})
    body = json.loads(raw)
    assert request.headers["X-TC-Action"] == "SendSms"
    assert request.headers["X-TC-Version"] == "2021-01-11"
    assert body["SmsSdkAppId"] == APP_ID
    fake.sent.append(
        {
            "phone": body["PhoneNumberSet"][0],
            "sign": body["SignName"],
            "template": body["TemplateId"],
            "params": body["TemplateParamSet"],
        }
    )
    code = fake.next_code("Ok")
    if code == "InternalError" or code.startswith(("AuthFailure", "RequestLimitExceeded")):
        error = {"Code": code, "Message": code}  # the whole request failed
        return web.json_response({"Response": {"Error": error, "RequestId": "r"}})
    status = {"SerialNo": "s-1", "PhoneNumber": body["PhoneNumberSet"][0], "Code": code}
    return web.json_response({"Response": {"SendStatusSet": [status], "RequestId": "r"}})


async def _serve(handler: Any) -> AsyncIterator[FakeGateway]:
    fake = FakeGateway()
    app = web.Application()
    app[FAKE] = fake
    app.router.add_post("/", handler)
    fake.server = TestServer(app, host="127.0.0.1")
    await fake.server.start_server()
    try:
        yield fake
    finally:
        await fake.server.close()


@pytest.fixture
async def fake_aliyun() -> AsyncIterator[FakeGateway]:
    async for fake in _serve(_aliyun):
        yield fake


@pytest.fixture
async def fake_tencent() -> AsyncIterator[FakeGateway]:
    async for fake in _serve(_tencent):
        yield fake
