"""Store reads the round runners and the answer desk need: questions recently asked in a channel, who answered."""

from __future__ import annotations

from bot.store.db import Database
from bot.store.posts import POST_KINDS

_RECENT_IN_CHANNEL = """
SELECT question_id FROM posts
WHERE guild_id = ? AND kind = ? AND channel_id = ?
ORDER BY posted_at DESC, id DESC LIMIT ?
"""

_ANSWERED = "SELECT user_id FROM answers WHERE post_id = ?"


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

    async def answered_user_ids(self, post_id: int) -> list[int]:
        """Every member who answered the post (the answer desk loads it once per open post)."""
        return [r["user_id"] for r in await self._db.fetchall(_ANSWERED, (post_id,))]
