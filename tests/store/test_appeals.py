"""Appeals in the store: one per answer, refused after 7 days, decisions kept; accepting rewrites the answer,
its points on every leaderboard, its review card and the server's phrasings in one transaction."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.review import QuestionRef, review_card
from bot.store import Store
from bot.store.appeals import AppealDecided, AppealNotFound, AppealRefused

from .conftest import make_answer, make_post, utc

T0 = utc(2026, 3, 2, 9, 0)


async def _failed_answer(store: Store, user: int = 7, *, guild: int = 1) -> int:
    post = await make_post(store, guild=guild, question="q1", topic="basics", at=T0)
    answer = await make_answer(store, post, user, passed=False, points=0.6, at=T0)
    return answer.id


async def test_open_appeal_keeps_the_answer_as_graded(store: Store) -> None:
    answer_id = await _failed_answer(store)
    appeal = await store.open_appeal(answer_id=answer_id, user_id=7, reason=" I said it differently ",
                                     now=T0 + timedelta(hours=1))
    assert (appeal.status, appeal.reason, appeal.bank, appeal.question_id) == ("pending", "I said it differently",
                                                                               "flask", "q1")
    assert (appeal.old_score, appeal.old_points, appeal.old_verdict) == (0.3, 0.6, "fail")
    assert await store.appeals(1) == [appeal]
    assert await store.appeal_of_answer(answer_id) == appeal
    await store.set_appeal_message(appeal.id, 50, 60)
    got = await store.get_appeal(appeal.id)
    assert got is not None and (got.review_channel, got.review_message) == (50, 60)


async def test_one_appeal_per_answer(store: Store) -> None:
    answer_id = await _failed_answer(store)
    first = await store.open_appeal(answer_id=answer_id, user_id=7, reason="", now=T0)
    with pytest.raises(AppealRefused) as info:
        await store.open_appeal(answer_id=answer_id, user_id=7, reason="again", now=T0)
    assert info.value.why == "duplicate" and info.value.existing == first
    # Even when both arrive at once, the unique index lets one through.
    other = await _failed_answer(store, user=8, guild=2)
    results = await asyncio.gather(*(store.open_appeal(answer_id=other, user_id=8, reason="", now=T0)
                                     for _ in range(5)), return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, AppealRefused) and r.why == "duplicate" for r in results if isinstance(r, Exception))


@pytest.mark.parametrize(("user", "after", "why"), [
    (8, timedelta(hours=1), "not_yours"),
    (7, timedelta(days=7, seconds=1), "expired"),
])
async def test_refused_appeals(store: Store, user: int, after: timedelta, why: str) -> None:
    answer_id = await _failed_answer(store)
    with pytest.raises(AppealRefused) as info:
        await store.open_appeal(answer_id=answer_id, user_id=user, reason="", now=T0 + after)
    assert info.value.why == why
    assert await store.appeals(1) == []


async def test_seven_days_exactly_is_still_in_time_and_unknown_answers_are_refused(store: Store) -> None:
    answer_id = await _failed_answer(store)
    assert (await store.open_appeal(answer_id=answer_id, user_id=7, reason="", now=T0 + timedelta(days=7))).id
    with pytest.raises(AppealRefused, match="no_answer"):
        await store.open_appeal(answer_id=999, user_id=7, reason="", now=T0)


async def test_full_marks_cannot_be_appealed(store: Store) -> None:
    post = await make_post(store, at=T0)
    answer = await store.record_answer(post_id=post.id, user_id=7, response="x", score=1.0, verdict="pass",
                                       points=1.0, hits=[], misses=[], answered_at=T0, passed=True)
    with pytest.raises(AppealRefused, match="full_marks"):
        await store.open_appeal(answer_id=answer.id, user_id=7, reason="", now=T0)


async def test_accepting_updates_answer_points_leaderboard_card_and_phrasings_together(store: Store) -> None:
    answer_id = await _failed_answer(store)
    before = await store.leaderboard(1, "all", now=T0 + timedelta(days=1), tz="UTC")
    assert [(r.user_id, r.points, r.passed) for r in before] == [(7, 0.6, 0)]
    appeal = await store.open_appeal(answer_id=answer_id, user_id=7, reason="", now=T0)
    decided = await store.accept_appeal(appeal.id, moderator_id=99, reason="valid wording", now=T0 + timedelta(hours=2),
                                        credited=["a point"], missed=[], score=1.0, points=1.0,
                                        phrasings=[("a point", "my words")])
    assert (decided.status, decided.decided_by, decided.decision_reason) == ("accepted", 99, "valid wording")
    assert decided.decided_at == T0 + timedelta(hours=2)
    assert (decided.credited, decided.new_score, decided.new_points, decided.phrasing) == (
        ("a point",), 1.0, 1.0, "my words")
    (post_answer,) = [a for p in await store.open_posts() for a in await store.answers_for_post(p.id)]
    assert (post_answer.score, post_answer.verdict, post_answer.passed, post_answer.points) == (1.0, "pass", True, 1.0)
    assert post_answer.hits == ("a point",) and post_answer.misses == ()
    after = await store.leaderboard(1, "all", now=T0 + timedelta(days=1), tz="UTC")
    assert [(r.user_id, r.points, r.passed) for r in after] == [(7, 1.0, 1)]
    stats = await store.member_stats(1, 7, now=T0 + timedelta(days=1), tz="UTC")
    assert (stats.points, stats.passed) == (1.0, 1)
    card = await store.get_card(7, QuestionRef("flask", "q1"))
    assert card is not None and card.card == review_card(None, 1.0, True, T0)
    assert [(p.point, p.phrasing, p.appeal_id, p.added_by) for p in await store.phrasings(1)] == [
        ("a point", "my words", appeal.id, 99)]


async def test_a_decision_is_final_and_kept(store: Store) -> None:
    answer_id = await _failed_answer(store)
    appeal = await store.open_appeal(answer_id=answer_id, user_id=7, reason="", now=T0)
    rejected = await store.reject_appeal(appeal.id, moderator_id=42, reason="misses the point", now=T0)
    assert (rejected.status, rejected.decided_by, rejected.decision_reason) == ("rejected", 42, "misses the point")
    with pytest.raises(AppealDecided) as info:
        await store.accept_appeal(appeal.id, moderator_id=43, reason="", now=T0, credited=[], missed=[], score=1.0,
                                  points=1.0)
    assert info.value.appeal.decided_by == 42
    with pytest.raises(AppealDecided):
        await store.reject_appeal(appeal.id, moderator_id=43, reason="", now=T0)
    # The rejected answer stands, and so does the leaderboard.
    board = await store.leaderboard(1, "all", now=T0 + timedelta(days=1), tz="UTC")
    assert [(r.points, r.passed) for r in board] == [(0.6, 0)]
    assert (await store.get_appeal(appeal.id)) == rejected
    assert await store.appeals(1, "rejected") == [rejected]
    with pytest.raises(AppealNotFound):
        await store.reject_appeal(12345, moderator_id=1, reason="", now=T0)


async def test_a_failing_accept_changes_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    answer_id = await _failed_answer(store)
    appeal = await store.open_appeal(answer_id=answer_id, user_id=7, reason="", now=T0)

    async def broken(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("card update failed")

    monkeypatch.setattr("bot.store.appeals.rerate_answer", broken)
    with pytest.raises(RuntimeError):
        await store.accept_appeal(appeal.id, moderator_id=1, reason="", now=T0, credited=["a point"], missed=[],
                                  score=1.0, points=1.0, phrasings=[("a point", "x")])
    assert (await store.get_appeal(appeal.id)).status == "pending"  # type: ignore[union-attr]
    board = await store.leaderboard(1, "all", now=T0 + timedelta(days=1), tz="UTC")
    assert [(r.points, r.passed) for r in board] == [(0.6, 0)]
    assert await store.phrasings(1) == []
