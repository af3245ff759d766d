"""The review runner: due cards first then the weakest topic, grading review answers, /review missed, reminders."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import SessionError, UserError
from bot.review import QuestionRef, Rating
from bot.rounds.review import REMINDER_TEXT, ReviewRunner
from bot.store import Store
from tests.support.clock import FakeClock
from tests.support.surface import MemorySurface

ALICE = 31
PORT, HOST, ENGINE = QuestionRef("trivia", "t-port"), QuestionRef("trivia", "t-host"), QuestionRef("trivia", "t-engine")


async def graded_in_a_quiz(store: Store, user: int, ref: QuestionRef, topic: str, passed: bool, at: datetime,
                           session_id: int | None = None) -> None:
    """A quiz answer, recorded the way rounds record them (the card follows in the same transaction)."""
    post = await store.create_post(guild_id=10, channel_id=20, kind="quiz", bank=ref.bank, question_id=ref.question_id,
                                   topic=topic, difficulty="easy", posted_at=at, session_id=session_id)
    await store.record_answer(post_id=post.id, user_id=user, response="x", score=1.0 if passed else 0.0,
                              verdict="pass" if passed else "fail", points=1.0 if passed else 0.0, hits=[], misses=[],
                              answered_at=at, passed=passed)


async def test_a_failed_quiz_question_comes_back_first_once_due(runner: ReviewRunner, store: Store,
                                                                clock: FakeClock) -> None:
    await graded_in_a_quiz(store, ALICE, ENGINE, "templates", False, clock.now())
    await graded_in_a_quiz(store, ALICE, PORT, "basics", True, clock.now())
    # Not due yet (a failed card is due again within minutes): a new question from the weakest topic comes first.
    item = await runner.next_item(ALICE, 10)
    assert item is not None and item.reason == "new" and item.due == 0
    assert item.ref == HOST  # templates (failed) has no new question left; basics comes next
    await clock.advance(15 * 60)
    item = await runner.next_item(ALICE, 10)
    assert item is not None
    assert (item.ref, item.reason, item.due) == (ENGINE, "due", 1)


async def test_new_questions_come_from_the_weakest_topic(runner: ReviewRunner, store: Store, clock: FakeClock) -> None:
    await graded_in_a_quiz(store, ALICE, PORT, "basics", False, clock.now())
    await graded_in_a_quiz(store, ALICE, ENGINE, "templates", True, clock.now())
    item = await runner.next_item(ALICE, None)
    assert item is not None and (item.ref, item.reason) == (HOST, "new")  # basics is weakest; t-host is new there


async def test_answering_grades_moves_the_card_and_refuses_a_double_submission(
        runner: ReviewRunner, store: Store, clock: FakeClock) -> None:
    outcome = await runner.answer(ALICE, 10, PORT, "  5000 ")
    assert outcome.grade.verdict == "pass" and outcome.card.last_rating is Rating.Easy
    assert outcome.card.due - clock.now() >= timedelta(days=1)
    assert await store.leaderboard(10, "all", now=clock.now(), tz="UTC") == []  # no points for reviews
    with pytest.raises(SessionError, match="just answered"):
        await runner.answer(ALICE, 10, PORT, "5000")
    with pytest.raises(UserError, match="empty"):
        await runner.answer(ALICE, 10, HOST, "   ")
    wrong = await runner.answer(ALICE, 10, HOST, "8080")
    assert wrong.grade.verdict == "fail" and wrong.card.last_rating is Rating.Again
    assert wrong.card.due - clock.now() <= timedelta(minutes=10)
    with pytest.raises(SessionError, match="removed"):
        await runner.answer(ALICE, 10, QuestionRef("trivia", "gone"), "x")


async def test_everything_reviewed_and_nothing_due_gives_none(runner: ReviewRunner, clock: FakeClock) -> None:
    for ref, text in ((PORT, "5000"), (HOST, "localhost"), (ENGINE, "Jinja2"),
                      (QuestionRef("mini", "blueprints"), "Blueprints split the app into modules with their own "
                       "routes and templates, registered with a url_prefix."),
                      (QuestionRef("mini", "app-factory"), "A create_app function builds the app with the config "
                       "passed at creation, so testing with several app instances is easy.")):
        await runner.answer(ALICE, None, ref, text)
    assert await runner.next_item(ALICE, None) is None
    summary = await runner.summary(ALICE)
    assert summary.cards == 5 and summary.due == 0 and summary.next_due is not None
    await clock.advance(to=summary.next_due)
    item = await runner.next_item(ALICE, None)
    assert item is not None and item.reason == "due"


async def test_missed_replays_the_failed_questions_of_the_last_round(runner: ReviewRunner, store: Store,
                                                                     clock: FakeClock) -> None:
    with pytest.raises(SessionError, match="haven't answered"):
        await runner.missed_item(ALICE, 10)
    session = await store.create_session(kind="quiz", guild_id=10, channel_id=20, owner_id=ALICE, state={},
                                         now=clock.now())
    await graded_in_a_quiz(store, ALICE, PORT, "basics", False, clock.now(), session.id)
    await graded_in_a_quiz(store, ALICE, HOST, "basics", True, clock.now(), session.id)
    await graded_in_a_quiz(store, ALICE, ENGINE, "templates", False, clock.now(), session.id)
    first = await runner.missed_item(ALICE, 10, 0)
    second = await runner.missed_item(ALICE, 10, 1)
    assert first is not None and second is not None
    assert [(i.ref, i.reason, i.mode, i.position, i.total) for i in (first, second)] == [
        (PORT, "missed", "missed", 0, 2), (ENGINE, "missed", "missed", 1, 2)]
    assert await runner.missed_item(ALICE, 10, 2) is None
    # Reviewing them does not change what the last round was.
    await runner.answer(ALICE, 10, PORT, "5000")
    again = await runner.missed_item(ALICE, 10, 0)
    assert again is not None and again.ref == PORT


async def test_missed_after_a_perfect_round_says_so(runner: ReviewRunner, store: Store, clock: FakeClock) -> None:
    await graded_in_a_quiz(store, ALICE, PORT, "basics", True, clock.now())
    with pytest.raises(SessionError, match="passed every question"):
        await runner.missed_item(ALICE, 10)


async def test_reminder_dms_once_a_day_at_local_time_only_when_cards_are_due(
        runner: ReviewRunner, store: Store, clock: FakeClock, surface: MemorySurface) -> None:
    # 10:00 UTC = 11:00 in Berlin: 09:00 has passed today, so the first reminder is tomorrow's.
    reminder = await runner.remind(ALICE, True, "09:00", "Europe/Berlin")
    assert reminder is not None and reminder.local_time.hour == 9
    assert runner.next_reminder_at(reminder) == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    await runner.answer(ALICE, 10, HOST, "8080")  # a failed card: due within minutes
    assert await runner.run_reminders() == 0  # not the time yet
    await clock.advance(to=datetime(2026, 3, 28, 8, 0, tzinfo=UTC))
    assert await runner.run_reminders() == 1
    assert surface.of("text") == [REMINDER_TEXT.format(due=1)]
    assert await runner.run_reminders() == 0  # never twice a day
    # Sunday: summer time starts, 09:00 is 07:00 UTC; nothing due once the card is reviewed → no DM.
    await runner.answer(ALICE, 10, HOST, "localhost")
    await clock.advance(to=datetime(2026, 3, 29, 7, 0, tzinfo=UTC))
    assert await runner.run_reminders() == 0
    assert (await store.get_reminder(ALICE)).last_sent_on.isoformat() == "2026-03-29"  # type: ignore[union-attr]
    assert await runner.remind(ALICE, False) is None
    assert await store.enabled_reminders() == []


async def test_reminder_needs_a_time_first_and_checks_it(runner: ReviewRunner) -> None:
    with pytest.raises(UserError, match="Say when"):
        await runner.remind(ALICE, True)
    with pytest.raises(UserError):
        await runner.remind(ALICE, True, "25:00", "UTC")
    with pytest.raises(UserError):
        await runner.remind(ALICE, True, "18:00", "Mars/Olympus")
    reminder = await runner.remind(ALICE, True, "18:00", None)
    assert reminder is not None and reminder.timezone == "UTC"
    later = await runner.remind(ALICE, True, None, "Asia/Tokyo")  # keeps the time, changes the zone
    assert later is not None and (later.local_time.hour, later.timezone) == (18, "Asia/Tokyo")


async def test_a_blocked_dm_is_logged_and_the_day_still_counts_as_handled(
        runner: ReviewRunner, store: Store, clock: FakeClock, surface: MemorySurface) -> None:
    await runner.remind(ALICE, True, "12:00", "UTC")
    await runner.answer(ALICE, 10, HOST, "8080")
    surface.no_dms = True
    await clock.advance(to=datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    assert await runner.run_reminders() == 0
    assert (await store.get_reminder(ALICE)).last_sent_on is not None  # type: ignore[union-attr]


async def test_the_loop_wakes_at_the_reminder_time_on_the_fake_clock(
        runner: ReviewRunner, clock: FakeClock, surface: MemorySurface) -> None:
    await runner.remind(ALICE, True, "10:30", "UTC")
    await runner.answer(ALICE, 10, HOST, "8080")
    task = asyncio.create_task(runner.loop())
    try:
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert surface.of("text") == []
        await clock.advance(30 * 60)
        await surface.wait_for("text")
        assert surface.of("text") == [REMINDER_TEXT.format(due=1)]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
