"""FSRS cards: the documented score → rating mapping and what a review does to a card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.review import CardState, Rating, State, new_card, rating_for, review_card

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("score", "passed", "rating"),
    [
        (0.0, False, Rating.Again),
        (0.95, False, Rating.Again),  # a stricter bank failed it: never better than Again
        (0.6, True, Rating.Hard),
        (0.699, True, Rating.Hard),
        (0.7, True, Rating.Good),
        (0.89, True, Rating.Good),
        (0.9, True, Rating.Easy),
        (1.0, True, Rating.Easy),
    ],
)
def test_score_maps_to_the_documented_rating(score: float, passed: bool, rating: Rating) -> None:
    assert rating_for(score, passed) == rating


def test_a_score_outside_0_1_is_refused() -> None:
    with pytest.raises(ValueError, match="score"):
        rating_for(1.2, True)


def test_a_new_card_is_due_now_in_learning() -> None:
    card = new_card(T0)
    assert card.is_due(T0)
    assert card.state is State.Learning
    assert card.reviews == 0 and card.last_review is None


def test_a_failed_answer_comes_back_within_minutes_and_a_perfect_one_after_days() -> None:
    failed = review_card(None, 0.1, False, T0)
    perfect = review_card(None, 1.0, True, T0)
    assert failed.last_rating is Rating.Again
    assert timedelta(0) < failed.due - T0 <= timedelta(minutes=10)
    assert perfect.last_rating is Rating.Easy
    assert perfect.state is State.Review
    assert perfect.due - T0 >= timedelta(days=1)
    assert not perfect.is_due(T0 + timedelta(hours=12))


def test_intervals_grow_with_successive_good_answers() -> None:
    card = review_card(None, 0.8, True, T0)
    gaps = []
    for _ in range(4):
        at = card.due
        card = review_card(card, 0.8, True, at)
        gaps.append(card.due - at)
    assert card.state is State.Review
    assert gaps == sorted(gaps) and gaps[-1] > gaps[0]
    assert card.reviews == 5 and card.passes == 5 and card.lapses == 0


def test_a_lapse_is_counted_and_shortens_the_interval() -> None:
    card = review_card(None, 1.0, True, T0)
    long_gap = card.due - T0
    lapsed = review_card(card, 0.2, False, card.due)
    assert lapsed.lapses == 1 and lapsed.passes == 1 and lapsed.reviews == 2
    assert lapsed.state is State.Relearning
    assert lapsed.due - card.due < long_gap


def test_times_are_utc_whatever_zone_they_come_in() -> None:
    paris = timezone(timedelta(hours=1))
    card = review_card(None, 0.8, True, T0.astimezone(paris))
    assert card.last_review == T0 and card.last_review.tzinfo is UTC and card.due.tzinfo is UTC
    with pytest.raises(ValueError, match="aware"):
        review_card(None, 0.8, True, datetime(2026, 3, 1, 9, 0))


def test_an_answer_older_than_the_last_review_does_not_move_time_backwards() -> None:
    card = review_card(None, 0.8, True, T0)
    later = review_card(card, 0.8, True, T0 - timedelta(hours=1))
    assert later.last_review is not None and later.last_review >= T0


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans(), st.integers(0, 10_000)), min_size=1, max_size=12))
def test_any_history_keeps_a_consistent_card(history: list[tuple[float, bool, int]]) -> None:
    card: CardState | None = None
    at = T0
    for score, passed, minutes in history:
        at += timedelta(minutes=minutes)
        card = review_card(card, score, passed, at)
        assert card.due > at
        assert card.last_review == at
        assert card.stability is not None and card.stability > 0
        assert card.difficulty is not None and 1 <= card.difficulty <= 10
    assert card is not None
    assert card.reviews == len(history)
    assert card.passes == sum(1 for _, p, _ in history if p)
