"""The answer desk and a member's private result: invisible answers are empty, "passed" comes from grading."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.answering import AnswerDesk, clean_answer, not_an_answer_yet
from bot.bank.catalog import Catalog
from bot.errors import SessionError, UserError
from bot.grading import grade
from bot.rounds.results import private_result
from bot.store import Post, Store
from tests.rounds.conftest import ALICE, BOB, CHANNEL, GUILD
from tests.support.clock import FakeClock


async def _post(store: Store, clock: FakeClock, bank: str = "mini", question_id: str = "blueprints") -> Post:
    now = clock.now()
    return await store.create_post(guild_id=GUILD, channel_id=CHANNEL, kind="quiz", bank=bank,
                                   question_id=question_id, topic="architecture", difficulty="medium", posted_at=now,
                                   closes_at=now + timedelta(seconds=60))


@pytest.fixture
def desk(store: Store, catalog: Catalog, clock: FakeClock) -> AnswerDesk:
    """The desk over the test banks."""
    return AnswerDesk(store, lambda: catalog, clock)


@pytest.mark.parametrize("text", ["\u200b", "\u200b\u200c\u200d", " \u2060 ", "\ufeff", "\u3164\u3164", "\u00ad"])
async def test_an_answer_of_invisible_characters_is_empty_and_not_saved(text: str, desk: AnswerDesk, store: Store,
                                                                      clock: FakeClock) -> None:
    post = await _post(store, clock)
    with pytest.raises(UserError, match="empty"):
        await desk.submit(post.id, ALICE, text)
    assert await store.answers_for_post(post.id) == []


def test_visible_text_with_invisible_characters_is_kept() -> None:
    assert clean_answer("  5\u200b000 ") == "5\u200b000"
    assert clean_answer("é") == "é" and clean_answer("\u200b") == ""


@pytest.mark.parametrize(("text", "stalling"), [
    ("hmm", True), ("umm, wait", True), ("let me think", True), ("one sec", True), ("hold on", True),
    ("I think it is 5000", False), ("wait, blueprints split the app into modules", False), ("idk", False),
    ("no", False), ("5000", False),
])
def test_thinking_aloud_is_recognised(text: str, stalling: bool) -> None:
    assert not_an_answer_yet(text) is stalling


async def test_passed_is_read_from_the_grade(desk: AnswerDesk, store: Store, clock: FakeClock, catalog: Catalog,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    post = await _post(store, clock)
    seen: dict[str, Any] = {}
    record = store.record_answer

    async def spy(**kwargs: Any) -> Any:
        seen.update(kwargs)
        return await record(**kwargs)

    monkeypatch.setattr(store, "record_answer", spy)
    text = "Blueprints split the app into modules with their own routes and templates, registered with a url_prefix."
    receipt = await desk.submit(post.id, ALICE, text)
    question = catalog.question("mini", "blueprints")
    assert question is not None
    assert seen["passed"] is grade(question, text).passed is True  # decided by grading, not from the verdict text
    assert receipt.answer.passed


async def test_my_result_shows_the_words_that_counted_once_revealed(desk: AnswerDesk, store: Store,
                                                                    clock: FakeClock, catalog: Catalog) -> None:
    post = await _post(store, clock)
    await desk.submit(post.id, ALICE, "They split the app into modules.")
    with pytest.raises(SessionError, match="still open"):
        await private_result(store, catalog, post.id, ALICE)
    await store.close_post(post.id, clock.now())
    mine = await private_result(store, catalog, post.id, ALICE)
    assert mine.answer is not None and mine.feedback is not None
    assert [h.point for h in mine.feedback.hits] == ["split the app into modules"]
    assert "modules" in mine.feedback.hits[0].matched and len(mine.feedback.misses) == 2
    other = await private_result(store, catalog, post.id, BOB)
    assert other.answer is None and other.feedback is None and other.question.id == "blueprints"


async def test_an_open_post_is_read_once_for_many_clicks_and_closing_is_seen_at_once(
        desk: AnswerDesk, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    post = await _post(store, clock, "trivia", "t-port")
    reads = {"post": 0, "answer": 0}
    get_post, get_answer = store.get_post, store.get_answer

    async def counted_post(post_id: int) -> Post | None:
        reads["post"] += 1
        return await get_post(post_id)

    async def counted_answer(post_id: int, user_id: int) -> Any:
        reads["answer"] += 1
        return await get_answer(post_id, user_id)

    monkeypatch.setattr(store, "get_post", counted_post)
    monkeypatch.setattr(store, "get_answer", counted_answer)
    await asyncio.gather(*(desk.open_question(post.id, user) for user in range(100, 300)))
    await desk.submit(post.id, ALICE, "5000")
    assert reads == {"post": 1, "answer": 0}
    with pytest.raises(SessionError, match="already answered"):
        await desk.open_question(post.id, ALICE)
    await desk.close(post.id, clock.now())
    with pytest.raises(SessionError, match="closed"):
        await desk.submit(post.id, BOB, "5000")
    assert [a.user_id for a in await store.answers_for_post(post.id)] == [ALICE]
