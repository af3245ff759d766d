"""The key-point matcher: per-question preparation (cached) and coverage of each key point by a response.

A key point phrasing is a sequence of content keys (stopwords and the question's own words removed). The
response becomes a sequence of content positions. Each key of the question's vocabulary is matched against
the response's distinct keys once (exact for short keys and numbers, ``OSA`` similarity with a length-based
cutoff otherwise, plus compound joins such as ``url for`` ≈ ``url_for``, plus exact near-synonyms from
``synonyms.py`` that the question's material does not use itself). A phrasing's coverage is the best
weighted share of its keys found inside one window of the response about the phrasing's length (a couple of
positions either side), so words scattered over a long answer do not add up to a point.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise, repeat
from operator import itemgetter, mul

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.bank.models import KeyPoint
from bot.grading.normalize import (
    NEGATED,
    NEGATOR_KEYS,
    UNCLEAR,
    WEAK_WEIGHT,
    Token,
    english_keys,
    is_media_type,
    is_number,
    is_vague,
    is_weak,
    join_key,
    key_of,
    max_edits,
    negated_flags,
    same_kind,
    token_weight,
    tokenize,
)
from bot.grading.synonyms import group_of, opposites_of

__all__ = [
    "SLACK",
    "SYNONYM_SIMILARITY",
    "Coverage",
    "Matcher",
    "PointMatch",
    "answer_point_bounds",
    "answer_point_share",
    "build_matcher",
    "cover",
    "matched_words",
    "phrasing_words",
]

NEGATION_MISSING = 0.6  # share kept when a point's "not" is absent from the matching window
WEAK_ONLY_CREDIT = 0.3  # share of a point's credit when only everyday words matched it (never a hit)
CONTRADICTION_GAP = 0.25  # share lost to a flipped polarity or a broken order that makes a point contradicted
CONTRADICTION_NEAR = 0.3  # share of a point stated near a different number or an opposite word, to contradict it
HEAD = 3  # in ``negpos`` under key -1 - position: that position is the first word a negation governs
ORDER_GAP = 0.05  # for a sequence, any specific word out of order contradicts it
CONTRADICTION_SHARE = 0.65  # share the point reaches when polarity and order are ignored, for a contradiction
SYNONYM_SIMILARITY = 1.0  # a response word from a key's synonym group (``synonyms.py``) counts as the key
SLACK = 2  # extra response positions allowed on each side of a key point's own length
_SCORER = OSA.normalized_similarity
_DISTANCE = OSA.distance
_ENGLISH = english_keys()
# rapidfuzz compares a normalised cutoff with a little float error: 1 - 1/7 - 1e-9 rejects a score of exactly
# 1 - 1/7. Scores are fractions edits/length, so a slack of 1e-6 admits nothing else.
_CUTOFF_SLACK = 1e-6

# Words of non-answers ("I don't know", "no idea", "not sure, sorry", "idk", "skip"). The second group is
# dropped for a question whose own material uses the word (``pass`` or ``None`` can be real answers).
_NON_ANSWER_ALWAYS = "idk dunno not know knew idea clue clueless sure unsure sorry nope lol tbh honestly man bro mate"
_NON_ANSWER_UNLESS_USED = (
    "skip skipping pass none nothing forgot forget remember recall guess help question answer really think "
    "anymore maybe yet"
)
_ALWAYS_KEYS = frozenset(key_of(w)[1] for w in _NON_ANSWER_ALWAYS.split())
_UNLESS_USED_KEYS = frozenset(key_of(w)[1] for w in _NON_ANSWER_UNLESS_USED.split())


@dataclass(frozen=True, slots=True)
class Phrasing:
    """One phrasing of a key point as content keys with weights, and its compound (joined) pairs."""

    keys: tuple[str, ...]
    weights: tuple[float, ...]
    total: float
    pairs: tuple[tuple[str, tuple[int, ...]], ...]
    width: int
    negated: int | None
    sources: tuple[tuple[str, int, float], ...]  # (table key, key index, weight): the keys, then the pairs
    pair_sources: tuple[tuple[str, int, float], ...]  # the pairs' part of ``sources``
    key_sources: tuple[tuple[str, int, float], ...]  # the keys' part of ``sources``
    negs: tuple[int, ...] = ()  # per key: POSITIVE, NEGATED or UNCLEAR in the phrasing
    strong: tuple[bool, ...] = ()  # per key: specific enough to be evidence on its own
    numbers: tuple[int, ...] = ()  # indices of number keys
    ordered: bool = False  # a sequence ("left, then root, then right"): order matters
    polar: bool = False  # some key is negated or is a negator: polarity is checked
    opposed: tuple[tuple[int, frozenset[str]], ...] = ()  # (key index, keys of its opposites not in the phrasing)
    words: tuple[str, ...] = ()  # the unstemmed word of each key (for feedback)
    heads: frozenset[int] = frozenset()  # indices of the first content key after each negation (what it denies)
    repeats: bool = False  # a key occurs twice ("first in, first out"): one response word counts once
    own: tuple[bool, ...] = ()  # per key: not a topic word of the question (set by ``_demote_topic``)


@dataclass(frozen=True, slots=True)
class Point:
    """A prepared key point: its text, weight and phrasings."""

    text: str
    weight: float
    phrasings: tuple[Phrasing, ...]
    anchors: frozenset[str] = frozenset()  # the entities this point is about ("WHERE" in "WHERE filters rows")
    checkable: bool = False  # a phrasing has a number, an opposite word, a negation or an order to contradict
    texts: tuple[str, ...] = ()  # the text of each phrasing
    phrasing_anchors: tuple[frozenset[str], ...] = ()  # per phrasing, the entity it names (when the point names none)
    ask: str = ""  # the interviewer's follow-up for this point (it may name what the point is about)
    word_keys: frozenset[str] = frozenset()  # the non-number keys of all its phrasings
    number_keys: frozenset[str] = frozenset()  # the number keys of all its phrasings


@dataclass(frozen=True, slots=True)
class Matcher:
    """Everything about a question computed once: prompt keys, points, reference bag, vocabulary."""

    prompt_keys: frozenset[str]
    points: tuple[Point, ...]
    answer_points: tuple[Point, ...]
    reference: tuple[tuple[str, float, int], ...]  # (key, weight, polarity in the model answer)
    reference_total: float
    exact_set: frozenset[str]
    fallback_set: frozenset[str]
    fuzzy_keys: tuple[tuple[str, float], ...]
    fuzzy_names: tuple[str, ...]  # the fuzzy keys alone, and their cutoffs (same order)
    fuzzy_cutoffs: tuple[float, ...]
    fuzzy_lowest: float
    pair_set: frozenset[str]
    all_pair_keys: frozenset[str]  # every phrasing's pair keys, vocabulary or not
    vocabulary: frozenset[str]
    compound_heads: frozenset[str]
    non_answer: frozenset[str]
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # response key → vocabulary keys it counts as
    prompt_reference: tuple[tuple[str, float], ...] = ()  # the model answer's words that the prompt uses too
    entities: frozenset[str] = frozenset()  # the things the question contrasts (list/tuple, WHERE/HAVING)
    # first letter → (unstemmed vocabulary words whose stem differs from the word, their keys): typos are matched
    # on the raw word too, among the words of the same first letter
    raw_words: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = dataclasses.field(default_factory=dict)
    entity_names: dict[str, str] = dataclasses.field(default_factory=dict)  # a key naming an entity ("fk") → it
    # per point: a number another point states → that point's words (``_numbers_of_others``)
    numbers_of_others: dict[str, dict[str, frozenset[str]]] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PointMatch:
    """How well one key point is covered: raw share of its keys found (0..1) and the matched positions."""

    text: str
    weight: float
    share: float
    positions: list[int]
    strong: bool = True  # the match includes a specific word (or several words when the phrasing has none)
    contradiction: tuple[str, str] | None = None  # (what the response said, what the point says)


Table = dict[str, list[tuple[int, float]]]
_SURFACE = itemgetter(0)  # Token.surface


@dataclass(frozen=True, slots=True)
class Coverage:
    """Result of matching a response: per-point matches and the share of the reference bag found."""

    points: tuple[PointMatch, ...]
    reference_share: float
    empty: bool
    table: Table
    best_sim: dict[str, float]
    tokens: list[Token]
    token_of: list[int]
    negpos: dict[int, int] = dataclasses.field(default_factory=dict)
    unexplained: int = 0  # distinct content words of the response that match nothing of the question's material
    distinct: int = 0  # distinct content words of the response beyond the question's own words


def _prompt_keys(prompt: str) -> frozenset[str]:
    """Content keys of the prompt, plus keys of adjacent words written as one (``micro framework``)."""
    tokens = tokenize(prompt)
    keys = {t.key for t in tokens if not t.stop}
    for a, b in pairwise(tokens):
        if not (a.stop and b.stop):
            keys.add(join_key(a.base, b.base))
    return frozenset(keys)


_ORDER_MARKS = ("then", "→", "->", "followed by")
_SEQUENCE_KEYS = frozenset({"order", "sequenc", "step", "workflow"})  # a prompt asking for steps in order


def _is_ordered(text: str, prompt_keys: frozenset[str]) -> bool:
    """True for a sequence phrasing: it says "then" / "→", or lists 3+ items when the prompt asks for an order."""
    lower = f" {text.casefold()} "
    if any(f" {mark} " in lower or (mark in "→->" and mark in lower) for mark in _ORDER_MARKS):
        return True
    return not _SEQUENCE_KEYS.isdisjoint(prompt_keys) and lower.count(",") >= 2


_HYPHENATED = re.compile(r"\w+(?:-\w+)+")


def _named_keys(text: str) -> frozenset[str]:
    """Keys of the parts of hyphenated names ("Flask-Limiter", "thread-safe"): specific as a whole, so each
    part counts as a specific word of the phrasing."""
    return frozenset(t.key for m in _HYPHENATED.finditer(text) for t in tokenize(m.group()) if not t.stop)


def _negation_heads(tokens: list[Token], flags: list[int], chosen: list[int]) -> frozenset[int]:
    """Indices (among ``chosen``) of the first content token in each negation's scope: the word it denies."""
    index_of = {j: i for i, j in enumerate(chosen)}
    heads: set[int] = set()
    for j, flag in enumerate(flags):
        if flag and not tokens[j].stop and (j == 0 or not flags[j - 1] or tokens[j - 1].key in NEGATOR_KEYS):
            k = j
            while k > 0 and flags[k - 1] and tokens[k - 1].stop:
                k -= 1
            if (k == 0 or not flags[k - 1]) and j in index_of:
                heads.add(index_of[j])
    return frozenset(heads)


def _phrasing(text: str, prompt_keys: frozenset[str]) -> Phrasing | None:
    """Prepare one phrasing; the prompt's words are dropped unless nothing else is left.

    Demoting works as on the response side: a word of the prompt, or two adjacent words that the prompt
    writes as one (``url for`` when the prompt says ``url_for``), are dropped.
    """
    tokens, neg_flags = negated_flags(text)
    demoted = [t.stop or t.key in prompt_keys for t in tokens]
    for j, (a, b) in enumerate(pairwise(tokens)):
        if not (a.stop and b.stop) and join_key(a.base, b.base) in prompt_keys:
            demoted[j] = demoted[j + 1] = True
    chosen = [j for j, d in enumerate(demoted) if not d]
    if not chosen:
        chosen = [j for j, t in enumerate(tokens) if not t.stop] or list(range(len(tokens)))
    if not chosen:
        return None
    index_of = {j: i for i, j in enumerate(chosen)}
    keys = tuple(tokens[j].key for j in chosen)
    weights = tuple(token_weight(k) for k in keys)
    pairs: list[tuple[str, tuple[int, ...]]] = []
    for j, (a, b) in enumerate(pairwise(tokens)):
        covered = tuple(index_of[x] for x in (j, j + 1) if x in index_of)
        if covered and not (a.stop and b.stop):
            pairs.append((join_key(a.base, b.base), covered))
    negated = keys.index("not") if "not" in keys else None
    pair_sources = tuple((k, i, weights[i]) for k, covered in pairs for i in covered)
    key_sources = tuple((k, i, weights[i]) for i, k in enumerate(keys))
    negs = tuple(neg_flags[j] for j in chosen)
    named = _named_keys(text)
    return Phrasing(
        keys,
        weights,
        sum(weights),
        tuple(pairs),
        len(keys) + 2 * SLACK,
        negated,
        key_sources + pair_sources,
        pair_sources,
        key_sources,
        negs,
        tuple((not is_weak(k) or k in named) and k not in NEGATOR_KEYS for k in keys),
        tuple(i for i, k in enumerate(keys) if is_number(k) or is_media_type(k)),
        _is_ordered(text, prompt_keys),
        NEGATED in negs or any(k in NEGATOR_KEYS for k in keys),
        tuple((i, opp - set(keys)) for i, k in enumerate(keys) if (opp := opposites_of(k)) and opp - set(keys)),
        tuple(tokens[j].base for j in chosen),
        _negation_heads(tokens, neg_flags, chosen),
        len(set(keys)) < len(keys),
    )


def phrasing_words(prompt: str, text: str) -> tuple[list[tuple[str, bool]], bool]:
    """What the grader keeps of a phrasing: its (word, is weak) pairs, and whether only the prompt's words are left.

    Used by the bank lint (``check``): a phrasing whose words are all weak is matched by everyday words alone.
    """
    prompt_keys = _prompt_keys(prompt)
    tokens = tokenize(text)
    content = [t for t in tokens if not t.stop]
    kept = [t for t in content if t.key not in prompt_keys]
    for a, b in pairwise(tokens):
        if not (a.stop and b.stop) and join_key(a.base, b.base) in prompt_keys:
            kept = [t for t in kept if t is not a and t is not b]
    named = _named_keys(text)
    words = [(t.surface, is_weak(t.key) and t.key not in named) for t in kept if t.key not in NEGATOR_KEYS]
    return words, bool(content) and not kept


def _points(key_points: tuple[KeyPoint, ...], prompt_keys: frozenset[str]) -> tuple[Point, ...]:
    """Prepare key points (those with no usable phrasing or no weight are dropped)."""
    points: list[Point] = []
    for kp in key_points:
        prepared = [(t, p) for t in kp.phrasings if t.strip() and (p := _phrasing(t, prompt_keys)) is not None]
        phrasings = tuple(p for _, p in prepared)
        if phrasings and kp.weight > 0:
            checkable = any(ph.numbers or ph.opposed or ph.polar or ph.ordered for ph in phrasings)
            texts = tuple(t for t, _ in prepared)
            words = frozenset(k for ph in phrasings for i, k in enumerate(ph.keys) if i not in ph.numbers)
            numbers = frozenset(ph.keys[i] for ph in phrasings for i in ph.numbers)
            points.append(Point(kp.text, float(kp.weight), phrasings, checkable=checkable, texts=texts, ask=kp.ask,
                                word_keys=words, number_keys=numbers))
    return tuple(points)


REQUIRE_MUTUAL = True
SWAP_SHARE = 0.5  # a point stated this fully right after another entity of the question may be a swap
SWAP_KEEP = 0.8  # share of a point's best match found after its own entity that rules a swap out
ENTITY_REACH = 4  # content positions before a point's words where its subject is looked for


_CONTRAST = re.compile(r"\s(?:and|vs\.?|versus|or|from)\s", re.IGNORECASE)
_CODE_PAIR = re.compile(r"`([^`]+)`\s+(?:and|or|vs\.?|versus)\s+`([^`]+)`", re.IGNORECASE)
_CODE_TERM = re.compile(r"`([^`]+)`")
# "a different page from a view" contrasts nothing: "different" counts only before "from" ("different from `session`")
_CONTRAST_CUE = re.compile(
    r"\b(?:differ(?:s|ed|ence|ences)?|different\s+from|compar\w*|vs\.?|versus|between|distinguish|contrast)\b",
    re.IGNORECASE,
)


_CUE_WORDS = (
    "differ", "differs", "differed", "different", "difference", "compare", "compared", "contrast", "distinguish",
)  # fmt: skip
_CUE_KEYS = frozenset(key_of(w)[1] for w in _CUE_WORDS)  # the words of a contrast cue, never a contrasted thing


def _contrasted(prompt: str) -> frozenset[str]:
    """Keys of the things a prompt contrasts: "WHERE and HAVING", "a list and a tuple", "INNER JOIN vs LEFT JOIN"."""
    out: set[str] = set()
    code = _CODE_PAIR.search(prompt)  # "What do `*args` and `**kwargs` mean?"
    if code:
        out.update(t.key for part in code.groups() for t in tokenize(part)[:1])
    if not _CONTRAST_CUE.search(prompt):  # "What is an index and what does it cost?" contrasts nothing
        return frozenset(k for k in out if len(k) > 1)
    for m in _CONTRAST.finditer(prompt):
        # the cue itself is no thing: "How does a queue differ from a stack?" contrasts queue and stack
        left = [t.key for t in tokenize(prompt[: m.start()]) if not t.stop and t.key not in _CUE_KEYS][-2:]
        right = [t.key for t in tokenize(prompt[m.end() :]) if not t.stop][:2]
        if not left or not right:
            continue
        if len(left) == 2 and len(right) == 2 and left[1] == right[1]:  # INNER JOIN and LEFT JOIN
            out.update((left[0], right[0]))
        elif len(left) == 2 and len(right) == 2 and left[0] == right[0]:  # git merge and git rebase
            out.update((left[1], right[1]))
        else:
            out.update((left[-1], right[0]))
    # an everyday word is no contrasted thing ("..., and which one does Flask use?"), unless typed in capitals
    # as a name ("GET and POST")
    named = {t.key for t in tokenize(prompt) if t.surface.isupper()}
    things = frozenset(k for k in out if len(k) > 1 and (not is_vague(k) or k in named))
    if len(things) < 2:  # "What is `g` for, and how is it different from `session`?": the two quoted names
        quoted = [tokens[-1].key for part in _CODE_TERM.findall(prompt) if (tokens := tokenize(part))]
        if len(quoted) == 2 and quoted[0] != quoted[1]:
            return frozenset(quoted)
    return things


def contrasted_things(prompt: str) -> frozenset[str]:
    """Keys of the things a prompt contrasts ("WHERE and HAVING", "`g` ... different from `session`"), or empty."""
    return _contrasted(prompt)


def names_any(text: str, things: frozenset[str]) -> bool:
    """True when a text names one of the things, also by an abbreviation ("PK" for primary)."""
    return bool(_first_named(text, things))


def _named_entities(points: tuple[Point, ...]) -> frozenset[str]:
    """Things the key points themselves keep apart when the prompt contrasts nothing: specific words that each
    name two or more points and never share a point with another such word ("Werkzeug" and "Jinja2")."""
    where: dict[str, set[int]] = {}
    for n, point in enumerate(points):
        for t in tokenize(point.text):
            if not t.stop and not is_weak(t.key) and not is_number(t.key) and t.key not in NEGATOR_KEYS:
                where.setdefault(t.key, set()).add(n)
    names = {k: ns for k, ns in where.items() if len(ns) >= 2}
    apart = [k for k, ns in names.items() if all(not (ns & other) for j, other in names.items() if j != k)]
    if len(apart) >= 2:
        return frozenset(apart)
    # or the code tokens and capitalised names that open the points ("{{ }} outputs...", "GET reads...")
    subjects = [s for s in (_subject(p.text) for p in points) if s]
    if len(set(subjects)) >= 2 and len(set(subjects)) == len(subjects):
        return frozenset(subjects)
    return frozenset()


def _subject(text: str) -> str:
    """The key of the first token of a point when it is a syntax token or a name typed in capitals ("{{", "GET",
    "2xx"; not an API name), else empty."""
    tokens = [t for t in tokenize(text) if not t.stop or t.surface.isupper()]
    if not tokens:
        return ""
    first = tokens[0].surface
    code = not first.isalpha() or (len(first) > 1 and first.isupper())
    api = any(c in first for c in "._@(")  # an API name (request.files, @app.errorhandler) is no contrasted thing
    return tokens[0].key if code and not api and not is_number(tokens[0].key) else ""


def _first_named(text: str, candidates: frozenset[str]) -> frozenset[str]:
    """The first of the candidate entities a text names, also by an abbreviation ("PK" for primary), or empty."""
    for t in tokenize(text):
        named = candidates & group_of(t.key)
        if named:
            return frozenset(sorted(named)[:1])
    return frozenset()


def _phrasing_anchors(point: Point, candidates: frozenset[str]) -> tuple[frozenset[str], ...]:
    """Per phrasing, the first candidate entity it names; when none names any, the only one the point's ``ask:``
    names, for every phrasing ("How long does something you store on `g` last?")."""
    anchors = tuple(_first_named(t, candidates) for t in point.texts)
    if any(anchors):
        return anchors
    asked = _only_named(point.ask, candidates)
    return tuple(asked for _ in point.texts)


def _only_named(text: str, candidates: frozenset[str]) -> frozenset[str]:
    """The one candidate entity a text names ("How long does something you store on `g` last?"), or empty when it
    names none or several."""
    named: set[str] = set()
    for t in tokenize(text):
        named |= candidates & group_of(t.key)
    return frozenset(named) if len(named) == 1 else frozenset()


def _anchor(
    points: tuple[Point, ...], prompt: str, prompt_keys: frozenset[str]
) -> tuple[tuple[Point, ...], frozenset[str]]:
    """Points with the contrasted entities they are about, and those entities.

    An entity is one of the things the prompt contrasts ("WHERE and HAVING", "a list and a tuple") or, when it
    contrasts nothing, one the key points keep apart (``_named_entities``). A point is about the first entity
    its text names; a point that names none ("mutable versus immutable") is, per phrasing, about the
    first entity that phrasing names ("a list is mutable"), or, when no phrasing names one, the only one the
    point's ``ask:`` names ("How long does something you store on `g` last?"). With two entities or more, a
    point's words said
    about the other one ("HAVING filters rows before grouping") are a swap.
    """
    candidates = _contrasted(prompt)
    for attempt in (candidates, None):
        if attempt is None:
            candidates = _named_entities(points)
        named = [_first_named(p.text, candidates) for p in points]
        per_phrasing = [() if keys else _phrasing_anchors(p, candidates) for p, keys in zip(points, named, strict=True)]
        entities = frozenset().union(*named, *(a for pa in per_phrasing for a in pa))
        if len(entities) >= 2:
            break
    else:
        return points, frozenset()
    anchored = tuple(
        dataclasses.replace(p, anchors=keys, phrasing_anchors=pa)
        for p, keys, pa in zip(points, named, per_phrasing, strict=True)
    )
    return anchored, entities


def _tight(ph: Phrasing, table: Table) -> list[int]:
    """The positions of a phrasing's best window, each key taken at its mention nearest the most specific word
    matched (two mentions of "arguments" in one window: the one next to "positional")."""
    _, at, idx = _best_window(ph, table)
    if len(at) < 2:
        return at
    if ph.own and any(ph.own[i] for i in idx):  # the question's topic words ("resource" in every point) say nothing
        at, idx = [p for p, i in zip(at, idx, strict=True) if ph.own[i]], [i for i in idx if ph.own[i]]
    centre = at[max(range(len(at)), key=lambda n: ph.weights[idx[n]])]
    out = []
    for p, i in zip(at, idx, strict=True):
        near = [q for q, _ in table.get(ph.keys[i], ()) if abs(q - centre) <= ph.width]
        out.append(min(near, key=lambda q: abs(q - centre)) if near else p)
    return out


def _swap(
    point: Point, k: int, at: list[int], entity_pos: list[tuple[int, str, str]], table: Table,
    shares: dict[int, float] | None = None,
) -> tuple[tuple[str, str], frozenset[str]] | None:
    """((rival said, entity expected), anchors) when the words of a point are said about another entity of the
    question; ``k`` is the point's best phrasing and ``table`` holds no entity word (a point that names its
    entity, "Werkzeug handles routing", is stated by its other words).

    Not when the point's own entity stands next to any occurrence of its words ("a stack is last in, first
    out; a queue is first in, first out" states the queue point, though "first out" also follows "stack").
    ``shares`` memoises each phrasing's best share on ``table`` (by its id) across the points of one response.
    """
    memo = {} if shares is None else shares

    def share(ph: Phrasing) -> float:
        got = memo.get(id(ph))
        if got is None:
            got = memo[id(ph)] = _best_window(ph, table)[0]
        return got

    anchors, phrasings, text = point.anchors, point.phrasings, point.text
    if not anchors and point.phrasing_anchors:
        anchors, phrasings, text = point.phrasing_anchors[k], point.phrasings[k : k + 1], point.texts[k]
    elif anchors and len(phrasings) > 1:  # the phrasing whose words (not its examples or name) are said most
        k = max(range(len(phrasings)), key=lambda n: share(phrasings[n]))
    if anchors:
        at = _tight(point.phrasings[k], table)
    if not anchors or not at:
        return None
    mine = [p for p, k, _ in entity_pos if k in anchors]
    if mine:  # the point's words said right after its own entity, nearly as fully as anywhere: no swap
        best = max(share(ph) for ph in phrasings)
        starts = sorted({p for p, _, _ in entity_pos})
        nears: dict[int, Table] = {}  # by reach: phrasings of one length share the table
        for ph in phrasings:
            reach = len(ph.keys) + 2 * SLACK
            near = nears.get(reach)
            if near is None:
                # after each mention of its own entity, up to the next mention of any entity
                spans = [(e, min([s for s in starts if s > e] + [e + reach + 1])) for e in mine]
                near = nears[reach] = {
                    k: kept
                    for k, hits in table.items()
                    if (kept := [(p, v) for p, v in hits if any(a <= p < b for a, b in spans)])
                }
            if _best_window(ph, near)[0] >= SWAP_KEEP * best:
                return None
    lo, hi = min(at), max(at)
    words = set(at)  # an entity that is itself one of the point's matched words ("a merge commit") is no subject
    inside = [(p, k, s) for p, k, s in entity_pos if lo < p <= hi and p not in words]
    if any(k in anchors for _, k, _ in inside):
        return None
    before = [(p, k, s) for p, k, s in entity_pos if lo - ENTITY_REACH <= p <= lo]
    subject = before[-1:] or inside[:1]
    if subject and subject[0][1] not in anchors:
        named = next((t.surface for t in tokenize(text) if t.key in anchors), sorted(anchors)[0])
        return (subject[0][2], named), anchors
    return None


TOPIC_SHARE = 0.5  # a word that this share of a question's points use is its topic, not evidence of one point
TOPIC_MIN_POINTS = 3


def _demote_topic(points: tuple[Point, ...]) -> tuple[Point, ...]:
    """Points whose phrasings do not count the question's topic words as specific ("redirect" in most points of
    the redirect question): such a word alone never shows which point is covered, unless the phrasing writes it
    as a call ("return redirect() from the view")."""
    if len(points) < TOPIC_MIN_POINTS:
        return points
    counts: dict[str, int] = {}
    for point in points:
        for key in {k for ph in point.phrasings for k in ph.keys}:
            counts[key] = counts.get(key, 0) + 1
    topic = {k for k, n in counts.items() if n >= max(TOPIC_MIN_POINTS, TOPIC_SHARE * len(points))}
    if not topic:
        return points

    def demoted(ph: Phrasing, text: str) -> Phrasing:
        called = {t.key for t in tokenize(text) if t.surface.endswith("()")}  # "return redirect()": the API itself
        strong = tuple(s and (k not in topic or k in called) for k, s in zip(ph.keys, ph.strong, strict=True))
        return dataclasses.replace(ph, strong=strong, own=tuple(k not in topic for k in ph.keys))

    return tuple(
        dataclasses.replace(p, phrasings=tuple(map(demoted, p.phrasings, p.texts or (p.text,) * len(p.phrasings))))
        for p in points
    )


def build_matcher(
    prompt: str, key_points: tuple[KeyPoint, ...], reference: str, answer_points: tuple[KeyPoint, ...] = ()
) -> Matcher:
    """Prepare a question for fast repeated matching.

    ``key_points`` are graded and reported; ``reference`` (the model answer) is the bag for overall
    similarity; ``answer_points`` (clauses of the model answer, when the key points are authored) give a
    second route to credit, so an answer worded like the model answer is not failed on the points' wording.
    """
    prompt_keys = _prompt_keys(prompt)
    points = _points(key_points, prompt_keys)
    extra = _points(answer_points, prompt_keys)
    points, entities = _anchor(points, prompt, prompt_keys)
    points = _demote_topic(points)
    ref_all, ref_flags = negated_flags(reference)
    ref_weights: dict[str, float] = {}
    ref_polarity: dict[str, set[int]] = {}
    prompt_ref: dict[str, float] = {}
    for t, flag in zip(ref_all, ref_flags, strict=True):
        if t.stop or t.key in NEGATOR_KEYS:
            continue
        if t.key in prompt_keys:
            prompt_ref.setdefault(t.key, token_weight(t.key))
            continue
        ref_weights.setdefault(t.key, token_weight(t.key))
        ref_polarity.setdefault(t.key, set()).add(flag)
    polarity = {k: next(iter(v)) if len(v) == 1 else UNCLEAR for k, v in ref_polarity.items()}
    vocab: set[str] = set(ref_weights)
    pair_keys: set[str] = set()
    for point in points + extra:
        for ph in point.phrasings:
            vocab.update(ph.keys)
            pair_keys.update(k for k, _ in ph.pairs)
    fallback = sorted(k for k in vocab if k in prompt_keys or key_of(k)[2])
    raw = _raw_words(points + extra, ref_all, set(fallback) | prompt_keys)
    exact = sorted(k for k in vocab if max_edits(k) == 0 and k not in fallback)
    fuzzy = sorted(
        (k, 1.0 - max_edits(k) / len(k) - _CUTOFF_SLACK) for k in vocab if max_edits(k) > 0 and k not in fallback
    )
    synonyms = _synonyms(vocab, prompt_keys, fallback) + _api_names(points + extra, vocab, prompt_keys)
    return Matcher(
        synonyms=synonyms,
        prompt_keys=prompt_keys,
        points=points,
        answer_points=extra,
        reference=tuple((k, w, polarity[k]) for k, w in ref_weights.items()),
        reference_total=sum(ref_weights.values()) + sum(prompt_ref.values()),
        prompt_reference=tuple(prompt_ref.items()),
        entities=entities,
        entity_names={alias: e for e in sorted(entities) for alias in group_of(e)},
        raw_words={
            c: (tuple(w for w, _ in group), tuple(k for _, k in group))
            for c in sorted({w[0] for w, _ in raw})
            if (group := [(w, k) for w, k in raw if w[0] == c])
        },
        exact_set=frozenset(exact),
        fallback_set=frozenset(fallback),
        fuzzy_keys=tuple(fuzzy),
        fuzzy_names=tuple(k for k, _ in fuzzy),
        fuzzy_cutoffs=tuple(c for _, c in fuzzy),
        fuzzy_lowest=min((c for _, c in fuzzy), default=0.0),
        pair_set=frozenset(pair_keys - vocab),
        all_pair_keys=frozenset(pair_keys),
        vocabulary=frozenset(vocab),
        compound_heads=frozenset(k[:i] for k in vocab | prompt_keys for i in range(1, len(k))),
        non_answer=_ALWAYS_KEYS | (_UNLESS_USED_KEYS - vocab),
        numbers_of_others=_numbers_of_others(points),
    )


def _raw_words(points: tuple[Point, ...], reference: list[Token], skip: set[str]) -> list[tuple[str, str]]:
    """(unstemmed word, key) of the material's words whose stem differs from the word, for typo matching on the
    raw word: a typo can move a Snowball stem far (``recursivly`` → ``recursivli``, ``recursively`` → ``recurs``)."""
    seen: dict[str, str] = {}
    words = [(w, k) for p in points for ph in p.phrasings for w, k in zip(ph.words, ph.keys, strict=True)]
    words += [(t.base, t.key) for t in reference if not t.stop]
    for word, key in words:
        if key not in skip and word != key and word.isalpha() and max_edits(word) > 0:
            seen.setdefault(word, key)
    return sorted(seen.items())


def _synonyms(
    vocab: set[str], prompt_keys: frozenset[str], fallback: list[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Response keys that count as vocabulary keys (see ``synonyms.py``): words the material does not use itself."""
    skip = set(fallback)
    targets: dict[str, list[str]] = {}
    for key in sorted(vocab):
        if key in skip:
            continue
        for alt in group_of(key):
            if alt != key and alt not in vocab and alt not in prompt_keys:
                targets.setdefault(alt, []).append(key)
    return tuple((alt, tuple(keys)) for alt, keys in sorted(targets.items()))


def _api_names(
    points: tuple[Point, ...], vocab: set[str], prompt_keys: frozenset[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A dotted name's last part said alone counts as it when that part is no English word: ``deepcopy`` (or
    ``deepcopy()``) is ``copy.deepcopy``, ``test_client()`` is ``app.test_client()``; ``copy`` is not ``copy.copy``."""
    english = english_keys()
    targets: dict[str, set[str]] = {}
    for point in points:
        for text in point.texts or (point.text,):
            for t in tokenize(text):
                if "." not in t.surface or t.stop or is_number(t.key):
                    continue
                last = t.surface.casefold().lstrip("@").removesuffix("()").rsplit(".", 1)[-1]
                if len(last) < 4 or not last.replace("_", "").isalnum() or key_of(last)[1] in english:
                    continue
                for alt in {key_of(last)[1], key_of(last + "()")[1]}:
                    if alt != t.key and alt not in vocab and alt not in prompt_keys:
                        targets.setdefault(alt, set()).add(t.key)
    return tuple((alt, tuple(sorted(keys))) for alt, keys in sorted(targets.items()))


def _index(
    matcher: Matcher, tokens: list[Token], flags: list[int] | None = None
) -> tuple[
    Table,
    dict[str, float],
    list[int],
    dict[int, int],
    list[tuple[int, str]],
    int,
    dict[str, list[int]],
    list[tuple[int, str, str]],
]:
    """Match every vocabulary key against the response once: key → [(position, similarity)].

    Also returns each matched key's best similarity and, per content position, the index of its token
    (for feedback); no content positions means the response has nothing but stopwords and the question's
    words. Then the content positions in the scope of a negation (``flags`` from ``negated_flags``), the number
    tokens as (position, key), and the count of content positions whose key no vocabulary key matched.
    A dotted code token also stands for its prefixes (``app.logger.warning`` covers ``app.logger``) and for the
    API name it ends with (``resp.status_code`` covers ``status_code``, ``x.session.add`` ``session.add``).
    """
    prompt_keys, heads, vocabulary = matcher.prompt_keys, matcher.compound_heads, matcher.vocabulary
    fallback = matcher.fallback_set
    last = len(tokens) - 1
    choice_pos: dict[str, list[int]] = {}
    token_of: list[int] = []
    compounds: list[tuple[str, int]] = []
    others: list[tuple[str, int]] = []
    pos = 0
    demote_next = False
    get_pos, add_token = choice_pos.get, token_of.append
    negpos: dict[int, int] = {}  # content position → NEGATED or UNCLEAR (positive ones are absent)
    neg_heads: set[int] = set()  # the first content position of each negation scope
    entities = matcher.entity_names
    entity_pos: list[tuple[int, str, str]] = []  # (position, key, surface) of the question's entities
    numbers: list[tuple[int, str]] = []
    base_of: dict[str, str] = {}
    for j, (surface, base, key, stop) in enumerate(tokens):
        demoted = demote_next or stop or key in prompt_keys
        demote_next = False
        if base in heads and j < last:
            _, next_base, _, next_stop = tokens[j + 1]
            if not (stop and next_stop):
                joined = join_key(base, next_base)
                if joined in prompt_keys:  # two words the prompt writes as one
                    demoted = demote_next = True
                elif joined in vocabulary:
                    compounds.append((joined, pos))
        if key in entities:
            entity_pos.append((pos, entities[key], surface))
        if demoted:
            if key in fallback:
                others.append((key, pos))
            continue
        found = get_pos(key)
        if found is None:
            choice_pos[key] = [pos]
            base_of[key] = base
        else:
            found.append(pos)
        if flags is not None and flags[j]:
            negpos[pos] = flags[j]
            if pos - 1 not in negpos:
                neg_heads.add(pos)
        if "/" in key and is_media_type(key):
            numbers.append((pos, key))
        elif "." in surface:
            if key[0].isdigit() and is_number(key):
                numbers.append((pos, key))
            else:
                parts = surface.casefold().lstrip("@").removesuffix("()").split(".")
                for k in range(2, len(parts)):
                    prefix = "".join(parts[:k]).replace("_", "")
                    if prefix in vocabulary:
                        choice_pos.setdefault(prefix, []).append(pos)
                for k in range(1, len(parts)):  # an API name on any object: resp.status_code covers status_code
                    tail = parts[k:]
                    if len(tail) >= 2 or "_" in tail[0]:
                        suffix = "".join(tail).replace("_", "")
                        if suffix in vocabulary:
                            choice_pos.setdefault(suffix, []).append(pos)
        elif key.isdigit():
            numbers.append((pos, key))
        elif key[0] == "<" and key != "<>" and "<>" in vocabulary:  # <int:id> is also a bare <variable>
            choice_pos.setdefault("<>", []).append(pos)
        add_token(j)
        pos += 1
    table: Table = {}
    best_sim: dict[str, float] = {}
    exact_keys = matcher.exact_set & choice_pos.keys()
    explained = len(exact_keys)  # distinct response keys that match the question's material
    for key in exact_keys:
        table[key] = [(p, 1.0) for p in choice_pos[key]]
        best_sim[key] = 1.0
    for key, p in others:
        table.setdefault(key, []).append((p, 1.0))
        best_sim[key] = 1.0
    if choice_pos:
        choices = list(choice_pos)
        extract = process.extract
        fuzzy_choices: set[str] = set()
        for key, hits in _fuzzy_hits(matcher, choices, extract):
            if hits:
                fuzzy_choices.update(choice for choice, _, _ in hits)
                if len(hits) == 1:
                    choice, score, _ = hits[0]
                    table[key] = [(p, score) for p in choice_pos[choice]]
                else:
                    table[key] = [(p, score) for choice, score, _ in hits for p in choice_pos[choice]]
                best_sim[key] = hits[0][1]
        explained += len(fuzzy_choices - exact_keys)
        if matcher.raw_words:
            explained += _raw_typos(matcher, choice_pos, base_of, exact_keys | fuzzy_choices, table, best_sim)
    for alt, targets in matcher.synonyms:
        alt_pos = get_pos(alt)
        if alt_pos is not None:
            explained += 1
            for key in targets:
                table.setdefault(key, []).extend([(p, SYNONYM_SIMILARITY) for p in alt_pos])
                if best_sim.get(key, 0.0) < SYNONYM_SIMILARITY:
                    best_sim[key] = SYNONYM_SIMILARITY
    for key in matcher.pair_set & choice_pos.keys():
        table[key] = [(p, 1.0) for p in choice_pos[key]]
        best_sim[key] = 1.0
        explained += 1
    for joined, p in compounds:
        table.setdefault(joined, []).append((p, 1.0))
        best_sim[joined] = 1.0
    unexplained = max(0, len(choice_pos) - explained)
    for p in neg_heads:
        negpos[-1 - p] = HEAD  # marks heads without another structure: negative keys are never positions
    return table, best_sim, token_of, negpos, numbers, unexplained, choice_pos, entity_pos


def _fuzzy_hits(
    matcher: Matcher, choices: list[str], extract: Callable[..., list[tuple[str, float, int]]]
) -> Iterator[tuple[str, list[tuple[str, float, int]]]]:
    """Per fuzzy vocabulary key, the response keys as similar as its cutoff, best first (ties in response order).

    The similarity is symmetric, so each response key is compared with the vocabulary once (one call per
    response key instead of one per vocabulary key) and the hits are regrouped by vocabulary key.
    """
    if len(choices) >= len(matcher.fuzzy_keys):
        for key, cutoff in matcher.fuzzy_keys:
            yield key, extract(key, choices, scorer=_SCORER, score_cutoff=cutoff, limit=None)
        return
    keys = matcher.fuzzy_names
    cutoffs = matcher.fuzzy_cutoffs
    lowest = matcher.fuzzy_lowest
    found: dict[int, list[tuple[float, int, str]]] = {}
    for n, choice in enumerate(choices):
        for _, score, k in extract(choice, keys, scorer=_SCORER, score_cutoff=lowest, limit=None):
            if score >= cutoffs[k]:
                found.setdefault(k, []).append((-score, n, choice))
    for k, hits in sorted(found.items()):
        hits.sort()
        yield keys[k], [(choice, -score, n) for score, n, choice in hits]


def _raw_typos(
    matcher: Matcher,
    choice_pos: dict[str, list[int]],
    base_of: dict[str, str],
    matched: frozenset[str] | set[str],
    table: Table,
    best_sim: dict[str, float],
) -> int:
    """Match response words that no key matched and that are not English words against the material's unstemmed
    words of the same first letter, with the same typo tolerance (the fewer edits of the two words' allowances);
    returns how many response words matched."""
    groups = matcher.raw_words
    extract = process.extract
    count = 0
    for key, positions in choice_pos.items():
        if key in matched or key in _ENGLISH:
            continue  # a word of the frequency table is spelt right: not a typo of another word
        word = base_of.get(key, "")
        edits = max_edits(word)
        group = groups.get(word[:1]) if edits else None
        if group is None or not word.isalpha():
            continue
        raw_words, raw_keys = group
        hits = extract(word, raw_words, scorer=_DISTANCE, score_cutoff=edits, limit=None)
        found = False
        for other, dist, i in hits:
            if dist and dist <= max_edits(other):
                vkey = raw_keys[i]
                sim = 1.0 - dist / max(len(word), len(other))
                table.setdefault(vkey, []).extend([(p, sim) for p in positions])
                if best_sim.get(vkey, 0.0) < sim:
                    best_sim[vkey] = sim
                found = True
        count += found
    return count


def _assign(events: list[tuple[int, int, float]], size: int) -> tuple[float, list[float], list[int]]:
    """Best weight of matched keys when each response position counts for one key only (repeated keys)."""
    got = [0.0] * size
    where = [-1] * size
    used: set[int] = set()
    for p, i, v in sorted(events, key=lambda e: -e[2]):
        if got[i] == 0.0 and p not in used:
            got[i], where[i] = v, p
            used.add(p)
    return sum(got), got, where


def _chain(events: list[tuple[int, int, float]], size: int) -> tuple[float, list[float], list[int]]:
    """Best weight of matched keys taken in the phrasing's order (positions and key indices both increasing)."""
    n = len(events)
    best = [0.0] * n
    back = [-1] * n
    for x in range(n):
        p, i, v = events[x]
        best[x] = v
        for y in range(x):
            q, k, _ = events[y]
            if q < p and k < i and best[y] + v > best[x]:
                best[x], back[x] = best[y] + v, y
    got = [0.0] * size
    where = [-1] * size
    if not n:
        return 0.0, got, where
    x = max(range(n), key=best.__getitem__)
    value = best[x]
    while x >= 0:
        p, i, v = events[x]
        got[i], where[i] = v, p
        x = back[x]
    return value, got, where


def _best_window(
    ph: Phrasing,
    table: Table,
    floor: float = 0.0,
    pairs: bool = True,
    negpos: dict[int, int] | None = None,
    loose: bool = False,
) -> tuple[float, list[int], list[int]]:
    """Best weighted share of the phrasing's keys inside one window, the matched positions and key indices.

    Windows start at each matched position and span ``ph.width`` positions; a window holding no event
    beyond the previous window's is a subset of it and is skipped. Returns (0, [], []) when nothing is found
    or the best case cannot beat ``floor``. ``pairs=False`` says no pair key is in the table. A response word
    counts only with the polarity it has in the phrasing (``negpos``: negated response positions), and the
    keys of a sequence phrasing only in its order; ``loose=True`` ignores both (to detect a contradiction).
    """
    sources = ph.sources if pairs else ph.key_sources
    if negpos and not loose:
        negs = ph.negs
        get = negpos.get
        events = [
            (p, i, w * s)
            for key, i, w in sources
            if key in table
            for p, s in table[key]
            if negs[i] == UNCLEAR or get(p, 0) in (negs[i], UNCLEAR)
        ]
    elif ph.polar and not loose:
        negs = ph.negs
        events = [(p, i, w * s) for key, i, w in sources if key in table for p, s in table[key] if negs[i] != NEGATED]
    else:
        events = [(p, i, w * s) for key, i, w in sources if key in table for p, s in table[key]]
    if not events:
        return 0.0, [], []
    size = len(ph.keys)
    ordered = ph.ordered and not loose
    top = [0.0] * size
    for _, i, v in events:
        if v > top[i]:
            top[i] = v
    total = ph.total
    bound = sum(top)
    if bound / total <= floor:
        return 0.0, [], []  # cannot beat what another phrasing already has
    count = len(events)
    if count == 1:
        best, best_v, best_p = bound, top, [events[0][0]]
        best_i = [events[0][1]]
    else:
        events.sort()
        width = ph.width
        best, best_v, at = 0.0, top, []
        a = b = 0
        while True:
            start = events[a][0]
            end = start + width
            stop = b
            while stop < count and events[stop][0] < end:
                stop += 1
            if stop > b:  # otherwise this window is a subset of the previous one
                if ordered:
                    value, got, where = _chain(events[a:stop], size)
                elif ph.repeats:
                    value, got, where = _assign(events[a:stop], size)
                else:
                    got = [0.0] * size
                    where = [-1] * size
                    for p, i, v in events[a:stop]:
                        if v > got[i]:
                            got[i] = v
                            where[i] = p
                    value = sum(got)
                if value > best:
                    best, best_v, at = value, got, where
                    if value >= bound:
                        break  # every key at its best: no window can do better
                if stop == count:
                    break  # later windows only hold a subset of this one's events
                b = stop
            a += 1
            while events[a][0] == start:
                a += 1
        best_p = [p for p in at if p >= 0]
        best_i = [i for i, p in enumerate(at) if p >= 0]
    share = min(1.0, best / total)
    negated = ph.negated
    if negated is not None and best_v[negated] == 0.0 and not loose:
        share *= NEGATION_MISSING  # the point says "not" and the response (there) does not
    if share <= floor:
        return 0.0, [], []
    return share, best_p, best_i


def matched_words(coverage: Coverage, point: PointMatch) -> str:
    """The response words behind a point's matched positions: the whole span if short, else the matched words."""
    if not point.positions:
        return ""
    token_of, tokens = coverage.token_of, coverage.tokens
    n = len(token_of)
    idx = sorted({token_of[p] for p in point.positions if p < n})
    if not idx:
        return ""
    lo, hi = idx[0], idx[-1]
    if hi - lo < 12:
        return " ".join(map(_SURFACE, tokens[lo : hi + 1]))
    return " … ".join([tokens[i].surface for i in idx])


def _evidence(ph: Phrasing, indices: list[int]) -> bool:
    """True when matched keys are evidence: a specific word, or two words of the point in one compact window."""
    return len(set(indices)) >= 2 or any(ph.strong[i] for i in indices)


def _anchors_of(point: Point, k: int) -> frozenset[str]:
    """The entities a point is about: its own, or those its k-th phrasing names."""
    return point.anchors or (point.phrasing_anchors[k] if point.phrasing_anchors else frozenset())


def _anchored(point: Point, k: int, at: list[int], entity_pos: list[tuple[int, str, str]]) -> bool:
    """True when the point's words follow a mention of the very thing it is about ("== checks the values"):
    the subject makes everyday words a statement of this point, not a word that could belong to any."""
    anchors = _anchors_of(point, k)
    if not anchors or not at:
        return False
    lo = min(at)
    before = [key for p, key, _ in entity_pos if lo - ENTITY_REACH <= p <= lo]
    return bool(before) and before[-1] in anchors


def _about_another(
    point: Point, k: int, at: list[int], entity_pos: list[tuple[int, str, str]], tokens: list[Token]
) -> bool:
    """True when the point's words are said only of another thing the question contrasts and its own thing is
    never named ("a deep copy copies the nested objects" says nothing of the shallow copy's objects)."""
    anchors = _anchors_of(point, k)
    if not anchors or not at or any(key in anchors for _, key, _ in entity_pos):
        return False
    lo = min(at)
    before = [key for p, key, _ in entity_pos if p <= lo]
    if not before or any(before[-1].startswith(a) or a.startswith(before[-1]) for a in anchors):
        return False  # no subject, or the same thing in another form (debug, debugger)
    return not any(_names(t, anchors) for t in tokens)


def _names(token: Token, anchors: frozenset[str]) -> bool:
    """True when a token names one of the anchors, typos included ("queu" for queue, "integraton")."""
    if token.stop:
        return False
    for a in anchors:
        if len(a) >= 4 and (OSA.distance(token.key, a) <= max(1, max_edits(a)) or token.base.startswith(a[:-1])):
            return True
    return False


def _said(coverage_tokens: list[Token], token_of: list[int], positions: list[int]) -> str:
    """The response words spanning some content positions."""
    idx = sorted({token_of[p] for p in positions if p < len(token_of)})
    if not idx:
        return ""
    return " ".join(t.surface for t in coverage_tokens[idx[0] : idx[-1] + 1][:12])


def _contradiction(
    ph: Phrasing,
    table: Table,
    pairs: bool,
    share: float,
    negpos: dict[int, int],
    numbers: list[tuple[int, str]],
    keypos: dict[str, list[int]],
    tokens: list[Token],
    token_of: list[int],
    ellipsis: bool = False,
    others: dict[str, frozenset[str]] | None = None,
    own_words: frozenset[str] = frozenset(),
    own_numbers: frozenset[str] = frozenset(),
    full: Table | None = None,
    about: tuple[frozenset[str], list[tuple[int, str, str]]] = (frozenset(), []),
) -> tuple[str, str] | None:
    """(said, expected) when the response states this phrasing with a different number, an opposite word, a
    flipped polarity or a broken order; else None. ``share`` is the point's best share read strictly.

    ``ellipsis``: the response has a negation with nothing after it in its clause ("tuples can't."), so
    polarity cannot be read word by word. ``others``: number → the words of the other points that state it;
    such a number contradicts this point only next to this point's own words and not the other's. ``about``:
    the things this point is about and where the response names each thing the question contrasts; an opposite
    word said of another of them ("in a stack ... the last one inserted", for a queue's point) is no
    contradiction.
    """
    others = others or {}
    polar = bool(negpos or ph.polar or ph.ordered) and not ellipsis
    if not (ph.numbers or ph.opposed or polar):
        return None  # nothing this phrasing could be contradicted by
    loose, at, loose_i = _best_window(ph, table, 0.0, pairs, None, True)
    span = (min(at) - ph.width, max(at) + ph.width) if at else None
    if ph.numbers:
        expected = [ph.keys[i] for i in ph.numbers]
        if not any(k in table for k in expected):
            if len(ph.numbers) == len(ph.keys):
                span = (-1, 1 << 30)  # a bare number: any other number of its kind contradicts it
            if span is not None and (loose > 0.0 or len(ph.numbers) == len(ph.keys)):
                for p, key in numbers:
                    if not (span[0] <= p <= span[1] and any(same_kind(key, e) and key != e for e in expected)):
                        continue
                    if key in own_numbers:
                        continue  # another example of the same point ("5xx, e.g. 500" or "503")
                    owner = others.get(key)
                    if owner is not None:  # another point states this number ("code=301 for a permanent move")
                        mine = own_words - owner
                        around = {k for k, hits in table.items() if any(abs(q - p) <= ph.width for q, _ in hits)}
                        if not (around & mine) or around & (owner - own_words):
                            continue  # said in that point's words, or not in this one's
                    return key, " ".join(expected)
    if at and loose >= CONTRADICTION_NEAR:
        near = set(at)
        lo, hi = min(at) - SLACK, max(at) + SLACK
        for i, opposite in ph.opposed:
            if any(lo <= q <= hi for q, _ in (full or table).get(ph.keys[i], ())):
                continue  # the point's own word is said there too, typo or not: no swap
            for key in opposite:
                for p in keypos.get(key, ()):
                    if near.intersection(range(p - 2, p + 3)) and not _of_another(p, *about):
                        return _said(tokens, token_of, [p]), ph.words[i]
    if not (negpos or ph.polar or ph.ordered) or ellipsis:
        return None
    if loose < CONTRADICTION_SHARE or loose - share < (ORDER_GAP if ph.ordered else CONTRADICTION_GAP):
        return None
    strict = set(_best_window(ph, table, 0.0, pairs, negpos)[2])
    where = dict(zip(loose_i, at, strict=True))
    lost = [i for i in loose_i if i not in strict]
    if not ph.ordered and not any(i in ph.heads or negpos.get(-1 - where[i]) == HEAD for i in lost):
        return None  # the negation denies another word ("doesn't keep it in memory" vs "uses little memory")
    weights = ph.weights
    if (
        len(set(loose_i)) >= 2
        and (ph.ordered or any(ph.weights[i] > WEAK_WEIGHT for i in lost))  # a content word, not "use" or "all"
        and (ph.ordered or 3 * sum(weights[i] for i in lost) >= sum(weights[i] for i in loose_i))  # a third of it
    ):
        return _said(tokens, token_of, at), ""
    return None


def _of_another(position: int, anchors: frozenset[str], entity_pos: list[tuple[int, str, str]]) -> bool:
    """True when the thing last named before a response position is another one than the point is about."""
    if not anchors:
        return False
    before = [key for p, key, _ in entity_pos if p <= position]
    return bool(before) and before[-1] not in anchors


def _numbers_of_others(points: tuple[Point, ...]) -> dict[str, dict[str, frozenset[str]]]:
    """Per key point: number stated by another point of the question → the words of the points stating it."""
    out: dict[str, dict[str, frozenset[str]]] = {}
    for point in points:
        owners: dict[str, frozenset[str]] = {}
        for other in points:
            if other is point:
                continue
            for ph in other.phrasings:
                for i in ph.numbers:
                    owners[ph.keys[i]] = owners.get(ph.keys[i], frozenset()) | other.word_keys
        out[point.text] = owners
    return out


def _swaps_of(
    point: Point, k: int, at: list[int], entity_pos: list[tuple[int, str, str]], apart: Table, table: Table,
    shares: dict[int, float] | None = None,
) -> list[tuple[tuple[str, str], frozenset[str]]]:
    """The swaps of a point: of its best phrasing, or, for a point anchored per phrasing, of every phrasing stated
    nearly as fully as the best one, provided none of them is stated about its own entity ("a set drops
    duplicates")."""
    if point.anchors or not point.phrasing_anchors:
        one = _swap(point, k, at, entity_pos, apart, shares)
        return [one] if one is not None else []
    best = _best_window(point.phrasings[k], table)[0]
    out = []
    for i, ph in enumerate(point.phrasings):
        if not point.phrasing_anchors[i] or _best_window(ph, table)[0] < max(SWAP_SHARE, SWAP_KEEP * best):
            continue
        one = _swap(point, i, at, entity_pos, apart, shares)
        if one is None:
            return []  # stated about its own entity somewhere: no swap
        out.append(one)
    return out


def _mutual_swaps(
    results: list[PointMatch], swaps: dict[int, list[tuple[tuple[str, str], frozenset[str]]]], bare: set[str]
) -> list[PointMatch]:
    """Points contradicted by a swap, kept only when the rival's own fact is displaced too (WHERE's fact said of
    HAVING and HAVING's of WHERE; 3xx's of 4xx, 4xx's of 5xx and 5xx's of 3xx): one fact said after the other
    entity is often just how the sentence runs."""
    out = list(results)
    for k, found in swaps.items():
        for said, expected in (pair for pair, _ in found):
            rival = group_of(key_of(said.casefold())[1])  # with its abbreviations ("foreign" is "FK")
            # the rival's own fact is displaced too (swapped both ways, or rotated among three things)
            mutual = bool(rival & bare) or any(
                rival & anchors for j, others in swaps.items() if j != k for _, anchors in others
            )
            if (mutual or not REQUIRE_MUTUAL) and out[k].contradiction is None:
                out[k] = dataclasses.replace(out[k], contradiction=(said, expected))
    return out


def _elliptical(tokens: list[Token], flags: list[int] | None) -> bool:
    """True when a negation governs no content word ("tuples can't.", "it doesn't"): it negates what came before."""
    if flags is None or not any(flags):
        return False
    for j, tok in enumerate(tokens):
        if tok.key in NEGATOR_KEYS:
            after = [k for k in range(j + 1, min(len(tokens), j + 4)) if flags[k] and not tokens[k].stop]
            if not after:
                return True
    return False


def _reference_share(
    matcher: Matcher, table: Table, best_sim: dict[str, float], negpos: dict[int, int], tokens: list[Token]
) -> float:
    """Share of the model answer's words found in the response, each with the polarity it has there.

    A word the model answer denies ("never a fast hash such as MD5") does not count when the response asserts
    it, nor the other way round. The prompt's words count too (a model answer that restates the question
    keeps something to match) but never more than the other words found: restating the prompt earns nothing.
    """
    if not matcher.reference_total:
        return 0.0
    get = best_sim.get
    found = 0.0
    for key, weight, polarity in matcher.reference:
        sim = get(key, 0.0)
        if sim and negpos and polarity != UNCLEAR:
            if not any(negpos.get(p, 0) in (polarity, UNCLEAR) for p, _ in table[key]):
                continue  # said only the other way round
        elif sim and polarity == NEGATED:
            continue
        found += weight * sim
    if found and matcher.prompt_reference:
        said = {t.key for t in tokens if not t.stop}
        echoed = sum(weight for key, weight in matcher.prompt_reference if key in said)
        found += min(echoed, found)
    return found / matcher.reference_total


def cover(matcher: Matcher, tokens: list[Token], flags: list[int] | None = None) -> Coverage:
    """Coverage of each key point (best phrasing) and of the reference bag by a tokenised response.

    ``flags`` (from ``negated_flags``) marks the tokens in the scope of a negation: a word counts only with
    the polarity it has in the point. A point the response contradicts (flipped polarity, a sequence out of
    order, a different number) carries the contradiction and is not credited.
    """
    if flags is not None and not any(flags):
        flags = None  # no negation in the response: nothing to read per word
    table, best_sim, token_of, negpos, numbers, unexplained, keypos, entity_pos = _index(matcher, tokens, flags)
    pairs = not matcher.all_pair_keys.isdisjoint(table)
    results: list[PointMatch] = []
    exact: Table | None = None
    ellipsis = False
    swaps: dict[int, list[tuple[tuple[str, str], frozenset[str]]]] = {}  # point index → [((said, expected), anchors)]
    numbers_of = matcher.numbers_of_others if numbers else {}
    apart: Table | None = None  # the table without the entities' own words (for swaps)
    apart_shares: dict[int, float] = {}  # each phrasing's best share on ``apart`` (by id)
    bare: set[str] = set()  # entities whose point is matched by their name alone
    for point in matcher.points:
        best, best_at, best_eff, strong, best_k = 0.0, [], 0.0, False, 0
        for k, ph in enumerate(point.phrasings):
            share, at, idx = _best_window(ph, table, best_eff, pairs, negpos)
            if share <= best_eff:
                continue
            if entity_pos and _about_another(point, k, at, entity_pos, tokens):
                continue
            evidence = _evidence(ph, idx) or (bool(entity_pos) and _anchored(point, k, at, entity_pos))
            effective = share if evidence else share * WEAK_ONLY_CREDIT
            if effective > best_eff:
                best, best_at, best_eff, strong, best_k = share, at, effective, evidence, k
                if effective >= 1.0:
                    break
        contradiction = None
        if entity_pos and best >= SWAP_SHARE:
            if apart is None:
                prompt_keys = matcher.prompt_keys  # where a name is typed (not a prompt word, demoted)
                named = {p for p, _, w in entity_pos if key_of(w.casefold())[1] not in prompt_keys}
                apart = {  # without the entities' own words, bare syntax ("}}" closing a "{{") and numbers (an
                    # example of a class, "4xx ... 404", does not state its fact)
                    k: kept
                    for k, hits in table.items()
                    if k not in matcher.entities and any(map(str.isalnum, k)) and not is_number(k)
                    if (kept := [(p, v) for p, v in hits if p not in named])
                }
            found = _swaps_of(point, best_k, best_at, entity_pos, apart, table, apart_shares)
            if found:
                swaps[len(results)] = found
            elif point.anchors and not _tight(point.phrasings[best_k], apart):
                bare |= point.anchors  # matched by its name alone ("{{ }}"), no fact said of it
        if contradiction is None and best < 1.0 and (negpos or point.checkable):
            if exact is None:  # contradictions are read on exact words only, never on a typo or a synonym
                exact = {k: [(p, v) for p, v in hits if v >= 1.0] for k, hits in table.items()}
                exact = {k: hits for k, hits in exact.items() if hits}
                ellipsis = _elliptical(tokens, flags)
            for n, ph in enumerate(point.phrasings):
                contradiction = _contradiction(
                    ph,
                    exact,
                    pairs,
                    best,
                    negpos,
                    numbers,
                    keypos,
                    tokens,
                    token_of,
                    ellipsis,
                    numbers_of.get(point.text),
                    point.word_keys,
                    point.number_keys,
                    table,
                    (_anchors_of(point, n), entity_pos),
                )
                if contradiction is not None:
                    said, expected = contradiction
                    contradiction = (said, expected or point.text)
                    break
        results.append(PointMatch(point.text, point.weight, best, best_at, strong, contradiction))
    if swaps:
        results = _mutual_swaps(results, swaps, bare)
    share = _reference_share(matcher, table, best_sim, negpos, tokens)
    return Coverage(
        tuple(results),
        min(1.0, share),
        not token_of,
        table,
        best_sim,
        tokens,
        token_of,
        negpos,
        unexplained,
        len(keypos),
    )


def answer_point_share(matcher: Matcher, coverage: Coverage, k: int) -> float:
    """Share of the k-th model-answer clause found in one window (authored-key-point questions only)."""
    table = coverage.table
    pairs = not matcher.all_pair_keys.isdisjoint(table)
    return _best_window(matcher.answer_points[k].phrasings[0], table, 0.0, pairs, coverage.negpos)[0]


def answer_point_bounds(matcher: Matcher, coverage: Coverage) -> list[tuple[float, float]]:
    """(weight, upper bound of the share) of each model-answer clause, from each key's best similarity anywhere.

    Never below what ``answer_point_share`` gives, so a route that cannot win on these bounds can be skipped.
    """
    best_sim = coverage.best_sim
    get = best_sim.get
    pairs = not matcher.all_pair_keys.isdisjoint(best_sim)
    bounds: list[tuple[float, float]] = []
    for point in matcher.answer_points:
        ph = point.phrasings[0]
        top = list(map(mul, ph.weights, map(get, ph.keys, repeat(0.0))))
        if pairs:
            for key, i, w in ph.pair_sources:
                value = get(key)
                if value and w * value > top[i]:
                    top[i] = w * value
        bounds.append((point.weight, min(1.0, sum(top) / ph.total)))
    return bounds
