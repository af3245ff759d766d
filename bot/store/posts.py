"""Posts: one row per question shown (quiz round question, interview question, daily question)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot.store.db import Database, Row, Tx, date_opt, date_text, from_us, from_us_opt, to_us, to_us_opt
from bot.store.errors import IntegrityViolation, PostNotFound, SessionNotFound

PostKind = Literal["quiz", "interview", "daily"]
POST_KINDS: tuple[str, ...] = ("quiz", "interview", "daily")


@dataclass(frozen=True, slots=True)
class Post:
    """A question shown somewhere; answers refer to it."""

    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    kind: str
    bank: str
    question_id: str
    topic: str
    difficulty: str
    posted_at: datetime
    closes_at: datetime | None
    closed_at: datetime | None
    session_id: int | None
    daily_date: date | None


POST_COLUMNS = (
    "id, guild_id, channel_id, message_id, kind, bank, question_id, topic, difficulty, "
    "posted_at, closes_at, closed_at, session_id, daily_date"
)
_INSERT = f"""
INSERT INTO posts (guild_id, channel_id, message_id, kind, bank, question_id, topic, difficulty,
                   posted_at, closes_at, session_id, daily_date)
VALUES (:guild_id, :channel_id, :message_id, :kind, :bank, :question_id, :topic, :difficulty,
        :posted_at, :closes_at, :session_id, :daily_date)
RETURNING {POST_COLUMNS}
"""  # noqa: S608 (constant column list)
_SELECT = f"SELECT {POST_COLUMNS} FROM posts"  # noqa: S608 (a constant column list)
_GET = f"{_SELECT} WHERE id = ?"
_OPEN_ALL = f"{_SELECT} WHERE closed_at IS NULL ORDER BY posted_at, id"
_OPEN_KIND = f"{_SELECT} WHERE closed_at IS NULL AND kind = ? ORDER BY posted_at, id"
_SET_MESSAGE = "UPDATE posts SET message_id = ? WHERE id = ?"
_CLOSE = "UPDATE posts SET closed_at = coalesce(closed_at, ?) WHERE id = ?"
_RECENT_DAILY = """
SELECT question_id FROM posts WHERE guild_id = ? AND kind = 'daily'
ORDER BY posted_at DESC, id DESC LIMIT ?
"""


def post_from_row(row: Row) -> Post:
    """A `posts` row as a Post."""
    return Post(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        kind=row["kind"],
        bank=row["bank"],
        question_id=row["question_id"],
        topic=row["topic"],
        difficulty=row["difficulty"],
        posted_at=from_us(row["posted_at"]),
        closes_at=from_us_opt(row["closes_at"]),
        closed_at=from_us_opt(row["closed_at"]),
        session_id=row["session_id"],
        daily_date=date_opt(row["daily_date"]),
    )


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty str, got {value!r}")
    return value


async def insert_post(
    tx: Tx,
    *,
    guild_id: int,
    channel_id: int,
    kind: str,
    bank: str,
    question_id: str,
    topic: str,
    difficulty: str,
    posted_at: datetime,
    closes_at: datetime | None,
    session_id: int | None,
    message_id: int | None,
    daily_date: date | None,
) -> Post:
    """Insert a post inside a transaction the caller holds."""
    if kind not in POST_KINDS:
        raise ValueError(f"kind must be one of {POST_KINDS}, got {kind!r}")
    if (kind == "daily") != (daily_date is not None):
        raise ValueError("daily_date is required for daily posts and only for them")
    params = {
        "guild_id": guild_id,
        "channel_id": channel_id,
        "message_id": message_id,
        "kind": kind,
        "bank": _text("bank", bank),
        "question_id": _text("question_id", question_id),
        "topic": _text("topic", topic),
        "difficulty": _text("difficulty", difficulty),
        "posted_at": to_us(posted_at),
        "closes_at": to_us_opt(closes_at),
        "session_id": session_id,
        "daily_date": None if daily_date is None else date_text(daily_date),
    }
    try:
        row = await tx.fetchone(_INSERT, params)
    except IntegrityViolation as exc:
        if session_id is not None and exc.kind == "foreign_key":
            raise SessionNotFound(session_id) from exc
        raise
    assert row is not None
    return post_from_row(row)


class PostsMixin:
    """Store methods for posts."""

    _db: Database

    async def create_post(
        self,
        *,
        guild_id: int,
        channel_id: int,
        kind: PostKind,
        bank: str,
        question_id: str,
        topic: str,
        difficulty: str,
        posted_at: datetime,
        closes_at: datetime | None = None,
        session_id: int | None = None,
        message_id: int | None = None,
        daily_date: date | None = None,
    ) -> Post:
        """Record a question being shown; daily posts need `daily_date` (prefer `create_daily_post`)."""
        async with self._db.transaction() as tx:
            return await insert_post(
                tx,
                guild_id=guild_id,
                channel_id=channel_id,
                kind=kind,
                bank=bank,
                question_id=question_id,
                topic=topic,
                difficulty=difficulty,
                posted_at=posted_at,
                closes_at=closes_at,
                session_id=session_id,
                message_id=message_id,
                daily_date=daily_date,
            )

    async def set_post_message(self, post_id: int, message_id: int) -> None:
        """Remember the Discord message that shows the post; PostNotFound if the post does not exist."""
        async with self._db.transaction() as tx:
            if await tx.execute(_SET_MESSAGE, (message_id, post_id)) == 0:
                raise PostNotFound(post_id)

    async def close_post(self, post_id: int, closed_at: datetime) -> None:
        """Close the post to answers (idempotent: the first closing time is kept)."""
        at = to_us(closed_at)
        async with self._db.transaction() as tx:
            if await tx.execute(_CLOSE, (at, post_id)) == 0:
                raise PostNotFound(post_id)

    async def get_post(self, post_id: int) -> Post | None:
        """The post with this id, or None."""
        row = await self._db.fetchone(_GET, (post_id,))
        return None if row is None else post_from_row(row)

    async def open_posts(self, kind: str | None = None) -> list[Post]:
        """Posts not yet closed, oldest first, optionally of one kind."""
        if kind is None:
            rows = await self._db.fetchall(_OPEN_ALL)
        elif kind in POST_KINDS:
            rows = await self._db.fetchall(_OPEN_KIND, (kind,))
        else:
            raise ValueError(f"kind must be one of {POST_KINDS} or None, got {kind!r}")
        return [post_from_row(r) for r in rows]

    async def recent_daily_question_ids(self, guild_id: int, limit: int = 50) -> list[str]:
        """Question ids of the guild's latest daily posts, newest first (to avoid repeats)."""
        if limit < 0:
            raise ValueError("limit must be >= 0")
        rows = await self._db.fetchall(_RECENT_DAILY, (guild_id, limit))
        return [r["question_id"] for r in rows]
