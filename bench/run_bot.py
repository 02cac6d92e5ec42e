"""``jiangxin run`` for bench/updates.py, with two benchmark-only switches.

- ``JX_BENCH_PROFILE=FILE``: cProfile the bot's main thread (where the event
  loop, and on SQLite the database, run) from the first ``SIGUSR1`` (sent after
  the warm-up) until it stops; the stats are written to FILE on exit.
- ``JX_BENCH_SAMPLE=FILE``: instead, sample the main thread's stack every
  millisecond (from the first ``SIGUSR1``) and write the stacks, collapsed
  (``frame;frame;… count``, idle waits included), to FILE on exit: unlike
  cProfile it does not inflate code made of many small calls (SQLAlchemy).
- ``JX_BENCH_GC=FILE``: the time spent in garbage collections, per generation,
  from the first ``SIGUSR1`` on, written to FILE on exit.
- ``JX_BENCH_SURE=SCORE,MARGIN``: the keyword shortcut's thresholds
  (``bot.routing.fusion.KEYWORD_SURE``/``_MARGIN``) for this run, to price a looser
  shortcut in model CPU and capacity (its accuracy: bench/README.md, sixth pass).
- ``JX_BENCH_NO_LIMIT=1``: the send limiter's overall budget out of the way
  (the product refuses ``JIANGXIN_TELEGRAM_RATE`` above Telegram's 30/s), for the
  capacity figure "with the limiter off"; the per-chat limit is lifted the same way
  through ``JIANGXIN_TELEGRAM_CHAT_RATE``/``_BURST``.

Runs whichever checkout is first on ``PYTHONPATH`` (``bench/updates.py --code``).
"""

from __future__ import annotations

import cProfile
import os
import signal
import sys
import threading
import time
from collections import Counter


class Sampler:
    """Counts the main thread's stacks, one sample per ``interval`` seconds."""

    def __init__(self, interval: float = 0.001) -> None:
        self.interval = interval
        self.stacks: Counter[str] = Counter()
        self.running = threading.Event()
        self._main = threading.main_thread().ident

    def start(self) -> None:
        # The sampler needs the GIL to look: switch often, or samples land only where
        # the main thread releases it (I/O), not where its time goes.
        sys.setswitchinterval(self.interval / 10)
        if not self.running.is_set():
            self.running.set()
            threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        me = threading.get_ident()
        while self.running.is_set():
            threads = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                names = []
                while frame is not None:
                    code = frame.f_code
                    names.append(f"{code.co_filename}:{code.co_name}")
                    frame = frame.f_back
                if ident != self._main:  # other threads' stacks start with their name
                    names.append(f"[thread {threads.get(ident, ident)}]")
                self.stacks[";".join(reversed(names))] += 1
            time.sleep(self.interval)

    def dump(self, path: str) -> None:
        self.running.clear()
        with open(path, "w") as f:
            for stack, n in self.stacks.most_common():
                f.write(f"{stack} {n}\n")


class GcTimer:
    """Counts collections and their time per generation (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.counting = False
        self.started = 0.0
        self.time = [0.0, 0.0, 0.0]
        self.count = [0, 0, 0]

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if not self.counting:
            return
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.time[info["generation"]] += time.perf_counter() - self.started
            self.count[info["generation"]] += 1

    def dump(self, path: str) -> None:
        with open(path, "w") as f:
            for gen in range(3):
                f.write(f"gen{gen} {self.count[gen]} {self.time[gen]:.4f}\n")


def main() -> int:
    if os.environ.get("JX_BENCH_NO_LIMIT"):
        import time

        from handlers.telegram import app as telegram_app
        from handlers.telegram import limiter

        def unlimited(_db: object, _token: str, _rate: float) -> limiter.Budget:
            return limiter.LocalBudget(1e6, 1e6, time.monotonic())

        limiter.make_budget = unlimited  # type: ignore[assignment]  # make_limiter's lookup
        if hasattr(telegram_app, "make_budget"):  # an older checkout (--code)
            telegram_app.make_budget = unlimited

    sure = os.environ.get("JX_BENCH_SURE")
    if sure:
        from bot.routing import fusion

        score, margin = (float(x) for x in sure.split(","))
        fusion.KEYWORD_SURE, fusion.KEYWORD_SURE_MARGIN = score, margin

    from jiangxin.cli import main as cli

    gc_out = os.environ.get("JX_BENCH_GC")
    if gc_out:
        import gc

        timer = GcTimer()
        gc.callbacks.append(timer)
        signal.signal(signal.SIGUSR1, lambda *_: setattr(timer, "counting", True))
        try:
            return cli(["run"])
        finally:
            timer.dump(gc_out)
    sample = os.environ.get("JX_BENCH_SAMPLE")
    if sample:
        sampler = Sampler()
        signal.signal(signal.SIGUSR1, lambda *_: sampler.start())
        try:
            return cli(["run"])
        finally:
            sampler.dump(sample)
    out = os.environ.get("JX_BENCH_PROFILE")
    if not out:
        return cli(["run"])
    profiler = cProfile.Profile()
    signal.signal(signal.SIGUSR1, lambda *_: profiler.enable())
    try:
        return cli(["run"])
    finally:
        profiler.disable()
        profiler.dump_stats(out)


if __name__ == "__main__":
    sys.exit(main())
