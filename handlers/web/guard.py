"""What the web chat lets in: pages from our own origins, and frames within flood limits.

**Origin.** A WebSocket or a form POST from a page is allowed when its ``Origin`` is
one we know: listed in ``JIANGXIN_WEB_ORIGINS`` or the origin of a configured public
URL (``JIANGXIN_WEB_PUBLIC_URL``, ``JIANGXIN_WEB_CHAT_URL``,
``JIANGXIN_WECHAT_CHAT_URL``). Same-origin (the ``Origin`` naming the request's own
``Host``) is only trusted when no proxy stands between (no ``X-Forwarded-*`` /
``Forwarded`` header) and the host is an IP address, ``localhost`` or
``JIANGXIN_WEB_HOST``: a host *name* in ``Host`` is whatever the browser typed, and a
DNS-rebinding page (``evil.example`` re-pointed at our address) would pass as
same-origin.

**Flood limits.** Token buckets per browser session (all its tabs together), per
client IP and for the whole instance (``JIANGXIN_WEB_FLOOD_*`` = "burst,per-second").
A frame is taken only when all three have room, so a session at its limit does not
drain its IP's budget. Limits are per instance. Behind a proxy on the same host or
network, the client IP is the last ``X-Forwarded-For`` entry.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from aiohttp import web

from bot.config import Settings

MAX_TABS = 5  # open sockets of one session on one instance
_PROXY_HEADERS = ("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded")
_DEFAULT_PORTS = {"http": ":80", "https": ":443", "ws": ":80", "wss": ":443"}
_MAX_KEYS = 20_000  # buckets kept before full (idle) ones are forgotten


# ---------------------------------------------------------------- origin


def _netloc(scheme: str, netloc: str) -> str:
    """Host and port with the scheme's default port dropped (Origin omits it; Host may not)."""
    netloc = netloc.lower()
    port = _DEFAULT_PORTS.get(scheme)
    return netloc[: -len(port)] if port and netloc.endswith(port) else netloc


def _origin_of(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url.strip().lower().rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.scheme, _netloc(parts.scheme, parts.netloc)


def configured_origins(settings: Settings) -> tuple[set[tuple[str, str]], set[str]]:
    """(scheme, host) pairs from full URLs, and bare hosts listed without a scheme."""
    full: set[tuple[str, str]] = set()
    bare: set[str] = set()
    for entry in settings.web_origins:
        entry = entry.strip().lower().rstrip("/")
        if "://" in entry:
            if (o := _origin_of(entry)) is not None:
                full.add(o)
        elif entry:
            bare.add(entry)
    for url in (settings.web_public_url, settings.web_chat_url, settings.wechat_chat_url):
        if url and (o := _origin_of(url)) is not None:
            full.add(o)
    return full, bare


def behind_proxy(request: web.Request) -> bool:
    return any(h in request.headers for h in _PROXY_HEADERS)


def _pinned_host(host: str, settings: Settings) -> bool:
    """A host no DNS answer can re-point: an IP literal, localhost, or our own listen name."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    if name in ("localhost", settings.web_host.lower()):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def origin_allowed(request: web.Request, settings: Settings) -> bool:
    """Whether the page that opened this socket (or posted this form) is one of ours."""
    origin = _origin_of(request.headers.get("Origin", ""))
    if origin is None:  # missing, "null" or not http(s)
        return False
    full, bare = configured_origins(settings)
    if origin in full or origin[1] in bare:
        return True
    if behind_proxy(request) or not _pinned_host(request.host, settings):
        return False
    host = request.host.lower()
    return origin[1] in (_netloc("http", host), _netloc("https", host))


# ---------------------------------------------------------------- client address


def client_ip(request: web.Request) -> str:
    """The browser's address: the peer, or the last X-Forwarded-For hop when the peer is
    a proxy on this host or network (loopback or private address)."""
    peer = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if not forwarded:
        return peer
    try:
        near = ipaddress.ip_address(peer)
    except ValueError:
        return peer
    if not (near.is_loopback or near.is_private):
        return peer
    last = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return peer


# ---------------------------------------------------------------- flood limits


class Bucket:
    """A token bucket: ``burst`` at once, ``rate`` per second after."""

    __slots__ = ("at", "burst", "rate", "tokens")

    def __init__(self, burst: int, rate: float, now: float) -> None:
        self.burst, self.rate = float(burst), rate
        self.tokens, self.at = float(burst), now

    def refill(self, now: float) -> float:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return self.tokens


class FloodGuard:
    """Frame budgets of this instance: per session, per IP and in total."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.session_limit = settings.web_flood_session
        self.ip_limit = settings.web_flood_ip
        now = clock()
        self.total = Bucket(*settings.web_flood_global, now)
        self.sessions: dict[str, Bucket] = {}
        self.ips: dict[str, Bucket] = {}
        self.tabs: dict[str, int] = {}

    def _bucket(self, table: dict[str, Bucket], key: str, limit: tuple[int, float]) -> Bucket:
        found = table.get(key)
        if found is None:
            if len(table) >= _MAX_KEYS:
                self._forget_full(table)
            found = table[key] = Bucket(*limit, self.clock())
        return found

    def _forget_full(self, table: dict[str, Bucket]) -> None:
        now = self.clock()
        for key in [k for k, b in table.items() if b.refill(now) >= b.burst]:
            del table[key]

    def take(self, session: str, ip: str) -> bool:
        """One frame from ``session`` at ``ip``: True when every budget has room."""
        now = self.clock()
        buckets = (
            self._bucket(self.sessions, session, self.session_limit),
            self._bucket(self.ips, ip, self.ip_limit),
            self.total,
        )
        if any(b.refill(now) < 1 for b in buckets):
            return False
        for b in buckets:
            b.tokens -= 1
        return True

    def open_tab(self, session: str) -> bool:
        """A socket of ``session`` opens; False when it already has ``MAX_TABS`` open."""
        if self.tabs.get(session, 0) >= MAX_TABS:
            return False
        self.tabs[session] = self.tabs.get(session, 0) + 1
        return True

    def close_tab(self, session: str) -> None:
        left = self.tabs.get(session, 0) - 1
        if left > 0:
            self.tabs[session] = left
        else:
            self.tabs.pop(session, None)
