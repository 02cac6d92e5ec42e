"""One outgoing budget per bot token, two priorities, one retry policy for every Bot API call.

Telegram allows a bot about 30 messages a second overall and about one a second
per chat (short bursts tolerated in private chats). :class:`SendLimiter` paces
message-creating calls to those limits:

- **Two priorities.** A person's direct reply (the default) is granted before any
  bulk send (offers, broadcasts, reminders: :func:`bulk` marks them) that is
  waiting; bulk uses what is left. Neither waits while the total is under the
  limit. The per-chat pace holds bulk sends; a direct reply (several parts of
  a long answer) uses its chat's token when there is one but is never held by
  it — it answers the person's own message, so they set its pace.
- **Replies may burst, bulk may not.** The overall bucket holds one second's
  worth (as Telegram counts), so twenty people writing in the same second are
  all answered at once. Bulk only draws from its top :data:`BURST` tokens
  (``bulk_reserve``, :func:`make_limiter`): a broadcast goes at a steady pace
  (a large burst of granted sends bunches up on its way to Telegram and
  trips its flood control), and the rest of the bucket is the headroom for
  replies — this instance's and, in the shared bucket, other instances'.
- **One budget per token, across instances.** The overall budget is a
  :class:`Budget`: in process (:class:`LocalBudget`), or a token bucket in
  PostgreSQL shared by every instance with the same bot (``store.ratebudget``).
- **One retry policy** (:class:`RetryPolicy`): a 429 waits its ``retry_after``
  (and holds every send to that chat meanwhile), a 5xx or network error
  backs off exponentially, and the total wait is bounded.

The scheduling core (:meth:`SendLimiter.pump_once`) takes the time as an
argument, so tests drive it with a fake clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from store import ratebudget
from store.engine import Database

log = logging.getLogger(__name__)

REPLY, BULK = 0, 1
BURST = 5.0  # bulk sends the overall budget lets go at once
_priority: contextvars.ContextVar[int] = contextvars.ContextVar("jx_send_priority", default=REPLY)

# Bot API methods that create a message: the ones Telegram's flood limits count.
COUNTED = frozenset(
    {
        "sendmessage", "sendphoto", "senddocument", "sendmediagroup", "sendlocation",
        "sendvenue", "sendcontact", "sendvideo", "sendaudio", "sendvoice", "sendanimation",
        "sendsticker", "sendpoll", "copymessage", "forwardmessage", "copymessages",
        "forwardmessages",
    }
)  # fmt: skip


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """Calls made inside are bulk sends: granted only after waiting direct replies."""
    token = _priority.set(BULK)
    try:
        yield
    finally:
        _priority.reset(token)


class Budget(Protocol):
    """The overall budget: how many of ``want`` sends may go now, and how long to wait if none."""

    async def take(self, want: int, *, reserve: int, now: float) -> tuple[int, float]: ...


class TokenBucket:
    """``rate`` per second with a burst of ``capacity``; pure, the time is passed in."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(capacity, 1.0)
        self.tokens = self.capacity
        self.updated = now

    def refill(self, now: float) -> float:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
        return self.tokens

    def wait(self, now: float, need: float = 1.0) -> float:
        """Seconds until ``need`` tokens are there (0 = now)."""
        have = self.refill(now)
        return 0.0 if have >= need else (need - have) / self.rate

    def take(self, now: float, n: int = 1) -> None:
        self.refill(now)
        self.tokens -= n


class LocalBudget:
    """The overall budget of one process (SQLite, or a single instance)."""

    def __init__(self, rate: float, capacity: float, now: float = 0.0) -> None:
        self.bucket = TokenBucket(rate, capacity, now)

    async def take(self, want: int, *, reserve: int, now: float) -> tuple[int, float]:
        return self.take_now(want, reserve=reserve, now=now)

    def take_now(self, want: int, *, reserve: int, now: float) -> tuple[int, float]:
        have = self.bucket.refill(now)
        n = max(0, min(want, int(have - reserve)))
        if n:
            self.bucket.take(now, n)
        return n, self.bucket.wait(now, reserve + 1.0)


class SharedBudget:
    """The overall budget in PostgreSQL, shared by every instance with the same bot."""

    def __init__(self, db: Database, key: str, rate: float, capacity: float) -> None:
        self.db = db
        self.key = key
        self.rate = rate
        self.capacity = capacity
        self._ready = False
        self.round_trips = 0

    async def take(self, want: int, *, reserve: int, now: float) -> tuple[int, float]:
        async with self.db.session() as session:
            if not self._ready:
                await ratebudget.ensure(session, key=self.key, capacity=self.capacity)
                self._ready = True
            n, left = await ratebudget.take(
                session,
                key=self.key,
                want=want,
                reserve=reserve,
                rate=self.rate,
                capacity=self.capacity,
            )
        self.round_trips += 1
        if left < 0:  # the row is gone (a reset database): make it again next time
            self._ready = False
            return 0, 0.01
        return n, max(0.0, (reserve + 1.0 - left) / self.rate)


def make_budget(db: Database, bot_token: str, rate: float) -> Budget:
    """PostgreSQL: one bucket per bot shared by the instances; SQLite: this process's own.

    The bucket holds one second's worth of sends; :func:`bulk_reserve` keeps bulk
    to its top few tokens.
    """
    capacity = max(1.0, rate)
    if db.is_postgres:
        return SharedBudget(db, f"telegram:{bot_token.split(':', 1)[0]}", rate, capacity)
    return LocalBudget(rate, capacity, time.monotonic())


def bulk_reserve(rate: float) -> int:
    """Tokens bulk leaves in a one-second bucket: it bursts :data:`BURST` at most."""
    return max(0, int(max(1.0, rate) - BURST))


def make_limiter(
    db: Database, bot_token: str, rate: float, *, chat_rate: float, chat_burst: float
) -> SendLimiter:
    """The send limiter of one bot: its budget, bulk's reserve and the per-chat pace."""
    return SendLimiter(
        make_budget(db, bot_token, rate),
        chat_rate=chat_rate,
        chat_burst=chat_burst,
        bulk_reserve=bulk_reserve(rate),
    )


@dataclass
class _Waiter:
    chat: str | None
    priority: int
    future: asyncio.Future[None]


@dataclass
class SendLimiter:
    """Grants message sends to the budget: replies first, bulk with what is left."""

    budget: Budget
    chat_rate: float = 1.0
    chat_burst: float = 3.0
    bulk_reserve: int = 0  # tokens bulk leaves in the bucket: the replies' headroom
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _queues: tuple[deque[_Waiter], deque[_Waiter]] = field(
        default_factory=lambda: (deque(), deque())
    )
    _chats: dict[str, TokenBucket] = field(default_factory=dict)
    _paused: dict[str, float] = field(default_factory=dict)  # chat → no send before
    _wake: asyncio.Event | None = None
    _pump: asyncio.Task[None] | None = None
    granted: list[tuple[str | None, int]] = field(default_factory=list)  # for tests: order
    record: bool = False

    def waiting(self) -> int:
        return len(self._queues[REPLY]) + len(self._queues[BULK])

    def pause(self, chat: str | None, seconds: float) -> None:
        """Telegram said 429 for ``chat``: nothing goes there before ``seconds`` from now.

        Other chats go on: the overall pace is the budget's, and a 429 that came from it
        would show up in every chat's sends and pause each.
        """
        if chat is not None:
            self._paused[chat] = max(self._paused.get(chat, 0.0), self.clock() + seconds)

    def enqueue(self, chat: str | None, priority: int) -> asyncio.Future[None]:
        waiter = _Waiter(chat, priority, asyncio.get_running_loop().create_future())
        self._queues[priority].append(waiter)
        return waiter.future

    def _chat_bucket(self, chat: str, now: float) -> TokenBucket:
        bucket = self._chats.get(chat)
        if bucket is None:
            bucket = self._chats[chat] = TokenBucket(self.chat_rate, self.chat_burst, now)
            if len(self._chats) > 10_000:  # forget chats whose bucket has refilled
                for key in [k for k, b in self._chats.items() if b.refill(now) >= b.capacity]:
                    del self._chats[key]
                self._chats[chat] = bucket
        return bucket

    async def pump_once(self, now: float) -> float | None:
        """Grant what may go at ``now``; the seconds until the next grant may happen, or None."""
        for chat in [c for c, until in self._paused.items() if until <= now]:
            del self._paused[chat]
        ready: list[_Waiter] = []
        next_chat = float("inf")
        blocked_chats: set[str] = set()
        for queue in self._queues:
            for waiter in list(queue):
                if waiter.future.done():  # cancelled
                    queue.remove(waiter)
                    continue
                if waiter.chat is not None and waiter.chat in self._paused:
                    next_chat = min(next_chat, self._paused[waiter.chat] - now)
                    continue
                if waiter.chat is not None and waiter.priority == BULK:
                    if waiter.chat in blocked_chats:
                        continue  # keep one chat's sends in order
                    bucket = self._chat_bucket(waiter.chat, now)
                    pending = sum(1 for w in ready if w.chat == waiter.chat)
                    wait = bucket.wait(now, pending + 1.0)
                    if wait > 0:
                        blocked_chats.add(waiter.chat)
                        next_chat = min(next_chat, wait)
                        continue
                ready.append(waiter)
        if not ready:
            return None if next_chat == float("inf") else next_chat
        replies = [w for w in ready if w.priority == REPLY]
        bulks = [w for w in ready if w.priority == BULK]
        wait_budget = 0.0
        grant: list[_Waiter] = []
        if replies:
            n, wait_budget = await self.budget.take(len(replies), reserve=0, now=now)
            grant += replies[:n]
        if bulks and len(grant) == len(replies):  # replies first
            n, wait_budget = await self.budget.take(len(bulks), reserve=self.bulk_reserve, now=now)
            grant += bulks[:n]
        for waiter in grant:
            self._queues[waiter.priority].remove(waiter)
            if waiter.chat is not None:
                bucket = self._chat_bucket(waiter.chat, now)
                # A reply uses the chat's token if there is one, never goes into debt: a
                # lively conversation must not hold the person's next offer for seconds.
                if waiter.priority == BULK or bucket.tokens >= 1:
                    bucket.take(now)
            if self.record:
                self.granted.append((waiter.chat, waiter.priority))
            waiter.future.set_result(None)
        if len(grant) == len(ready):
            if not self.waiting():
                return None
            return 0.0 if next_chat == float("inf") else next_chat  # the rest wait on a chat
        return min(max(wait_budget, 0.001), next_chat)

    async def acquire(self, chat: str | None, priority: int | None = None) -> None:
        """Wait until one send to ``chat`` may go."""
        future = self.enqueue(chat, _priority.get() if priority is None else priority)
        self._kick()
        try:
            await future
        except asyncio.CancelledError:
            future.cancel()
            raise

    def _kick(self) -> None:
        if self._wake is None:
            self._wake = asyncio.Event()
        self._wake.set()
        if self._pump is None or self._pump.done():
            self._pump = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            try:
                delay = await self.pump_once(self.clock())
            except Exception:
                log.exception("send limiter: budget unavailable; retrying in 1 s")
                delay = 1.0
            if delay is None:
                if not self.waiting():
                    return
                delay = 1.0
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)


@dataclass
class RetryPolicy:
    """429 waits ``retry_after``; 5xx and network errors back off; the total wait is bounded."""

    max_attempts: int = 5
    max_total_wait: float = 60.0
    first_backoff: float = 0.5

    def delay(self, exc: Exception, attempt: int, waited: float) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up."""
        if attempt >= self.max_attempts:
            return None
        if isinstance(exc, RetryAfter):
            ra = exc.retry_after
            seconds = ra.total_seconds() if hasattr(ra, "total_seconds") else float(ra)
        elif isinstance(exc, BadRequest):  # a subclass of NetworkError in python-telegram-bot
            return None
        elif isinstance(exc, (TimedOut, NetworkError)):
            seconds = self.first_backoff * 2 ** (attempt - 1)
        else:
            return None
        if waited + seconds > self.max_total_wait:
            return None
        return seconds


class TelegramRateLimiter(BaseRateLimiter[None]):
    """python-telegram-bot's hook: every Bot API call passes here."""

    def __init__(self, limiter: SendLimiter, policy: RetryPolicy | None = None) -> None:
        self.limiter = limiter
        self.policy = policy or RetryPolicy()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        await self.limiter.close()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        counted = endpoint.lower() in COUNTED
        chat = str(data["chat_id"]) if counted and data.get("chat_id") is not None else None
        attempt, waited = 0, 0.0
        while True:
            attempt += 1
            if counted:
                await self.limiter.acquire(chat)
            try:
                return await callback(*args, **kwargs)
            except (RetryAfter, TimedOut, NetworkError) as exc:
                delay = self.policy.delay(exc, attempt, waited)
                if delay is None:
                    raise
                if isinstance(exc, RetryAfter):
                    self.limiter.pause(chat, delay)
                    log.warning("%s: 429, retrying after %.1f s", endpoint, delay)
                else:
                    log.info("%s: %s; retrying in %.1f s", endpoint, exc, delay)
                waited += delay
                await asyncio.sleep(delay)
