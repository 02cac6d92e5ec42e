"""Photos in the web chat: upload (``POST /chat/photo``) and viewing (``GET /chat/photo/{id}``).

The page compresses each image to at most 1600 px and 5 MB before it uploads,
then sends ``{"type": "photo", "photo": "web:<id>"}`` on the socket, so the core
sees a photo exactly as it sees a Telegram one. Only JPEG, PNG and WebP are
kept (checked by their first bytes, not the header the browser claims), and
only the people ``bot.photos.may_see`` allows get them back.
"""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot import photos
from handlers.web.chat import person_of_request, writing_person
from handlers.web.guard import client_ip, origin_allowed
from handlers.web.identity import request_session
from handlers.web.keys import DEPS, GUARD, SESSIONS
from store import webchat

PER_DAY = 60  # uploads a person may make a day (an order takes 5)
sniff = photos.sniff


async def _viewer(request: web.Request):  # type: ignore[no-untyped-def]
    sid = request_session(request, request.app[SESSIONS])
    if sid is None:
        return None
    return await person_of_request(request, sid)


async def upload(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    if not origin_allowed(request, deps.settings):
        raise web.HTTPForbidden(text="origin not allowed")
    sid = request_session(request, request.app[SESSIONS])
    if sid is None:
        raise web.HTTPUnauthorized(text="open /chat first")
    # A visitor's upload makes their row: budgeted like a frame, and refused before it.
    known = await person_of_request(request, sid)
    if known is None and not request.app[GUARD].take(sid, client_ip(request)):
        raise web.HTTPTooManyRequests(text="too many messages; wait a moment")
    if (request.content_length or 0) > photos.MAX_BYTES:
        raise web.HTTPRequestEntityTooLarge(
            max_size=photos.MAX_BYTES, actual_size=request.content_length or 0
        )
    # Read as a stream: the app's body limit is the webhook's, far below a photo.
    buffer = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        buffer += chunk
        if len(buffer) > photos.MAX_BYTES:
            raise web.HTTPRequestEntityTooLarge(max_size=photos.MAX_BYTES, actual_size=len(buffer))
    content = bytes(buffer)
    if sniff(content) is None:
        raise web.HTTPUnsupportedMediaType(text="JPEG, PNG or WebP only")
    person = await writing_person(request, sid)  # uploading is writing: a visitor gets a row
    now = deps.now()
    async with deps.db.session() as session:
        today = await webchat.photos_since(
            session,
            person_id=person.id,  # type: ignore[arg-type]
            since=now - timedelta(days=1),
        )
    if today >= PER_DAY:
        raise web.HTTPTooManyRequests(text="too many photos today")
    file = await photos.keep(deps.db, person_id=person.id, content=content, now=now)  # type: ignore[arg-type]
    return web.json_response({"photo": file})


async def view(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    viewer = await _viewer(request)
    async with deps.db.session() as session:
        row = await webchat.photo_by_id(session, photo_id=int(request.match_info["id"]))
        allowed = (
            row is not None
            and viewer is not None
            and await photos.may_see(session, settings=deps.settings, viewer=viewer, photo=row)
        )
    if not allowed or row is None:
        raise web.HTTPNotFound()
    return web.Response(
        body=row.content,
        content_type=row.content_type,
        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


def setup(app: web.Application) -> None:
    app.router.add_post("/chat/photo", upload, name="photo_upload")
    app.router.add_get(r"/chat/photo/{id:\d{1,9}}", view, name="photo")
