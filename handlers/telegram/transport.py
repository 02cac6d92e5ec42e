"""Bot API calls over aiohttp instead of python-telegram-bot's default httpx.

Every reply is at least one Bot API call, and with httpx each call costs the bot
about 0.6 ms more CPU than the same call over aiohttp (bench/README.md, issue 14:
httpx's connection pool and anyio's streams, per call). aiohttp is already the web
server's library, so this adds no dependency. Same contract as ``HTTPXRequest``:
form-encoded parameters (multipart when files go along), the same timeouts, the
same environment — proxies from ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY`` minus
``NO_PROXY``, certificates from ``SSL_CERT_FILE``/``SSL_CERT_DIR`` else certifi's,
read once when the session opens, as httpx reads them once per client — and
failures as ``TimedOut``/``NetworkError``, so the send limiter's retry policy is
unchanged.
"""

from __future__ import annotations

import functools
import os
import ssl
from typing import Any
from urllib.parse import urlencode, urlsplit
from urllib.request import getproxies, proxy_bypass_environment

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` on one ``aiohttp.ClientSession`` (opened by ``initialize``)."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._env_proxies: dict[str, str] = {}
        self._proxies: dict[tuple[str, str], str | None] = {}  # (scheme, host) → proxy URL

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._env_proxies, self._proxies = getproxies(), {}
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=_ssl_context()),
                headers={"User-Agent": self.USER_AGENT},
                # Not trust_env: aiohttp would read the environment (and ~/.netrc) again in
                # a thread for every request; _proxy() reads it once, as httpx does.
                trust_env=False,
            )

    def _proxy(self, url: str) -> str | None:
        """The proxy for ``url`` from the environment (httpx's rules), per scheme and host."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            env = self._env_proxies
            proxy = env.get(parts.scheme) or env.get("all")
            if proxy and "://" not in proxy:
                proxy = f"http://{proxy}"
            if proxy and proxy_bypass_environment(key[1], env):
                proxy = None
            self._proxies[key] = proxy
        return self._proxies[key]

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None

        def chosen(value: ODVInput[float], name: str) -> float | None:
            if not isinstance(value, DefaultValue):
                return value
            if name == "write" and files:
                return self._media_write_timeout
            return self._timeouts[name]

        read, write = chosen(read_timeout, "read"), chosen(write_timeout, "write")
        connect, pool = chosen(connect_timeout, "connect"), chosen(pool_timeout, "pool")
        # aiohttp has no write timeout: the whole call is bounded by the sum instead.
        parts = (read, write, connect, pool)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(parts),  # type: ignore[arg-type]
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        data: Any = None
        headers = None
        if fields and not files:  # encoded here: aiohttp's FormData makes a multipart writer
            data = urlencode(fields).encode()
            headers = _FORM
        if files:
            form = aiohttp.FormData()
            for name, value in (fields or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mime) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime)
            data = form
        try:
            proxy = self._proxy(url)
            request = self._session.request(
                method, url, data=data, headers=headers, timeout=timeout, proxy=proxy
            )
            async with request as res:
                return res.status, await res.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The certificates httpx would trust: SSL_CERT_FILE, SSL_CERT_DIR, else certifi's (one
    context for the process: each holds its own copy of the bundle)."""
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    return ssl.create_default_context(cafile=certifi.where())
