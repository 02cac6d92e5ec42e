"""Phone sign-in for the web chat over plain JSON, and the one-time links sent by SMS.

``POST /chat/login/code {"phone"}`` sends a code (200 ``{"sent": true, "retry_after": 60}``,
429 with ``retry_after`` when a limit refuses), ``POST /chat/login {"phone", "code"}``
signs the browser in (a fresh signed session cookie; 401 on a wrong code),
``POST /chat/logout`` signs it out, and ``GET /chat/l/{token}`` redeems a link.
The rules live in ``bot.signin``; this module only translates HTTP.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from bot import signin
from bot.phones import mask_phone, normalize_mobile
from bot.sms import SmsError
from handlers.web.guard import client_ip, origin_allowed
from handlers.web.identity import request_session, set_cookie
from handlers.web.keys import DEPS, SESSIONS

log = logging.getLogger(__name__)

MAX_BODY = 1024


def _json(status: int, **body: Any) -> web.Response:
    return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})


async def _body(request: web.Request) -> dict[str, Any]:
    """The JSON object posted by the page; same-origin only (no cross-site sign-ins)."""
    if not origin_allowed(request, request.app[DEPS].settings):
        raise web.HTTPForbidden(text='{"error": "origin"}', content_type="application/json")
    if (request.content_length or 0) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(
            max_size=MAX_BODY, actual_size=request.content_length or 0
        )
    try:
        data = await request.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text='{"error": "body"}', content_type="application/json")
    return data


def _phone(data: dict[str, Any]) -> str:
    phone = normalize_mobile(str(data.get("phone") or ""))
    if phone is None:
        raise web.HTTPBadRequest(text='{"error": "phone"}', content_type="application/json")
    return phone


async def send_code(request: web.Request) -> web.Response:
    data = await _body(request)
    phone = _phone(data)
    try:
        retry_after = await signin.request_code(
            request.app[DEPS], phone=phone, ip=client_ip(request), key=request.app[SESSIONS].key
        )
    except signin.TooSoon as limit:
        return _json(429, sent=False, retry_after=limit.retry_after)
    except SmsError as exc:
        log.warning("sign-in SMS to %s failed: %s", mask_phone(phone), exc)
        return _json(502, sent=False, error=exc.code)
    return _json(200, sent=True, retry_after=retry_after)


async def login(request: web.Request) -> web.Response:
    data = await _body(request)
    phone = _phone(data)
    code = str(data.get("code") or "").strip()
    deps, signer = request.app[DEPS], request.app[SESSIONS]
    if not (len(code) == 6 and code.isdigit()):
        return _json(401, ok=False)
    try:
        await signin.check_code(deps, phone=phone, code=code, key=signer.key)
    except signin.WrongCode:
        return _json(401, ok=False)
    previous = request_session(request, signer)
    sid, cookie = signer.new_session()  # a new id on sign-in: no planted session rides along
    signed = await signin.sign_in(deps, phone=phone, sid=sid, previous=previous)
    if isinstance(data.get("name"), str):  # the 称呼 field of the sign-in form
        await signin.set_name(deps, person_id=signed.person_id, name=data["name"])
    response = _json(200, ok=True, phone=mask_phone(phone))
    set_cookie(response, request, cookie)
    return response


async def me(request: web.Request) -> web.Response:
    """Whether this browser is signed in, and as whom (to prefill the 称呼 field)."""
    sid = request_session(request, request.app[SESSIONS])
    deps = request.app[DEPS]
    async with deps.db.session() as session:
        person = await signin.person_of_session(session, sid) if sid else None
        signed = person is not None and await signin.is_signed_in(session, person)
    if not signed or person is None:
        return _json(200, signed_in=False, name="")
    return _json(200, signed_in=True, name=person.display_name, phone=mask_phone(person.phone))


async def logout(request: web.Request) -> web.Response:
    await _body(request)
    signer = request.app[SESSIONS]
    sid = request_session(request, signer)
    if sid is not None:
        await signin.sign_out(request.app[DEPS], sid=sid)
    response = _json(200, ok=True)
    set_cookie(response, request, signer.new_session()[1])
    return response


async def open_link(request: web.Request) -> web.StreamResponse:
    """A one-time SMS link: sign this browser in and open the chat on the order."""
    signer = request.app[SESSIONS]
    token = request.match_info["token"]
    sid, cookie = signer.new_session()
    link = await signin.redeem_link(request.app[DEPS], token=token, sid=sid, key=signer.key)
    chat = request.app.router["chat"].url_for()
    if link is None:
        raise web.HTTPFound(chat.with_query(expired="1"))
    target = chat.with_query(start=f"order-{link.order_id}") if link.order_id else chat
    response = web.HTTPFound(target)
    set_cookie(response, request, cookie)
    raise response


def setup(app: web.Application) -> None:
    app.router.add_post("/chat/login/code", send_code, name="login_code")
    app.router.add_post("/chat/login", login, name="login")
    app.router.add_post("/chat/logout", logout, name="logout")
    app.router.add_get("/chat/me", me, name="me")
    app.router.add_get(r"/chat/l/{token:[A-Za-z0-9_-]{8,40}}", open_link, name="login_link")
