"""Personal spaced repetition: one FSRS card per member and question, and what to review next. Pure, no I/O."""

from bot.review.cards import (
    EASY_SCORE,
    GOOD_SCORE,
    CardState,
    Rating,
    State,
    new_card,
    rating_for,
    review_card,
)
from bot.review.select import Pick, QuestionRef, TopicRecord, pick_next, weakest_topics

__all__ = [
    "EASY_SCORE",
    "GOOD_SCORE",
    "CardState",
    "Pick",
    "QuestionRef",
    "Rating",
    "State",
    "TopicRecord",
    "new_card",
    "pick_next",
    "rating_for",
    "review_card",
    "weakest_topics",
]
