"""The WeChat Official Account HTTP API, called with aiohttp so the event loop never blocks.

One ``access_token`` is valid per app at a time, so it lives in the database
(``store.wechat``): every instance uses the stored one until shortly before it
expires, and a refresh replaces only the token the refreshing instance saw.
"""

from __future__ import annotations

import asyncio
import json as json_module
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.config import Settings
from store import wechat as store
from store.engine import Database

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)  # refresh this long before WeChat's expiry
TOKEN_ERRORS = (40001, 40014, 42001)  # invalid, malformed or expired access_token
BUSY = -1  # 系统繁忙
BUSY_DELAYS = (0.3, 1.0, 2.0)  # seconds between retries of a busy answer
BAD_MEDIA = 40007  # invalid media_id (unknown, or a temporary one older than three days)
SHOW_QRCODE = "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket="
TIMEOUT = aiohttp.ClientTimeout(total=10)


# An uploaded file: (file name, content type, bytes).
Upload = tuple[str, str, bytes]


class WeChatError(Exception):
    """WeChat answered with a non-zero ``errcode``."""

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatApi:
    def __init__(self, settings: Settings, db: Database, now: Callable[[], datetime]) -> None:
        assert settings.wechat_app_id and settings.wechat_app_secret
        self.base = settings.wechat_api_url.rstrip("/")
        self.app_id = settings.wechat_app_id
        self._secret = settings.wechat_app_secret.get_secret_value()
        self.db = db
        self.now = now
        self.busy_delays = BUSY_DELAYS
        self._http: aiohttp.ClientSession | None = None
        self._token: tuple[str, datetime] | None = None
        self._refresh = asyncio.Lock()

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._http

    # -- access token ---------------------------------------------------------------------

    async def access_token(self, *, stale: str | None = None) -> str:
        """A valid token; ``stale`` is one WeChat just refused, so it must not come back."""
        if self._token is not None and self._token[0] != stale and self._fresh(self._token[1]):
            return self._token[0]
        async with self._refresh:
            row = await store.stored_token(self.db, app_id=self.app_id)
            if row is not None and row.token != stale and self._fresh(row.expires_at):
                self._token = (row.token, row.expires_at)
                return row.token
            token, expires_at = await self._fetch_token()
            seen = row.token if row is not None else None
            if not await store.save_token(
                self.db, app_id=self.app_id, token=token, expires_at=expires_at, replaces=seen
            ):
                # Another instance refreshed first; its token is the valid one now.
                row = await store.stored_token(self.db, app_id=self.app_id)
                if row is not None:
                    token, expires_at = row.token, row.expires_at
            self._token = (token, expires_at)
            return token

    def _fresh(self, expires_at: datetime) -> bool:
        return self.now() < expires_at - REFRESH_MARGIN

    async def _fetch_token(self) -> tuple[str, datetime]:
        params = {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret}
        data = await self._request("GET", "/cgi-bin/token", params=params)
        log.info("fetched a new WeChat access token")
        return str(data["access_token"]), self.now() + timedelta(seconds=int(data["expires_in"]))

    # -- calls ----------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        raw: bool = False,
        upload: Upload | None = None,
    ) -> Any:
        """One HTTP call; a busy answer (-1) is retried with back-off."""
        for delay in (*self.busy_delays, None):
            form = None
            if upload is not None:  # a form is spent once sent: a new one for each attempt
                form = aiohttp.FormData()
                form.add_field("media", upload[2], filename=upload[0], content_type=upload[1])
            try:
                async with self.http.request(
                    method, self.base + path, params=params, json=json, data=form
                ) as resp:
                    if resp.status >= 500:
                        raise WeChatError(BUSY, f"HTTP {resp.status}")
                    body = await resp.read()
                    content_type = resp.headers.get("Content-Type", "")
                if raw and "json" not in content_type and "text/plain" not in content_type:
                    return body
                data = json_module.loads(body)
                errcode = int(data.get("errcode") or 0)
                if errcode:
                    raise WeChatError(errcode, str(data.get("errmsg", "")))
                return data
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = WeChatError(BUSY, f"{type(exc).__name__}: {exc}")
                if delay is None:
                    raise error from exc
            except WeChatError as exc:
                if exc.errcode != BUSY or delay is None:
                    raise
            log.info("WeChat %s busy; retrying in %.1fs", path, delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def call(
        self,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        method: str = "POST",
        raw: bool = False,
        upload: Upload | None = None,
    ) -> Any:
        """An API call with the access token; a refused token is refreshed and tried once more."""
        token = await self.access_token()
        try:
            return await self._request(
                method,
                path,
                params={**(params or {}), "access_token": token},
                json=json,
                raw=raw,
                upload=upload,
            )
        except WeChatError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.info("WeChat refused the access token (%s); refreshing", exc.errcode)
        token = await self.access_token(stale=token)
        return await self._request(
            method,
            path,
            params={**(params or {}), "access_token": token},
            json=json,
            raw=raw,
            upload=upload,
        )

    async def send_custom(self, message: dict[str, Any]) -> None:
        await self.call("/cgi-bin/message/custom/send", json=message)

    async def send_template(
        self, openid: str, template_id: str, data: dict[str, Any], url: str | None
    ) -> None:
        body: dict[str, Any] = {"touser": openid, "template_id": template_id, "data": data}
        if url:
            body["url"] = url
        await self.call("/cgi-bin/message/template/send", json=body)

    async def get_media(self, media_id: str) -> bytes:
        """A temporary media file (a person's photo: kept by WeChat for three days)."""
        data = await self.call(
            "/cgi-bin/media/get", params={"media_id": media_id}, method="GET", raw=True
        )
        if not isinstance(data, bytes):  # JSON without an errcode: a video's URL, not a file
            raise WeChatError(BAD_MEDIA, "not a media file")
        return data

    async def upload_image(self, content: bytes, content_type: str) -> str:
        """Upload an image as temporary media (three days); its ``media_id``."""
        ext = {"image/png": "png", "image/gif": "gif"}.get(content_type, "jpg")
        data = await self.call(
            "/cgi-bin/media/upload",
            params={"type": "image"},
            upload=(f"photo.{ext}", content_type, content),
        )
        return str(data["media_id"])

    async def create_menu(self, menu: dict[str, Any]) -> None:
        await self.call("/cgi-bin/menu/create", json=menu)

    async def _qrcode(self, scene: str) -> dict[str, Any]:
        if not 1 <= len(scene) <= 64:
            raise ValueError("a QR scene is 1 to 64 characters")
        return await self.call(  # type: ignore[no-any-return]
            "/cgi-bin/qrcode/create",
            json={
                "action_name": "QR_LIMIT_STR_SCENE",
                "action_info": {"scene": {"scene_str": scene}},
            },
        )

    async def create_qrcode(self, scene: str) -> str:
        """A permanent parametric QR code for ``scene``; returns the URL of its image."""
        data = await self._qrcode(scene)
        return SHOW_QRCODE + quote(str(data["ticket"]), safe="")

    async def scene_url(self, scene: str) -> str:
        """What the permanent QR code for ``scene`` encodes (its ``url``), to draw it ourselves."""
        return str((await self._qrcode(scene))["url"])

    async def oauth_openid(self, code: str) -> str:
        """The openid behind an OAuth ``code`` (snsapi_base; no user consent screen)."""
        params = {
            "appid": self.app_id,
            "secret": self._secret,
            "code": code,
            "grant_type": "authorization_code",
        }
        data = await self._request("GET", "/sns/oauth2/access_token", params=params)
        return str(data["openid"])
