"""The web chat's transcript: replies stored as ``WebMessage`` rows and shown to the page.

Everything said in a web chat is a row, so a page that was closed or offline
receives the whole conversation when it connects again. A row's ``payload`` is
a plain-JSON rendering of a core ``Reply`` (``role`` "bot") or of what the
person sent (``role`` "user", shown as plain text). The page gets ``view(row)``:
the payload plus its id and time, with document bytes replaced by a download URL.
"""

from __future__ import annotations

import base64
from typing import Any

from bot.reply import Reply
from store import webchat
from store.engine import Database
from store.models import WebMessage, utcnow

HISTORY_LIMIT = 200  # messages a (re)connecting page receives
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # larger documents are announced, not stored
WEB_PHOTO = "web:"  # file ids of photos uploaded in the web chat (bot.photos)


def bot_payload(reply: Reply) -> dict[str, Any]:
    """A core Reply as stored JSON (inline buttons, reply keyboard, document …)."""
    payload: dict[str, Any] = {
        "role": "bot",
        "text": reply.text,
        "buttons": [
            [
                {"label": b.label, "url": b.url} if b.url else {"label": b.label, "data": b.data}
                for b in row
            ]
            for row in reply.buttons
        ],
        "keyboard": [
            [{"label": k.label, "request": k.request} for k in row] for row in reply.keyboard
        ],
        "remove_keyboard": reply.remove_keyboard,
        "hint": reply.hint,
        "photos": len(reply.photos),
        "images": [p for p in reply.photos if p.startswith(WEB_PHOTO)],
    }
    if reply.document is not None:
        doc = reply.document
        payload["document"] = {
            "filename": doc.filename,
            "caption": doc.caption,
            "size": len(doc.content),
            "content": (
                base64.b64encode(doc.content).decode("ascii")
                if len(doc.content) <= MAX_DOCUMENT_BYTES
                else None
            ),
        }
    return payload


def user_payload(text: str, images: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"role": "user", "text": text, "images": list(images)}


def image_url(file_id: str) -> str:
    """Where the page loads a web photo (``/chat/photo`` checks who may see it)."""
    return f"/chat/photo/{file_id.removeprefix(WEB_PHOTO)}"


def view(row: WebMessage) -> dict[str, Any]:
    """What the page receives for one message."""
    payload = dict(row.payload)
    doc = payload.pop("document", None)
    out: dict[str, Any] = {
        "id": row.id,
        "at": int(row.created_at.timestamp() * 1000),
        "role": payload.get("role", "bot"),
        "text": payload.get("text", ""),
        "buttons": payload.get("buttons", []),
        "keyboard": payload.get("keyboard", []),
        "remove_keyboard": bool(payload.get("remove_keyboard")),
        "hint": payload.get("hint"),
        "photos": int(payload.get("photos") or 0),
        "edited": bool(payload.get("edited")),
        "images": [image_url(p) for p in payload.get("images") or [] if p.startswith(WEB_PHOTO)],
    }
    if doc:
        out["document"] = {
            "filename": doc.get("filename", ""),
            "caption": doc.get("caption", ""),
            "url": f"/chat/file/{row.id}" if doc.get("content") else None,
        }
    return out


async def store(db: Database, person_id: int, payload: dict[str, Any]) -> WebMessage:
    async with db.session() as session:
        row = WebMessage(person_id=person_id, payload=payload, created_at=utcnow())
        return await webchat.add_message(session, message=row)


async def replace(
    db: Database, person_id: int, message_id: int, reply: Reply
) -> tuple[WebMessage, bool] | None:
    """Edit a bot message of ``person_id`` the way Telegram edits: new text and inline buttons.

    The row and whether anything changed: like Telegram ("message is not modified"), an
    edit to the same text and buttons changes nothing and the caller pushes no frame.
    None when the message does not exist, is not theirs, or is not the bot's.
    """
    async with db.session() as session:
        row = await webchat.message_by_id(session, message_id=message_id)
        if row is None or row.person_id != person_id or row.payload.get("role") != "bot":
            return None
        fresh = bot_payload(reply)
        if (
            row.payload.get("text") == fresh["text"]
            and row.payload.get("buttons") == fresh["buttons"]
        ):
            return row, False
        payload = dict(row.payload)
        payload.update(text=fresh["text"], buttons=fresh["buttons"], edited=True)
        await webchat.set_payload(session, message=row, payload=payload)
    return row, True


async def history(db: Database, person_id: int, limit: int = HISTORY_LIMIT) -> list[WebMessage]:
    """The latest ``limit`` messages of a person, oldest first."""
    async with db.session() as session:
        rows = await webchat.latest_messages(session, person_id=person_id, limit=limit)
    rows.reverse()
    return rows


async def get(db: Database, person_id: int, message_id: int) -> WebMessage | None:
    """One message of ``person_id`` (None when missing or someone else's)."""
    async with db.session() as session:
        row = await webchat.message_by_id(session, message_id=message_id)
    return row if row is not None and row.person_id == person_id else None


async def document(db: Database, person_id: int, message_id: int) -> tuple[str, bytes] | None:
    """Filename and bytes of a document sent to ``person_id``; None if it is not theirs."""
    async with db.session() as session:
        row = await webchat.message_by_id(session, message_id=message_id)
    if row is None or row.person_id != person_id:
        return None
    doc = row.payload.get("document") or {}
    if not doc.get("content"):
        return None
    return str(doc.get("filename") or "file"), base64.b64decode(doc["content"])
