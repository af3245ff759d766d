"""Store reads the round runners need beyond the other aggregates: questions recently asked in a channel."""

from __future__ import annotations

from bot.store.db import Database
from bot.store.posts import POST_KINDS

_RECENT_IN_CHANNEL = """
SELECT question_id FROM posts
WHERE guild_id = ? AND kind = ? AND channel_id = ?
ORDER BY posted_at DESC, id DESC LIMIT ?
"""


class RoundsMixin:
    """Store methods for the round runners."""

    _db: Database

    async def recent_question_ids(self, guild_id: int, channel_id: int, kind: str, limit: int = 50) -> list[str]:
        """Question ids of the latest posts of this kind in the channel, newest first (to avoid repeats)."""
        if kind not in POST_KINDS:
            raise ValueError(f"kind must be one of {POST_KINDS}, got {kind!r}")
        if limit < 0:
            raise ValueError("limit must be >= 0")
        rows = await self._db.fetchall(_RECENT_IN_CHANNEL, (guild_id, kind, channel_id, limit))
        return [r["question_id"] for r in rows]
