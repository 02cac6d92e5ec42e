"""`jiangxin wechat menu` and `jiangxin wechat qrcode team-<slug>|station-<code>`."""

from __future__ import annotations

import sys
from typing import Any

from bot import catalog
from bot.clock import Clock
from bot.config import Settings
from bot.flows.wechat import scene_exists
from handlers.wechat.api import WeChatApi, WeChatError
from store import migrate
from store.engine import Database


def default_menu(settings: Settings) -> dict[str, Any]:
    """点单 / 我的订单 / 更多: 志愿者 · 服务清单 · 帮助 (· 网页版 when the chat URL is set)."""
    more: list[dict[str, Any]] = [
        {"type": "click", "name": "志愿者", "key": "volunteer"},
        {"type": "click", "name": "服务清单", "key": "catalog"},
        {"type": "click", "name": "帮助", "key": "help"},
    ]
    if settings.wechat_chat_url:
        more.append({"type": "view", "name": "网页版", "url": settings.wechat_chat_url})
    return {
        "button": [
            {"type": "click", "name": "点单", "key": "order"},
            {"type": "click", "name": "我的订单", "key": "myorders"},
            {"name": "更多", "sub_button": more},
        ]
    }


async def run(settings: Settings, action: str, scene: str | None) -> int:
    if not settings.wechat_enabled:
        print(
            "set JIANGXIN_WECHAT_APP_ID, JIANGXIN_WECHAT_APP_SECRET and JIANGXIN_WECHAT_TOKEN",
            file=sys.stderr,
        )
        return 2
    db = Database(settings.database_url)
    api = WeChatApi(settings, db, Clock().now)
    try:
        await migrate.upgrade(db)
        if action == "menu":
            await api.create_menu(default_menu(settings))
            print("published the WeChat menu: 点单 / 我的订单 / 更多")
            return 0
        await catalog.seed_if_empty(db)
        async with db.session() as session:
            known = scene is not None and await scene_exists(session, scene)
        if not known:
            print(f"no such team or station: {scene!r} (team-<slug> or station-<code>)")
            return 1
        assert scene is not None
        print(await api.create_qrcode(scene))
        return 0
    except WeChatError as exc:
        print(f"WeChat refused: {exc}", file=sys.stderr)
        return 1
    finally:
        await api.close()
        await db.dispose()
