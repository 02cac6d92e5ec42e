"""The whole bot in a subprocess (``python -m jiangxin.cli run``), so a test can kill -9 it.

It runs the code of this checkout (``cwd`` is the repository root) against the test's
database and the fake Bot API served by the test's event loop; its log goes to a file
the test can read (``log``), and ``wait_for_log`` waits for a line.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.utils.fakebot.driver import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
READY = "started (tick every"  # scheduler.runner logs it once the first tick is on its way


class SubBot:
    def __init__(self, api: FakeBotApi, db_url: str, logs: Path, **settings: str) -> None:
        self.api = api
        self.db_url = db_url
        self.logs = logs
        self.settings = settings
        self.proc: asyncio.subprocess.Process | None = None
        self.runs = 0
        self.started_at = 0.0

    @property
    def log_path(self) -> Path:
        return self.logs / f"bot-{self.runs}.log"

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace") if self.runs else ""

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JIANGXIN_")}
        env.update(
            PTB_TIMEDELTA="1",
            PYTHONPATH=str(ROOT),
            JIANGXIN_DATABASE_URL=self.db_url,
            JIANGXIN_TELEGRAM_TOKEN=self.api.token,
            JIANGXIN_TELEGRAM_API_URL=self.api.base_url,
            JIANGXIN_TELEGRAM_FILE_URL=self.api.base_file_url,
            JIANGXIN_WEB_HOST="127.0.0.1",
            JIANGXIN_WEB_PORT="0",
            JIANGXIN_ADMIN_IDS="1",
            JIANGXIN_ROUTING_SEMANTIC="off",
            JIANGXIN_TICK_INTERVAL="1s",
            JIANGXIN_LOG_LEVEL="INFO",
        )
        env.update({f"JIANGXIN_{k.upper()}": v for k, v in self.settings.items()})
        return env

    async def start(self, *, ready: bool = True) -> None:
        self.runs += 1
        self.started_at = time.monotonic()
        out = self.log_path.open("wb")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "jiangxin.cli",
            "run",
            cwd=ROOT,
            env=self._env(),
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
        out.close()
        if ready:
            await self.wait_for_log(READY, within=60)

    async def wait_for_log(self, text: str, within: float = 30) -> None:
        await until(lambda: _true(text in self.log()), within, f"{text!r} in the bot's log")

    def kill(self) -> None:
        """kill -9: no shutdown code runs."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)

    async def reap(self) -> None:
        assert self.proc is not None
        await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), 20)
        except TimeoutError:
            self.kill()
            await self.proc.wait()


async def _true(value: bool) -> bool:
    return value


async def until(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    """Poll ``check`` every 20 ms until it is true; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.02)
