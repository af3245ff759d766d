"""FSRS cards (the `fsrs` package) for one member and one question, and how a graded answer rates a card.

Score → FSRS rating (every graded answer, from a quiz round, a daily question, an interview or ``/review``):

==========================================  ===========
the answer                                  rating
==========================================  ===========
not passed (fail or partial verdict)        Again
passed, score < 0.70                        Hard
passed, 0.70 ≤ score < 0.90                 Good
passed, score ≥ 0.90                        Easy
==========================================  ===========

"Passed" is the grader's verdict against the question's ``pass_score``, so a bank with a stricter pass score
never rates a failing answer Hard. The scheduler uses FSRS-6's default parameters and learning steps
(1 and 10 minutes; relearning 10 minutes), desired retention 0.9, and no interval fuzzing, so the next due time
is deterministic and easy to explain. Every instant is an aware UTC datetime.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler, State

logger = logging.getLogger(__name__)

GOOD_SCORE = 0.70  # a passing answer at or above this rates Good
EASY_SCORE = 0.90  # a passing answer at or above this rates Easy
DESIRED_RETENTION = 0.9

_SCHEDULER = Scheduler(desired_retention=DESIRED_RETENTION, enable_fuzzing=False)

__all__ = ["EASY_SCORE", "GOOD_SCORE", "CardState", "Rating", "State", "new_card", "rating_for", "review_card"]


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware, got naive {at!r}")
    return at.astimezone(UTC)


def rating_for(score: float, passed: bool) -> Rating:
    """The FSRS rating of a graded answer (see the table in this module's docstring)."""
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must be within 0..1, got {score!r}")
    if not passed:
        return Rating.Again
    if score >= EASY_SCORE:
        return Rating.Easy
    if score >= GOOD_SCORE:
        return Rating.Good
    return Rating.Hard


@dataclass(frozen=True, slots=True)
class CardState:
    """A member's FSRS card for one question, plus counters Viva keeps beside it.

    ``state``/``step``/``stability``/``difficulty``/``due``/``last_review`` are FSRS's own fields;
    ``reviews`` and ``passes`` count graded answers (for the weakest topic), ``lapses`` counts Again ratings after
    the first review, ``last_score`` and ``last_rating`` describe the latest answer.
    """

    state: State
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reviews: int = 0
    passes: int = 0
    lapses: int = 0
    last_score: float | None = None
    last_rating: Rating | None = None

    def is_due(self, now: datetime) -> bool:
        """Whether the card is due at `now`."""
        return self.due <= _utc(now)

    def to_fsrs(self) -> Card:
        """The card as an `fsrs.Card`."""
        # card_id given: without one, fsrs.Card sleeps 1 ms (time.sleep) to make ids unique, blocking the event loop
        # inside the store's group commit (3.4 s of sleep per 1,000 answers); Viva keys cards by member and question.
        return Card(card_id=0, state=self.state, step=self.step, stability=self.stability,
                    difficulty=self.difficulty, due=self.due, last_review=self.last_review)


def new_card(now: datetime) -> CardState:
    """A card never reviewed, due at `now` (FSRS starts every card in the Learning state)."""
    fresh = Card(card_id=0, due=_utc(now))  # card_id given: see to_fsrs
    return CardState(state=fresh.state, step=fresh.step, stability=None, difficulty=None, due=fresh.due,
                     last_review=None)


def review_card(card: CardState | None, score: float, passed: bool, at: datetime) -> CardState:
    """The card after a graded answer at `at` (a missing card starts fresh at `at`)."""
    at = _utc(at)
    current = card if card is not None else new_card(at)
    rating = rating_for(score, passed)
    if current.last_review is not None and at < current.last_review:
        # An answer committed out of order (e.g. a late group commit): FSRS needs time to move forward.
        at = current.last_review
    updated, _log = _SCHEDULER.review_card(current.to_fsrs(), rating, at)
    return replace(
        current,
        state=updated.state,
        step=updated.step,
        stability=updated.stability,
        difficulty=updated.difficulty,
        due=_utc(updated.due),
        last_review=_utc(updated.last_review) if updated.last_review else at,
        reviews=current.reviews + 1,
        passes=current.passes + (1 if passed else 0),
        lapses=current.lapses + (1 if rating == Rating.Again and current.reviews > 0 else 0),
        last_score=float(score),
        last_rating=rating,
    )
