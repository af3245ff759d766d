"""Answers: recording, one per member per post, group commit under concurrency, commit before return."""

from __future__ import annotations

import asyncio
import math
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.store import AlreadyAnswered, Answer, Store, StoreError, open_store
from bot.store.answers import MAX_BATCH
from tests.support.store_probe import answer_batches

from .conftest import make_answer, make_post, utc


async def test_record_copies_the_post_and_round_trips(store: Store) -> None:
    post = await make_post(store, guild=3, bank="django", topic="orm", kind="daily", daily_date=date(2026, 2, 1))
    answer = await store.record_answer(
        post_id=post.id,
        user_id=42,
        response="Lazy querysets — évaluées tard",
        score=0.75,
        verdict="pass",
        points=1.25,
        hits=["lazy evaluation", "querysets"],
        misses=["caching"],
        answered_at=utc(2026, 2, 1, 9, 30, 0, 123456), passed=True,
    )
    assert answer == Answer(
        id=answer.id,
        post_id=post.id,
        guild_id=3,
        user_id=42,
        response="Lazy querysets — évaluées tard",
        score=0.75,
        verdict="pass",
        points=1.25,
        hits=("lazy evaluation", "querysets"),
        misses=("caching",),
        answered_at=utc(2026, 2, 1, 9, 30, 0, 123456),
        bank="django",
        topic="orm",
        kind="daily",
        passed=True,
    )
    assert await store.get_answer(post.id, 42) == answer
    assert await store.get_answer(post.id, 43) is None


async def test_passed_is_stored_as_graded_never_read_from_the_verdict(store: Store) -> None:
    post = await make_post(store)
    base = {"post_id": post.id, "response": "r", "score": 0.5, "points": 0.0, "hits": [], "misses": []}
    at = utc(2026, 1, 1)
    assert (await store.record_answer(**base, user_id=1, verdict="pass", answered_at=at, passed=False)).passed is False
    assert (await store.record_answer(**base, user_id=2, verdict="fail", answered_at=at, passed=True)).passed is True
    with pytest.raises(TypeError, match="passed"):
        await store.record_answer(**base, user_id=3, verdict="pass", answered_at=at)  # type: ignore[call-arg]


async def test_points_are_kept_to_a_thousandth(store: Store) -> None:
    post = await make_post(store)
    answer = await make_answer(store, post, 1, points=1 / 3)
    assert answer.points == 0.333


async def test_second_answer_to_the_same_post_is_refused(store: Store) -> None:
    post = await make_post(store)
    first = await make_answer(store, post, 7, response="first")
    with pytest.raises(AlreadyAnswered) as err:
        await make_answer(store, post, 7, response="second")
    assert (err.value.post_id, err.value.user_id) == (post.id, 7)
    # A data error: the UI, not the store, writes what the member reads.
    assert isinstance(err.value, StoreError) and not isinstance(err.value, UserError)
    assert await store.answers_for_post(post.id) == [first]
    other = await make_post(store)
    assert (await make_answer(store, other, 7)).post_id == other.id  # same member, another post: fine


async def test_answer_to_a_missing_post_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no post 999"):
        await store.record_answer(
            post_id=999,
            user_id=1,
            response="r",
            score=0.5,
            verdict="pass",
            points=1,
            hits=[],
            misses=[],
            answered_at=utc(2026, 1, 1), passed=True,
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("score", 1.5),
        ("score", -0.1),
        ("score", float("nan")),
        ("points", float("inf")),
        ("verdict", ""),
        ("response", None),
        ("hits", "a string is not a list"),
        ("misses", [1, 2]),
        ("answered_at", datetime(2026, 1, 1)),
        ("user_id", 2**63),
        ("user_id", True),
        ("passed", "yes"),
    ],
)
async def test_invalid_answers_raise_value_error(store: Store, field: str, value: object) -> None:
    post = await make_post(store)
    args: dict[str, object] = {
        "post_id": post.id,
        "user_id": 1,
        "response": "r",
        "score": 0.5,
        "verdict": "pass",
        "points": 1.0,
        "hits": [],
        "misses": [],
        "answered_at": utc(2026, 1, 1),
        "passed": True,
    }
    args[field] = value
    with pytest.raises(ValueError):
        await store.record_answer(**args)  # type: ignore[arg-type]
    assert await store.answers_for_post(post.id) == []


async def test_answers_for_post_in_answer_order(store: Store) -> None:
    post = await make_post(store)
    late = await make_answer(store, post, 1, at=utc(2026, 1, 1, 0, 3))
    early = await make_answer(store, post, 2, at=utc(2026, 1, 1, 0, 1))
    middle = await make_answer(store, post, 3, at=utc(2026, 1, 1, 0, 2))
    await make_answer(store, await make_post(store), 4)
    assert await store.answers_for_post(post.id) == [early, middle, late]


async def test_thousand_concurrent_answers_all_land_once_and_duplicates_are_refused(
    store: Store, db_url: str
) -> None:
    post = await make_post(store, kind="daily", daily_date=date(2026, 1, 1))
    at = utc(2026, 1, 1, 12)
    firsts = [make_answer(store, post, user, at=at, response=f"from {user}") for user in range(1000)]
    repeats = [make_answer(store, post, user, at=at, response="again") for user in range(0, 1000, 10)]
    batches_before = answer_batches(store)
    results = await asyncio.gather(*firsts, *repeats, return_exceptions=True)

    answers = results[:1000]
    assert all(isinstance(a, Answer) for a in answers)
    assert [a.user_id for a in answers] == list(range(1000))  # type: ignore[union-attr]
    assert all(a.response == f"from {a.user_id}" for a in answers)  # type: ignore[union-attr]
    assert len({a.id for a in answers}) == 1000  # type: ignore[union-attr]
    refused = results[1000:]
    assert all(isinstance(r, AlreadyAnswered) for r in refused)
    assert [r.user_id for r in refused] == list(range(0, 1000, 10))  # type: ignore[union-attr]
    # Group commit: 1,100 queued at once are written in ceil(1100 / MAX_BATCH) = 3 transactions, not 1,100.
    assert answer_batches(store) - batches_before == math.ceil(1100 / MAX_BATCH) == 3
    async with await open_store(db_url) as other:  # another connection sees exactly the committed rows
        stored = await other.answers_for_post(post.id)
    assert len(stored) == len({a.user_id for a in stored}) == 1000
    assert not [a for a in stored if a.response == "again"]


async def test_concurrent_answers_across_many_posts_with_reads_in_between(store: Store) -> None:
    posts = [await make_post(store, at=utc(2026, 1, 1, 0, i)) for i in range(20)]
    now = utc(2026, 1, 2)

    async def read() -> int:
        return len(await store.leaderboard(1, "all", now=now, tz="UTC", limit=1000))

    jobs = [make_answer(store, p, u, points=1, at=p.posted_at) for p in posts for u in range(50)]
    results = await asyncio.gather(*jobs, *(read() for _ in range(20)))
    assert all(isinstance(a, Answer) for a in results[:1000])
    assert all(0 <= n <= 50 for n in results[1000:])
    board = await store.leaderboard(1, "all", now=now, tz="UTC", limit=100)
    assert [(r.user_id, r.points, r.answers) for r in board] == [(u, 20.0, 20) for u in range(50)]


async def test_record_answer_returns_only_after_commit(store: Store, db_url: str) -> None:
    post = await make_post(store)
    async with await open_store(db_url) as other:
        for user in range(5):
            answer = await make_answer(store, post, user)
            # A separate connection sees only committed data.
            assert await other.get_answer(post.id, user) == answer


async def test_a_failing_answer_does_not_fail_the_rest_of_its_batch(db_path: Path) -> None:
    store = await open_store(db_path)
    await store.close()
    with sqlite3.connect(db_path) as conn:  # a trigger that rejects one member, inside SQLite
        conn.execute(
            "CREATE TRIGGER reject_666 BEFORE INSERT ON answers WHEN NEW.user_id = 666 "
            "BEGIN SELECT RAISE(ABORT, 'member 666 is rejected'); END"
        )
    store = await open_store(db_path)
    try:
        post = await make_post(store)
        users = [1, 2, 666, 3, 4]
        results = await asyncio.gather(*(make_answer(store, post, u) for u in users), return_exceptions=True)
        assert [type(r).__name__ for r in results] == ["Answer", "Answer", "IntegrityViolation", "Answer", "Answer"]
        assert "member 666 is rejected" in str(results[2])
        assert sorted(a.user_id for a in await store.answers_for_post(post.id)) == [1, 2, 3, 4]
    finally:
        await store.close()


async def test_close_waits_for_queued_answers(db_url: str) -> None:
    store = await open_store(db_url)
    post = await make_post(store)
    tasks = [asyncio.create_task(make_answer(store, post, u)) for u in range(30)]
    await asyncio.sleep(0)  # let them queue
    await store.close()
    assert all(t.done() and isinstance(t.result(), Answer) for t in tasks)
    async with await open_store(db_url) as again:
        assert len(await again.answers_for_post(post.id)) == 30
