"""Review cards in the store: every graded answer updates its card in the answer's transaction; /review answers,
due cards, weakest-topic records, the last round's misses, appeals re-rating an answer, reminders."""

from __future__ import annotations

import asyncio
from datetime import date, time, timedelta

import pytest

from bot.review import QuestionRef, Rating, State, TopicRecord, review_card
from bot.store import Store
from bot.store.reviews import rerate_answer

from .conftest import make_answer, make_post, utc

T0 = utc(2026, 3, 2, 9, 0)
FLASK_Q1 = QuestionRef("flask", "q1")


async def test_a_graded_answer_creates_the_members_card(store: Store) -> None:
    post = await make_post(store, question="q1", topic="basics", at=T0)
    answer = await make_answer(store, post, 7, passed=False, at=T0)
    stored = await store.get_card(7, FLASK_Q1)
    assert stored is not None
    assert stored.topic == "basics" and stored.last_answer_id == answer.id
    assert stored.card == review_card(None, 0.3, False, T0)
    assert stored.card.last_rating is Rating.Again and stored.card.reviews == 1 and stored.card.passes == 0
    assert await store.get_card(8, FLASK_Q1) is None


async def test_answers_to_the_same_question_in_any_kind_or_server_build_one_card(store: Store) -> None:
    quiz = await make_post(store, guild=1, question="q1", at=T0)
    daily = await make_post(store, guild=2, kind="daily", question="q1", daily_date=date(2026, 3, 3),
                            at=T0 + timedelta(days=1))
    await make_answer(store, quiz, 7, passed=True, at=T0)
    await make_answer(store, daily, 7, passed=True, at=T0 + timedelta(days=1))
    stored = await store.get_card(7, FLASK_Q1)
    assert stored is not None
    expected = review_card(review_card(None, 0.8, True, T0), 0.8, True, T0 + timedelta(days=1))
    assert stored.card == expected
    assert stored.card.reviews == 2 and stored.card.passes == 2


async def test_concurrent_answers_committed_in_one_batch_each_update_their_card(store: Store) -> None:
    posts = [await make_post(store, question=f"q{i}", at=T0) for i in range(20)]
    await asyncio.gather(*(make_answer(store, p, user, passed=user % 2 == 0, at=T0)
                           for p in posts for user in (1, 2)))
    for user in (1, 2):
        refs = await store.card_refs(user)
        assert refs == {QuestionRef("flask", f"q{i}") for i in range(20)}
    assert (await store.topic_records(2)) == [TopicRecord("flask", "basics", 20, 20)]
    assert (await store.topic_records(1)) == [TopicRecord("flask", "basics", 20, 0)]


async def test_a_duplicate_answer_does_not_review_the_card_twice(store: Store) -> None:
    post = await make_post(store, at=T0)
    await make_answer(store, post, 7, at=T0)
    with pytest.raises(Exception, match="already"):
        await make_answer(store, post, 7, at=T0)
    stored = await store.get_card(7, FLASK_Q1)
    assert stored is not None and stored.card.reviews == 1


async def test_record_review_updates_the_card_without_an_answer(store: Store) -> None:
    card = await store.record_review(7, FLASK_Q1, "basics", score=1.0, passed=True, at=T0)
    assert card.state is State.Review and card.last_rating is Rating.Easy
    stored = await store.get_card(7, FLASK_Q1)
    assert stored is not None and stored.card == card and stored.last_answer_id is None
    board = await store.leaderboard(1, "all", now=T0, tz="UTC")
    assert board == []  # review answers earn no points


async def test_due_cards_summary_and_next_due(store: Store) -> None:
    failed = await store.record_review(7, QuestionRef("flask", "a"), "basics", score=0.0, passed=False, at=T0)
    easy = await store.record_review(7, QuestionRef("flask", "b"), "basics", score=1.0, passed=True, at=T0)
    summary = await store.review_summary(7, T0)
    assert (summary.cards, summary.due, summary.next_due) == (2, 0, failed.due)
    later = failed.due + timedelta(seconds=1)
    assert [c.ref.question_id for c in await store.due_cards(7, later)] == ["a"]
    summary = await store.review_summary(7, easy.due)
    assert (summary.cards, summary.due, summary.next_due) == (2, 2, None)
    assert [c.ref.question_id for c in await store.due_cards(7, easy.due)] == ["a", "b"]
    assert await store.due_cards(8, easy.due) == []
    assert (await store.review_summary(8, T0)).cards == 0


async def test_last_round_misses_is_the_latest_session_or_daily(store: Store) -> None:
    assert await store.last_round_misses(7) == []
    old = await store.create_session(kind="quiz", guild_id=1, channel_id=10, owner_id=7, state={}, now=T0)
    p_old = await make_post(store, question="old", session_id=old.id, at=T0)
    await make_answer(store, p_old, 7, passed=False, at=T0)
    await store.finish_session(old.id, T0)
    last = await store.create_session(kind="quiz", guild_id=1, channel_id=10, owner_id=7, state={},
                                      now=T0 + timedelta(hours=1))
    for i, passed in enumerate([False, True, False]):
        post = await make_post(store, question=f"r{i}", session_id=last.id, at=T0 + timedelta(hours=1, minutes=i))
        await make_answer(store, post, 7, passed=passed, at=post.posted_at)
    assert await store.last_round_misses(7) == [QuestionRef("flask", "r0"), QuestionRef("flask", "r2")]
    daily = await make_post(store, kind="daily", question="d", daily_date=date(2026, 3, 3), at=T0 + timedelta(days=1))
    await make_answer(store, daily, 7, passed=True, at=daily.posted_at)
    assert await store.last_round_misses(7) == []


async def test_rerate_answer_rebuilds_the_card_from_before_that_answer(store: Store) -> None:
    first = await make_post(store, question="q1", at=T0)
    second = await make_post(store, question="q1", at=T0 + timedelta(days=2))
    await make_answer(store, first, 7, passed=True, at=T0)
    appealed = await make_answer(store, second, 7, passed=False, at=T0 + timedelta(days=2))
    async with store._db.transaction() as tx:
        assert await rerate_answer(tx, appealed.id, 0.95, True)
    stored = await store.get_card(7, FLASK_Q1)
    assert stored is not None
    assert stored.card == review_card(review_card(None, 0.8, True, T0), 0.95, True, T0 + timedelta(days=2))
    assert stored.card.lapses == 0 and stored.card.passes == 2 and stored.card.reviews == 2
    # An earlier answer whose card was reviewed since is left alone.
    async with store._db.transaction() as tx:
        assert not await rerate_answer(tx, appealed.id - 1, 0.1, False)


async def test_reminders_on_off_and_handled_once_a_day(store: Store) -> None:
    assert await store.get_reminder(7) is None
    assert not await store.disable_reminder(7, T0)
    r = await store.set_reminder(7, local_time=time(18, 30), timezone="Europe/Berlin", now=T0)
    assert (r.enabled, r.local_time, r.timezone, r.last_sent_on) == (True, time(18, 30), "Europe/Berlin", None)
    assert [x.user_id for x in await store.enabled_reminders()] == [7]
    assert await store.mark_reminder_handled(7, date(2026, 3, 2))
    assert not await store.mark_reminder_handled(7, date(2026, 3, 2))
    assert not await store.mark_reminder_handled(7, date(2026, 3, 1))
    assert (await store.get_reminder(7)).last_sent_on == date(2026, 3, 2)  # type: ignore[union-attr]
    assert await store.disable_reminder(7, T0)
    assert await store.enabled_reminders() == []
    again = await store.set_reminder(7, local_time=time(8, 0), timezone="UTC", now=T0, handled_through=date(2026, 3, 2))
    assert again.enabled and again.last_sent_on == date(2026, 3, 2)
