"""What every round runner shares: its dependencies, the one failure policy, resuming after a restart."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from bot.answering import AnswerDesk
from bot.bank.catalog import Catalog
from bot.clock import Clock
from bot.rounds.surface import Surface
from bot.store import SessionRow, Store

logger = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]


def _spawn(coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
    return asyncio.create_task(coro, name=name)


async def sleep_until(clock: Clock, deadline: datetime, max_nap: float) -> None:
    """Sleep until an absolute instant, in naps of at most ``max_nap`` seconds (time already gone is not slept)."""
    while (remaining := (deadline - clock.now()).total_seconds()) > 0:
        await clock.sleep(min(remaining, max_nap))


async def first_of(sleep: Coroutine[Any, Any, None], wake: asyncio.Event) -> None:
    """Wait until ``sleep`` ends or ``wake`` is set, whichever comes first; the other is cancelled."""
    sleeper = asyncio.ensure_future(sleep)
    woken = asyncio.ensure_future(wake.wait())
    try:
        await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        sleeper.cancel()
        woken.cancel()


def _owns_all(guild_id: int) -> bool:
    return True


@dataclass
class Deps:
    """What a runner works with; the bot builds one in ``setup_hook``, tests build their own."""

    store: Store
    catalog: Callable[[], Catalog]
    clock: Clock
    surface: Surface
    desk: AnswerDesk
    rng: random.Random
    spawn: Spawn = _spawn
    # Whether this process's shards carry a guild (bot.sharding.ShardPlan.owns): with several processes on one
    # database, each schedules, reveals and resumes only its own guilds.
    owns: Callable[[int], bool] = _owns_all


class Runner:
    """Base of the round runners: ask → collect → close → reveal → resume, with one failure policy."""

    kind: ClassVar[str]

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @property
    def store(self) -> Store:
        """The store."""
        return self.deps.store

    @property
    def catalog(self) -> Catalog:
        """The banks as loaded now (a reload replaces them)."""
        return self.deps.catalog()

    @property
    def surface(self) -> Surface:
        """The chat platform."""
        return self.deps.surface

    @property
    def clock(self) -> Clock:
        """The clock."""
        return self.deps.clock

    async def fail(self, session_id: int, error: BaseException | None, *, post_ids: Iterable[int | None] = (),
                   channel_id: int | None = None) -> None:
        """The one failure policy: log, close the session's open posts, finish the session so its channel (or
        member) is free, and tell the channel when there is one. Never raises."""
        if error is not None:
            logger.error("%s %s failed; ending it", self.kind, session_id, exc_info=error)
        now = self.clock.now()
        for post_id in post_ids:
            if post_id is None:
                continue
            try:
                await self.deps.desk.close(post_id, now)
            except Exception:
                logger.exception("%s %s: could not close post %s", self.kind, session_id, post_id)
        try:
            await self.store.finish_session(session_id, now)
        except Exception:
            logger.exception("%s %s: could not mark the session finished", self.kind, session_id)
        self.forget(session_id)
        if channel_id is not None and error is not None:
            await self.surface.report_error(channel_id, error)

    def forget(self, session_id: int) -> None:
        """Drop in-memory handles of a finished session (runners with live state override this)."""

    def open_posts_of(self, row: SessionRow) -> list[int | None]:
        """Posts of a session that may still be open (closed by the failure policy)."""
        return []

    async def resume(self) -> None:
        """After a restart: resume (or close) every active session of this kind in this process's guilds; a failure
        ends that one only."""
        for row in await self.store.active_sessions(self.kind):
            if not self.deps.owns(row.guild_id):
                continue  # another process (shard) owns it
            try:
                await self.resume_one(row)
            except Exception as error:
                await self.fail(row.id, error, post_ids=await self._posts_to_close(row))

    async def _posts_to_close(self, row: SessionRow) -> list[int | None]:
        """The session's possibly open posts: from its state, or, when the state cannot be read, from the store."""
        try:
            return self.open_posts_of(row)
        except Exception:
            logger.warning("%s %s: unreadable state; closing its open posts from the store", self.kind, row.id)
        try:
            return [p.id for p in await self.store.open_posts(self.kind) if p.session_id == row.id]
        except Exception:
            logger.exception("%s %s: could not list its open posts", self.kind, row.id)
            return []

    async def resume_one(self, row: SessionRow) -> None:
        """Resume one session interrupted by a restart."""
        raise NotImplementedError
