"""Privacy, the application side (no Discord here): a member erases their data in a server, a server sets how
long answer texts are kept, and a loop on the bot's clock drops texts that aged past it (at start, then hourly).

What is erased and what retention drops is written down in bot/store/privacy.py.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from bot.clock import Clock
from bot.errors import SessionError, UserError
from bot.store import Store
from bot.store.privacy import MAX_RETENTION_DAYS, InterviewInProgress, MemberData, Purged

logger = logging.getLogger(__name__)

PURGE_INTERVAL = 3600.0  # seconds between retention passes: a text outlives its retention by an hour at most


async def member_data(store: Store, guild_id: int, user_id: int) -> MemberData:
    """What Viva stores about the member in the server."""
    return await store.member_data(guild_id, user_id)


async def erase_member(store: Store, guild_id: int, user_id: int) -> MemberData:
    """Erase the member's data in the server (one transaction); what was erased. SessionError while their
    interview there is still running (then nothing is erased)."""
    try:
        return await store.erase_member(guild_id, user_id)
    except InterviewInProgress as exc:
        raise SessionError("Your interview in this server is still running. Finish it, or end it with "
                           "/interview stop, then try again. Nothing was deleted.") from exc


async def retention_days(store: Store, guild_id: int) -> int | None:
    """How many days the server keeps answer texts (None: until a member deletes them)."""
    return await store.get_retention(guild_id)


async def set_retention(store: Store, guild_id: int, days: int, now: datetime) -> Purged:
    """Keep answer texts `days` days (0: forever) and drop those already older; UserError outside 0..3650."""
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_RETENTION_DAYS:
        raise UserError(f"retention_days must be a whole number of days from 1 to {MAX_RETENTION_DAYS}, "
                        "or 0 to keep answer texts until members delete them.")
    return await store.set_retention(guild_id, days or None, now=now)


class RetentionPurger:
    """Runs the store's retention pass at start and then every `interval` seconds of the bot's clock."""

    def __init__(self, store: Store, clock: Clock, *, interval: float = PURGE_INTERVAL) -> None:
        self.store = store
        self.clock = clock
        self.interval = interval
        self.passes = 0  # passes completed (for tests and logs)

    async def run_pass(self) -> Purged:
        """One pass over every server with a retention; a failure is logged and the next pass tries again."""
        try:
            purged = await self.store.purge_expired(self.clock.now())
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("retention pass failed; trying again in %.0f s", self.interval)
            return Purged()
        finally:
            self.passes += 1
        if purged.answers or purged.appeals or purged.interviews:
            logger.info("retention: dropped %d answer texts, %d appeal reasons, %d interview quotes in %d server(s)",
                        purged.answers, purged.appeals, purged.interviews, purged.guilds)
        return purged

    async def loop(self) -> None:
        """Pass, sleep, pass… until cancelled."""
        while True:
            await self.run_pass()
            await self.clock.sleep(self.interval)


__all__ = ["MAX_RETENTION_DAYS", "PURGE_INTERVAL", "RetentionPurger", "erase_member", "member_data", "retention_days",
           "set_retention"]
