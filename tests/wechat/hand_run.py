"""A hand run: the real ``jiangxin run`` process against the fake WeChat and Telegram APIs.

    python -m tests.wechat.hand_run

Starts both fakes, runs the bot as a subprocess on a fresh SQLite file, and plays
a WeChat worker ordering with free text and msgmenu taps while a Telegram
volunteer claims the order; prints the WeChat transcript. Not collected by pytest.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from tests.utils.fakebot.driver import FakeBotApi
from tests.wechat.conftest import wechat_settings
from tests.wechat.driver import WeChatUser
from tests.wechat.fake_server import FakeWeChat

ROOT = str(Path(__file__).resolve().parents[2])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _wait_up(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(url) as r:
                    if r.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"the bot did not come up at {url}")


async def main() -> int:
    wechat, telegram = FakeWeChat(), FakeBotApi()
    await wechat.start()
    await telegram.start()
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="jx-hand-run-"))
    env = dict(os.environ)
    env |= {f"JIANGXIN_{k.upper()}": str(v) for k, v in wechat_settings(wechat.url).items()}
    env |= {
        "JIANGXIN_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/jx.sqlite3",
        "JIANGXIN_TELEGRAM_TOKEN": telegram.token,
        "JIANGXIN_TELEGRAM_API_URL": telegram.base_url,
        "JIANGXIN_TELEGRAM_FILE_URL": telegram.base_file_url,
        "JIANGXIN_WEB_PORT": str(port),
        "JIANGXIN_ADMIN_IDS": "1",
        # This checkout's code, whatever the editable install points at.
        "PYTHONPATH": ROOT,
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jiangxin", "run", env=env, cwd=str(folder)
    )
    started = time.monotonic()
    try:
        await _wait_up(f"http://127.0.0.1:{port}/healthz")
        print(f"bot up in {time.monotonic() - started:.1f}s on port {port}")
        admin = telegram.user(1, "管理员")
        await admin.send("/start")
        await admin.next_message()
        master = telegram.user(3001, "李建国")
        await master.send("/volunteer")
        await master.next_message()
        await master.tap("李建国")
        await master.next_message()
        await master.tap("📱 分享手机号")
        await master.next_message()
        teams = await master.next_message()
        await master.press("技术攻关服务队", message=teams)
        teams = await master.next_edit(teams)
        await master.press("✔️ 完成", message=teams)
        await master.next_edit(teams)
        await master.next_message()
        await master.send("注塑模具维修")
        await master.next_message()
        await master.send("全国劳动模范")
        await master.next_message()
        application = await admin.next_message(timeout=10)
        await admin.press("批准", message=application)
        await master.next_message()

        u = WeChatUser(wechat, f"http://127.0.0.1:{port}", "oHAND_RUN_0000000000000001", safe=True)
        t0 = time.monotonic()
        await u.subscribe()
        await u.message_with("匠心点单")
        await u.send("注塑件毛边太多怎么办")
        confirm = await u.message_with("技术攻关服务队")
        await u.tap("✅ 对，交给技术攻关服务队", confirm)
        await u.message_with("服务地点")
        await u.send_location(29.87, 121.84, "宁波市北仑区大碶街道")
        when = await u.message_with("什么时候")
        await u.tap("尽快", when)
        await u.message_with("电话")
        await u.send("13812345678")
        await u.message_with("跳过")
        await u.tap("跳过")
        summary = await u.message_with("确认提交")
        await u.tap("确认提交", summary)
        done = await u.message_with("JX-")
        print(f"order placed in {time.monotonic() - t0:.1f}s: {done.text.splitlines()[0]}")
        offer = await master.next_message(timeout=10)
        await master.press("认领", message=offer)
        told = await u.message_with("认领", timeout=10)
        print("WeChat requester was told:", told.text.splitlines()[0])
        print("\n=== WeChat transcript ===\n" + u.transcript())
        return 0
    finally:
        bot.terminate()
        await bot.wait()
        await telegram.stop()
        await wechat.stop()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
