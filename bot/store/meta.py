"""Key/value facts about the deployment (e.g. which slash commands were last synced)."""

from __future__ import annotations

from bot.store.db import Database

_GET = "SELECT value FROM meta WHERE key = ?"
_SET = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"


class MetaMixin:
    """Store methods for the meta table."""

    _db: Database

    async def get_meta(self, key: str) -> str | None:
        """The value stored under ``key``, or None."""
        row = await self._db.fetchone(_GET, (key,))
        return None if row is None else str(row["value"])

    async def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` (replacing any previous one)."""
        async with self._db.transaction() as tx:
            await tx.execute(_SET, (key, value))
