"""The rules of an accepted appeal: the score of the credited points, and where an accepted phrasing goes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.bank.models import KeyPoint, Question
from bot.bank.overlay import SHORT_ANSWER
from bot.rounds.appeals import AppealCard, PointLine, accepted_score, phrasing_target
from bot.store.appeals import Appeal

Q = Question(id="q", prompt="Why?", answer="Because.", key_points=(KeyPoint("one"), KeyPoint("two", weight=2),
                                                                   KeyPoint("three")))
SHORT = Question(id="s", prompt="Port?", answer="Port 5000.", short_answers=("5000",))


@pytest.mark.parametrize(("credit", "old", "score"), [
    ({0, 1, 2}, 0.3, 1.0),
    ({1}, 0.2, 0.5),    # weight 2 of 4
    ({0}, 0.4, 0.4),    # never below the score the answer had
    (set(), 0.1, 0.1),
])
def test_score_is_the_weighted_share_of_credited_points(credit: set[int], old: float, score: float) -> None:
    assert accepted_score(Q, credit, old) == score


def test_short_answer_or_vanished_questions_get_full_marks() -> None:
    assert accepted_score(SHORT, set(), 0.0) == 1.0
    assert accepted_score(None, set(), 0.0) == 1.0


def _card(points: tuple[PointLine, ...], credit: set[int], short: tuple[str, ...] = ()) -> AppealCard:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    appeal = Appeal(1, 1, 1, 7, "b", "q", "", t, 0.2, 0.4, "fail", "pending", None, None, None, None, None, (), None,
                    None, None)
    return AppealCard(appeal, "Why?", "my words", 0.2, 0.4, "fail", points, short, frozenset(credit), "easy")


def test_a_phrasing_goes_to_the_one_newly_credited_point_only() -> None:
    lines = (PointLine(0, "one", 1, True, "one"), PointLine(1, "two", 2, False), PointLine(2, "three", 1, False))
    assert phrasing_target(_card(lines, {0, 1})) == "two"
    assert phrasing_target(_card(lines, {0, 1, 2})) is None  # two new points: whose phrasing would it be?
    assert phrasing_target(_card(lines, {0})) is None
    assert phrasing_target(_card((), set(), ("5000",))) == SHORT_ANSWER
