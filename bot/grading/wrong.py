"""False claims found in a response: those a bank names for a key point (its ``wrong:`` phrasings), and
near-miss API names.

A lexical grader cannot know that ``redirect()`` answers 302 and not 301, or that Flask signs the session cookie
but does not encrypt it; the bank's authors can. A key point may list short phrasings of false claims that
interviewers hear ("301 by default", "session is encrypted", "app.add_blueprint"). A response states one when
all of the phrasing's content words (Snowball stems, stopwords dropped, the prompt's words kept) occur in one
clause of it, close together (in the phrasing's order when it has three or more), each with the polarity it
has in the phrasing: "Flask does not encrypt the session" does not state "session is encrypted", and a word
whose polarity is unclear ("instead of", "avoid") never matches. Words match exactly or through a near-synonym
(``synonyms.py``: "executes" states "runs"), never through a typo: a false claim must be said, not guessed at.
A dotted code name matches by any dotted tail (``@app.before_first_request`` states ``before_first_request``).

A near-miss API name needs no list: ``app.template_global`` where a point says ``app.template_filter`` (see
``near_misses``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.grading.normalize import NEGATOR_KEYS, Token, chunk_tokens, key_of, negated_flags, prepare_text
from bot.grading.synonyms import group_of

__all__ = [
    "NO_CLAIMS",
    "ApiNames",
    "ClaimSet",
    "WrongClaim",
    "api_names",
    "claim_set",
    "clause_ids",
    "code_names",
    "find_wrong",
    "layout",
    "near_misses",
    "unstated",
    "wrong_claim",
    "wrong_claims",
]

SPAN_SLACK = 3  # a claim's words may spread over its own length in tokens plus this many
UNORDERED_WORDS = 2  # a claim of at most this many content words may be stated in any order


@dataclass(frozen=True, slots=True)
class WrongClaim:
    """One false claim of a key point, ready to match: its text and content words as (key, polarity)."""

    point: int  # index of the key point in the question's points
    text: str
    words: tuple[tuple[str, int], ...]
    length: int  # tokens of the phrasing, stopwords included
    prefixes: frozenset[str] = frozenset()  # keys the phrasing itself writes as the start of a hyphenated name


def wrong_claim(point: int, text: str) -> WrongClaim | None:
    """The claim of one ``wrong:`` phrasing, or None when no content word is left (the linter reports it)."""
    tokens, flags = negated_flags(text)
    pairs = zip(tokens, flags, strict=True)
    words = tuple(dict.fromkeys((tok.key, flag) for tok, flag in pairs if not tok.stop and tok.key not in NEGATOR_KEYS))
    if not words:
        return None
    _, prefix = layout(text, tokens)
    prefixes = frozenset(t.key for t, p in zip(tokens, prefix, strict=True) if p)
    return WrongClaim(point, text, words, len(tokens), prefixes)


@lru_cache(maxsize=1024)
def wrong_claims(phrasings: tuple[tuple[str, ...], ...]) -> tuple[WrongClaim, ...]:
    """The claims of every point's ``wrong:`` phrasings (``phrasings[i]`` belongs to point i)."""
    return tuple(
        claim for i, texts in enumerate(phrasings) for text in texts if (claim := wrong_claim(i, text)) is not None
    )


def unstated(claims: tuple[WrongClaim, ...], material: tuple[str, ...]) -> tuple[WrongClaim, ...]:
    """The claims that no text of the question's own material (model answer, phrasings) states.

    ``check`` refuses such a claim in a bank file; a phrasing accepted later on appeal can still state one, and
    then the moderator's decision wins over the bank's list.
    """
    if not claims:
        return claims
    texts = [(text, *negated_flags(text)) for text in material]
    return tuple(claim for claim in claims if not any(find_wrong((claim,), *text) for text in texts))


# Clause breaks: punctuation that ends a clause, an opening bracket, a dash or arrow standing alone, a joining word.
_CLAUSE_END = ",;:.!?)]"
_DASHES = frozenset({"-", "--", "->", "=>", "\u2192", "\u21d2", "\u2014", "\u2013"})
_CLAUSE_WORDS = frozenset(
    {"and", "or", "but", "while", "whereas", "although", "though", "so", "because", "however", "yet", "otherwise",
     "then", "unlike", "instead", "rather", "except", "vs", "versus"}
)  # fmt: skip


def clause_ids(text: str, tokens: list[Token]) -> list[int]:
    """Per token of ``tokenize(text)``, the number of the clause it belongs to."""
    return layout(text, tokens)[0]


def layout(text: str, tokens: list[Token]) -> tuple[list[int], list[bool]]:
    """Per token of ``tokenize(text)``: the number of its clause, and whether it opens a hyphenated name
    ("Flask" in "Flask-Login": not the framework itself). A call's closing bracket ("create_all()") ends no clause.
    """
    ids: list[int] = []
    prefix: list[bool] = []
    clause = 0
    for chunk in prepare_text(text).split():
        got = chunk_tokens(chunk)
        if chunk[0] in "([" or chunk in _DASHES:
            clause += 1
        for k, tok in enumerate(got):
            if tok.base in _CLAUSE_WORDS:
                clause += 1
            ids.append(clause)
            prefix.append(k + 1 < len(got) and f"{tok.surface}-{got[k + 1].surface}" in chunk)
        if chunk[-1] in _CLAUSE_END and not (chunk[-1] == ")" and "(" in chunk):
            clause += 1
    if len(ids) != len(tokens):
        return [0] * len(tokens), [False] * len(tokens)
    return ids, prefix


def _tails(tok: Token) -> tuple[str, ...]:
    """For a dotted code name, the key of each dotted tail (``app.add_blueprint`` → ``add_blueprint``)."""
    name = tok.surface.casefold().lstrip("@").strip(".")
    if "." not in name:
        return ()
    parts = name.split(".")
    return tuple(key_of(".".join(parts[i:]))[1] for i in range(1, len(parts)))


@dataclass(frozen=True, slots=True)
class ClaimSet:
    """A question's false claims, indexed once: response key → the claim words it states (itself, a synonym)."""

    claims: tuple[WrongClaim, ...]
    wanted: dict[str, tuple[str, ...]]


def claim_set(claims: tuple[WrongClaim, ...]) -> ClaimSet:
    """Index claims for ``find_wrong``: a response word states a claim word when it is that word or in its
    synonym group (groups are symmetric, so the group of the claim's word lists every response key)."""
    wanted: dict[str, list[str]] = {}
    for claim in claims:
        for key, _ in claim.words:
            for alt in group_of(key):
                if key not in wanted.setdefault(alt, []):
                    wanted[alt].append(key)
    return ClaimSet(claims, {k: tuple(v) for k, v in wanted.items()})


NO_CLAIMS = ClaimSet((), {})


def find_wrong(
    claims: ClaimSet | tuple[WrongClaim, ...], text: str, tokens: list[Token], flags: list[int]
) -> dict[int, tuple[str, str]]:
    """Points whose false claim the response states: point index → (the response's words, the claim)."""
    if not claims:
        return {}
    index = claims if isinstance(claims, ClaimSet) else claim_set(claims)
    if not index.claims:
        return {}
    wanted = index.wanted
    where: dict[tuple[str, int], list[int]] = {}
    for i, (tok, flag) in enumerate(zip(tokens, flags, strict=True)):
        if tok.stop:
            continue
        keys = wanted.get(tok.key, ())
        if "." in tok.surface:
            keys = (*keys, *(k for tail in _tails(tok) for k in wanted.get(tail, ())))
        for key in keys:
            where.setdefault((key, flag), []).append(i)
    if not where:
        return {}
    found: dict[int, tuple[str, str]] = {}
    shape: tuple[list[int], list[bool]] | None = None
    for claim in index.claims:
        if claim.point in found or any(word not in where for word in claim.words):
            continue
        if shape is None:
            shape = layout(text, tokens)
        span = _span(claim, where, *shape)
        if span is not None:
            start, end = span
            found[claim.point] = (" ".join(t.surface for t in tokens[start : end + 1]), claim.text)
    return found


def _span(
    claim: WrongClaim, where: dict[tuple[str, int], list[int]], clauses: list[int], prefix: list[bool]
) -> tuple[int, int] | None:
    """The narrowest run of one clause, within the claim's length plus ``SPAN_SLACK`` tokens, holding every word
    of the claim: in any order for a claim of two words ("the default is 301" states "301 by default"), in the
    claim's order for more ("Gunicorn runs the Python code behind Nginx" does not state "Nginx runs the Python
    code")."""
    events = sorted(
        (pos, n)
        for n, word in enumerate(claim.words)
        for pos in where[word]
        if not prefix[pos] or word[0] in claim.prefixes  # "Flask-Login hashes" does not say "Flask hashes"
    )
    need = len(claim.words)
    best: tuple[int, int] | None = None
    for i, (start, _) in enumerate(events):
        seen: set[int] = set()
        for j in range(i, len(events)):
            pos, n = events[j]
            if clauses[pos] != clauses[start] or pos - start >= claim.length + SPAN_SLACK:
                break
            seen.add(n)
            if len(seen) == need and (need <= UNORDERED_WORDS or _in_order(events[i : j + 1], need)):
                if best is None or pos - start < best[1] - best[0]:
                    best = (start, pos)
                break
    return best


def _in_order(window: list[tuple[int, int]], need: int) -> bool:
    """True when the window's words include the claim's words in the claim's order."""
    k = 0
    for _, n in window:
        if n == k:
            k += 1
            if k == need:
                return True
    return False


# Near-miss API names: "app.template_global" where the point says "app.template_filter", "db.create_tables" for
# "db.create_all". A dotted name on the same object as one of a point's dotted names, sharing a word of its
# last part but not the name, that the question's material never uses, is a wrong API name for that point
# (when the response never names the point's own). Arbitrary names (a custom decorator, a variable) are not
# dotted on a known object, so they are never read as wrong.
_NAME = re.compile(r"@?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|[A-Za-z]\w*_\w+|[A-Za-z_]\w*\(\)")


def code_names(text: str) -> frozenset[str]:
    """The code names of a text: dotted names, snake_case names and calls, lower-cased, without @ and ()."""
    out = set()
    for m in _NAME.finditer(text):
        name = m.group().lstrip("@").removesuffix("()").casefold()
        if ("_" in name.strip("_") or "." in name) and not name.startswith("__"):
            out.add(name)
    return frozenset(out)


def _same_name(a: str, b: str) -> bool:
    """True when two code names name the same thing (one may be the other's dotted tail)."""
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def _near_miss(said: str, right: str) -> bool:
    """True when ``said`` is another name on the same object sharing a word with ``right`` (template_global /
    template_filter), neither one's words containing the other's."""
    if "." not in said or "." not in right:
        return False
    head, tail = said.rsplit(".", 1)
    right_head, right_tail = right.rsplit(".", 1)
    if head.rsplit(".", 1)[-1] != right_head.rsplit(".", 1)[-1]:
        return False
    words, right_words = set(tail.split("_")) - {""}, set(right_tail.split("_")) - {""}
    return bool(words & right_words) and not (words <= right_words or right_words <= words)


@dataclass(frozen=True, slots=True)
class ApiNames:
    """A question's code names: those of the whole material, and per point (by its text) the point's own."""

    material: frozenset[str]
    points: tuple[tuple[str, frozenset[str]], ...]


def api_names(material: tuple[str, ...], points: tuple[tuple[str, tuple[str, ...]], ...]) -> ApiNames:
    """Prepare (once per question) the code names of the material and of each point's phrasings."""
    own = tuple((text, code_names(" ".join(phrasings))) for text, phrasings in points)
    return ApiNames(code_names(" ".join(material)), tuple((t, n) for t, n in own if any("." in x for x in n)))


def near_misses(api: ApiNames, text: str) -> dict[str, tuple[str, str]]:
    """Points whose API name the response gets wrong: point text → (the name said, the point's name)."""
    if not api.points or "." not in text:
        return {}
    said = code_names(text)
    unknown = [n for n in said if "." in n and not any(_same_name(n, m) for m in api.material)]
    if not unknown:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for point, names in api.points:
        if any(_same_name(s, n) for s in said for n in names):
            continue  # the point's own name is said too
        hit = next(((u, n) for u in sorted(unknown) for n in sorted(names) if _near_miss(u, n)), None)
        if hit is not None:
            out[point] = hit
    return out
