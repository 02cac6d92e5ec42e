"""Who a browser is: a random session id in a cookie signed with the server's key.

The session id becomes the web Person's ``external_id``, so the cookie is the
identity; the phone number the worker gives while ordering lets staff call back.
The signing key is ``JIANGXIN_WEB_SECRET`` or, when that is unset, a random key
generated once and kept in the ``Meta`` table, so sessions survive restarts and
are shared by every instance on the same database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets

from aiohttp import web

from bot import signin
from bot.config import Settings
from store.engine import Database

log = logging.getLogger(__name__)

COOKIE = "jx_session"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers accept (400 days)
META_KEY = "web_secret"
_SID = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class SessionSigner:
    """Issues and checks ``<session id>.<signature>`` cookie values."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the web session key must be at least 16 bytes")
        self._key = key

    @property
    def key(self) -> bytes:
        """The server's secret, also keying the hashes of sign-in codes and links."""
        return self._key

    def _signature(self, sid: str) -> str:
        return _b64(hmac.new(self._key, b"jx-web-session:" + sid.encode(), hashlib.sha256).digest())

    def new_session(self) -> tuple[str, str]:
        """A fresh session id and its cookie value."""
        sid = secrets.token_urlsafe(18)  # 24 characters, 144 random bits
        return sid, self.cookie_value(sid)

    def cookie_value(self, sid: str) -> str:
        return f"{sid}.{self._signature(sid)}"

    def session_id(self, cookie: str | None) -> str | None:
        """The session id in a cookie value, or None when it is missing, malformed or forged."""
        if not cookie or len(cookie) > 120:
            return None
        sid, _, sig = cookie.partition(".")
        if not _SID.match(sid) or not sig:
            return None
        if not hmac.compare_digest(sig.encode(), self._signature(sid).encode()):
            return None
        return sid


async def load_key(settings: Settings, db: Database) -> bytes:
    """The configured key, else the one stored in ``Meta`` (created on first start)."""
    return await signin.server_key(settings, db)


def request_session(request: web.Request, signer: SessionSigner) -> str | None:
    return signer.session_id(request.cookies.get(COOKIE))


def is_secure(request: web.Request) -> bool:
    """HTTPS as the browser sees it (directly, or through a TLS-terminating proxy)."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https"


def set_cookie(response: web.StreamResponse, request: web.Request, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=is_secure(request),
    )
