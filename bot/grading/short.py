"""Short exact answers (trivia such as "5000"): normalised equality or whole-word containment.

A short answer matches when its tokens occur as a contiguous run of whole tokens in the response
(articles ignored), each token equal after normalisation and stemming or within a typo budget that grows
with length: none below 5 characters, 1 edit up to 8, then 2. Numbers must be exact. "chair" never
matches "air", "5000" never matches "50000", and an occurrence right after a negation ("not 5000") does
not count.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.grading.normalize import NEGATIONS, Token, is_number, tokenize

__all__ = ["ShortAnswer", "match_short", "prepare_short"]

_ARTICLES = frozenset({"a", "an", "the"})


@dataclass(frozen=True, slots=True)
class ShortAnswer:
    """A short answer prepared for matching: its text and, per token, key, unstemmed base and allowed edits."""

    text: str
    keys: tuple[str, ...]
    bases: tuple[str, ...]
    edits: tuple[int, ...]


def _short_edits(key: str) -> int:
    """Edits tolerated in one short-answer token: none below 5 characters or for numbers, then 1, then 2."""
    if len(key) < 5 or is_number(key) or any(c.isdigit() for c in key):
        return 0
    return 1 if len(key) <= 8 else 2


def prepare_short(answers: tuple[str, ...]) -> tuple[ShortAnswer, ...]:
    """Prepare a question's short answers (empty ones are dropped)."""
    out: list[ShortAnswer] = []
    for text in answers:
        tokens = [t for t in tokenize(text) if t.key not in _ARTICLES]
        if tokens:
            keys = tuple(t.key for t in tokens)
            bases = tuple(t.base for t in tokens)
            out.append(ShortAnswer(text, keys, bases, tuple(_short_edits(b) for b in bases)))
    return tuple(out)


def _token_matches(answer: ShortAnswer, i: int, got: Token) -> bool:
    """True when one response token matches the short answer's i-th token (same stem, or a typo within budget)."""
    if answer.keys[i] == got.key:
        return True
    edits = answer.edits[i]
    if edits == 0:
        return False
    for expected, actual in ((answer.bases[i], got.base), (answer.keys[i], got.key)):
        if abs(len(expected) - len(actual)) <= edits and OSA.distance(expected, actual, score_cutoff=edits) <= edits:
            return True
    return False


def match_short(answers: tuple[ShortAnswer, ...], tokens: list[Token]) -> tuple[str, str] | None:
    """The (short answer, matched response words) of the first short answer found in the tokens, or None."""
    if not answers:
        return None
    words = [t for t in tokens if t.key not in _ARTICLES]
    for answer in answers:
        size = len(answer.keys)
        for start in range(len(words) - size + 1):
            if not _token_matches(answer, 0, words[start]):
                continue
            if start > 0 and words[start - 1].key in NEGATIONS:
                continue
            if all(_token_matches(answer, i, words[start + i]) for i in range(1, size)):
                matched = " ".join(t.surface for t in words[start : start + size])
                return answer.text, matched
    return None
