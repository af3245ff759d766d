"""Answers, written with group commit: concurrent callers share one transaction and one COMMIT."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from bot.store.db import Database, Row, SqliteDatabase, SqliteSyncTx, from_us, to_us
from bot.store.errors import AlreadyAnswered, PostNotFound, StoreClosed
from bot.store.reviews import review_answers, review_answers_sync

logger = logging.getLogger(__name__)

MAX_BATCH = 500  # answers per transaction; bounds how long one group commit holds the connection


@dataclass(frozen=True, slots=True)
class Answer:
    """One member's answer to one post, as stored."""

    id: int
    post_id: int
    guild_id: int
    user_id: int
    response: str
    score: float
    verdict: str
    points: float
    hits: tuple[str, ...]
    misses: tuple[str, ...]
    answered_at: datetime
    bank: str
    topic: str
    kind: str
    passed: bool


# guild_id, bank, topic, kind and daily_date come from the post; a missing post inserts nothing.
_INSERT = """
INSERT INTO answers (post_id, user_id, response, score, verdict, passed, points, hits, misses, answered_at,
                     guild_id, bank, topic, kind, daily_date)
SELECT id, :user_id, :response, :score, :verdict, :passed, :points, :hits, :misses, :answered_at,
       guild_id, bank, topic, kind, daily_date
FROM posts WHERE id = :post_id
ON CONFLICT (post_id, user_id) DO NOTHING
"""
ANSWER_COLUMNS = (
    "id, post_id, guild_id, user_id, response, score, verdict, points, hits, misses, answered_at, "
    "bank, topic, kind, passed"
)
_SELECT = f"SELECT {ANSWER_COLUMNS} FROM answers"  # noqa: S608 (a constant column list)
_MAX_ID = "SELECT coalesce(max(id), 0) FROM answers"
_SINCE = f"{_SELECT} WHERE id > ? ORDER BY id"
_EXISTING_POSTS = {
    "sqlite": "SELECT id FROM posts WHERE id IN (SELECT value FROM json_each(?))",
    "postgresql": "SELECT id FROM posts WHERE id = ANY(?::bigint[])",
}
# PostgreSQL: one statement inserts the whole batch and returns the new rows (ids from concurrent processes may
# commit out of order, so "every id above the old maximum" would not find them). Same columns and conflict rule
# as _INSERT; the first of two answers of a member to a post in one batch wins, as with SQLite's executemany.
_PG_INSERT = f"""
INSERT INTO answers (post_id, user_id, response, score, verdict, passed, points, hits, misses, answered_at,
                     guild_id, bank, topic, kind, daily_date)
SELECT p.id, a.user_id, a.response, a.score, a.verdict, a.passed, a.points, a.hits, a.misses, a.answered_at,
       p.guild_id, p.bank, p.topic, p.kind, p.daily_date
FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::float8[], ?::text[], ?::int[], ?::int[], ?::text[],
            ?::text[], ?::bigint[]) WITH ORDINALITY
     AS a (post_id, user_id, response, score, verdict, passed, points, hits, misses, answered_at, ord)
JOIN posts AS p ON p.id = a.post_id
ORDER BY a.ord
ON CONFLICT (post_id, user_id) DO NOTHING
RETURNING {ANSWER_COLUMNS}
"""  # noqa: S608 (constant column list)
_PG_FIELDS = ("post_id", "user_id", "response", "score", "verdict", "passed", "points", "hits", "misses",
              "answered_at")
_GET = f"{_SELECT} WHERE post_id = ? AND user_id = ?"
_FOR_POST = f"{_SELECT} WHERE post_id = ? ORDER BY answered_at, id"


def points_to_milli(points: float) -> int:
    """Points as stored: integer thousandths (exact sums, stable ties)."""
    return round(points * 1000)


def answer_from_row(row: Row) -> Answer:
    """An `answers` row as an Answer."""
    return Answer(
        id=row["id"],
        post_id=row["post_id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        response=row["response"],
        score=row["score"],
        verdict=row["verdict"],
        points=row["points"] / 1000,
        hits=tuple(json.loads(row["hits"])),
        misses=tuple(json.loads(row["misses"])),
        answered_at=from_us(row["answered_at"]),
        bank=row["bank"],
        topic=row["topic"],
        kind=row["kind"],
        passed=bool(row["passed"]),
    )


def _strings(name: str, values: Sequence[str]) -> str:
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{name} must be a sequence of str, got {values!r}")
    return json.dumps(list(values), ensure_ascii=False)


def _id(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise ValueError(f"{name} must be an int within 0..2**63-1, got {value!r}")
    return value


def _number(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def answer_params(
    *,
    post_id: int,
    user_id: int,
    response: str,
    score: float,
    verdict: str,
    points: float,
    hits: Sequence[str],
    misses: Sequence[str],
    answered_at: datetime,
    passed: bool,
) -> dict[str, Any]:
    """Validate an answer and turn it into insert parameters (so a bad one never fails a whole batch)."""
    if not isinstance(response, str):
        raise ValueError(f"response must be a str, got {response!r}")
    if not isinstance(verdict, str) or not verdict:
        raise ValueError(f"verdict must be a non-empty str, got {verdict!r}")
    score = _number("score", score)
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must be within 0..1, got {score!r}")
    if not isinstance(passed, bool):
        raise ValueError(f"passed must be a bool (Grade.passed), got {passed!r}")
    return {
        "post_id": _id("post_id", post_id),
        "user_id": _id("user_id", user_id),
        "response": response,
        "score": score,
        "verdict": verdict,
        "passed": int(bool(passed)),
        "points": points_to_milli(_number("points", points)),
        "hits": _strings("hits", hits),
        "misses": _strings("misses", misses),
        "answered_at": to_us(answered_at),
    }


@dataclass(slots=True)
class _Pending:
    params: dict[str, Any]
    future: asyncio.Future[Answer]


class AnswerWriter:
    """Group commit: queue the answers of concurrent callers, insert them in one transaction, and resolve
    every caller only after that COMMIT has returned."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: deque[_Pending] = deque()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # transactions committed by the writer (for benchmarks and tests)

    async def submit(self, params: dict[str, Any]) -> Answer:
        """Queue one answer and wait until it is committed (or refused)."""
        if self._db.closed:
            raise StoreClosed
        loop = asyncio.get_running_loop()
        pending = _Pending(params, loop.create_future())
        self._queue.append(pending)
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run(), name="viva-store-group-commit")
        return await pending.future

    async def drain(self) -> None:
        """Wait until every queued answer has been written."""
        while self._task is not None and not self._task.done():
            await asyncio.wait({self._task})

    async def _run(self) -> None:
        while self._queue:
            batch: list[_Pending] = []
            while self._queue and len(batch) < MAX_BATCH:
                pending = self._queue.popleft()
                if not pending.future.done():  # a cancelled caller is not written
                    batch.append(pending)
            if not batch:
                continue
            try:
                await self._write(batch)
            except Exception as exc:
                if len(batch) == 1:
                    _fail(batch[0], exc)
                    continue
                logger.warning("group commit of %d answers failed (%s); writing them one by one", len(batch), exc)
                for pending in batch:
                    try:
                        await self._write([pending])
                    except Exception as one_exc:
                        _fail(pending, one_exc)

    async def _write(self, batch: list[_Pending]) -> None:
        params = [p.params for p in batch]
        if isinstance(self._db, SqliteDatabase):
            # The whole transaction in one call on SQLite's thread: one event-loop turn per batch, not one per
            # statement (under load each turn costs the time of everything else the loop is doing).
            inserted, existing = await self._db.run_transaction(partial(_insert_sqlite, params))
        else:
            inserted, existing = await self._insert(params)
        self.batches += 1
        # Committed: now, and only now, tell the callers.
        won: set[tuple[int, int]] = set()  # a second answer of a member in the same batch lost to the first
        for pending in batch:
            key = (pending.params["post_id"], pending.params["user_id"])
            answer = inserted.pop(key, None)
            if answer is not None:
                won.add(key)
                _succeed(pending, answer)
            elif key in won or key[0] in existing:
                _fail(pending, AlreadyAnswered(key[0], key[1]))
            else:
                _fail(pending, PostNotFound(key[0]))

    async def _insert(self, params: list[dict[str, Any]]) -> tuple[dict[tuple[int, int], Answer], set[int]]:
        """The batch in one transaction through the `Tx` interface (PostgreSQL): the new answers by (post, member)
        and, when some were not inserted, which of their posts exist."""
        async with self._db.transaction() as tx:
            if tx.dialect == "postgresql":
                columns = [[p[f] for p in params] for f in _PG_FIELDS]
                rows = await tx.fetchall(_PG_INSERT, columns)
            else:
                before = (await tx.fetchone(_MAX_ID))[0]  # type: ignore[index]
                await tx.executemany(_INSERT, params)
                rows = await tx.fetchall(_SINCE, (before,))
            try:  # every graded answer updates its review card, in the same transaction
                await review_answers(tx, [r["id"] for r in rows])
            except Exception:  # a card is derived data: never lose answers over it
                logger.exception("could not update the review cards of %d new answers", len(rows))
            inserted = {(r["post_id"], r["user_id"]): answer_from_row(r) for r in rows}
            unresolved = sorted({p["post_id"] for p in params if (p["post_id"], p["user_id"]) not in inserted})
            existing: set[int] = set()
            if unresolved:
                arg = json.dumps(unresolved) if tx.dialect == "sqlite" else unresolved
                existing = {r[0] for r in await tx.fetchall(_EXISTING_POSTS[tx.dialect], (arg,))}
        return inserted, existing


def _insert_sqlite(params: list[dict[str, Any]], tx: SqliteSyncTx) -> tuple[dict[tuple[int, int], Answer], set[int]]:
    """`AnswerWriter._insert` for SQLite, run on the connection's thread inside `SqliteDatabase.run_transaction`."""
    before = tx.fetchone(_MAX_ID)[0]  # type: ignore[index]
    tx.executemany(_INSERT, params)
    rows = tx.fetchall(_SINCE, (before,))
    try:  # every graded answer updates its review card, in the same transaction
        review_answers_sync(tx, [r["id"] for r in rows])
    except Exception:  # a card is derived data: never lose answers over it
        logger.exception("could not update the review cards of %d new answers", len(rows))
    inserted = {(r["post_id"], r["user_id"]): answer_from_row(r) for r in rows}
    unresolved = sorted({p["post_id"] for p in params if (p["post_id"], p["user_id"]) not in inserted})
    existing: set[int] = set()
    if unresolved:
        existing = {r[0] for r in tx.fetchall(_EXISTING_POSTS["sqlite"], (json.dumps(unresolved),))}
    return inserted, existing


def _succeed(pending: _Pending, answer: Answer) -> None:
    if not pending.future.done():
        pending.future.set_result(answer)


def _fail(pending: _Pending, exc: BaseException) -> None:
    if not pending.future.done():
        pending.future.set_exception(exc)


class AnswersMixin:
    """Store methods for answers."""

    _db: Database
    _writer: AnswerWriter

    async def record_answer(
        self,
        *,
        post_id: int,
        user_id: int,
        response: str,
        score: float,
        verdict: str,
        points: float,
        hits: Sequence[str],
        misses: Sequence[str],
        answered_at: datetime,
        passed: bool,
    ) -> Answer:
        """Store an answer; returns only after COMMIT. AlreadyAnswered on a second answer to the same post.

        `passed` is the grader's decision (``Grade.passed``), stored as given; points are kept to 1/1000.
        """
        params = answer_params(
            post_id=post_id,
            user_id=user_id,
            response=response,
            score=score,
            verdict=verdict,
            points=points,
            hits=hits,
            misses=misses,
            answered_at=answered_at,
            passed=passed,
        )
        return await self._writer.submit(params)

    async def get_answer(self, post_id: int, user_id: int) -> Answer | None:
        """The member's answer to the post, or None."""
        row = await self._db.fetchone(_GET, (post_id, user_id))
        return None if row is None else answer_from_row(row)

    async def answers_for_post(self, post_id: int) -> list[Answer]:
        """Every answer to the post, in the order they were given."""
        return [answer_from_row(r) for r in await self._db.fetchall(_FOR_POST, (post_id,))]
