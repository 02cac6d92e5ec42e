"""Signing a test browser in the way the page does: ask for a code, read it, post it."""

from __future__ import annotations

from typing import Any

from tests.utils.sms import RecordingSms
from tests.utils.webrig import Browser, Socket, WebRig


def recording_sms(web: WebRig) -> RecordingSms:
    if not isinstance(web.deps.sms, RecordingSms):
        web.deps.sms = RecordingSms()
    assert isinstance(web.deps.sms, RecordingSms)
    return web.deps.sms


async def post(b: Browser, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with b.session.post(b.url(path), json=body, headers={"Origin": b.origin}) as resp:
        return resp.status, await resp.json()


async def sign_in(web: WebRig, b: Browser, phone: str) -> None:
    """Code by SMS, then the code: the browser's cookie now signs it in as ``phone``."""
    sms = recording_sms(web)
    if b.cookie is None:
        await b.open_page()
    status, body = await post(b, "/chat/login/code", {"phone": phone})
    assert (status, body) == (200, {"sent": True, "retry_after": 60}), body
    status, body = await post(b, "/chat/login", {"phone": phone, "code": sms.last_code(phone)})
    assert status == 200 and body["ok"], body


async def sign_in_at_summary(web: WebRig, b: Browser, phone: str) -> tuple[Socket, dict[str, Any]]:
    """Sign in when the order summary is showing, reconnect as the page does, and return
    the new socket with the (carried-over) summary message to press 确认提交 on."""
    await sign_in(web, b, phone)
    for old in b.sockets:
        await old.close()
    sock = await b.connect()
    found = [m for m in sock.messages.values() if "请核对" in m["text"]]
    assert found, sock.texts()
    return sock, found[-1]
