"""The key-point matcher: per-question preparation (cached) and coverage of each key point by a response.

A key point phrasing is a sequence of content keys (stopwords and the question's own words removed). The
response becomes a sequence of content positions. Each key of the question's vocabulary is matched against
the response's distinct keys once (exact for short keys and numbers, ``OSA`` similarity with a length-based
cutoff otherwise, plus compound joins such as ``url for`` ≈ ``url_for``). A phrasing's coverage is the best
weighted share of its keys found inside one window of the response about the phrasing's length (a couple of
positions either side), so words scattered over a long answer do not add up to a point.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.bank.models import KeyPoint
from bot.grading.normalize import Token, join_key, key_of, max_edits, token_weight, tokenize

__all__ = [
    "SLACK",
    "Coverage",
    "Matcher",
    "PointMatch",
    "answer_points_bound",
    "build_matcher",
    "cover",
    "cover_answer_points",
]

NEGATION_MISSING = 0.6  # share kept when a point's "not" is absent from the matching window
SLACK = 2  # extra response positions allowed on each side of a key point's own length
_SCORER = OSA.normalized_similarity
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


@dataclass(frozen=True, slots=True)
class Point:
    """A prepared key point: its text, weight and phrasings."""

    text: str
    weight: float
    phrasings: tuple[Phrasing, ...]


@dataclass(frozen=True, slots=True)
class Matcher:
    """Everything about a question computed once: prompt keys, points, reference bag, vocabulary."""

    prompt_keys: frozenset[str]
    points: tuple[Point, ...]
    answer_points: tuple[Point, ...]
    reference: tuple[tuple[str, float], ...]
    reference_total: float
    exact_keys: tuple[str, ...]
    fallback_keys: tuple[str, ...]
    fuzzy_keys: tuple[tuple[str, float], ...]
    pair_keys: tuple[str, ...]
    vocabulary: frozenset[str]
    compound_heads: frozenset[str]
    non_answer: frozenset[str]


@dataclass(frozen=True, slots=True)
class PointMatch:
    """How well one key point is covered: raw share of its keys found (0..1) and the matched words."""

    text: str
    weight: float
    share: float
    matched: str


Table = dict[str, list[tuple[int, float]]]


@dataclass(frozen=True, slots=True)
class Coverage:
    """Result of matching a response: per-point matches and the share of the reference bag found."""

    points: tuple[PointMatch, ...]
    reference_share: float
    empty: bool
    table: Table
    best_sim: dict[str, float]


def _prompt_keys(prompt: str) -> frozenset[str]:
    """Content keys of the prompt, plus keys of adjacent words written as one (``micro framework``)."""
    tokens = tokenize(prompt)
    keys = {t.key for t in tokens if not t.stop}
    for a, b in pairwise(tokens):
        if not (a.stop and b.stop):
            keys.add(join_key(a.base, b.base))
    return frozenset(keys)


def _phrasing(text: str, prompt_keys: frozenset[str]) -> Phrasing | None:
    """Prepare one phrasing; the prompt's words are dropped unless nothing else is left.

    Demoting works as on the response side: a word of the prompt, or two adjacent words that the prompt
    writes as one (``url for`` when the prompt says ``url_for``), are dropped.
    """
    tokens = tokenize(text)
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
    return Phrasing(keys, weights, sum(weights), tuple(pairs), len(keys) + 2 * SLACK, negated)


def _points(key_points: tuple[KeyPoint, ...], prompt_keys: frozenset[str]) -> tuple[Point, ...]:
    """Prepare key points (those with no usable phrasing or no weight are dropped)."""
    points: list[Point] = []
    for kp in key_points:
        phrasings = tuple(p for p in (_phrasing(t, prompt_keys) for t in kp.phrasings if t.strip()) if p)
        if phrasings and kp.weight > 0:
            points.append(Point(kp.text, float(kp.weight), phrasings))
    return tuple(points)


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
    ref_tokens = [t for t in tokenize(reference) if not t.stop and t.key not in prompt_keys]
    ref_weights: dict[str, float] = {}
    for t in ref_tokens:
        ref_weights.setdefault(t.key, token_weight(t.key))
    vocab: set[str] = set(ref_weights)
    pair_keys: set[str] = set()
    for point in points + extra:
        for ph in point.phrasings:
            vocab.update(ph.keys)
            pair_keys.update(k for k, _ in ph.pairs)
    fallback = sorted(k for k in vocab if k in prompt_keys or key_of(k)[2])
    exact = sorted(k for k in vocab if max_edits(k) == 0 and k not in fallback)
    fuzzy = sorted(
        (k, 1.0 - max_edits(k) / len(k) - _CUTOFF_SLACK) for k in vocab if max_edits(k) > 0 and k not in fallback
    )
    return Matcher(
        prompt_keys=prompt_keys,
        points=points,
        answer_points=extra,
        reference=tuple(ref_weights.items()),
        reference_total=sum(ref_weights.values()),
        exact_keys=tuple(exact),
        fallback_keys=tuple(fallback),
        fuzzy_keys=tuple(fuzzy),
        pair_keys=tuple(sorted(pair_keys - vocab)),
        vocabulary=frozenset(vocab),
        compound_heads=frozenset(k[:i] for k in vocab | prompt_keys for i in range(1, len(k))),
        non_answer=_ALWAYS_KEYS | (_UNLESS_USED_KEYS - vocab),
    )


def _index(matcher: Matcher, tokens: list[Token]) -> tuple[Table, list[int], bool]:
    """Match every vocabulary key against the response once: key → [(position, similarity)].

    Also returns, per content position, the index of its token (for feedback), and whether the response
    has no content of its own (only stopwords and the question's words).
    """
    prompt_keys = matcher.prompt_keys
    n = len(tokens)
    demoted = [t.stop or t.key in prompt_keys for t in tokens]
    compounds: dict[int, str] = {}
    heads, vocabulary = matcher.compound_heads, matcher.vocabulary
    for j in range(n - 1):
        a = tokens[j]
        if a.base not in heads:
            continue
        b = tokens[j + 1]
        if a.stop and b.stop:
            continue
        joined = join_key(a.base, b.base)
        if joined in prompt_keys:
            demoted[j] = demoted[j + 1] = True
        elif joined in vocabulary:
            compounds[j] = joined
    need_other = bool(matcher.fallback_keys)
    other_pos: dict[str, list[int]] = {}
    choice_pos: dict[str, list[int]] = {}
    token_of: list[int] = []
    compound_pos: list[tuple[str, int]] = []
    pos = 0
    for j, t in enumerate(tokens):
        if compounds and j in compounds:
            compound_pos.append((compounds[j], pos))
        if demoted[j]:
            if need_other:
                found = other_pos.get(t.key)
                if found is None:
                    other_pos[t.key] = [pos]
                else:
                    found.append(pos)
            continue
        found = choice_pos.get(t.key)
        if found is None:
            choice_pos[t.key] = [pos]
        else:
            found.append(pos)
        token_of.append(j)
        pos += 1
    table: Table = {}
    for key in matcher.exact_keys:
        found = choice_pos.get(key)
        if found:
            table[key] = [(p, 1.0) for p in found]
    if need_other:
        for key in matcher.fallback_keys:
            found = other_pos.get(key)
            if found:
                table[key] = [(p, 1.0) for p in found]
    if choice_pos:
        choices = list(choice_pos)
        extract = process.extract
        for key, cutoff in matcher.fuzzy_keys:
            hits = extract(key, choices, scorer=_SCORER, score_cutoff=cutoff, limit=None)
            if hits:
                if len(hits) == 1:
                    choice, score, _ = hits[0]
                    table[key] = [(p, score) for p in choice_pos[choice]]
                else:
                    table[key] = [(p, score) for choice, score, _ in hits for p in choice_pos[choice]]
    for key in matcher.pair_keys:
        found = choice_pos.get(key)
        if found:
            table[key] = [(p, 1.0) for p in found]
    for joined, p in compound_pos:
        table.setdefault(joined, []).append((p, 1.0))
    return table, token_of, pos == 0


def _best_window(ph: Phrasing, table: Table, floor: float = 0.0) -> tuple[float, dict[int, tuple[float, int]]]:
    """Best weighted share of the phrasing's keys inside one window, and per key index its (credit, position).

    Returns (0, {}) early when even the best case cannot beat ``floor``.
    """
    events: list[tuple[int, int, float]] = []
    weights = ph.weights
    for i, key in enumerate(ph.keys):
        found = table.get(key)
        if found:
            w = weights[i]
            events.extend([(p, i, w * s) for p, s in found])
    for key, covered in ph.pairs:
        found = table.get(key)
        if found:
            for i in covered:
                w = weights[i]
                events.extend([(p, i, w * s) for p, s in found])
    if not events:
        return 0.0, {}
    total = ph.total
    if floor > 0.0:
        top: dict[int, float] = {}
        for _, i, v in events:
            if v > top.get(i, 0.0):
                top[i] = v
        if sum(top.values()) / total <= floor:
            return 0.0, {}  # cannot beat what another phrasing already has
    if len(events) == 1:
        p, i, v = events[0]
        best, best_at = v, {i: (v, p)}
    else:
        events.sort()
        width = ph.width
        if events[-1][0] - events[0][0] < width:
            starts: range | list[int] = range(1)  # everything fits in one window
        else:
            starts = [a for a in range(len(events)) if a == 0 or events[a][0] != events[a - 1][0]]
        best, best_at = 0.0, {}
        count = len(events)
        for a in starts:
            end = events[a][0] + width
            got: dict[int, tuple[float, int]] = {}
            b = a
            while b < count:
                p, i, v = events[b]
                if p >= end:
                    break
                prev = got.get(i)
                if prev is None or v > prev[0]:
                    got[i] = (v, p)
                b += 1
            value = sum([v for v, _ in got.values()])
            if value > best:
                best, best_at = value, got
                if value >= total - 1e-9:
                    break
            if b == count:
                break  # later windows only hold a subset of this one's events
    share = min(1.0, best / total)
    if ph.negated is not None and ph.negated not in best_at:
        share *= NEGATION_MISSING  # the point says "not" and the response (there) does not
    if share <= floor:
        return 0.0, {}
    return share, best_at


def _words(tokens: list[Token], token_of: list[int], positions: list[int]) -> str:
    """The response words behind matched positions: the whole span if short, else the matched words."""
    if not positions:
        return ""
    idx = sorted({token_of[p] for p in positions if p < len(token_of)})
    if not idx:
        return ""
    lo, hi = idx[0], idx[-1]
    if hi - lo < 12:
        return " ".join(t.surface for t in tokens[lo : hi + 1])
    return " … ".join(tokens[i].surface for i in idx)


def cover(matcher: Matcher, tokens: list[Token]) -> Coverage:
    """Coverage of each key point (best phrasing) and of the reference bag by a tokenised response."""
    table, token_of, empty = _index(matcher, tokens)
    results: list[PointMatch] = []
    for point in matcher.points:
        best, best_at = 0.0, {}
        for ph in point.phrasings:
            share, at = _best_window(ph, table, best)
            if share > best:
                best, best_at = share, at
                if share >= 1.0:
                    break
        positions = sorted({p for _, p in best_at.values()})
        results.append(PointMatch(point.text, point.weight, best, _words(tokens, token_of, positions)))
    best_sim = {key: max([s for _, s in hits]) for key, hits in table.items()}
    found = 0.0
    for key, weight in matcher.reference:
        found += weight * best_sim.get(key, 0.0)
    share = found / matcher.reference_total if matcher.reference_total else 0.0
    return Coverage(tuple(results), min(1.0, share), empty, table, best_sim)


def cover_answer_points(matcher: Matcher, coverage: Coverage) -> tuple[tuple[float, float], ...]:
    """(weight, share) of each model-answer clause (authored-key-point questions only; computed on demand)."""
    return tuple((point.weight, _best_window(point.phrasings[0], coverage.table)[0]) for point in matcher.answer_points)


def answer_points_bound(matcher: Matcher, coverage: Coverage) -> float:
    """Upper bound of the model-answer clauses' weighted share, from each key's best similarity anywhere."""
    best_sim = coverage.best_sim
    found = total = 0.0
    for point in matcher.answer_points:
        ph = point.phrasings[0]
        credit = [best_sim.get(k, 0.0) for k in ph.keys]
        for key, covered in ph.pairs:
            value = best_sim.get(key)
            if value:
                for i in covered:
                    credit[i] = max(credit[i], value)
        found += sum([w * c for w, c in zip(ph.weights, credit, strict=True)]) / ph.total * point.weight
        total += point.weight
    return found / total if total else 0.0
