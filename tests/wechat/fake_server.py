"""A fake WeChat Official Account API on 127.0.0.1, following the documented endpoints.

Tokens (``/cgi-bin/token``, ``/cgi-bin/stable_token``), customer-service messages
with the 48-hour window and a per-window quota, template messages, temporary
media (get and upload, kept three days), menu, parametric QR codes and
``snsapi_base`` OAuth, each answering the documented ``errcode`` when a rule is
broken. Tests can also make the next calls of a path fail with a chosen errcode
(``fail_next``), expire every token (``expire_tokens``) and move the fake's clock
(``advance``).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.utils.fakebot.state import ChangeSignal

APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-app-secret-0123456789abcdef"
TEMPLATE_ID = "tmpl-service-progress"
WINDOW = 48 * 3600
QUOTA = 5  # customer-service messages per message the person sends (48-hour window)
TINY_JPEG = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"
MEDIA_LIFETIME = 3 * 24 * 3600  # temporary media
SERVICE_ACCOUNT_ONLY = (  # what an (unverified) subscription account may not call
    "/cgi-bin/message/custom/send",
    "/cgi-bin/message/template/send",
    "/cgi-bin/menu/create",
    "/cgi-bin/qrcode/create",
)
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8")  # JPG, PNG, GIF


@dataclass
class Follower:
    openid: str
    subscribed: bool = True
    last_inbound: float | None = None  # when they last wrote to the account (fake clock)
    sent_in_window: int = 0


@dataclass
class Sent:
    """One message the bot sent: a customer-service message or a template message."""

    openid: str
    kind: str  # "text" | "msgmenu" | "image" | "template"
    body: dict[str, Any]

    @property
    def text(self) -> str:
        if self.kind == "text":
            return str(self.body["text"]["content"])
        if self.kind == "msgmenu":
            return str(self.body["msgmenu"]["head_content"])
        if self.kind == "template":
            return "\n".join(str(v["value"]) for v in self.body["data"].values())
        return ""

    @property
    def options(self) -> list[str]:
        if self.kind != "msgmenu":
            return []
        return [str(o["content"]) for o in self.body["msgmenu"]["list"]]

    def option_id(self, label: str) -> str:
        for o in self.body["msgmenu"]["list"]:
            if o["content"] == label:
                return str(o["id"])
        raise AssertionError(f"no option {label!r} in {self.options}")


@dataclass
class FakeWeChatState:
    followers: dict[str, Follower] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    token_fetches: int = 0
    sent: list[Sent] = field(default_factory=list)
    menus: list[dict[str, Any]] = field(default_factory=list)
    qrcodes: dict[str, str] = field(default_factory=dict)  # ticket → scene
    media: dict[str, bytes] = field(default_factory=dict)
    media_at: dict[str, float] = field(default_factory=dict)  # when each media id was made
    uploads: list[str] = field(default_factory=list)  # media ids the bot uploaded
    scene_urls: dict[str, str] = field(default_factory=dict)  # a QR code's url → its scene
    oauth_codes: dict[str, str] = field(default_factory=dict)  # code → openid
    failures: dict[str, list[int]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    offset: float = 0.0
    # A subscription account (订阅号): no customer-service, template, menu or QR code API.
    subscription: bool = False


class FakeWeChat:
    def __init__(self) -> None:
        self.state = FakeWeChatState()
        self.changes = ChangeSignal()
        self.errors: list[str] = []
        self._runner: web.AppRunner | None = None
        self.url = ""
        #: Seconds each call takes before WeChat acts on it; a call whose client went away
        #: meanwhile (a killed bot) is dropped: it never reached WeChat.
        self.latency = 0.0

    # -- test controls -----------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self.state.offset

    def advance(self, seconds: float) -> None:
        self.state.offset += seconds

    def follower(self, openid: str) -> Follower:
        return self.state.followers.setdefault(openid, Follower(openid))

    def wrote(self, openid: str) -> None:
        """The person sent the account something: the 48-hour window opens afresh."""
        f = self.follower(openid)
        f.last_inbound, f.sent_in_window = self.now(), 0

    def fail_next(self, path: str, errcode: int, times: int = 1) -> None:
        self.state.failures.setdefault(path, []).extend([errcode] * times)

    def expire_tokens(self) -> None:
        self.state.tokens.clear()

    def add_media(self, content: bytes = TINY_JPEG) -> str:
        media_id = "media-" + secrets.token_hex(8)
        self.state.media[media_id] = content
        self.state.media_at[media_id] = self.now()
        return media_id

    def oauth_code(self, openid: str) -> str:
        code = "code-" + secrets.token_hex(8)
        self.state.oauth_codes[code] = openid
        return code

    def sent_to(self, openid: str) -> list[Sent]:
        return [s for s in self.state.sent if s.openid == openid]

    # -- server ------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        app = web.Application(middlewares=[self._record_errors])
        r = app.router
        r.add_get("/cgi-bin/token", self.token)
        r.add_post("/cgi-bin/stable_token", self.stable_token)
        r.add_post("/cgi-bin/message/custom/send", self.custom_send)
        r.add_post("/cgi-bin/message/template/send", self.template_send)
        r.add_get("/cgi-bin/media/get", self.media_get)
        r.add_post("/cgi-bin/media/upload", self.media_upload)
        r.add_post("/cgi-bin/menu/create", self.menu_create)
        r.add_post("/cgi-bin/qrcode/create", self.qrcode_create)
        r.add_get("/sns/oauth2/access_token", self.oauth)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @web.middleware
    async def _record_errors(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.latency:
            await asyncio.sleep(self.latency)
            if request.transport is None or request.transport.is_closing():
                return web.Response(status=499)
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except Exception as exc:  # a crash of the fake itself fails the test at teardown
            self.errors.append(f"{request.path}: {exc!r}")
            raise

    @staticmethod
    def _err(errcode: int, errmsg: str) -> web.Response:
        return web.json_response({"errcode": errcode, "errmsg": errmsg})

    def _injected(self, path: str) -> web.Response | None:
        queue = self.state.failures.get(path)
        if queue:
            errcode = queue.pop(0)
            return self._err(errcode, "injected failure")
        return None

    def _check_token(self, request: web.Request) -> web.Response | None:
        self.state.calls.append(request.path)
        token = request.query.get("access_token")
        if not token:
            return self._err(41001, "access_token missing")
        if token not in self.state.tokens:
            return self._err(40001, "invalid credential, access_token is invalid or not latest")
        if self.state.subscription and request.path in SERVICE_ACCOUNT_ONLY:
            return self._err(48001, "api unauthorized")
        return self._injected(request.path)

    def _issue(self) -> web.Response:
        self.state.token_fetches += 1
        token = "ACCESS_" + secrets.token_hex(16)
        self.state.tokens.add(token)
        return web.json_response({"access_token": token, "expires_in": 7200})

    async def token(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("grant_type") != "client_credential":
            return self._err(40002, "invalid grant_type")
        if q.get("appid") != APP_ID:
            return self._err(40013, "invalid appid")
        if q.get("secret") != APP_SECRET:
            return self._err(40125, "invalid appsecret")
        return self._injected(request.path) or self._issue()

    async def stable_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("appid") != APP_ID or body.get("secret") != APP_SECRET:
            return self._err(40125, "invalid appsecret")
        if self.state.tokens and not body.get("force_refresh"):
            token = next(iter(self.state.tokens))
            return web.json_response({"access_token": token, "expires_in": 7200})
        return self._issue()

    def _reachable(self, openid: str) -> web.Response | None:
        f = self.state.followers.get(openid)
        if f is None or not f.subscribed:
            return self._err(43004, "require subscribe")
        return None

    async def custom_send(self, request: web.Request) -> web.Response:
        if (refused := self._check_token(request)) is not None:
            return refused
        body = await request.json()
        openid, kind = body.get("touser", ""), body.get("msgtype", "")
        if (refused := self._reachable(openid)) is not None:
            return refused
        f = self.state.followers[openid]
        if f.last_inbound is None or self.now() - f.last_inbound > WINDOW:
            return self._err(45015, "response out of time limit or subscription is canceled")
        if f.sent_in_window >= QUOTA:
            return self._err(45047, "out of response count limit")
        if kind == "text":
            content = body["text"]["content"]
            if not content or len(content.encode()) > 2048:
                return self._err(45002, "content size out of limit")
        elif kind == "msgmenu":
            menu = body["msgmenu"]
            options = menu.get("list") or []
            if not 1 <= len(options) <= 10 or any(
                not o.get("id") or not o.get("content") for o in options
            ):
                return self._err(40008, "invalid message type")
        elif kind == "image":
            if self._media(str(body["image"].get("media_id", ""))) is None:
                return self._err(40007, "invalid media_id")
        else:
            return self._err(40008, "invalid message type")
        f.sent_in_window += 1
        self.state.sent.append(Sent(openid, kind, body))
        self.changes.notify()
        return self._err(0, "ok")

    async def template_send(self, request: web.Request) -> web.Response:
        if (refused := self._check_token(request)) is not None:
            return refused
        body = await request.json()
        openid = body.get("touser", "")
        if (refused := self._reachable(openid)) is not None:
            return refused
        if body.get("template_id") != TEMPLATE_ID:
            return self._err(40037, "invalid template_id")
        if not isinstance(body.get("data"), dict):
            return self._err(47001, "data format error")
        self.state.sent.append(Sent(openid, "template", body))
        self.changes.notify()
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": len(self.state.sent)})

    def _media(self, media_id: str) -> bytes | None:
        """A temporary media file; WeChat keeps one three days."""
        content = self.state.media.get(media_id)
        made = self.state.media_at.get(media_id, self.now())
        return content if content is not None and self.now() - made <= MEDIA_LIFETIME else None

    async def media_get(self, request: web.Request) -> web.Response:
        if (refused := self._check_token(request)) is not None:
            return refused
        media_id = request.query.get("media_id", "")
        content = self._media(media_id)
        if content is None:
            return self._err(40007, "invalid media_id")
        kind = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
        disposition = f'attachment; filename="{media_id}.{kind.split("/")[1]}"'
        return web.Response(
            body=content, content_type=kind, headers={"Content-disposition": disposition}
        )

    async def media_upload(self, request: web.Request) -> web.Response:
        """Temporary media: images are JPG/PNG/GIF up to 10 MB, in a form field ``media``."""
        if (refused := self._check_token(request)) is not None:
            return refused
        kind = request.query.get("type", "")
        if kind not in ("image", "voice", "video", "thumb"):
            return self._err(40004, "invalid media type")
        if not request.content_type.startswith("multipart/"):
            return self._err(41005, "media data missing")
        form = await request.post()
        item = form.get("media")
        if not isinstance(item, web.FileField):
            return self._err(41005, "media data missing")
        content = item.file.read()
        if kind == "image" and not content.startswith(IMAGE_MAGIC):
            return self._err(40005, "invalid file type")
        if not content or len(content) > 10 * 1024 * 1024:
            return self._err(40006, "invalid meida size")
        media_id = self.add_media(content)
        self.state.uploads.append(media_id)
        return web.json_response(
            {"type": kind, "media_id": media_id, "created_at": int(self.now())}
        )

    async def menu_create(self, request: web.Request) -> web.Response:
        if (refused := self._check_token(request)) is not None:
            return refused
        body = await request.json()
        buttons = body.get("button") or []
        if not 1 <= len(buttons) <= 3:
            return self._err(40016, "invalid button size")
        for b in buttons:
            subs = b.get("sub_button") or []
            if len(subs) > 5:
                return self._err(40017, "invalid sub button size")
            for item in subs or [b]:
                if item.get("type") == "click" and not item.get("key"):
                    return self._err(40019, "invalid button key size")
        self.state.menus.append(body)
        return self._err(0, "ok")

    async def qrcode_create(self, request: web.Request) -> web.Response:
        if (refused := self._check_token(request)) is not None:
            return refused
        body = await request.json()
        if body.get("action_name") != "QR_LIMIT_STR_SCENE":
            return self._err(40097, "invalid args")
        scene = str(body.get("action_info", {}).get("scene", {}).get("scene_str", ""))
        if not 1 <= len(scene) <= 64:
            return self._err(40097, "invalid args")
        ticket = "gQ" + secrets.token_urlsafe(24)
        self.state.qrcodes[ticket] = scene
        url = f"http://weixin.qq.com/q/{ticket[2:24]}"
        self.state.scene_urls[url] = scene
        return web.json_response({"ticket": ticket, "url": url})

    async def oauth(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("appid") != APP_ID or q.get("secret") != APP_SECRET:
            return self._err(40125, "invalid appsecret")
        if q.get("grant_type") != "authorization_code":
            return self._err(40002, "invalid grant_type")
        openid = self.state.oauth_codes.pop(q.get("code", ""), None)  # a code works once
        if openid is None:
            return self._err(40029, "invalid code")
        return web.json_response(
            {
                "access_token": "OAUTH_" + secrets.token_hex(8),
                "expires_in": 7200,
                "refresh_token": "R_" + secrets.token_hex(8),
                "openid": openid,
                "scope": "snsapi_base",
            }
        )
