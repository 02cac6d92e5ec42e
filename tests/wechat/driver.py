"""WeChat users for tests: signed XML posted to the bot's ``/wechat`` as WeChat's servers do.

The signature is computed here independently of wechatpy (sha1 of the sorted
token, timestamp and nonce), so a mistake in how the bot checks it cannot hide.
Safe mode encrypts with wechatpy's ``WeChatCrypto``, as the real servers' peer.
"""

# ruff: noqa: ASYNC109 -- waits take a timeout on purpose: they fail with a report, not cancel.

from __future__ import annotations

import asyncio
import hashlib
import itertools
import secrets
import time
from typing import Any

import aiohttp
import xmltodict
from wechatpy.crypto import WeChatCrypto

from tests.wechat.fake_server import APP_ID, FakeWeChat, Sent

TOKEN = "jiangxin-wechat-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters
ACCOUNT = "gh_0123456789ab"
_MSG_IDS = itertools.count(24_000_000_000_000_000)


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def xml_of(fields: dict[str, Any]) -> str:
    def value(v: Any) -> str:
        return str(v) if isinstance(v, int | float) else f"<![CDATA[{v}]]>"

    return "<xml>" + "".join(f"<{k}>{value(v)}</{k}>" for k, v in fields.items()) + "</xml>"


class PostResult:
    def __init__(self, status: int, text: str) -> None:
        self.status, self.text = status, text


class WeChatUser:
    def __init__(self, wechat: FakeWeChat, bot_url: str, openid: str, *, safe: bool = False):
        self.wechat = wechat
        self.bot_url = bot_url
        self.openid = openid
        self.safe = safe
        self.seen = 0
        self._time = 0

    def __repr__(self) -> str:
        return f"WeChatUser({self.openid})"

    def _create_time(self) -> int:
        self._time = max(int(time.time()), self._time + 1)
        return self._time

    async def post_raw(
        self, body: str, *, query: dict[str, str] | None = None, token: str = TOKEN
    ) -> PostResult:
        """POST ``body`` as WeChat would, signed with ``token`` (and encrypted in safe mode)."""
        timestamp, nonce = str(int(time.time())), secrets.token_hex(5)
        params = {"signature": sign(token, timestamp, nonce), "timestamp": timestamp}
        params |= {"nonce": nonce, "openid": self.openid}
        if self.safe:
            crypto = WeChatCrypto(token, AES_KEY, APP_ID)
            encrypted = crypto.encrypt_message(body, nonce, timestamp)
            msg_signature = encrypted.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
            params |= {"encrypt_type": "aes", "msg_signature": msg_signature}
            body = encrypted
        params |= query or {}
        url = f"{self.bot_url}/wechat"
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, params=params, data=body.encode()) as r,
        ):
            return PostResult(r.status, await r.text())

    async def ask(self, body: str) -> str:
        """POST as a subscription account's follower: the passive answer's text ("" if none)."""
        result = await self.post_raw(body)
        assert result.status == 200, (result.status, result.text)
        if result.text in ("", "success"):
            return ""
        xml = xmltodict.parse(result.text)["xml"]
        if "Encrypt" in xml:
            assert self.safe, "an encrypted answer to a plaintext message"
            crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
            plain = crypto.decrypt_message(
                result.text, xml["MsgSignature"], xml["TimeStamp"], xml["Nonce"]
            )
            xml = xmltodict.parse(plain)["xml"]
        assert xml["ToUserName"] == self.openid and xml["FromUserName"] == ACCOUNT, xml
        assert xml["MsgType"] == "text", xml
        return str(xml["Content"])

    async def say(self, text: str) -> str:
        """Type ``text`` to a subscription account; its passive answer."""
        self.wechat.wrote(self.openid)
        return await self.ask(self.message("text", Content=text, MsgId=next(_MSG_IDS)))

    def message(self, msg_type: str, **fields: Any) -> str:
        base: dict[str, Any] = {
            "ToUserName": ACCOUNT,
            "FromUserName": self.openid,
            "CreateTime": self._create_time(),
            "MsgType": msg_type,
        }
        return xml_of(base | fields)

    async def post(self, body: str) -> PostResult:
        result = await self.post_raw(body)
        assert result.status == 200 and result.text == "success", (result.status, result.text)
        return result

    async def send(self, text: str) -> PostResult:
        self.wechat.wrote(self.openid)
        return await self.post(self.message("text", Content=text, MsgId=next(_MSG_IDS)))

    async def tap(self, label: str, message: Sent | None = None) -> PostResult:
        """Tap a msgmenu option: WeChat sends its text with the option id as bizmsgmenuid."""
        menu = message or self.last_menu()
        self.wechat.wrote(self.openid)
        body = self.message(
            "text", Content=label, MsgId=next(_MSG_IDS), bizmsgmenuid=menu.option_id(label)
        )
        return await self.post(body)

    async def send_location(self, x: float, y: float, label: str = "") -> PostResult:
        self.wechat.wrote(self.openid)
        body = self.message(
            "location", Location_X=x, Location_Y=y, Scale=15, Label=label, MsgId=next(_MSG_IDS)
        )
        return await self.post(body)

    async def send_image(self, media_id: str | None = None) -> PostResult:
        self.wechat.wrote(self.openid)
        media_id = media_id or self.wechat.add_media()
        body = self.message(
            "image", PicUrl="http://mmbiz.qpic.cn/fake.jpg", MediaId=media_id, MsgId=next(_MSG_IDS)
        )
        return await self.post(body)

    async def send_voice(self, recognition: str = "") -> PostResult:
        self.wechat.wrote(self.openid)
        fields: dict[str, Any] = {"MediaId": self.wechat.add_media(b"amr"), "Format": "amr"}
        if recognition:
            fields["Recognition"] = recognition
        return await self.post(self.message("voice", **fields, MsgId=next(_MSG_IDS)))

    async def subscribe(self, scene: str | None = None) -> PostResult:
        f = self.wechat.follower(self.openid)
        f.subscribed = True
        self.wechat.wrote(self.openid)
        fields: dict[str, Any] = {"Event": "subscribe"}
        if scene:
            fields |= {"EventKey": f"qrscene_{scene}", "Ticket": "gQfake"}
        return await self.post(self.message("event", **fields))

    async def scan(self, scene: str) -> PostResult:
        self.wechat.wrote(self.openid)
        return await self.post(self.message("event", Event="SCAN", EventKey=scene, Ticket="gQ"))

    async def click(self, key: str) -> PostResult:
        self.wechat.wrote(self.openid)
        return await self.post(self.message("event", Event="CLICK", EventKey=key))

    async def unsubscribe(self) -> PostResult:
        self.wechat.follower(self.openid).subscribed = False
        return await self.post(self.message("event", Event="unsubscribe"))

    # -- what the bot sent ---------------------------------------------------------------

    def messages(self) -> list[Sent]:
        return self.wechat.sent_to(self.openid)

    def last_menu(self) -> Sent:
        for m in reversed(self.messages()):
            if m.kind == "msgmenu":
                return m
        raise AssertionError(f"{self} got no msgmenu; transcript:\n{self.transcript()}")

    def transcript(self) -> str:
        return "\n---\n".join(f"[{m.kind}] {m.text} {m.options or ''}" for m in self.messages())

    async def next_message(self, timeout: float = 5.0) -> Sent:
        def unseen() -> Sent | None:
            sent = self.messages()
            return sent[self.seen] if len(sent) > self.seen else None

        try:
            message = await self.wechat.changes.wait_for(unseen, timeout)
        except TimeoutError:
            raise AssertionError(
                f"{self} got no new message within {timeout}s; transcript:\n{self.transcript()}"
            ) from None
        self.seen += 1
        return message

    async def next_messages(self, count: int, timeout: float = 5.0) -> list[Sent]:
        return [await self.next_message(timeout) for _ in range(count)]

    async def expect_no_message(self, within: float = 0.3) -> None:
        await asyncio.sleep(within)
        extra = self.messages()[self.seen :]
        assert not extra, f"{self} got unexpected messages: {[m.text for m in extra]}"

    def drain(self) -> list[Sent]:
        out = self.messages()[self.seen :]
        self.seen += len(out)
        return out

    async def message_with(self, needle: str, timeout: float = 5.0) -> Sent:
        """The next message containing ``needle``, skipping those before it."""
        skipped: list[str] = []
        while True:
            try:
                message = await self.next_message(timeout)
            except AssertionError:
                raise AssertionError(
                    f"{self} got no message with {needle!r}; skipped: {skipped}"
                ) from None
            if needle in message.text or needle in message.options:
                return message
            skipped.append(message.text)
