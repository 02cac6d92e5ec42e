"""A real bot process (``python -m jiangxin.cli run``) for tests that kill it with SIGKILL.

It runs this checkout's code (cwd = the repository root) with settings from the
environment only, pointed at the test's database and fake Bot API; its log goes
to a file the test names, shown when a wait fails.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.utils.fakebot.driver import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bot_env(database_url: str, api: FakeBotApi, **settings: str) -> dict[str, str]:
    """The environment of a bot process: JIANGXIN_* from ``settings`` (names in lower case)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIANGXIN_")}
    env.update(
        {
            "PTB_TIMEDELTA": "1",
            "PYTHONPATH": str(ROOT),
            "JIANGXIN_DATABASE_URL": database_url,
            "JIANGXIN_TELEGRAM_TOKEN": api.token,
            "JIANGXIN_TELEGRAM_API_URL": api.base_url,
            "JIANGXIN_TELEGRAM_FILE_URL": api.base_file_url,
            "JIANGXIN_ROUTING_SEMANTIC": "off",  # starts in a second, not ten
            "JIANGXIN_ADMIN_IDS": "1",
            "JIANGXIN_WEB_PORT": "0",
            "JIANGXIN_LOG_LEVEL": "INFO",
        }
    )
    env.update({f"JIANGXIN_{k.upper()}": v for k, v in settings.items()})
    return env


class BotProcess:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jiangxin.cli", "run"],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()

    def kill(self) -> None:
        """kill -9: no shutdown, no flush, nothing after this instruction."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    async def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        for _ in range(200):
            if self.proc.poll() is not None:
                return
            await asyncio.sleep(0.05)
        self.proc.kill()
        self.proc.wait(10)

    async def wait_for(self, what: str, check: Callable[[], bool], timeout: float = 60.0) -> None:  # noqa: ASYNC109
        for _ in range(int(timeout / 0.05)):
            if check():
                return
            if self.proc is not None and self.proc.poll() is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"bot process: {what} did not happen\n{self.tail()}")

    def tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
