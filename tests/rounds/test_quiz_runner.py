"""Quiz rounds through the runner, on the in-memory surface: the lifecycle and the defects it fixed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.errors import PermissionDenied, SessionError
from bot.rounds import Rounds
from bot.rounds.surface import QuestionCard, RevealCard, StandingsCard
from bot.store import Store
from tests.rounds.conftest import ALICE, BOB, CHANNEL, GUILD, MOD
from tests.support.clock import FakeClock
from tests.support.surface import MemorySurface

GOOD = {"t-port": "5000", "t-host": "127.0.0.1", "t-engine": "Jinja2"}


async def _start(rounds: Rounds, count: int = 2, seconds: int = 30, **options: Any) -> asyncio.Task[None]:
    started = await rounds.quiz.start(guild_id=GUILD, channel_id=CHANNEL, owner_id=ALICE, bank="trivia",
                                      topic=None, difficulty=None, count=count, seconds=seconds, manager=False,
                                      **options)
    return rounds.quiz.run(started)


async def test_a_round_asks_collects_reveals_and_posts_standings(rounds: Rounds, store: Store, clock: FakeClock,
                                                                surface: MemorySurface) -> None:
    task = await _start(rounds, count=2)
    (q1,) = await surface.wait_for("question")
    assert isinstance(q1, QuestionCard) and q1.heading == "Question 1/2"
    (action,) = q1.actions
    await rounds.quiz.deps.desk.submit(action.target, BOB, GOOD[q1.question.id])
    await clock.until_sleeping()
    await clock.advance(30)
    (reveal,) = await surface.wait_for("reveal")
    assert isinstance(reveal, RevealCard) and reveal.heading == "Question 1/2 — answer"
    assert [r.user_id for r in reveal.results] == [BOB] and reveal.post_id == action.target
    assert surface.removed == [(CHANNEL, surface.sent[0].message_id)]  # the Answer button is taken off
    await surface.wait_for("question", 2)
    await clock.until_sleeping()
    await clock.advance(30)
    await task
    (standings,) = surface.of("card")
    assert isinstance(standings, StandingsCard) and standings.title == "🏁 Final standings"
    assert [(s.user_id, s.passed) for s in standings.rows] == [(BOB, 1)]
    assert await store.active_session_in_channel(CHANNEL, "quiz") is None


async def test_a_store_failure_mid_round_ends_it_and_frees_the_channel(rounds: Rounds, store: Store,
                                                                       surface: MemorySurface,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "create_post", broken)
    task = await _start(rounds)
    await task
    assert await store.active_session_in_channel(CHANNEL, "quiz") is None
    with pytest.raises(SessionError, match="no quiz round running"):
        await rounds.quiz.control(CHANNEL, ALICE, "stop", moderator=False)
    assert [type(e) for _, e in surface.errors] == [RuntimeError]  # the channel hears an apology
    monkeypatch.undo()
    again = await _start(rounds, count=1)  # the channel is free at once, no restart needed
    await surface.wait_for("question")
    again.cancel()


@pytest.mark.parametrize("action", ["stop", "skip"])
async def test_stop_or_skip_sent_while_the_question_is_posted_takes_effect_at_once(
        action: str, rounds: Rounds, store: Store, surface: MemorySurface) -> None:
    surface.gate = asyncio.Event()
    task = await _start(rounds, count=2, seconds=600)
    await asyncio.wait_for(surface.posting.wait(), 5)  # the question is on its way to Discord
    await rounds.quiz.control(CHANNEL, ALICE, action, moderator=False)  # type: ignore[arg-type]
    surface.gate.set()
    # Without waiting for the 600 s timer (the fake clock never moves here): the reveal comes now.
    (reveal,) = await surface.wait_for("reveal")
    assert reveal.heading == "Question 1/2 — answer"
    if action == "stop":
        await asyncio.wait_for(task, 5)
        assert [c.title for c in surface.of("card")] == ["🏁 Final standings (round stopped)"]
    else:
        await surface.wait_for("question", 2)  # the next question is asked, and not skipped in turn
        await asyncio.sleep(0.05)
        assert len(surface.of("reveal")) == 1
        task.cancel()


async def test_only_the_starter_or_a_moderator_controls_a_round(rounds: Rounds, surface: MemorySurface) -> None:
    task = await _start(rounds, seconds=600)
    await surface.wait_for("question")
    with pytest.raises(PermissionDenied, match="Only the member who started this round"):
        await rounds.quiz.control(CHANNEL, BOB, "skip", moderator=False)
    await rounds.quiz.control(CHANNEL, MOD, "stop", moderator=True)
    await asyncio.wait_for(task, 5)


async def test_a_quiz_role_limits_who_starts(rounds: Rounds, store: Store) -> None:
    await store.update_settings(GUILD, quiz_role_id=77)
    with pytest.raises(PermissionDenied, match="<@&77>"):
        await _start(rounds)
    task = await _start(rounds, role_ids=frozenset({77}))
    task.cancel()


async def test_new_rounds_prefer_questions_not_asked_in_the_channel_lately(rounds: Rounds, clock: FakeClock,
                                                                          surface: MemorySurface) -> None:
    asked = []
    for n in range(3):  # trivia has three questions: three one-question rounds ask each once
        task = await _start(rounds, count=1)
        questions = await surface.wait_for("question", n + 1)
        asked.append(questions[-1].question.id)
        await clock.until_sleeping()
        await clock.advance(30)
        await asyncio.wait_for(task, 5)
    assert sorted(asked) == sorted(GOOD)


async def test_resume_ends_a_session_whose_state_cannot_be_read_and_resumes_the_others(
        rounds: Rounds, store: Store, clock: FakeClock, surface: MemorySurface) -> None:
    broken = await store.create_session(kind="quiz", guild_id=GUILD, channel_id=CHANNEL + 1, owner_id=ALICE,
                                        state={"written by": "a future version"}, now=clock.now())
    post = await store.create_post(guild_id=GUILD, channel_id=CHANNEL + 1, kind="quiz", bank="trivia",
                                   question_id="t-port", topic="ports", difficulty="easy", posted_at=clock.now(),
                                   closes_at=clock.now(), session_id=broken.id)
    await rounds.quiz.start(guild_id=GUILD, channel_id=CHANNEL, owner_id=ALICE, bank="trivia", topic=None,
                            difficulty=None, count=1, seconds=30, manager=False)  # recorded, as before a restart
    await rounds.quiz.resume()
    assert await store.active_session_in_channel(CHANNEL + 1, "quiz") is None  # ended, channel free
    assert (await store.get_post(post.id)).closed_at is not None  # type: ignore[union-attr]  # its post closed
    (standings,) = surface.of("card")  # the healthy round is still resumed: closed with its standings
    assert isinstance(standings, StandingsCard) and standings.title == "🏁 Final standings (round stopped)"
    assert [s.channel_id for s in surface.sent if s.kind == "card"] == [CHANNEL]
