"""The web chat inside WeChat: the page and the Official Account are one person.

Opened in WeChat's browser (``MicroMessenger`` in the User-Agent) with the
WeChat channel on, ``/chat`` first sends the browser through WeChat's silent
``snsapi_base`` OAuth: WeChat redirects back with a ``code``, which
``/sns/oauth2/access_token`` turns into the person's openid. A signed cookie
then makes the page act as that WeChat person (same orders, same dialog).
Elsewhere, or when sign-in fails, the page works as before with its own session.
"""

from __future__ import annotations

import hmac
import logging
import secrets
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
STATE_COOKIE = "jx_wechat_state"
STATE_MAX_AGE = 600  # seconds to come back from WeChat's sign-in


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


def sign_in_redirect(request: web.Request) -> web.HTTPFound | None:
    """The redirect to WeChat's OAuth when this page should sign in with WeChat first.

    ``state`` is random and also kept in a short-lived cookie: a ``code`` only counts
    when it comes back to the browser that asked for it, so nobody can slip their own
    WeChat identity into someone else's page (and read the orders typed there).
    """
    if not request.app.get(ENABLED) or not in_wechat(request) or request.query.get(SKIP) == "0":
        return None
    if openid_of(request) is not None:
        return None
    from handlers.web.keys import DEPS

    settings = request.app[DEPS].settings
    scheme = "https" if is_secure(request) else "http"
    back = request.app.router["wechat_oauth"].url_for().with_query({"next": request.path_qs})
    redirect_uri = f"{scheme}://{request.host}{back}"
    state = secrets.token_urlsafe(12)
    query = urlencode(
        {
            "appid": settings.wechat_app_id or "",
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
        },
        quote_via=quote,
    )
    response = web.HTTPFound(f"{AUTHORIZE}?{query}#wechat_redirect")
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=STATE_MAX_AGE,
        path="/chat/wechat",
        httponly=True,
        samesite="Lax",
        secure=is_secure(request),
    )
    return response


async def oauth_return(request: web.Request) -> web.Response:
    """WeChat's redirect back with ``code``: remember the openid, then show the page."""
    from handlers.wechat.callback import CHANNEL

    target = request.query.get("next", "/chat")
    if not target.startswith("/chat") or target.startswith("//"):
        target = "/chat"
    code = request.query.get("code", "")
    state = request.cookies.get(STATE_COOKIE, "")
    openid = None
    if code and state and hmac.compare_digest(state, request.query.get("state", "")):
        try:
            openid = await request.app[CHANNEL].api.oauth_openid(code)
        except Exception as exc:
            log.info("WeChat OAuth failed: %s", exc)
    if openid is None:
        sep = "&" if "?" in target else "?"
        raise web.HTTPFound(f"{target}{sep}{SKIP}=0")
    response = web.HTTPFound(target)
    response.del_cookie(STATE_COOKIE, path="/chat/wechat")
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
