"""A server's own content: its custom questions (bank ``custom``), its accepted phrasings (an overlay on the
banks, taught by appeals) and the channel its appeals go to."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.store.db import Database, Tx, from_us, to_us


class _Row(Protocol):
    """A result row, by column name or position."""

    def __getitem__(self, key: int | str, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class StoredQuestion:
    """A custom question as stored."""

    guild_id: int
    question_id: str
    prompt: str
    answer: str
    key_points: tuple[str, ...]
    topic: str
    difficulty: str
    created_by: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Phrasing:
    """An accepted phrasing of a key point ('' = an extra short answer) of one question, in one server."""

    guild_id: int
    bank: str
    question_id: str
    point: str
    phrasing: str
    added_by: int
    added_at: datetime
    appeal_id: int | None


_Q_COLUMNS = "guild_id, question_id, prompt, answer, key_points, topic, difficulty, created_by, created_at"
_ADD_Q = """
INSERT INTO custom_questions (guild_id, question_id, prompt, answer, key_points, topic, difficulty, created_by,
                              created_at)
VALUES (:guild_id, :question_id, :prompt, :answer, :key_points, :topic, :difficulty, :created_by, :created_at)
ON CONFLICT (guild_id, question_id) DO NOTHING
"""
_GUILD_Q = f"SELECT {_Q_COLUMNS} FROM custom_questions WHERE guild_id = ? ORDER BY created_at, question_id"  # noqa: S608
_ALL_Q = f"SELECT {_Q_COLUMNS} FROM custom_questions ORDER BY guild_id, created_at, question_id"  # noqa: S608
_DEL_Q = "DELETE FROM custom_questions WHERE guild_id = ? AND question_id = ?"
_DEL_Q_PHRASINGS = "DELETE FROM accepted_phrasings WHERE guild_id = ? AND bank = 'custom' AND question_id = ?"

_P_COLUMNS = "guild_id, bank, question_id, point, phrasing, added_by, added_at, appeal_id"
_ADD_P = """
INSERT INTO accepted_phrasings (guild_id, bank, question_id, point, phrasing, added_by, added_at, appeal_id)
VALUES (:guild_id, :bank, :question_id, :point, :phrasing, :added_by, :added_at, :appeal_id)
ON CONFLICT (guild_id, bank, question_id, point, phrasing) DO NOTHING
"""
_P_ORDER = "added_at, bank, question_id, point, phrasing"
_GUILD_P = f"SELECT {_P_COLUMNS} FROM accepted_phrasings WHERE guild_id = ? ORDER BY {_P_ORDER}"  # noqa: S608
_ALL_P = f"SELECT {_P_COLUMNS} FROM accepted_phrasings ORDER BY guild_id, {_P_ORDER}"  # noqa: S608
_DEL_P = """
DELETE FROM accepted_phrasings WHERE guild_id = ? AND bank = ? AND question_id = ? AND point = ? AND phrasing = ?
"""

_GET_CHANNEL = "SELECT channel_id FROM appeal_channels WHERE guild_id = ?"
_SET_CHANNEL = """
INSERT INTO appeal_channels (guild_id, channel_id) VALUES (?, ?)
ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id
"""
_CLEAR_CHANNEL = "DELETE FROM appeal_channels WHERE guild_id = ?"


def _question(row: _Row) -> StoredQuestion:
    return StoredQuestion(row["guild_id"], row["question_id"], row["prompt"], row["answer"],
                          tuple(json.loads(row["key_points"])), row["topic"], row["difficulty"], row["created_by"],
                          from_us(row["created_at"]))


def _phrasing(row: _Row) -> Phrasing:
    return Phrasing(row["guild_id"], row["bank"], row["question_id"], row["point"], row["phrasing"],
                    row["added_by"], from_us(row["added_at"]), row["appeal_id"])


def _text(name: str, value: object, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not empty):
        raise ValueError(f"{name} must be a{'' if empty else ' non-empty'} str, got {value!r}")
    return value


async def insert_phrasing(tx: Tx, *, guild_id: int, bank: str, question_id: str, point: str, phrasing: str,
                          added_by: int, added_at: datetime, appeal_id: int | None = None) -> bool:
    """Add an accepted phrasing inside the caller's transaction; False when the server already had it."""
    params = {"guild_id": guild_id, "bank": _text("bank", bank), "question_id": _text("question_id", question_id),
              "point": _text("point", point, empty=True), "phrasing": _text("phrasing", phrasing.strip()),
              "added_by": added_by, "added_at": to_us(added_at), "appeal_id": appeal_id}
    return await tx.execute(_ADD_P, params) > 0


class ContentMixin:
    """Store methods for custom questions, accepted phrasings and the appeal channel."""

    _db: Database

    async def add_custom_question(self, *, guild_id: int, question_id: str, prompt: str, answer: str,
                                  key_points: Sequence[str], topic: str, difficulty: str, created_by: int,
                                  created_at: datetime) -> bool:
        """Store a server's question; False when the server already has a question with this id."""
        if isinstance(key_points, str) or not all(isinstance(p, str) for p in key_points):
            raise ValueError(f"key_points must be a sequence of str, got {key_points!r}")
        params = {"guild_id": guild_id, "question_id": _text("question_id", question_id),
                  "prompt": _text("prompt", prompt), "answer": _text("answer", answer, empty=True),
                  "key_points": json.dumps(list(key_points), ensure_ascii=False), "topic": _text("topic", topic),
                  "difficulty": _text("difficulty", difficulty), "created_by": created_by,
                  "created_at": to_us(created_at)}
        async with self._db.transaction() as tx:
            return await tx.execute(_ADD_Q, params) > 0

    async def custom_questions(self, guild_id: int) -> list[StoredQuestion]:
        """A server's questions, oldest first."""
        return [_question(r) for r in await self._db.fetchall(_GUILD_Q, (guild_id,))]

    async def all_custom_questions(self) -> list[StoredQuestion]:
        """Every server's questions (loaded once at start), by server then age."""
        return [_question(r) for r in await self._db.fetchall(_ALL_Q)]

    async def remove_custom_question(self, guild_id: int, question_id: str) -> bool:
        """Delete a server's question and its accepted phrasings; False when there was none.

        Answers already given to it keep their points (they refer to the bank and id, not to this row).
        """
        async with self._db.transaction() as tx:
            removed = await tx.execute(_DEL_Q, (guild_id, question_id)) > 0
            if removed:
                await tx.execute(_DEL_Q_PHRASINGS, (guild_id, question_id))
        return removed

    async def add_phrasing(self, *, guild_id: int, bank: str, question_id: str, point: str, phrasing: str,
                           added_by: int, added_at: datetime, appeal_id: int | None = None) -> bool:
        """Add an accepted phrasing of a key point ('' = a short answer); False when the server already had it."""
        async with self._db.transaction() as tx:
            return await insert_phrasing(tx, guild_id=guild_id, bank=bank, question_id=question_id, point=point,
                                         phrasing=phrasing, added_by=added_by, added_at=added_at,
                                         appeal_id=appeal_id)

    async def phrasings(self, guild_id: int) -> list[Phrasing]:
        """A server's accepted phrasings, oldest first."""
        return [_phrasing(r) for r in await self._db.fetchall(_GUILD_P, (guild_id,))]

    async def all_phrasings(self) -> list[Phrasing]:
        """Every server's accepted phrasings (loaded once at start)."""
        return [_phrasing(r) for r in await self._db.fetchall(_ALL_P)]

    async def remove_phrasing(self, *, guild_id: int, bank: str, question_id: str, point: str,
                              phrasing: str) -> bool:
        """Forget one accepted phrasing; False when the server did not have it."""
        async with self._db.transaction() as tx:
            return await tx.execute(_DEL_P, (guild_id, bank, question_id, point, phrasing)) > 0

    async def appeal_channel(self, guild_id: int) -> int | None:
        """The channel a server's appeals are posted in, or None."""
        row = await self._db.fetchone(_GET_CHANNEL, (guild_id,))
        return None if row is None else int(row["channel_id"])

    async def set_appeal_channel(self, guild_id: int, channel_id: int | None) -> None:
        """Set (or with None, clear) the channel a server's appeals are posted in."""
        async with self._db.transaction() as tx:
            if channel_id is None:
                await tx.execute(_CLEAR_CHANNEL, (guild_id,))
            else:
                await tx.execute(_SET_CHANNEL, (guild_id, channel_id))
