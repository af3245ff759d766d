"""Appeals: a member asks a moderator to look at a graded answer again. One appeal per answer (a unique index),
none after `APPEAL_WINDOW`; the decision (who, when, why, what was credited) is kept forever.

Accepting rewrites the answer (pass, the new score and points, the credited points as hits), rates its review
card again and records any accepted phrasing, all in one transaction: leaderboards, stats and streaks are
aggregates over `answers`, so they follow at once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.store.answers import Answer, answer_from_row, points_to_milli
from bot.store.content import insert_phrasing
from bot.store.db import Database, Tx, from_us, from_us_opt, to_us
from bot.store.errors import StoreError
from bot.store.reviews import rerate_answer

APPEAL_WINDOW = timedelta(days=7)
STATUSES = ("pending", "accepted", "rejected")


class _Row(Protocol):
    """A result row, by column name or position."""

    def __getitem__(self, key: int | str, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class Appeal:
    """An appeal and, once decided, its decision."""

    id: int
    answer_id: int
    guild_id: int
    user_id: int
    bank: str
    question_id: str
    reason: str
    created_at: datetime
    old_score: float
    old_points: float
    old_verdict: str
    status: str
    review_channel: int | None
    review_message: int | None
    decided_by: int | None
    decided_at: datetime | None
    decision_reason: str | None
    credited: tuple[str, ...]
    new_score: float | None
    new_points: float | None
    phrasing: str | None


class AppealRefused(StoreError):
    """An appeal that cannot be made: ``why`` is "no_answer", "not_yours", "expired", "full_marks" or
    "duplicate" (then ``existing`` is the appeal already made)."""

    def __init__(self, why: str, existing: Appeal | None = None) -> None:
        self.why = why
        self.existing = existing
        super().__init__(f"appeal refused: {why}")


class AppealNotFound(StoreError):
    """No appeal with this id."""

    def __init__(self, appeal_id: int) -> None:
        self.appeal_id = appeal_id
        super().__init__(f"no appeal {appeal_id}")


class AppealDecided(StoreError):
    """The appeal was already decided (``appeal`` says how, by whom and when)."""

    def __init__(self, appeal: Appeal) -> None:
        self.appeal = appeal
        super().__init__(f"appeal {appeal.id} is already {appeal.status}")


_COLUMNS = ("id, answer_id, guild_id, user_id, bank, question_id, reason, created_at, old_score, old_points, "
            "old_verdict, status, review_channel, review_message, decided_by, decided_at, decision_reason, credited, "
            "new_score, new_points, phrasing")
_GET = f"SELECT {_COLUMNS} FROM appeals WHERE id = ?"  # noqa: S608 (a constant column list)
_BY_ANSWER = f"SELECT {_COLUMNS} FROM appeals WHERE answer_id = ?"  # noqa: S608
_GUILD = f"SELECT {_COLUMNS} FROM appeals WHERE guild_id = ? AND status = ? ORDER BY created_at, id"  # noqa: S608
_ANSWER = """
SELECT a.id, a.guild_id, a.user_id, a.score, a.points, a.verdict, a.answered_at, a.bank, p.question_id
FROM answers a JOIN posts p ON p.id = a.post_id WHERE a.id = ?
"""
_INSERT = f"""
INSERT INTO appeals (answer_id, guild_id, user_id, bank, question_id, reason, created_at, old_score, old_points,
                     old_verdict)
VALUES (:answer_id, :guild_id, :user_id, :bank, :question_id, :reason, :created_at, :old_score, :old_points,
        :old_verdict)
ON CONFLICT (answer_id) DO NOTHING
RETURNING {_COLUMNS}
"""  # noqa: S608
_APPEALED_ANSWER = """
SELECT id, post_id, guild_id, user_id, response, score, verdict, points, hits, misses, answered_at,
       bank, topic, kind, passed
FROM answers WHERE id = ?
"""
_SESSION_ANSWERS = """
SELECT p.id AS post_id, a.score FROM posts p JOIN answers a ON a.post_id = p.id AND a.user_id = ?
WHERE p.session_id = ? ORDER BY p.posted_at, p.id
"""
_SET_MESSAGE = "UPDATE appeals SET review_channel = ?, review_message = ? WHERE id = ?"
_DECIDE = """
UPDATE appeals SET status = :status, decided_by = :decided_by, decided_at = :decided_at,
                   decision_reason = :decision_reason, credited = :credited, new_score = :new_score,
                   new_points = :new_points, phrasing = :phrasing
WHERE id = :id AND status = 'pending'
"""
_REWRITE_ANSWER = """
UPDATE answers SET score = :score, verdict = 'pass', passed = 1, points = :points, hits = :hits, misses = :misses
WHERE id = :id
"""


def _appeal(row: _Row) -> Appeal:
    credited = row["credited"]
    return Appeal(
        id=row["id"], answer_id=row["answer_id"], guild_id=row["guild_id"], user_id=row["user_id"],
        bank=row["bank"], question_id=row["question_id"], reason=row["reason"], created_at=from_us(row["created_at"]),
        old_score=row["old_score"], old_points=row["old_points"] / 1000, old_verdict=row["old_verdict"],
        status=row["status"], review_channel=row["review_channel"], review_message=row["review_message"],
        decided_by=row["decided_by"], decided_at=from_us_opt(row["decided_at"]),
        decision_reason=row["decision_reason"], credited=tuple(json.loads(credited)) if credited else (),
        new_score=row["new_score"], new_points=None if row["new_points"] is None else row["new_points"] / 1000,
        phrasing=row["phrasing"])


async def _get(tx: Tx, appeal_id: int) -> Appeal:
    row = await tx.fetchone(_GET, (appeal_id,))
    if row is None:
        raise AppealNotFound(appeal_id)
    return _appeal(row)


class AppealsMixin:
    """Store methods for appeals."""

    _db: Database

    async def open_appeal(self, *, answer_id: int, user_id: int, reason: str, now: datetime,
                          window: timedelta = APPEAL_WINDOW) -> Appeal:
        """Record a member's appeal of their answer; AppealRefused saying why it cannot be made."""
        async with self._db.transaction() as tx:
            ans = await tx.fetchone(_ANSWER, (answer_id,))
            if ans is None:
                raise AppealRefused("no_answer")
            if ans["user_id"] != user_id:
                raise AppealRefused("not_yours")
            existing = await tx.fetchone(_BY_ANSWER, (answer_id,))
            if existing is not None:
                raise AppealRefused("duplicate", _appeal(existing))
            if now - from_us(ans["answered_at"]) > window:
                raise AppealRefused("expired")
            if ans["score"] >= 1.0:
                raise AppealRefused("full_marks")
            row = await tx.fetchone(_INSERT, {
                "answer_id": answer_id, "guild_id": ans["guild_id"], "user_id": user_id, "bank": ans["bank"],
                "question_id": ans["question_id"], "reason": reason.strip(), "created_at": to_us(now),
                "old_score": ans["score"], "old_points": ans["points"], "old_verdict": ans["verdict"]})
            if row is None:  # a concurrent appeal of the same answer won the race
                raise AppealRefused("duplicate")
            return _appeal(row)

    async def set_appeal_message(self, appeal_id: int, channel_id: int, message_id: int) -> None:
        """Remember where the appeal is shown to moderators."""
        async with self._db.transaction() as tx:
            if await tx.execute(_SET_MESSAGE, (channel_id, message_id, appeal_id)) == 0:
                raise AppealNotFound(appeal_id)

    async def get_appeal(self, appeal_id: int) -> Appeal | None:
        """The appeal with this id, or None."""
        row = await self._db.fetchone(_GET, (appeal_id,))
        return None if row is None else _appeal(row)

    async def appealed_answer(self, appeal: Appeal) -> Answer | None:
        """The answer an appeal is about, as it stands now (None if it was deleted)."""
        row = await self._db.fetchone(_APPEALED_ANSWER, (appeal.answer_id,))
        return None if row is None else answer_from_row(row)

    async def session_answers(self, session_id: int, user_id: int) -> list[tuple[int, float]]:
        """(post id, score) of the member's answers in a session (an interview), in the order asked."""
        rows = await self._db.fetchall(_SESSION_ANSWERS, (user_id, session_id))
        return [(int(r["post_id"]), float(r["score"])) for r in rows]

    async def appeal_of_answer(self, answer_id: int) -> Appeal | None:
        """The appeal of this answer, or None."""
        row = await self._db.fetchone(_BY_ANSWER, (answer_id,))
        return None if row is None else _appeal(row)

    async def appeals(self, guild_id: int, status: str = "pending") -> list[Appeal]:
        """A server's appeals with this status, oldest first."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
        return [_appeal(r) for r in await self._db.fetchall(_GUILD, (guild_id, status))]

    async def reject_appeal(self, appeal_id: int, *, moderator_id: int, reason: str, now: datetime) -> Appeal:
        """Reject a pending appeal (the answer stands); AppealDecided if it was decided already."""
        async with self._db.transaction() as tx:
            appeal = await _get(tx, appeal_id)
            params = {"id": appeal_id, "status": "rejected", "decided_by": moderator_id, "decided_at": to_us(now),
                      "decision_reason": reason.strip(), "credited": None, "new_score": None, "new_points": None,
                      "phrasing": None}
            if await tx.execute(_DECIDE, params) == 0:
                raise AppealDecided(appeal)
            return await _get(tx, appeal_id)

    async def accept_appeal(self, appeal_id: int, *, moderator_id: int, reason: str, now: datetime,
                            credited: Sequence[str], missed: Sequence[str], score: float, points: float,
                            phrasings: Sequence[tuple[str, str]] = ()) -> Appeal:
        """Accept a pending appeal in ONE transaction: the answer passes with ``score`` and ``points`` (credited
        key points as hits, the others as misses), its review card is rated again, and each (point, phrasing) is
        added to the server's accepted phrasings. AppealDecided if it was decided already."""
        if not 0.0 <= score <= 1.0:
            raise ValueError(f"score must be within 0..1, got {score!r}")
        async with self._db.transaction() as tx:
            appeal = await _get(tx, appeal_id)
            decided = {"id": appeal_id, "status": "accepted", "decided_by": moderator_id, "decided_at": to_us(now),
                       "decision_reason": reason.strip(), "credited": json.dumps(list(credited), ensure_ascii=False),
                       "new_score": score, "new_points": points_to_milli(points),
                       "phrasing": "\n".join(p for _, p in phrasings) or None}
            if await tx.execute(_DECIDE, decided) == 0:
                raise AppealDecided(appeal)
            await tx.execute(_REWRITE_ANSWER, {
                "id": appeal.answer_id, "score": score, "points": points_to_milli(points),
                "hits": json.dumps(list(credited), ensure_ascii=False),
                "misses": json.dumps(list(missed), ensure_ascii=False)})
            await rerate_answer(tx, appeal.answer_id, score, True)
            for point, phrasing in phrasings:
                await insert_phrasing(tx, guild_id=appeal.guild_id, bank=appeal.bank, question_id=appeal.question_id,
                                      point=point, phrasing=phrasing, added_by=moderator_id, added_at=now,
                                      appeal_id=appeal_id)
            return await _get(tx, appeal_id)
