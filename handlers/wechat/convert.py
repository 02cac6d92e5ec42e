"""WeChat XML messages and events → the core's Actor and Inbound.

What each message means is decided here, in one place: text (with a msgmenu
tap's ``bizmsgmenuid``), image, voice (WeChat's speech recognition), location,
``subscribe``/``SCAN`` with a QR scene (a deep link), menu ``CLICK`` (a command)
and ``unsubscribe``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import xmltodict
from wechatpy import parse_message
from wechatpy.messages import BaseMessage

from bot.events import Actor, Inbound, Kind

PLATFORM = "wechat"

# Menu CLICK keys (published by `jiangxin wechat menu`) → the command they stand for.
MENU_COMMANDS = {
    "order": "start",  # 点单: "tell me what you need in one sentence"
    "myorders": "myorders",
    "volunteer": "volunteer",
    "catalog": "order",  # 服务清单: browse the teams
    "help": "help",
}
SCENE_PREFIXES = ("team-", "station-", "activity-")
_MEDIA = {"video": "video", "shortvideo": "video", "link": "document", "file": "document"}


@dataclass(frozen=True)
class Incoming:
    """One parsed callback body."""

    openid: str
    key: str  # de-duplication key: MsgId, or sender + CreateTime (+ event) for events
    inbound: Inbound | None = None  # for the engine; None for events handled here
    subscribed: bool | None = None  # True: (re)subscribed; False: unsubscribed
    menu_tap: str | None = None  # a msgmenu option id (callback data, or the keyboard marker)
    digits: int | None = None  # a bare number: perhaps a numbered choice ("回复 1 …")
    account: str = ""  # the Official Account it was sent to (ToUserName), for a passive answer


def actor_of(openid: str) -> Actor:
    # WeChat tells an Official Account nothing about the person but the openid.
    return Actor(platform=PLATFORM, external_id=openid)


def _start(payload: str) -> Inbound:
    return Inbound(Kind.COMMAND, text=f"/start {payload}", command="start", args=(payload,))


def _scene(key: str | None) -> str | None:
    key = (key or "").removeprefix("qrscene_")
    return key if key.startswith(SCENE_PREFIXES) else None


def parse(xml: str | bytes) -> Incoming | None:
    """The meaning of one message; None for what the bot ignores (template receipts …)."""
    raw = xmltodict.parse(xml)["xml"]
    msg: BaseMessage = parse_message(xml)
    found = _meaning(raw, msg)
    return dataclasses.replace(found, account=str(msg.target)) if found is not None else None


def _meaning(raw: dict[str, Any], msg: BaseMessage) -> Incoming | None:
    openid = str(msg.source)
    msg_id = raw.get("MsgId") or raw.get("MsgID")
    if msg.type == "event":
        event = str(raw.get("Event", "")).lower()
        key = f"e:{openid}:{raw.get('CreateTime')}:{event}"
    else:
        event = ""
        key = f"m:{msg_id}" if msg_id else f"t:{openid}:{raw.get('CreateTime')}"
    if msg.type == "text":
        content = str(raw.get("Content") or "")
        tap = raw.get("bizmsgmenuid")
        if tap:
            return Incoming(openid, key, Inbound(Kind.TEXT, text=content), menu_tap=str(tap))
        stripped = content.strip()
        digits = int(stripped) if stripped.isdigit() and len(stripped) <= 2 else None
        return Incoming(openid, key, Inbound(Kind.TEXT, text=content), digits=digits)
    if msg.type == "image":
        photo = str(raw.get("MediaId") or raw.get("PicUrl") or "")
        return Incoming(openid, key, Inbound(Kind.PHOTO, photo=photo))
    if msg.type == "voice":
        said = str(raw.get("Recognition") or "").strip()
        if said:
            return Incoming(openid, key, Inbound(Kind.TEXT, text=said))
        return Incoming(openid, key, Inbound(Kind.UNSUPPORTED, media="voice"))
    if msg.type == "location":
        lat, lon = float(raw["Location_X"]), float(raw["Location_Y"])
        label = str(raw.get("Label") or "")
        return Incoming(
            openid, key, Inbound(Kind.LOCATION, latitude=lat, longitude=lon, text=label)
        )
    if msg.type != "event":
        return Incoming(openid, key, Inbound(Kind.UNSUPPORTED, media=_MEDIA.get(msg.type, "other")))
    if event == "subscribe":
        scene = _scene(raw.get("EventKey"))
        return Incoming(openid, key, _start(scene) if scene else _start_plain(), subscribed=True)
    if event == "scan":
        scene = _scene(raw.get("EventKey"))
        return Incoming(openid, key, _start(scene) if scene else None)
    if event == "unsubscribe":
        return Incoming(openid, key, subscribed=False)
    if event == "click":
        command = MENU_COMMANDS.get(str(raw.get("EventKey") or ""))
        if command is None:
            return None
        return Incoming(openid, key, Inbound(Kind.COMMAND, text=f"/{command}", command=command))
    return None


def _start_plain() -> Inbound:
    return Inbound(Kind.COMMAND, text="/start", command="start")
