"""What a member reviews next: due cards first (earliest due first), then new questions from the weakest topic.

The weakest topic is the member's (bank, topic) with the lowest share of passed answers among their cards (ties:
more answers first, then by name). Once it has no question left without a card, the next weakest follows, then
the untried topics of the preferred bank (the server's default bank, say), then those of every other bank.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["Pick", "QuestionRef", "TopicRecord", "pick_next", "weakest_topics"]


@dataclass(frozen=True, slots=True, order=True)
class QuestionRef:
    """A question by bank name and question id."""

    bank: str
    question_id: str


@dataclass(frozen=True, slots=True)
class TopicRecord:
    """A member's graded answers in one topic of one bank, summed over their cards."""

    bank: str
    topic: str
    reviews: int
    passes: int

    @property
    def pass_rate(self) -> float:
        """Share of answers passed (0 with no answers)."""
        return self.passes / self.reviews if self.reviews else 0.0


@dataclass(frozen=True, slots=True)
class Pick:
    """The next question to review and why: a due card, or a new question from a weak topic."""

    ref: QuestionRef
    reason: Literal["due", "new"]
    topic: str | None = None


def weakest_topics(records: Iterable[TopicRecord]) -> list[tuple[str, str]]:
    """(bank, topic) pairs with answers, weakest first."""
    tried = [r for r in records if r.reviews > 0]
    tried.sort(key=lambda r: (r.pass_rate, -r.reviews, r.bank, r.topic))
    return [(r.bank, r.topic) for r in tried]


def pick_next(
    *,
    due: Sequence[QuestionRef],
    records: Iterable[TopicRecord],
    pool: Mapping[tuple[str, str], Sequence[str]],
    known: set[QuestionRef],
    exclude: set[QuestionRef] | frozenset[QuestionRef] = frozenset(),
    preferred_bank: str | None = None,
    rng: random.Random | None = None,
) -> Pick | None:
    """The next question for a member, or None when nothing is due and every question has a card.

    `due`: the member's due cards, earliest first. `pool`: question ids per (bank, topic) that may be asked (the
    loaded banks); a due card whose question is not in the pool any more is skipped. `known`: every question the
    member has a card for. `exclude`: questions not to ask now (e.g. already asked in this sitting).
    """
    askable = {QuestionRef(bank, qid) for (bank, _topic), ids in pool.items() for qid in ids}
    for ref in due:
        if ref in askable and ref not in exclude:
            return Pick(ref, "due", _topic_of(ref, pool))
    order: list[tuple[str, str]] = []
    for key in weakest_topics(records):
        if key in pool and key not in order:
            order.append(key)
    rest = sorted(k for k in pool if k not in order)
    order += [k for k in rest if k[0] == preferred_bank] + [k for k in rest if k[0] != preferred_bank]
    rng = rng or random.Random()
    for bank, topic in order:
        fresh = [qid for qid in pool[(bank, topic)]
                 if QuestionRef(bank, qid) not in known and QuestionRef(bank, qid) not in exclude]
        if fresh:
            return Pick(QuestionRef(bank, rng.choice(sorted(fresh))), "new", topic)
    return None


def _topic_of(ref: QuestionRef, pool: Mapping[tuple[str, str], Sequence[str]]) -> str | None:
    for (bank, topic), ids in pool.items():
        if bank == ref.bank and ref.question_id in ids:
            return topic
    return None
