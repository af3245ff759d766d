"""Key points derived from a model answer: its clauses, so questions with only Q and A still grade."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.bank.models import KeyPoint
from bot.grading.normalize import tokenize

__all__ = ["derive_key_points"]

# Sentence ends (hard breaks, never glued across): . ! ? ; followed by white space (so app.run() and
# 127.0.0.1 stay whole), or line breaks.
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n\s*\n|\n(?=\s*[-*•])")
# Clause breaks inside a sentence: a parenthesised aside opened after a space ("(usually a B-tree)", while
# "O(1)" and "f(x)" stay whole), , : a spaced dash, and the joining words and / or / but / while / whereas.
_CLAUSES = re.compile(
    r"(?P<aside>(?:^|(?<=\s))\([^()]*\))|[,:]|\s+-\s+|\b(?:and|or|but|while|whereas)\b", re.IGNORECASE
)
_LEADING = re.compile(r"^(?:and|or|but|while|whereas)\s+", re.IGNORECASE)
_EDGE = " \t\r\n.,;:!?-*•'\""
_MIN_CONTENT = 2
WEIGHT_POWER = 1.0  # a derived point weighs (its content words) ** WEIGHT_POWER: main clauses count more


def _split(sentence: str) -> list[str]:
    """Split a sentence into clauses; punctuation stays with the clause before, joining words with the next."""
    pieces: list[str] = []
    last = 0
    for m in _CLAUSES.finditer(sentence):
        if m.group("aside"):
            for piece in (sentence[last : m.start()].strip(), m.group()):
                if piece.strip(_EDGE):
                    pieces.append(piece)
            last = m.end()
            continue
        word = m.group()[:1].isalpha()
        cut = m.start() if word else m.end()
        piece = sentence[last:cut].strip()
        if piece.strip(_EDGE):
            pieces.append(piece)
        last = cut
    tail = sentence[last:].strip()
    if tail.strip(_EDGE):
        pieces.append(tail)
    return pieces


def _content_words(fragment: str, ignore: frozenset[str]) -> int:
    """Number of tokens in a fragment that are neither stopwords nor words of the question."""
    return sum(1 for token in tokenize(fragment) if not token.stop and token.key not in ignore)


def _glue(fragments: list[str], ignore: frozenset[str]) -> list[str]:
    """Glue fragments with fewer than two content words to their previous (else next) neighbour."""
    out: list[str] = []
    carry = ""
    for fragment in fragments:
        text = f"{carry} {fragment}".strip() if carry else fragment
        carry = ""
        if _content_words(text, ignore) >= _MIN_CONTENT:
            out.append(text)
        elif out:
            out[-1] = f"{out[-1]} {text}"
        else:
            carry = text
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        elif _content_words(carry, frozenset()) > 0:
            out.append(carry)
    return out


@lru_cache(maxsize=4096)
def derive_key_points(answer: str, prompt: str = "") -> tuple[KeyPoint, ...]:
    """Key points of a model answer: its clauses (sentences split at , ; : asides and/or/but), short ones glued.

    With the question's ``prompt``, words of the prompt do not count as content when deciding whether a
    fragment is long enough to stand alone.
    """
    ignore = frozenset(t.key for t in tokenize(prompt) if not t.stop) if prompt else frozenset()
    sentences = [s.strip() for s in _SENTENCES.split(answer) if s and s.strip()]
    fragments: list[str] = []
    for sentence in sentences:
        fragments.extend(_glue(_split(sentence), ignore))
    points = _glue(fragments, ignore)
    seen: set[str] = set()
    result: list[KeyPoint] = []
    for point in points:
        text = _LEADING.sub("", " ".join(point.split()).strip(_EDGE)).strip(_EDGE)
        if text.casefold() not in seen:
            seen.add(text.casefold())
            size = max(1, _content_words(text, ignore))
            result.append(KeyPoint(text, weight=round(size**WEIGHT_POWER, 3)))
    return tuple(result)
