"""The Store object the cogs use, and `open_store`."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.store.answers import AnswersMixin, AnswerWriter
from bot.store.appeals import AppealsMixin
from bot.store.content import ContentMixin
from bot.store.db import Database, Synchronous, connect
from bot.store.insights import InsightsMixin
from bot.store.leaderboard import LeaderboardMixin
from bot.store.meta import MetaMixin
from bot.store.posts import PostsMixin
from bot.store.privacy import PrivacyMixin
from bot.store.reviews import ReviewsMixin
from bot.store.rounds import RoundsMixin
from bot.store.scaling import ScalingMixin
from bot.store.schedules import SchedulesMixin
from bot.store.sessions import SessionsMixin
from bot.store.settings import SettingsMixin

logger = logging.getLogger(__name__)


class Store(SettingsMixin, PostsMixin, AnswersMixin, LeaderboardMixin, SchedulesMixin, SessionsMixin, MetaMixin,
            RoundsMixin, ReviewsMixin, InsightsMixin, ContentMixin, AppealsMixin,
            PrivacyMixin, ScalingMixin):
    """Viva's persistence: every method is a coroutine over the database (SQLite, or PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._writer = AnswerWriter(db)

    @property
    def path(self) -> str:
        """The database file (or ':memory:')."""
        return self._db.path

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return self._db.version

    @property
    def closed(self) -> bool:
        """True once `close` has been called."""
        return self._db.closed

    async def close(self) -> None:
        """Finish queued answer writes, checkpoint the WAL into the database file and close."""
        await self._writer.drain()
        await self._db.close()
        logger.info("closed store %s", self._db.path)

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


SQLITE_URL = "sqlite:///"


def sqlite_path(target: str | Path) -> str | None:
    """The SQLite file `target` names (a path, or ``sqlite:///relative`` / ``sqlite:////absolute``), or None when
    it is a PostgreSQL URL."""
    name = str(target)
    if name.startswith(("postgresql://", "postgres://")):
        return None
    return name.removeprefix(SQLITE_URL)


async def open_store(path: str | Path, *, synchronous: Synchronous = "FULL") -> Store:
    """Open (creating and migrating as needed) the database `path` names; ':memory:' works for quick tests.

    ``postgresql://user@host/db`` opens PostgreSQL (bot/store/pg.py); a path or ``sqlite:///path`` opens SQLite,
    creating the parent folder if missing. Raises SchemaTooNew if the database was written by a newer Viva.
    """
    name = sqlite_path(path)
    if name is None:
        from bot.store import pg  # asyncpg is only imported when PostgreSQL is used

        return Store(await pg.connect(str(path)))
    if name != ":memory:":
        await asyncio.to_thread(Path(name).parent.mkdir, parents=True, exist_ok=True)
    return Store(await connect(name, synchronous=synchronous))
