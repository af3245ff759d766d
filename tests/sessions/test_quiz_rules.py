"""Quiz round rules, scoring and question picking: pure code."""

from __future__ import annotations

import random

import pytest

from bot.bank.catalog import Catalog, pick_questions
from bot.bank.models import Bank, Question
from bot.errors import BankError
from bot.sessions.quiz import QuizState, all_present_answered, can_control, most_missed, standings
from bot.sessions.scoring import points_for


def _bank() -> Bank:
    qs = tuple(Question(id=f"q{i}", prompt=f"P{i}?", answer="A.", topic="routing" if i % 2 else "templates",
                        difficulty="easy" if i < 4 else "hard", bank="b") for i in range(8))
    return Bank(name="b", title="B", questions=qs)


def test_state_round_trips_through_json_form() -> None:
    s = QuizState("flask", ["a", "b"], 60, 7)
    s.post_ids.append(3)
    s.join(9)
    s.join(9)
    again = QuizState.from_dict(s.to_dict() | {"unknown_future_field": 1})
    assert again == s and again.participants == [9] and again.current_id == "a" and not again.finished
    again.index = 2
    assert again.finished and again.current_id is None


def test_only_starter_or_moderator_controls() -> None:
    assert can_control(1, 1, manage_messages=False)
    assert can_control(2, 1, manage_messages=True)
    assert not can_control(2, 1, manage_messages=False)


def test_early_reveal_only_after_first_question_and_when_all_participants_answered() -> None:
    s = QuizState("b", ["a", "b"], 60, 1, participants=[1, 2])
    assert not all_present_answered(s, {1, 2})  # first question always runs its timer
    s.index = 1
    assert not all_present_answered(s, {1})
    assert all_present_answered(s, {1, 2, 3})


def test_most_missed_counts_each_answer_once() -> None:
    missed = most_missed([("x", "y", "x"), ("x",), ("z",), ()], limit=2)
    assert missed == [("x", 2), ("y", 1)]


def test_standings_sum_points_and_break_ties() -> None:
    rows = [(1, 2.0, True), (2, 1.5, True), (1, 0.0, False), (3, 2.0, True), (2, 0.5, False)]
    result = standings(rows)
    assert [(s.user_id, s.points, s.answers, s.passed) for s in result] == [
        (1, 2.0, 2, 1), (2, 2.0, 2, 1), (3, 2.0, 1, 1)]


def test_points_weight_difficulty_and_reward_speed_only_when_passing() -> None:
    assert points_for(1.0, "easy") == 1.0
    assert points_for(0.5, "hard") == 1.5
    assert points_for(1.0, "medium", elapsed=0, limit=60) == 2.4
    assert points_for(1.0, "medium", elapsed=30, limit=60) == 2.2
    assert points_for(1.0, "medium", elapsed=90, limit=60) == 2.0
    assert points_for(0.4, "medium", elapsed=0, limit=60, passed=False) == 0.8
    assert points_for(1.7, "easy") == 1.0 and points_for(-1, "easy") == 0.0


def test_pick_filters_and_prefers_unseen() -> None:
    bank = _bank()
    picked = pick_questions(bank, topic="Routing", difficulty="hard", count=5, rng=random.Random(1))
    assert {q.id for q in picked} == {"q5", "q7"}
    for seed in range(20):
        (q,) = pick_questions(bank, count=1, rng=random.Random(seed), avoid=[f"q{i}" for i in range(7)])
        assert q.id == "q7"
    assert len({q.id for q in pick_questions(bank, count=8, rng=random.Random(2))}) == 8
    with pytest.raises(BankError, match=r"no questions with topic 'forms'.*routing, templates"):
        pick_questions(bank, topic="forms")


def test_catalog_resolves_default_and_reports_unknown() -> None:
    bank = _bank()
    catalog = Catalog({"b": bank})
    assert catalog.bank(None) is bank and catalog.bank("B") is bank
    assert catalog.question("b", "q3") is bank.questions[3] and catalog.question("x", "q3") is None
    with pytest.raises(BankError, match=r"no bank called 'nope'\. Available: b"):
        catalog.bank("nope")


def test_a_quiz_role_limits_who_may_start_a_round() -> None:
    from bot.sessions.quiz import may_start

    assert may_start(None, [], manager=False) and may_start(0, [], manager=False)  # no role set: everyone
    assert not may_start(7, [1, 2], manager=False)
    assert may_start(7, [1, 7], manager=False) and may_start(7, [], manager=True)
