"""Privacy in the store: a member erases their data in one server (others and other servers untouched, boards
recomputed), and a server's retention drops old answer texts while keeping scores."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.bank.models import KeyPoint, Question
from bot.review import QuestionRef
from bot.sessions.interview import InterviewState, take_answer
from bot.store import Store
from bot.store.privacy import InterviewInProgress, scrub_interview_state

from .conftest import make_answer, make_post, utc

T0 = utc(2026, 3, 2, 9, 0)
LATER = T0 + timedelta(days=1)
ALICE, BOB = 7, 8
HERE, ELSEWHERE = 1, 2


async def _board(store: Store, guild: int = HERE) -> list[tuple[int, float]]:
    return [(r.user_id, r.points) for r in await store.leaderboard(guild, "all", now=LATER, tz="UTC")]


async def _answers(store: Store, guild: int = HERE) -> list[tuple[int, str]]:
    """(user, response) of every answer in the server, by post."""
    out: list[tuple[int, str]] = []
    for post_id in range(1, 200):
        post = await store.get_post(post_id)
        if post is None or post.guild_id != guild:
            continue
        out += [(a.user_id, a.response) for a in await store.answers_for_post(post_id)]
    return out


async def _two_members_two_servers(store: Store) -> None:
    """Alice and Bob answer q1 and q2 here; Alice answers q1 and q3 elsewhere."""
    for question, at in (("q1", T0), ("q2", T0 + timedelta(hours=1))):
        post = await make_post(store, guild=HERE, question=question, at=at)
        await make_answer(store, post, ALICE, points=2.0, at=at, response=f"alice here {question}")
        await make_answer(store, post, BOB, points=1.0, at=at, response=f"bob here {question}")
    for question in ("q1", "q3"):
        post = await make_post(store, guild=ELSEWHERE, question=question, at=T0)
        await make_answer(store, post, ALICE, points=5.0, at=T0, response=f"alice elsewhere {question}")


async def test_erase_removes_the_member_here_and_nothing_else(store: Store) -> None:
    await _two_members_two_servers(store)
    assert await _board(store) == [(ALICE, 4.0), (BOB, 2.0)]
    before = await store.member_data(HERE, ALICE)
    assert (before.answers, before.answer_texts, before.review_cards) == (2, 2, 2)
    assert (before.first_answer, before.last_answer) == (T0, T0 + timedelta(hours=1))

    erased = await store.erase_member(HERE, ALICE)

    assert erased == before
    assert await _board(store) == [(BOB, 2.0)]  # the leaderboard is recomputed: Alice is gone, Bob's rank is #1
    assert await store.member_rank(HERE, ALICE, "all", now=LATER, tz="UTC") is None
    stats = await store.member_stats(HERE, ALICE, now=LATER, tz="UTC")
    assert (stats.answers, stats.points, stats.topics) == (0, 0.0, [])
    assert sorted(await _answers(store)) == [(BOB, "bob here q1"), (BOB, "bob here q2")]
    # The other server keeps Alice's answers and their points.
    assert await _board(store, ELSEWHERE) == [(ALICE, 10.0)]
    assert sorted(await _answers(store, ELSEWHERE)) == [(ALICE, "alice elsewhere q1"), (ALICE, "alice elsewhere q3")]
    # Cards of questions answered here go (q1 too: a card is shared across servers); q3, only elsewhere, stays.
    assert await store.get_card(ALICE, QuestionRef("flask", "q1")) is None
    assert await store.get_card(ALICE, QuestionRef("flask", "q2")) is None
    assert await store.get_card(ALICE, QuestionRef("flask", "q3")) is not None
    assert await store.get_card(BOB, QuestionRef("flask", "q1")) is not None
    after = await store.member_data(HERE, ALICE)
    assert after.empty and after.answers == 0 and after.first_answer is None
    assert (await store.member_data(HERE, BOB)).answers == 2
    assert (await store.erase_member(HERE, ALICE)).empty  # erasing again is harmless


async def test_erase_removes_streaks_and_daily_answers(store: Store) -> None:
    for day in (1, 2, 3):
        at = utc(2026, 3, day, 9)
        post = await make_post(store, kind="daily", daily_date=at.date(), at=at)
        await make_answer(store, post, ALICE, at=at)
        await make_answer(store, post, BOB, at=at)
    now = utc(2026, 3, 3, 12)
    assert (await store.member_stats(HERE, ALICE, now=now, tz="UTC")).current_streak == 3
    await store.erase_member(HERE, ALICE)
    alice = await store.member_stats(HERE, ALICE, now=now, tz="UTC")
    assert (alice.current_streak, alice.best_streak) == (0, 0)
    assert (await store.member_stats(HERE, BOB, now=now, tz="UTC")).current_streak == 3


async def test_erase_removes_appeals_and_unlinks_adopted_phrasings(store: Store) -> None:
    post = await make_post(store, question="q1", at=T0)
    mine = await make_answer(store, post, ALICE, passed=False, points=0.5, at=T0, response="my own words")
    theirs = await make_answer(store, post, BOB, passed=False, points=0.5, at=T0)
    appeal = await store.open_appeal(answer_id=mine.id, user_id=ALICE, reason="please", now=T0)
    await store.accept_appeal(appeal.id, moderator_id=99, reason="ok", now=T0, credited=["a point"], missed=[],
                              score=1.0, points=1.0, phrasings=[("a point", "own words")])
    bob_appeal = await store.open_appeal(answer_id=theirs.id, user_id=BOB, reason="me too", now=T0)
    assert (await store.member_data(HERE, ALICE)).appeals == 1

    await store.erase_member(HERE, ALICE)

    assert await store.get_appeal(appeal.id) is None
    assert await store.get_appeal(bob_appeal.id) is not None
    # The moderator's adopted phrasing stays in the server's bank overlay, no longer tied to Alice's appeal.
    assert [(p.phrasing, p.appeal_id, p.added_by) for p in await store.phrasings(HERE)] == [("own words", None, 99)]


async def test_erase_removes_interviews_and_leaves_quiz_rounds_without_the_member(store: Store) -> None:
    interview = await store.create_session(kind="interview", guild_id=HERE, channel_id=30, owner_id=ALICE,
                                           state={"first_response": "secret"}, now=T0)
    post = await make_post(store, kind="interview", question="q1", at=T0, session_id=interview.id)
    await make_answer(store, post, ALICE, at=T0)
    await store.finish_session(interview.id, T0)
    bob_interview = await store.create_session(kind="interview", guild_id=HERE, channel_id=31, owner_id=BOB,
                                               state={}, now=T0)
    rounds = []
    for channel in (40, 41, 42):
        row = await store.create_session(kind="quiz", guild_id=HERE, channel_id=channel, owner_id=BOB,
                                         state={"participants": [BOB, ALICE], "starter_id": BOB}, now=T0)
        rounds.append(row)
    await store.finish_session(rounds[0].id, T0)
    await store.finish_session(rounds[1].id, T0)
    elsewhere = await store.create_session(kind="quiz", guild_id=ELSEWHERE, channel_id=43, owner_id=BOB,
                                           state={"participants": [ALICE]}, now=T0)
    await store.finish_session(elsewhere.id, T0)
    data = await store.member_data(HERE, ALICE)
    assert (data.interviews, data.quiz_rounds, data.answers) == (1, 2, 1)

    await store.erase_member(HERE, ALICE)

    assert await store.get_session(interview.id) is None
    assert await store.get_post(post.id) is None
    assert await store.get_session(bob_interview.id) is not None
    for finished in rounds[:2]:
        row = await store.get_session(finished.id)
        assert row is not None and row.state["participants"] == [BOB]
    running = await store.get_session(rounds[2].id)  # a round in progress belongs to its runner
    assert running is not None and running.state["participants"] == [BOB, ALICE]
    other = await store.get_session(elsewhere.id)
    assert other is not None and other.state["participants"] == [ALICE]


async def test_erase_waits_for_a_running_interview_and_erases_nothing(store: Store) -> None:
    await _two_members_two_servers(store)
    running = await store.create_session(kind="interview", guild_id=HERE, channel_id=30, owner_id=ALICE, state={},
                                         now=T0)
    with pytest.raises(InterviewInProgress) as info:
        await store.erase_member(HERE, ALICE)
    assert info.value.session_id == running.id
    assert (await store.member_data(HERE, ALICE)).answers == 2
    await store.finish_session(running.id, T0)
    assert (await store.erase_member(HERE, ALICE)).answers == 2


async def test_retention_drops_only_old_texts_and_keeps_scores(store: Store) -> None:
    now = utc(2026, 3, 31, 12)
    ages = [40, 31, 29, 1]
    for i, age in enumerate(ages):
        at = now - timedelta(days=age)
        post = await make_post(store, question=f"q{i}", at=at)
        await make_answer(store, post, ALICE, points=2.0, at=at, response=f"text {age}")
        post = await make_post(store, guild=ELSEWHERE, question=f"q{i}", at=at)
        await make_answer(store, post, ALICE, points=2.0, at=at, response=f"text {age}")
    board = await store.leaderboard(HERE, "all", now=now, tz="UTC")
    assert await store.get_retention(HERE) is None

    purged = await store.set_retention(HERE, 30, now=now)

    assert (purged.guilds, purged.answers) == (1, 2)
    assert await store.get_retention(HERE) == 30
    assert [r for _, r in sorted(await _answers(store))] == ["", "", "text 1", "text 29"]
    stored = [a for p in range(1, 20) for a in await store.answers_for_post(p) if a.guild_id == HERE]
    assert {(a.score, a.points, a.verdict, a.passed) for a in stored} == {(0.8, 2.0, "pass", True)}
    assert await store.leaderboard(HERE, "all", now=now, tz="UTC") == board  # scores and points kept
    assert sorted(r for _, r in await _answers(store, ELSEWHERE)) == ["text 1", "text 29", "text 31", "text 40"]
    data = await store.member_data(HERE, ALICE)
    assert (data.answers, data.answer_texts) == (4, 2)

    # A day later the 29-day-old text is 30 days old: the periodic pass drops it, and only it.
    tomorrow = now + timedelta(days=1, hours=1)
    again = await store.purge_expired(tomorrow)
    assert (again.guilds, again.answers) == (1, 1)
    assert [r for _, r in sorted(await _answers(store))] == ["", "", "", "text 1"]
    assert (await store.purge_expired(tomorrow)).answers == 0  # nothing aged since: nothing written


async def test_retention_off_keeps_texts_and_bad_values_are_refused(store: Store) -> None:
    now = utc(2026, 3, 31)
    post = await make_post(store, at=now - timedelta(days=400))
    await make_answer(store, post, ALICE, at=post.posted_at, response="old")
    await store.set_retention(HERE, 500, now=now)
    assert await _answers(store) == [(ALICE, "old")]
    for off in (0, None):
        await store.set_retention(HERE, 500, now=now)
        assert (await store.set_retention(HERE, off, now=now)).answers == 0
        assert await store.get_retention(HERE) is None
    assert (await store.purge_expired(now + timedelta(days=1000))).answers == 0
    assert await _answers(store) == [(ALICE, "old")]
    for bad in (-1, 3651, True, 1.5):
        with pytest.raises(ValueError, match="retention days"):
            await store.set_retention(HERE, bad, now=now)  # type: ignore[arg-type]
    assert await store.get_retention(HERE) is None


async def test_retention_drops_appeal_reasons_and_interview_quotes(store: Store) -> None:
    now = utc(2026, 3, 31)
    old = now - timedelta(days=10)
    post = await make_post(store, at=old)
    answer_row = await make_answer(store, post, ALICE, passed=False, at=old, response="my words")
    appeal = await store.open_appeal(answer_id=answer_row.id, user_id=ALICE, reason="I meant X", now=old)
    state = {"question_ids": ["q1"], "first_response": None, "followup": None,
             "results": [{"question_id": "q1", "score": 0.5,
                          "contradictions": [{"point": "p", "said": "it is not X", "expected": "X"}]}]}
    finished = await store.create_session(kind="interview", guild_id=HERE, channel_id=30, owner_id=ALICE,
                                          state=state, now=old)
    await store.finish_session(finished.id, old)
    recent = await store.create_session(kind="interview", guild_id=HERE, channel_id=31, owner_id=BOB, state=state,
                                        now=now)
    await store.finish_session(recent.id, now)

    purged = await store.set_retention(HERE, 7, now=now)

    assert (purged.answers, purged.appeals, purged.interviews) == (1, 1, 1)
    kept = await store.get_appeal(appeal.id)
    assert kept is not None and kept.reason == "" and kept.old_score == 0.3
    row = await store.get_session(finished.id)
    assert row is not None and "it is not X" not in json.dumps(row.state)
    assert row.state["results"][0]["score"] == 0.5
    recent_row = await store.get_session(recent.id)
    assert recent_row is not None and recent_row.state == state


def test_scrubbing_an_interview_state_leaves_none_of_the_members_words() -> None:
    question = Question(id="q", prompt="Why is Flask called a microframework?",
                        answer="Its core is small; extensions add the rest.",
                        key_points=(KeyPoint("a small core"), KeyPoint("extensions add features")))
    state = InterviewState(bank="b", question_ids=["q", "q"])
    turn = take_answer(state, question, "zebracorn small core")  # half an answer: a follow-up is asked
    assert turn.followup is not None and state.first_response == "zebracorn small core"
    state.followup = "You said “zebracorn” — is that right?"  # what the runner stores for a challenge
    state.results.append({"question_id": "q", "score": 0.4, "contradictions": [
        {"point": "a small core", "said": "zebracorn is big", "expected": "small"}]})
    scrubbed = scrub_interview_state(state.to_dict())
    assert "zebracorn" not in json.dumps(scrubbed)
    assert scrubbed["results"][0]["score"] == 0.4 and scrubbed["question_ids"] == ["q", "q"]
    assert InterviewState.from_dict(scrubbed).index == state.index  # still a state the domain reads
