"""Interviews through the runner, on the in-memory surface: errors reach the member, thinking aloud is not an
answer, invisible answers are empty."""

from __future__ import annotations

from typing import Any

import pytest

from bot.rounds import Rounds
from bot.rounds.interview import TAKE_YOUR_TIME, TEXT_ONLY, Started
from bot.rounds.surface import FeedbackCard, QuestionCard, ReportCard
from bot.store import Store
from tests.rounds.conftest import ALICE, BOB, CHANNEL, GUILD
from tests.support.surface import MemorySurface

GOOD = {"t-port": "5000", "t-host": "127.0.0.1", "t-engine": "Jinja2"}


async def _begin(rounds: Rounds, count: int = 2) -> Started:
    runner = rounds.interview
    plan = await runner.plan(guild_id=GUILD, user_id=ALICE, bank="trivia", topic=None, difficulty=None, count=count)
    started = await runner.open(plan, parent_channel_id=CHANNEL, user_name="alice")
    await runner.begin(started)
    return started


def _questions(surface: MemorySurface) -> list[QuestionCard]:
    return surface.of("question")


async def test_an_interview_asks_grades_and_reports(rounds: Rounds, store: Store, surface: MemorySurface) -> None:
    started = await _begin(rounds)
    place = started.place.channel_id
    welcome = surface.sent[0]
    assert welcome.kind == "text" and welcome.ping == ALICE and not started.place.dm
    for n in (1, 2):
        await rounds.interview.on_message(place, ALICE, GOOD[_questions(surface)[-1].question.id])
        assert len([c for c in surface.of("card") if isinstance(c, FeedbackCard)]) == n
    report = surface.of("card")[-1]
    assert isinstance(report, ReportCard) and not report.stopped and report.average == 1.0
    assert await store.active_session_of(GUILD, ALICE, "interview") is None


async def test_others_messages_and_other_channels_are_ignored(rounds: Rounds, surface: MemorySurface) -> None:
    started = await _begin(rounds)
    before = len(surface.sent)
    await rounds.interview.on_message(started.place.channel_id, BOB, "5000")
    await rounds.interview.on_message(CHANNEL, ALICE, "5000")
    assert len(surface.sent) == before


async def test_an_unexpected_error_in_an_answer_reaches_the_member_and_ends_the_interview(
        rounds: Rounds, store: Store, surface: MemorySurface, monkeypatch: pytest.MonkeyPatch) -> None:
    started = await _begin(rounds)

    async def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "record_answer", broken)
    await rounds.interview.on_message(started.place.channel_id, ALICE, GOOD[_questions(surface)[-1].question.id])
    assert [(c, type(e)) for c, e in surface.errors] == [(started.place.channel_id, RuntimeError)]
    assert await store.active_session_of(GUILD, ALICE, "interview") is None  # free to start again
    assert started.place.channel_id not in rounds.interview.by_channel


@pytest.mark.parametrize("text", ["hmm, let me think", "wait", "one sec", "Hmmm…", "give me a minute"])
async def test_thinking_aloud_is_not_graded(text: str, rounds: Rounds, store: Store,
                                            surface: MemorySurface) -> None:
    started = await _begin(rounds)
    place = started.place.channel_id
    await rounds.interview.on_message(place, ALICE, text)
    assert surface.of("text")[-1] == TAKE_YOUR_TIME and surface.of("card") == []
    row = await store.get_session(started.row.id)
    assert row is not None and row.state["index"] == 0 and row.state["results"] == []
    await rounds.interview.on_message(place, ALICE, GOOD[_questions(surface)[-1].question.id])
    assert isinstance(surface.of("card")[-1], FeedbackCard)


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\u2060\ufeff", "\u3164", "\u200d \u200c"])
async def test_invisible_answers_are_empty(text: str, rounds: Rounds, store: Store, surface: MemorySurface) -> None:
    started = await _begin(rounds)
    await rounds.interview.on_message(started.place.channel_id, ALICE, text)
    assert surface.of("text")[-1] == TEXT_ONLY and surface.of("card") == []
    row = await store.get_session(started.row.id)
    assert row is not None and row.state["results"] == []


async def test_stop_posts_the_report_and_frees_the_member(rounds: Rounds, store: Store,
                                                         surface: MemorySurface) -> None:
    await _begin(rounds)
    row = await rounds.interview.running(GUILD, ALICE)
    await rounds.interview.stop(row)
    report = surface.of("card")[-1]
    assert isinstance(report, ReportCard) and report.stopped
    assert await store.active_session_of(GUILD, ALICE, "interview") is None


async def test_without_threads_or_dms_nothing_is_recorded(rounds: Rounds, store: Store,
                                                          surface: MemorySurface) -> None:
    surface.no_threads = surface.no_dms = True
    with pytest.raises(Exception, match="can't open a private thread"):
        await _begin(rounds)
    assert await store.active_session_of(GUILD, ALICE, "interview") is None


async def test_interview_answers_are_timed_in_the_grading_metric(rounds: Rounds, surface: MemorySurface) -> None:
    from bot.observability import REGISTRY

    def graded() -> float:
        return REGISTRY.get_sample_value("viva_grading_seconds_count") or 0.0

    started = await _begin(rounds, count=1)
    before = graded()
    await rounds.interview.on_message(started.place.channel_id, ALICE, GOOD[_questions(surface)[-1].question.id])
    assert graded() == before + 1
