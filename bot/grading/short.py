"""Short exact answers (trivia such as "5000", "D", "AT&T", "O-"): exact text, or whole-word containment.

A short answer passes when:

1. the response *is* the answer (casefolded, spaces collapsed, outer punctuation and articles ignored),
   whatever its words: "D", "I", "A", "Who Is It", "That's What I Like";
2. the answer carries a significant symbol (``+ - # &``, as in "O-", "AB+", "C#", "AT&T") and occurs in the
   response with that exact symbol as a whole token ("it's O-" passes, "O+" does not);
3. otherwise its tokens occur as a contiguous run of whole tokens in the response (articles ignored, unless the
   answer is only articles), each equal after normalisation and *light* stemming ("serial" is not
   "serialization") or within a typo budget that grows with length: none below 5 characters, 1 edit up to 8,
   then 2 (none for acronyms typed in capitals, up to six letters: "HTTP" is not "HTTPS"). Numbers must be exact.
   An answer made only of stopwords or single letters ("D", "at", "who is it") counts in a sentence only at its end
   ("it's D") or at its start before at most two words ("D for sure").

"chair" never matches "air", "5000" never matches "50000" or "5001", and an occurrence right after a negation
("not 5000") does not count.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from bot.grading.normalize import NEGATIONS, Token, is_number, light_stem, tokenize

__all__ = ["ShortAnswer", "match_short", "prepare_short"]

_ARTICLES = frozenset({"a", "an", "the"})
# A significant symbol: + # & anywhere in a token, or a trailing - ("O-"); a hyphen between words is a space.
_SYMBOLS = re.compile(r"\w[+#&]|&\w|\w-(?![\w-])")
_EDGE = " \t\r\n.,;:!?\"'()[]"
_SPACES = re.compile(r"\s+")
ACRONYM_MAX = 6  # letters: a longer word typed in capitals is a word, not an acronym
_WEAK_TRAIL = 2  # words allowed after a stopword-only answer at the start of the response ("D for sure")


@dataclass(frozen=True, slots=True)
class ShortAnswer:
    """A short answer prepared for matching: its text, exact form, symbol pattern and per-token keys and edits."""

    text: str
    exact: str
    symbolic: re.Pattern[str] | None
    keys: tuple[str, ...]
    bases: tuple[str, ...]
    edits: tuple[int, ...]
    weak: bool  # only stopwords or single letters: positional rule in a sentence


def _fold(text: str) -> str:
    """NFKC, casefold, curly quotes straightened, spaces collapsed, outer punctuation and a leading article off."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'").replace("\u2018", "'")
    folded = _SPACES.sub(" ", folded).strip(_EDGE)
    return folded


def _short_edits(key: str) -> int:
    """Edits tolerated in one short-answer token: none below 5 characters or for numbers, then 1, then 2."""
    if len(key) < 5 or is_number(key) or any(c.isdigit() for c in key):
        return 0
    return 1 if len(key) <= 8 else 2


def _key(token: Token) -> str:
    """The light-stemmed key of a token (short answers keep derivations apart)."""
    return light_stem(token.base) if token.base.isalpha() else token.key


def prepare_short(answers: tuple[str, ...]) -> tuple[ShortAnswer, ...]:
    """Prepare a question's short answers (empty ones are dropped)."""
    out: list[ShortAnswer] = []
    for text in answers:
        exact = _fold(text)
        if not exact:
            continue
        symbolic = None
        if _SYMBOLS.search(exact):
            body = r"\s+".join(re.escape(part) for part in exact.split())
            symbolic = re.compile(rf"(?<![\w+#&-]){body}(?![\w+#&])")
        all_tokens = tokenize(text)
        tokens = [t for t in all_tokens if t.key not in _ARTICLES] or all_tokens
        keys = tuple(t.base if t.surface.isupper() else _key(t) for t in tokens)  # acronyms are not stemmed
        bases = tuple(t.base for t in tokens)
        weak = all(t.stop or len(t.base) <= 1 for t in tokens)
        # acronyms ("HTTPS", "JSON") are exact: one letter off is another acronym ("HTTP"); a longer word typed in
        # capitals ("DISTINCT") is a word and keeps its typo budget
        edits = tuple(0 if weak or _acronym(t.surface) else _short_edits(t.base) for t in tokens)
        out.append(ShortAnswer(text, exact, symbolic, keys, bases, edits, weak))
    return tuple(out)


def _acronym(surface: str) -> bool:
    """True for a token typed in capitals and short enough to be an acronym ("HTTPS", "UNESCO"), not "DISTINCT"."""
    return surface.isupper() and len(surface) <= ACRONYM_MAX


def _token_matches(answer: ShortAnswer, i: int, got: Token) -> bool:
    """True when one response token matches the short answer's i-th token (same stem, or a typo within budget)."""
    if answer.bases[i] == got.base or answer.keys[i] == _key(got):
        return True
    edits = answer.edits[i]
    if edits == 0:
        return False
    for expected, actual in ((answer.bases[i], got.base), (answer.keys[i], _key(got))):
        if abs(len(expected) - len(actual)) <= edits and OSA.distance(expected, actual, score_cutoff=edits) <= edits:
            return True
    return False


def _strip_article(folded: str) -> str:
    """The folded text without one leading article."""
    head, _, rest = folded.partition(" ")
    return rest if head in _ARTICLES and rest else folded


def match_short(answers: tuple[ShortAnswer, ...], tokens: list[Token], response: str = "") -> tuple[str, str] | None:
    """The (short answer, matched response words) of the first short answer found in the response, or None."""
    if not answers:
        return None
    folded = _fold(response) if response else ""
    for answer in answers:
        if folded and (folded == answer.exact or _strip_article(folded) == _strip_article(answer.exact)):
            return answer.text, response.strip()
    words = [t for t in tokens if t.key not in _ARTICLES]
    for answer in answers:
        if answer.symbolic is not None:
            if folded:
                found = answer.symbolic.search(folded)
                if found and not _negated_before(folded[: found.start()]):
                    return answer.text, found.group()
            continue
        pool = words if any(k not in _ARTICLES for k in answer.keys) else tokens
        size = len(answer.keys)
        for start in range(len(pool) - size + 1):
            if not _token_matches(answer, 0, pool[start]):
                continue
            if start > 0 and pool[start - 1].key in NEGATIONS | {"not"}:
                continue
            if not all(_token_matches(answer, i, pool[start + i]) for i in range(1, size)):
                continue
            if answer.weak and not (start + size == len(pool) or (start == 0 and len(pool) - size <= _WEAK_TRAIL)):
                continue
            matched = " ".join(t.surface for t in pool[start : start + size])
            return answer.text, matched
    return None


def _negated_before(text: str) -> bool:
    """True when the text just before an occurrence ends with a negation ("not", "no", "n't")."""
    words = text.split()
    return bool(words) and (words[-1].strip(_EDGE) in NEGATIONS or words[-1].endswith("n't"))
