"""Daily-question schedules (at most one per guild) and the exactly-once daily post."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.store.db import Database, Row, date_opt, date_text, zone
from bot.store.errors import IntegrityViolation, ScheduleNotFound
from bot.store.posts import Post, insert_post

_LOCAL_TIME = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True, slots=True)
class Schedule:
    """When and where a guild's daily question is posted."""

    guild_id: int
    channel_id: int
    local_time: str
    timezone: str
    bank: str | None
    topic: str | None
    reveal_hours: int | None
    active: bool
    last_posted_on: date | None


_COLUMNS = "guild_id, channel_id, local_time, timezone, bank, topic, reveal_hours, active, last_posted_on"
# Re-setting a schedule keeps the last date that was really posted, but drops a mark that only skipped a date
# (`skip_daily_through`): the caller decides afresh whether the new time has passed today.
_UPSERT = f"""
INSERT INTO schedules (guild_id, channel_id, local_time, timezone, bank, topic, reveal_hours, active)
VALUES (:guild_id, :channel_id, :local_time, :timezone, :bank, :topic, :reveal_hours, 1)
ON CONFLICT (guild_id) DO UPDATE SET
    channel_id = excluded.channel_id,
    local_time = excluded.local_time,
    timezone = excluded.timezone,
    bank = excluded.bank,
    topic = excluded.topic,
    reveal_hours = excluded.reveal_hours,
    active = 1,
    next_due_at = 0,
    last_posted_on = (SELECT max(p.daily_date) FROM posts AS p WHERE p.guild_id = excluded.guild_id
                      AND p.kind = 'daily')
RETURNING {_COLUMNS}
"""  # noqa: S608 (constant column list)
_SELECT = f"SELECT {_COLUMNS} FROM schedules"  # noqa: S608 (a constant column list)
_GET = f"{_SELECT} WHERE guild_id = ?"
_ACTIVE = f"{_SELECT} WHERE active = 1 ORDER BY guild_id"
_DISABLE = "UPDATE schedules SET active = 0 WHERE guild_id = ?"
_MARK_POSTED = """
UPDATE schedules SET last_posted_on = :day
WHERE guild_id = :guild_id AND (last_posted_on IS NULL OR last_posted_on < :day)
"""
# For /daily now: a date only marked as handled (a schedule set after its time) may still get its post; the
# unique index on posts (guild_id, daily_date) still refuses a second post for the same date.
_MARK_POSTED_OR_SKIPPED = """
UPDATE schedules SET last_posted_on = :day
WHERE guild_id = :guild_id AND (last_posted_on IS NULL OR last_posted_on <= :day)
"""
_EXISTS = "SELECT 1 FROM schedules WHERE guild_id = ?"
_DAILY_UNIQUE = ("ux_posts_daily", "posts.guild_id, posts.daily_date")  # PostgreSQL's name, SQLite's columns


def _schedule(row: Row) -> Schedule:
    return Schedule(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        local_time=row["local_time"],
        timezone=row["timezone"],
        bank=row["bank"],
        topic=row["topic"],
        reveal_hours=row["reveal_hours"],
        active=bool(row["active"]),
        last_posted_on=date_opt(row["last_posted_on"]),
    )


class _AlreadyPosted(Exception):
    """Internal: roll the daily-post transaction back and report None."""


class SchedulesMixin:
    """Store methods for daily schedules."""

    _db: Database

    async def set_schedule(
        self,
        *,
        guild_id: int,
        channel_id: int,
        local_time: str,
        timezone: str,
        bank: str | None,
        topic: str | None,
        reveal_hours: int | None = None,
    ) -> Schedule:
        """Create or replace the guild's schedule; re-activates it.

        `last_posted_on` becomes the last date actually posted: a date only marked as handled is forgotten, so
        correcting the time to a later one today still posts today.
        """
        if not isinstance(local_time, str) or not _LOCAL_TIME.match(local_time):
            raise ValueError(f"local_time must be 'HH:MM' (00:00..23:59), got {local_time!r}")
        zone(timezone)
        if reveal_hours is not None and (
            isinstance(reveal_hours, bool) or not isinstance(reveal_hours, int) or reveal_hours < 0
        ):
            raise ValueError(f"reveal_hours must be an int >= 0 or None, got {reveal_hours!r}")
        params = {
            "guild_id": guild_id,
            "channel_id": channel_id,
            "local_time": local_time,
            "timezone": timezone,
            "bank": bank,
            "topic": topic,
            "reveal_hours": reveal_hours,
        }
        async with self._db.transaction() as tx:
            row = await tx.fetchone(_UPSERT, params)
        assert row is not None
        return _schedule(row)

    async def skip_daily_through(self, guild_id: int, daily_date: date) -> bool:
        """Treat every date up to ``daily_date`` as handled (a schedule set after today's time starts tomorrow)."""
        async with self._db.transaction() as tx:
            return await tx.execute(_MARK_POSTED, {"day": date_text(daily_date), "guild_id": guild_id}) > 0

    async def get_schedule(self, guild_id: int) -> Schedule | None:
        """The guild's schedule (active or not), or None."""
        row = await self._db.fetchone(_GET, (guild_id,))
        return None if row is None else _schedule(row)

    async def disable_schedule(self, guild_id: int) -> bool:
        """Stop the guild's daily question; False if it has no schedule."""
        async with self._db.transaction() as tx:
            return await tx.execute(_DISABLE, (guild_id,)) > 0

    async def active_schedules(self) -> list[Schedule]:
        """Every active schedule, by guild id."""
        return [_schedule(r) for r in await self._db.fetchall(_ACTIVE)]

    async def create_daily_post(
        self,
        *,
        guild_id: int,
        channel_id: int,
        daily_date: date,
        bank: str,
        question_id: str,
        topic: str,
        difficulty: str,
        posted_at: datetime,
        closes_at: datetime | None,
        even_if_skipped: bool = False,
    ) -> Post | None:
        """In one transaction: insert the daily post and set the schedule's `last_posted_on`.

        Returns None, inserting nothing, when that date (or a later one) was already posted. With
        ``even_if_skipped`` a date that was only marked as handled (``skip_daily_through``) can still be posted,
        once. ScheduleNotFound if the guild has no schedule.
        """
        day = date_text(daily_date)
        mark = _MARK_POSTED_OR_SKIPPED if even_if_skipped else _MARK_POSTED
        try:
            async with self._db.transaction() as tx:
                if await tx.execute(mark, {"day": day, "guild_id": guild_id}) == 0:
                    if await tx.fetchone(_EXISTS, (guild_id,)) is None:
                        raise ScheduleNotFound(guild_id)
                    raise _AlreadyPosted
                try:
                    return await insert_post(
                        tx,
                        guild_id=guild_id,
                        channel_id=channel_id,
                        kind="daily",
                        bank=bank,
                        question_id=question_id,
                        topic=topic,
                        difficulty=difficulty,
                        posted_at=posted_at,
                        closes_at=closes_at,
                        session_id=None,
                        message_id=None,
                        daily_date=daily_date,
                    )
                except IntegrityViolation as exc:
                    if exc.kind == "unique" and exc.constraint in _DAILY_UNIQUE:
                        raise _AlreadyPosted from exc
                    raise
        except _AlreadyPosted:
            return None
