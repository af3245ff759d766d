"""Review cards (one FSRS card per member and question) and opt-in review reminders.

Every graded answer updates the member's card in the transaction that records it (`review_answers`, called by
the answer writer with the ids it inserted), so a committed answer always has its card; a ``/review`` answer
updates the card alone (`ReviewsMixin.record_review`): review answers earn no points and never enter the
leaderboards.
An accepted appeal calls `rerate_answer` inside its own transaction to rate that answer again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol

from bot.review import CardState, QuestionRef, Rating, State, TopicRecord, review_card
from bot.store.db import Database, SqliteSyncTx, Tx, date_opt, date_text, from_us, from_us_opt, to_us, to_us_opt

logger = logging.getLogger(__name__)


class _Row(Protocol):
    """A result row, by column name or position."""

    def __getitem__(self, key: int | str, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class StoredCard:
    """A member's card for a question, as stored."""

    user_id: int
    ref: QuestionRef
    topic: str
    card: CardState
    last_answer_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """How many cards a member has, how many are due now, and when the next one not yet due falls due."""

    cards: int
    due: int
    next_due: datetime | None


@dataclass(frozen=True, slots=True)
class Reminder:
    """A member's review reminder: a local time in an IANA zone, and the last local date it was handled."""

    user_id: int
    enabled: bool
    local_time: time
    timezone: str
    last_sent_on: date | None


_CARD_COLUMNS = ("user_id, bank, question_id, topic, state, step, stability, difficulty, due_at, last_review_at, "
                 "reviews, passes, lapses, last_score, last_rating, last_answer_id, previous")
_UPSERT = f"""
INSERT INTO review_cards ({_CARD_COLUMNS})
VALUES (:user_id, :bank, :question_id, :topic, :state, :step, :stability, :difficulty, :due_at, :last_review_at,
        :reviews, :passes, :lapses, :last_score, :last_rating, :last_answer_id, :previous)
ON CONFLICT (user_id, bank, question_id) DO UPDATE SET
    topic = excluded.topic, state = excluded.state, step = excluded.step, stability = excluded.stability,
    difficulty = excluded.difficulty, due_at = excluded.due_at, last_review_at = excluded.last_review_at,
    reviews = excluded.reviews, passes = excluded.passes, lapses = excluded.lapses,
    last_score = excluded.last_score, last_rating = excluded.last_rating,
    last_answer_id = excluded.last_answer_id, previous = excluded.previous
"""  # noqa: S608 - constant column list
_GET = f"SELECT {_CARD_COLUMNS} FROM review_cards WHERE user_id = ? AND bank = ? AND question_id = ?"  # noqa: S608
_DUE = f"""
SELECT {_CARD_COLUMNS} FROM review_cards WHERE user_id = ? AND due_at <= ?
ORDER BY due_at, bank, question_id LIMIT ?
"""  # noqa: S608
_KNOWN = "SELECT bank, question_id FROM review_cards WHERE user_id = ?"
_TOPICS = """
SELECT bank, topic, sum(reviews) AS reviews, sum(passes) AS passes FROM review_cards WHERE user_id = ?
GROUP BY bank, topic ORDER BY bank, topic
"""
_SUMMARY = """
SELECT count(*) AS cards, coalesce(sum(CASE WHEN due_at <= :now THEN 1 ELSE 0 END), 0) AS due,
       min(CASE WHEN due_at > :now THEN due_at END) AS next_due
FROM review_cards WHERE user_id = :user
"""
# Given answers (those the current transaction inserted), with their question and the member's card for it.
_ANSWERED = """
SELECT a.id AS answer_id, a.user_id, a.score, a.passed, a.answered_at, a.bank, a.topic, p.question_id,
       c.state, c.step, c.stability, c.difficulty, c.due_at, c.last_review_at, c.reviews, c.passes, c.lapses,
       c.last_score, c.last_rating
FROM answers a
JOIN posts p ON p.id = a.post_id
LEFT JOIN review_cards c ON c.user_id = a.user_id AND c.bank = a.bank AND c.question_id = p.question_id
WHERE a.id {ids} ORDER BY a.id
"""
_ANSWERED_IDS = {
    "sqlite": _ANSWERED.format(ids="IN (SELECT value FROM json_each(?))"),
    "postgresql": _ANSWERED.format(ids="= ANY(?::bigint[])"),
}
_CARD_OF_ANSWER = f"SELECT {_CARD_COLUMNS} FROM review_cards WHERE last_answer_id = ?"  # noqa: S608
_LATEST_ANSWER = """
SELECT a.id, a.post_id, a.passed, p.session_id FROM answers a JOIN posts p ON p.id = a.post_id
WHERE a.user_id = ? ORDER BY a.answered_at DESC, a.id DESC LIMIT 1
"""
_SESSION_MISSES = """
SELECT a.bank, p.question_id FROM answers a JOIN posts p ON p.id = a.post_id
WHERE p.session_id = ? AND a.user_id = ? AND a.passed = 0 ORDER BY a.answered_at, a.id
"""
_ANSWER_MISS = """
SELECT a.bank, p.question_id FROM answers a JOIN posts p ON p.id = a.post_id WHERE a.id = ? AND a.passed = 0
"""
_SET_REMINDER = """
INSERT INTO review_reminders (user_id, enabled, local_time, timezone, last_sent_on, updated_at)
VALUES (:user, :enabled, :local_time, :timezone, :last_sent_on, :now)
ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled, local_time = excluded.local_time,
    timezone = excluded.timezone, last_sent_on = excluded.last_sent_on, updated_at = excluded.updated_at
"""
_DISABLE_REMINDER = "UPDATE review_reminders SET enabled = 0, updated_at = ? WHERE user_id = ?"
_GET_REMINDER = "SELECT user_id, enabled, local_time, timezone, last_sent_on FROM review_reminders WHERE user_id = ?"
_ENABLED_REMINDERS = """
SELECT user_id, enabled, local_time, timezone, last_sent_on FROM review_reminders WHERE enabled = 1 ORDER BY user_id
"""
_MARK_REMINDER = """
UPDATE review_reminders SET last_sent_on = ? WHERE user_id = ? AND (last_sent_on IS NULL OR last_sent_on < ?)
"""


def _state_json(card: CardState) -> str:
    return json.dumps({
        "state": int(card.state), "step": card.step, "stability": card.stability, "difficulty": card.difficulty,
        "due": to_us(card.due), "last_review": to_us_opt(card.last_review), "reviews": card.reviews,
        "passes": card.passes, "lapses": card.lapses, "last_score": card.last_score,
        "last_rating": None if card.last_rating is None else int(card.last_rating),
    })


def _state_from_json(text: str) -> CardState:
    d = json.loads(text)
    return CardState(
        state=State(d["state"]), step=d["step"], stability=d["stability"], difficulty=d["difficulty"],
        due=from_us(d["due"]), last_review=from_us_opt(d["last_review"]), reviews=d["reviews"],
        passes=d["passes"], lapses=d["lapses"], last_score=d["last_score"],
        last_rating=None if d["last_rating"] is None else Rating(d["last_rating"]),
    )


def _card_from_row(row: _Row) -> CardState:
    return CardState(
        state=State(row["state"]), step=row["step"], stability=row["stability"], difficulty=row["difficulty"],
        due=from_us(row["due_at"]), last_review=from_us_opt(row["last_review_at"]), reviews=row["reviews"],
        passes=row["passes"], lapses=row["lapses"], last_score=row["last_score"],
        last_rating=None if row["last_rating"] is None else Rating(row["last_rating"]),
    )


def _stored(row: _Row) -> StoredCard:
    return StoredCard(row["user_id"], QuestionRef(row["bank"], row["question_id"]), row["topic"],
                      _card_from_row(row), row["last_answer_id"])


def card_params(user_id: int, ref: QuestionRef, topic: str, card: CardState, *, answer_id: int | None,
                previous: CardState | None) -> dict[str, Any]:
    """Upsert parameters for a card."""
    return {
        "user_id": user_id, "bank": ref.bank, "question_id": ref.question_id, "topic": topic,
        "state": int(card.state), "step": card.step, "stability": card.stability, "difficulty": card.difficulty,
        "due_at": to_us(card.due), "last_review_at": to_us_opt(card.last_review), "reviews": card.reviews,
        "passes": card.passes, "lapses": card.lapses, "last_score": card.last_score,
        "last_rating": None if card.last_rating is None else int(card.last_rating), "last_answer_id": answer_id,
        "previous": None if previous is None else _state_json(previous),
    }


async def review_answers(tx: Tx, answer_ids: Sequence[int]) -> int:
    """Update the card of each given answer (in id order), inside the transaction that inserted them.

    Called by the answer writer with the ids it just inserted; returns how many cards changed.
    """
    if not answer_ids:
        return 0
    dialect = getattr(tx, "dialect", "sqlite")
    ids = sorted(answer_ids)
    arg: object = json.dumps(ids) if dialect == "sqlite" else ids
    params = _card_upserts(await tx.fetchall(_ANSWERED_IDS[dialect], (arg,)))
    if params:
        await tx.executemany(_UPSERT, params)
    return len(params)


def review_answers_sync(tx: SqliteSyncTx, answer_ids: Sequence[int]) -> int:
    """`review_answers` for a SQLite transaction run on the connection's thread (the answer writer's)."""
    if not answer_ids:
        return 0
    params = _card_upserts(tx.fetchall(_ANSWERED_IDS["sqlite"], (json.dumps(sorted(answer_ids)),)))
    if params:
        tx.executemany(_UPSERT, params)
    return len(params)


def _card_upserts(rows: Sequence[_Row]) -> list[dict[str, Any]]:
    """The card upserts for answered rows (``_ANSWERED``), one per member and question, in order."""
    cards: dict[tuple[int, str, str], CardState] = {}
    params: dict[tuple[int, str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["user_id"], row["bank"], row["question_id"])
        before = cards.get(key)
        if before is None and row["state"] is not None:
            before = _card_from_row(row)
        after = review_card(before, row["score"], bool(row["passed"]), from_us(row["answered_at"]))
        cards[key] = after
        params[key] = card_params(key[0], QuestionRef(key[1], key[2]), row["topic"], after,
                                  answer_id=row["answer_id"], previous=before)
    return list(params.values())


async def rerate_answer(tx: Tx, answer_id: int, score: float, passed: bool) -> bool:
    """Rate a graded answer again (an accepted appeal), inside the caller's transaction.

    If that answer is still the latest to have set its card, the card is rebuilt from its state before the answer
    with the new score; returns True. If the card was reviewed since, the later review stands; returns False.
    """
    row = await tx.fetchone(_CARD_OF_ANSWER, (answer_id,))
    if row is None:
        return False
    stored = _stored(row)
    previous = None if row["previous"] is None else _state_from_json(row["previous"])
    at = stored.card.last_review
    assert at is not None
    after = review_card(previous, score, passed, at)
    await tx.execute(_UPSERT, card_params(stored.user_id, stored.ref, stored.topic, after, answer_id=answer_id,
                                          previous=previous))
    return True


def _reminder(row: _Row) -> Reminder:
    return Reminder(row["user_id"], bool(row["enabled"]), time.fromisoformat(row["local_time"]), row["timezone"],
                    date_opt(row["last_sent_on"]))


class ReviewsMixin:
    """Store methods for review cards and reminders."""

    _db: Database

    async def get_card(self, user_id: int, ref: QuestionRef) -> StoredCard | None:
        """The member's card for a question, or None."""
        row = await self._db.fetchone(_GET, (user_id, ref.bank, ref.question_id))
        return None if row is None else _stored(row)

    async def record_review(self, user_id: int, ref: QuestionRef, topic: str, *, score: float, passed: bool,
                            at: datetime) -> CardState:
        """Apply a ``/review`` answer to the member's card (no points, no leaderboard) and return the new card."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(_GET, (user_id, ref.bank, ref.question_id))
            before = None if row is None else _card_from_row(row)
            after = review_card(before, score, passed, at)
            await tx.execute(_UPSERT, card_params(user_id, ref, topic, after, answer_id=None, previous=before))
        return after

    async def due_cards(self, user_id: int, now: datetime, limit: int = 50) -> list[StoredCard]:
        """The member's cards due at `now`, earliest first."""
        rows = await self._db.fetchall(_DUE, (user_id, to_us(now), limit))
        return [_stored(r) for r in rows]

    async def card_refs(self, user_id: int) -> set[QuestionRef]:
        """Every question the member has a card for."""
        return {QuestionRef(r["bank"], r["question_id"]) for r in await self._db.fetchall(_KNOWN, (user_id,))}

    async def topic_records(self, user_id: int) -> list[TopicRecord]:
        """The member's graded answers per bank and topic, summed over their cards."""
        rows = await self._db.fetchall(_TOPICS, (user_id,))
        return [TopicRecord(r["bank"], r["topic"], int(r["reviews"]), int(r["passes"])) for r in rows]

    async def review_summary(self, user_id: int, now: datetime) -> ReviewSummary:
        """How many cards the member has, how many are due at `now` and when the next one falls due."""
        row = await self._db.fetchone(_SUMMARY, {"user": user_id, "now": to_us(now)})
        assert row is not None
        return ReviewSummary(int(row["cards"]), int(row["due"]), from_us_opt(row["next_due"]))

    async def last_round_misses(self, user_id: int) -> list[QuestionRef]:
        """Questions the member failed in their last round: the quiz round or interview of their latest answer,
        or that daily question alone; empty if they failed nothing there (or never answered)."""
        async with self._db.snapshot() as tx:
            latest = await tx.fetchone(_LATEST_ANSWER, (user_id,))
            if latest is None:
                return []
            if latest["session_id"] is not None:
                rows = await tx.fetchall(_SESSION_MISSES, (latest["session_id"], user_id))
            else:
                rows = await tx.fetchall(_ANSWER_MISS, (latest["id"],))
        out: list[QuestionRef] = []
        for r in rows:
            ref = QuestionRef(r["bank"], r["question_id"])
            if ref not in out:
                out.append(ref)
        return out

    async def set_reminder(self, user_id: int, *, local_time: time, timezone: str, now: datetime,
                           handled_through: date | None = None) -> Reminder:
        """Turn the member's reminder on at a local time; `handled_through` marks dates not to remind again."""
        async with self._db.transaction() as tx:
            await tx.execute(_SET_REMINDER, {
                "user": user_id, "enabled": 1, "local_time": local_time.strftime("%H:%M"), "timezone": timezone,
                "last_sent_on": None if handled_through is None else date_text(handled_through), "now": to_us(now)})
            row = await tx.fetchone(_GET_REMINDER, (user_id,))
        assert row is not None
        return _reminder(row)

    async def disable_reminder(self, user_id: int, now: datetime) -> bool:
        """Turn the member's reminder off; False if they had none."""
        async with self._db.transaction() as tx:
            return await tx.execute(_DISABLE_REMINDER, (to_us(now), user_id)) > 0

    async def get_reminder(self, user_id: int) -> Reminder | None:
        """The member's reminder (on or off), or None."""
        row = await self._db.fetchone(_GET_REMINDER, (user_id,))
        return None if row is None else _reminder(row)

    async def enabled_reminders(self) -> list[Reminder]:
        """Every reminder that is on."""
        return [_reminder(r) for r in await self._db.fetchall(_ENABLED_REMINDERS)]

    async def mark_reminder_handled(self, user_id: int, local_date: date) -> bool:
        """Record that the reminder of `local_date` was handled; False if it already was (never twice a day)."""
        day = date_text(local_date)
        async with self._db.transaction() as tx:
            return await tx.execute(_MARK_REMINDER, (day, user_id, day)) > 0


__all__ = ["Reminder", "ReviewSummary", "ReviewsMixin", "StoredCard", "rerate_answer", "review_answers",
           "review_answers_sync"]
