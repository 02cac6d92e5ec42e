"""The web chat inside WeChat: the page and the Official Account are one person.

Opened in WeChat's browser (``MicroMessenger`` in the User-Agent) with the
WeChat channel on, ``/chat`` first sends the browser through WeChat's silent
``snsapi_base`` OAuth: WeChat redirects back with a ``code``, which
``/sns/oauth2/access_token`` turns into the person's openid. A signed cookie
then makes the page act as that WeChat person (same orders, same dialog).
Elsewhere, or when sign-in fails, the page works as before with its own session.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlencode

from aiohttp import web

from handlers.web.identity import COOKIE_MAX_AGE, is_secure
from handlers.web.keys import SESSIONS

log = logging.getLogger(__name__)

PLATFORM = "wechat"
COOKIE = "jx_wechat"
AUTHORIZE = "https://open.weixin.qq.com/connect/oauth2/authorize"
SKIP = "wx"  # ?wx=0 after a failed sign-in: show the page without looping back to WeChat
ENABLED = web.AppKey("wechat_oauth", bool)


def in_wechat(request: web.Request) -> bool:
    return "MicroMessenger" in request.headers.get("User-Agent", "")


def openid_of(request: web.Request) -> str | None:
    if not request.app.get(ENABLED):
        return None
    return request.app[SESSIONS].session_id(request.cookies.get(COOKIE))


def identity(request: web.Request, sid: str) -> tuple[str, str]:
    """(platform, external_id) the page speaks as: the WeChat person once signed in."""
    openid = openid_of(request)
    return (PLATFORM, openid) if openid else ("web", sid)


def sign_in_redirect(request: web.Request) -> str | None:
    """WeChat's OAuth URL when this page should sign in with WeChat first, else None."""
    if not request.app.get(ENABLED) or not in_wechat(request) or request.query.get(SKIP) == "0":
        return None
    if openid_of(request) is not None:
        return None
    from handlers.web.keys import DEPS

    settings = request.app[DEPS].settings
    scheme = "https" if is_secure(request) else "http"
    back = request.app.router["wechat_oauth"].url_for().with_query({"next": request.path_qs})
    redirect_uri = f"{scheme}://{request.host}{back}"
    query = urlencode(
        {
            "appid": settings.wechat_app_id or "",
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": "jx",
        },
        quote_via=quote,
    )
    return f"{AUTHORIZE}?{query}#wechat_redirect"


async def oauth_return(request: web.Request) -> web.Response:
    """WeChat's redirect back with ``code``: remember the openid, then show the page."""
    from handlers.wechat.callback import CHANNEL

    target = request.query.get("next", "/chat")
    if not target.startswith("/chat") or target.startswith("//"):
        target = "/chat"
    code = request.query.get("code", "")
    openid = None
    if code:
        try:
            openid = await request.app[CHANNEL].api.oauth_openid(code)
        except Exception as exc:
            log.info("WeChat OAuth failed: %s", exc)
    if openid is None:
        sep = "&" if "?" in target else "?"
        raise web.HTTPFound(f"{target}{sep}{SKIP}=0")
    response = web.HTTPFound(target)
    response.set_cookie(
        COOKIE,
        request.app[SESSIONS].cookie_value(openid),
        max_age=COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=is_secure(request),
    )
    raise response


def setup(app: web.Application) -> None:
    app[ENABLED] = True
    app.router.add_get("/chat/wechat/oauth", oauth_return, name="wechat_oauth")
