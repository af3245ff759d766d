"""A clock that tests advance by hand (the bot's `bot.clock.Clock` protocol)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock that moves only when ``advance`` is called; sleepers wake when their deadline passes."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._slept: asyncio.Event | None = None  # set when a sleeper arrives (for `until_sleeping`)

    def now(self) -> datetime:
        """The fake current time."""
        return self._now

    async def sleep(self, seconds: float) -> None:
        """Wait until the fake time has advanced by ``seconds``."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + timedelta(seconds=seconds), next(self._seq), fut))
        if self._slept is not None:
            self._slept.set()
        await fut

    async def advance(self, seconds: float = 0.0, *, to: datetime | None = None) -> None:
        """Move time forward, waking every sleeper whose deadline is reached, in deadline order."""
        target = to.astimezone(UTC) if to is not None else self._now + timedelta(seconds=seconds)
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, fut = heapq.heappop(self._sleepers)
            self._now = max(self._now, deadline)
            if not fut.done():
                fut.set_result(None)
            for _ in range(5):  # let the woken task run up to its next await
                await asyncio.sleep(0)
        self._now = max(self._now, target)
        await asyncio.sleep(0)

    @property
    def sleeping(self) -> int:
        """How many sleepers wait on this clock."""
        return sum(1 for *_, fut in self._sleepers if not fut.done())

    async def until_sleeping(self, count: int = 1, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Let the loop run until ``count`` tasks sleep on this clock (so an ``advance`` wakes them)."""
        async def wait() -> None:
            while self.sleeping < count:
                self._slept = asyncio.Event()
                await self._slept.wait()
        await asyncio.wait_for(wait(), timeout)
