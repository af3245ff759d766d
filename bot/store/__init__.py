"""Viva's store: durable SQLite persistence behind one narrow async API (`Store`, from `open_store`).

``open_store("postgresql://…")`` gives the same API on PostgreSQL (bot/store/pg.py, for several processes): the
mixins talk to `bot.store.db.Database`/`Tx`, whose SQLite and PostgreSQL implementations share the SQL except for
the few statements kept in both forms; PostgreSQL's migrations are in migrations/postgresql/. What follows
describes SQLite.

Schema (bot/store/migrations/0001_initial.sql; version kept in ``PRAGMA user_version``, pending migrations
applied in one transaction, a newer file refused with `SchemaTooNew`):

- ``guild_settings``: one row per guild that changed a default (time zone, spoilers, quiz role, bank).
- ``posts``: one row per question shown (quiz round, interview, daily). A daily post carries its local
  ``daily_date``; a partial unique index allows one per guild and date.
- ``answers``: one row per member per post (unique ``(post_id, user_id)``). The post's guild, bank, topic, kind
  and daily date are copied into the row so every leaderboard is an aggregate over a covering index of this
  table alone: ``(guild_id, answered_at, user_id, points, passed)`` and the same with bank or topic after the
  guild. Points are integer thousandths (exact sums, stable ties).
- ``schedules``: the daily question of a guild; ``last_posted_on`` is set in the same transaction as the daily
  post, so a restart never posts a date twice.
- ``sessions``: quiz rounds and interviews with the domain's JSON state; partial unique indexes allow one active
  quiz per channel and one active interview per member of a guild.

Instants are stored as integer microseconds since the epoch (UTC); the API takes and returns aware UTC datetimes.

Connection: one aiosqlite connection in WAL mode with ``foreign_keys=ON``, ``busy_timeout=5000``, a 64 MiB page
cache and ``synchronous=FULL`` (so a committed answer survives a power cut, not only a crash); every statement
runs under one asyncio lock, so coroutines never see each other's uncommitted writes. Leaderboard statements
name their covering index (``INDEXED BY``) so the plan never degrades to a scan of a guild's whole history.

Group commit: `Store.record_answer` queues the answer and waits. A single writer task takes everything queued
(up to 500), inserts it in one transaction (``INSERT … SELECT … FROM posts … ON CONFLICT DO NOTHING`` with
executemany), reads back the new rows, COMMITs, and only then resolves each caller's future with its row, or
with `AlreadyAnswered` for a duplicate. While one batch commits, the next one gathers, so 1,000 simultaneous
answers cost a handful of COMMITs (and fsyncs) instead of 1,000, and nobody is acknowledged before the commit.
"""

from bot.store.answers import Answer
from bot.store.api import Store, open_store
from bot.store.errors import (
    AlreadyAnswered,
    IntegrityViolation,
    NotFound,
    PostNotFound,
    ScheduleNotFound,
    SchemaTooNew,
    SessionConflict,
    SessionNotFound,
    StoreClosed,
    StoreError,
)
from bot.store.leaderboard import LeaderRow, MemberStats, RankInfo, TopicStat, period_bounds
from bot.store.posts import Post
from bot.store.schedules import Schedule
from bot.store.sessions import SessionRow
from bot.store.settings import GuildSettings

__all__ = [
    "AlreadyAnswered",
    "Answer",
    "GuildSettings",
    "IntegrityViolation",
    "LeaderRow",
    "MemberStats",
    "NotFound",
    "Post",
    "PostNotFound",
    "RankInfo",
    "Schedule",
    "ScheduleNotFound",
    "SchemaTooNew",
    "SessionConflict",
    "SessionNotFound",
    "SessionRow",
    "Store",
    "StoreClosed",
    "StoreError",
    "TopicStat",
    "open_store",
    "period_bounds",
]
