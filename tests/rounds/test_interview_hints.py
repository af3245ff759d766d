"""The interview runner's Hint (issue 13), on the in-memory surface: once per question, only for the interviewee and
the question being asked, recorded before it is shown, the button gone once used or answered, points × 0.8."""

from __future__ import annotations

import pytest

from bot.errors import SessionError
from bot.rounds import Rounds
from bot.rounds.interview import Started
from bot.rounds.surface import Action, FeedbackCard, QuestionCard, SurfaceError
from bot.sessions.interview import HINT_FACTOR, InterviewState
from bot.sessions.scoring import points_for
from bot.store import Store
from tests.rounds.conftest import ALICE, BOB, GUILD
from tests.support.surface import MemorySurface

GOOD = {"t-port": "5000", "t-host": "127.0.0.1", "t-engine": "Jinja2"}


async def _begin(rounds: Rounds, count: int = 2) -> Started:
    runner = rounds.interview
    plan = await runner.plan(guild_id=GUILD, user_id=ALICE, bank="trivia", topic=None, difficulty=None, count=count)
    started = await runner.open(plan, parent_channel_id=None, user_name="alice")
    await runner.begin(started)
    return started


def _last_question(surface: MemorySurface) -> tuple[QuestionCard, int]:
    sent = [s for s in surface.sent if s.kind == "question"][-1]
    return sent.payload, sent.message_id


async def test_a_hint_is_recorded_shown_once_and_costs_a_fifth_of_the_points(
        rounds: Rounds, store: Store, surface: MemorySurface) -> None:
    started = await _begin(rounds)
    card, message_id = _last_question(surface)
    (action,) = card.actions
    assert action.kind == "hint" and isinstance(action, Action)
    post_id = action.target
    text = await rounds.interview.hint(post_id, ALICE)
    assert "The answer" in text and GOOD[card.question.id] not in text
    row = await store.get_session(started.row.id)
    assert row is not None and InterviewState.from_dict(row.state).hinted  # recorded before it is shown
    assert (started.place.channel_id, message_id) in surface.removed  # the button is gone
    with pytest.raises(SessionError, match="already had the hint"):
        await rounds.interview.hint(post_id, ALICE)

    await rounds.interview.on_message(started.place.channel_id, ALICE, GOOD[card.question.id])
    feedback = [c for c in surface.of("card") if isinstance(c, FeedbackCard)][-1]
    assert feedback.hinted and feedback.final
    (answer,) = await store.answers_for_post(post_id)
    assert answer.score == 1.0
    assert answer.points == round(points_for(1.0, card.question.difficulty) * HINT_FACTOR, 2)

    with pytest.raises(SessionError, match="already answered"):
        await rounds.interview.hint(post_id, ALICE)  # a stale button under an answered question
    next_card = _last_question(surface)[0]
    assert next_card.actions and not InterviewState.from_dict(
        (await store.get_session(started.row.id) or started.row).state).hinted  # a fresh hint for the next one


async def test_only_the_interviewee_gets_a_hint(rounds: Rounds, surface: MemorySurface) -> None:
    await _begin(rounds)
    card, _ = _last_question(surface)
    with pytest.raises(SessionError, match="Only the member being interviewed"):
        await rounds.interview.hint(card.actions[0].target, BOB)


async def test_answering_without_a_hint_removes_the_button_and_a_failed_edit_is_harmless(
        rounds: Rounds, store: Store, surface: MemorySurface) -> None:
    started = await _begin(rounds)
    card = _last_question(surface)[0]
    surface.fail_next["remove"] = SurfaceError("Discord said no")
    await rounds.interview.on_message(started.place.channel_id, ALICE, GOOD[card.question.id])
    (answer,) = await store.answers_for_post(card.actions[0].target)
    assert answer.score == 1.0 and answer.points == points_for(1.0, card.question.difficulty)
    assert len(surface.of("question")) == 2  # the interview went on
    await rounds.interview.on_message(started.place.channel_id, ALICE, GOOD[_last_question(surface)[0].question.id])
    assert (started.place.channel_id, _last_question(surface)[1]) in surface.removed
    assert await store.active_session_of(GUILD, ALICE, "interview") is None
