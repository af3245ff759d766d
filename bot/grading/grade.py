"""Grade a free-text answer against a question: score 0..1, verdict, passed, hits, misses, contradictions.

Algorithm (pure, deterministic; everything about a question is prepared once and cached):

1. Normalise (NFKC, casefold, punctuation to token breaks but code tokens and Jinja/URL syntax kept whole,
   Snowball stems), mark each word's polarity (in the scope of "not", "no", "without", "instead of"...), and
   drop stopwords and the question's own words (question demoting), so restating the question earns nothing.
   Non-answers ("idk", "no idea", "skip", empty) score 0.
2. Short answers (trivia) first, in responses of at most ``SHORT_MAX_TOKENS`` words: typed exactly whatever
   their words ("D", "Who Is It"), with their symbols ("O-", "AT&T"), or as whole words (see ``short.py``),
   unless the response also states a false claim the bank lists (then the key points grade it).
3. Key points (authored, or derived from the model answer's clauses) are matched token by token with typo
   tolerance, compound joins, code-token prefixes, near-synonyms and abbreviations (``synonyms.py``), inside
   windows of the response about each point's length, each word with the polarity it has in the point and,
   for a sequence ("left, then root, then right"), in its order. Words weigh by specificity
   (``normalize.token_weight``). A point's credit grows linearly with the weighted share of its words found and
   saturates at ``POINT_SATURATION``; matched only by everyday words (no specific word, fewer than two words)
   it earns ``WEAK_ONLY_CREDIT`` of that (``DERIVED_WEAK_CREDIT`` for a point derived from the model answer,
   whose clauses name their idea in plain words: "sorted", "address") and is never a hit.
   Coverage C = weighted mean of credits.
4. Contradictions (``keypoints.cover``): a different number or an opposite word (before/after) where the point
   is stated, its denied word said the other way round, a sequence out of order, or its fact said about the
   other thing the question contrasts (a swap, confirmed when the rival's own fact is displaced or unsaid),
   a false claim the bank names for the point (its ``wrong:`` phrasings, see ``wrong.py``), or a near-miss API
   name on the same object as the point's own that the question's material never uses (``app.template_global``
   for ``app.template_filter``).
   A contradicted point earns nothing, is listed in ``misses`` and in ``contradictions`` (what was said, what
   is right), and costs ``CONTRADICTION_COST`` of its weight more.
5. Model-answer route (authored key points only): the same matcher also covers the clauses of the model
   answer; the score is at least (that coverage) ** ``ANSWER_ROUTE_POWER``, so an answer worded like the
   model answer (the model answer itself above all) is never failed on the key points' own wording.
6. Overall similarity S = share of the model answer's words found with their polarity (the prompt's words
   count, never more than the others), saturating at ``REFERENCE_SATURATION``; 0 without a model answer.
   Score = max(C, BLEND·C + (1−BLEND)·S): similarity can lift a near-miss but never pulls down an answer that
   covers its points.
7. Focus and claims: a concise answer (at most ``FOCUSED_SHARE`` of its distinct content words match nothing
   asked, nothing contradicted) earns full marks at ``FOCUSED_SATURATION`` of the score, since a one-minute answer
   leaves out the minor points; beyond ``FOCUS_FREE_WORDS`` distinct words that match nothing asked, the score
   shrinks in proportion (a generic dump fails everywhere); a bare list of terms is capped at ``SALAD_CAP``
   unless the prompt asks to name things.
8. Verdict: pass if score ≥ the question's ``pass_score`` (``Grade.passed``, decided here only), partial if
   score ≥ half of it, else fail. ``explain`` gives the same grade with a line per step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.bank.models import KeyPoint, Question
from bot.grading.derive import derive_key_points
from bot.grading.keypoints import (
    WEAK_ONLY_CREDIT,
    Coverage,
    Matcher,
    PointMatch,
    answer_point_bounds,
    answer_point_share,
    build_matcher,
    cover,
    matched_words,
)
from bot.grading.normalize import NEGATOR_KEYS, Token, negated_flags, token_weight
from bot.grading.short import ShortAnswer, match_short, prepare_short
from bot.grading.wrong import (
    NO_CLAIMS,
    ApiNames,
    ClaimSet,
    api_names,
    claim_set,
    find_wrong,
    near_misses,
    unstated,
    wrong_claims,
)

__all__ = [
    "ANSWER_ROUTE_POWER",
    "BLEND",
    "DERIVED_SATURATION",
    "HIT_CREDIT",
    "MAX_RESPONSE_CHARS",
    "POINT_SATURATION",
    "REFERENCE_SATURATION",
    "Contradiction",
    "Grade",
    "Hit",
    "Verdict",
    "explain",
    "grade",
    "key_points_of",
]

Verdict = Literal["pass", "partial", "fail"]

POINT_SATURATION = 0.8
REFERENCE_SATURATION = 0.8
BLEND = 0.7
HIT_CREDIT = 0.5
ANSWER_ROUTE_POWER = 2.0  # the model-answer route: (coverage of the model answer's clauses) ** this
DERIVED_SATURATION = 0.5  # least share of a model answer's own clauses that earns full marks (derived points only)
DERIVED_WEAK_CREDIT = 0.6  # share of a derived point's credit when only everyday words matched it ("sorted", "address")
DERIVED_FULL_SHARE = 0.8  # a derived point's words found this fully are evidence, everyday words or not
DERIVED_MAX_SATURATION = 0.7  # most share of a short model answer's clauses needed for full marks
DERIVED_FULL_CLAUSES = 2.0  # clauses of a model answer whose worth earns full marks (derived points only)
CONTRADICTION_COST = 0.5  # a contradicted point costs its weight plus this share of it (beyond an omission)
FOCUS_FREE_WORDS = 30  # content words matching nothing of the question that an answer may carry at no cost
FOCUS_POWER = 1.0  # beyond that, the score is multiplied by (FOCUS_FREE_WORDS / those words) ** FOCUS_POWER
SHORT_MAX_TOKENS = 40  # a short answer counts in a response of at most this many words, not inside a long dump
FOCUSED_SHARE = 0.25  # an answer with at most this share of its content words matching nothing asked is focused
FOCUSED_SATURATION = 0.9  # a focused, uncontradicted answer earns full marks at this share of the score
SALAD_CAP = 0.45  # most a claimless list of terms can score (below the default pass score)
MAX_RESPONSE_CHARS = 16_000  # Discord modals allow 4,000; anything longer is graded on its first 16,000


@dataclass(frozen=True, slots=True)
class Hit:
    """One covered key point: its text, the words of the response that matched, and the credit (0..1)."""

    point: str
    matched: str
    credit: float


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A key point the response contradicts: the point's bank text, what the member said, and the fact."""

    point: str
    said: str
    expected: str


@dataclass(frozen=True, slots=True)
class Grade:
    """The grade of one response: score 0..1, verdict, whether it passed, key points hit, missed, contradicted.

    ``passed`` is decided here, once (the verdict is "pass": score at or above the question's pass score);
    everything else reads this field. A contradicted point is also listed in ``misses``.
    """

    score: float
    verdict: Verdict
    hits: tuple[Hit, ...]
    misses: tuple[str, ...]
    passed: bool
    contradictions: tuple[Contradiction, ...] = ()


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A question prepared for grading: its matcher (None without key points or answer) and short answers."""

    matcher: Matcher | None
    short: tuple[ShortAnswer, ...]
    short_label: str
    saturation: float
    claims: bool  # the prompt asks for statements, not for names (a list of terms is not an answer)
    wrong: ClaimSet = NO_CLAIMS  # the false claims the bank names for its points (``wrong:``)
    wrong_of: tuple[str, ...] = ()  # the text of the point each claim index refers to
    api: ApiNames | None = None  # the code names of the material and of each authored point (near-miss names)


def key_points_of(question: Question) -> tuple[KeyPoint, ...]:
    """The key points a question is graded on: its own, or those derived from its model answer."""
    if question.key_points:
        return question.key_points
    if question.answer.strip():
        return derive_key_points(question.answer, question.prompt)
    return ()


@lru_cache(maxsize=4096)
def _prepare(question: Question) -> _Prepared:
    """Prepare (once per question) everything the grader needs."""
    points = key_points_of(question)
    reference = question.answer if question.answer.strip() else " ".join(kp.text for kp in points)
    answer_points: tuple[KeyPoint, ...] = ()
    if question.key_points and question.answer.strip():
        answer_points = derive_key_points(question.answer, question.prompt)
    matcher = build_matcher(question.prompt, points, reference, answer_points) if points else None
    if matcher is not None and not matcher.points:
        matcher = None
    short = prepare_short(question.short_answers)
    label = question.short_answers[0] if question.short_answers else ""
    saturation = 1.0 if question.key_points else derived_saturation(len(points))
    wrong = wrong_claims(tuple(kp.wrong for kp in points))
    if wrong:  # a phrasing accepted on appeal may state a listed false claim: the moderator's decision wins
        wrong = unstated(wrong, (question.answer, *(p for kp in points for p in kp.phrasings)))
    claims = claim_set(wrong)
    api = None
    if question.key_points:
        material = (question.prompt, question.answer, *(p for kp in points for p in kp.phrasings))
        api = api_names(material, tuple((kp.text, kp.phrasings) for kp in points))
    return _Prepared(
        matcher, short, label, saturation, _asks_for_claims(question.prompt), claims, tuple(kp.text for kp in points),
        api,
    )


def derived_saturation(points: int) -> float:
    """Share of a model answer's clauses that earns full marks: a one-minute answer states about
    ``DERIVED_FULL_CLAUSES`` of them, never less than ``DERIVED_SATURATION`` of a long answer, and a short answer
    key (one or two clauses) needs ``DERIVED_MAX_SATURATION`` of its words: students name its idea in fewer."""
    return min(DERIVED_MAX_SATURATION, max(DERIVED_SATURATION, DERIVED_FULL_CLAUSES / max(1, points)))


def _verdict(score: float, pass_score: float) -> Verdict:
    """Pass at or above the pass score, partial at or above half of it, fail below."""
    if score >= pass_score - 1e-9:
        return "pass"
    if score >= pass_score / 2 - 1e-9:
        return "partial"
    return "fail"


def _zero(prepared: _Prepared, pass_score: float) -> Grade:
    """A zero grade that misses everything."""
    if prepared.matcher is not None:
        misses = tuple(p.text for p in prepared.matcher.points)
    else:
        misses = (prepared.short_label,) if prepared.short_label else ()
    verdict = _verdict(0.0, pass_score)
    return Grade(0.0, verdict, (), misses, verdict == "pass")


def _answer_route(matcher: Matcher, coverage: Coverage, score: float) -> float:
    """The score raised to the model-answer route's value when that is higher (clauses matched lazily).

    Each clause's share is bounded from above first; clauses are then matched one by one and the work stops
    as soon as the route, with the clauses still unmatched at their bounds, can no longer beat ``score``.
    """
    bounds = answer_point_bounds(matcher, coverage)
    weights = [w for w, _ in bounds]
    credits = [min(1.0, b / POINT_SATURATION) for _, b in bounds]
    total = sum(weights)

    def route() -> float:
        return (sum([w * c for w, c in zip(weights, credits, strict=True)]) / total) ** ANSWER_ROUTE_POWER

    if not total or route() <= score:
        return score
    for k in range(len(credits)):
        credits[k] = min(1.0, answer_point_share(matcher, coverage, k) / POINT_SATURATION)
        if route() <= score:
            return score
    return route()


def grade(question: Question, response: str) -> Grade:
    """Grade a free-text response to a question (pure and deterministic)."""
    return _grade(question, response, None)


def explain(question: Question, response: str) -> tuple[Grade, list[str]]:
    """The grade and a readable account of it: per key point the words that counted (with their weight), any
    contradiction, and why the verdict."""
    trace: list[str] = []
    return _grade(question, response, trace), trace


def _point_words(coverage: Coverage, pm: PointMatch) -> str:
    """The response words behind a point's match, each with its specificity weight."""
    tokens, token_of = coverage.tokens, coverage.token_of
    idx = sorted({token_of[p] for p in pm.positions if p < len(token_of)})
    return ", ".join(f"{tokens[i].surface} ({token_weight(tokens[i].key):.2f})" for i in idx) or "none"


def _grade(question: Question, response: str, trace: list[str] | None) -> Grade:
    """Grade a response; with ``trace``, append a line of explanation per step."""
    prepared = _prepare(question)
    pass_score = question.pass_score
    text = response[:MAX_RESPONSE_CHARS]
    tokens, flags = negated_flags(text)
    # first: "D", "I", "Who Is It" are made of stopwords; in a long text only when nothing else can grade it
    stated = find_wrong(prepared.wrong, text, tokens, flags)
    if prepared.short and (len(tokens) <= SHORT_MAX_TOKENS or prepared.matcher is None) and not stated:
        found = match_short(prepared.short, tokens, text)
        if found is not None:
            answer, matched = found
            if trace is not None:
                trace.append(f"short answer {answer!r} matched by {matched!r}: pass with 1.0")
            return Grade(1.0, "pass", (Hit(answer, matched, 1.0),), (), True)
    matcher = prepared.matcher
    if matcher is None or all(t.stop or t.key in matcher.non_answer for t in tokens):
        if trace is not None:
            trace.append("no answer: nothing but stopwords, the question's words or a non-answer (idk, skip)")
        return _zero(prepared, pass_score)
    coverage = cover(matcher, tokens, flags)
    if coverage.empty:
        if trace is not None:
            trace.append("no content word beyond the question's own words: restating the question earns nothing")
        return _zero(prepared, pass_score)
    hits: list[Hit] = []
    misses: list[str] = []
    contradictions: list[Contradiction] = []
    total = weighted = contradicted = 0.0
    wrong_of = {prepared.wrong_of[i]: found for i, found in stated.items()}
    misnamed = near_misses(prepared.api, text) if prepared.api is not None else {}
    for pm in coverage.points:
        total += pm.weight
        false = _false_claim(pm, wrong_of, misnamed)
        if false is not None:
            said, expected, why = false
            contradictions.append(Contradiction(pm.text, said, expected))
            contradicted += pm.weight
            misses.append(pm.text)
            if trace is not None:
                trace.append(f"✗ {pm.text} (weight {pm.weight:g}): contradicted, you said {said!r}; {why}")
            continue
        credit = min(1.0, pm.share / POINT_SATURATION)
        # a clause of the model answer made of everyday words ("It must be sorted.") is stated by saying them all
        strong = pm.strong or (not question.key_points and pm.share >= DERIVED_FULL_SHARE)
        if not strong:
            credit *= WEAK_ONLY_CREDIT if question.key_points else DERIVED_WEAK_CREDIT
        weighted += pm.weight * credit
        hit = credit >= HIT_CREDIT and strong  # never shown as covered on everyday words alone
        if hit:
            hits.append(Hit(pm.text, matched_words(coverage, pm), round(credit, 4)))
        else:
            misses.append(pm.text)
        if trace is not None:
            mark = "✓" if hit else "·"
            why = "" if strong or not pm.positions else " — only everyday words, not evidence on their own"
            trace.append(
                f"{mark} {pm.text} (weight {pm.weight:g}): credit {credit:.2f} from {pm.share:.2f} of its words; "
                f"words that counted: {_point_words(coverage, pm)}{why}"
            )
    covered = weighted / total if total else 0.0
    # without a model answer the "reference" is the key points' own words: a bag of them, scattered anywhere in
    # the response, is no evidence the windows did not already weigh
    similar = min(1.0, coverage.reference_share / REFERENCE_SATURATION) if question.answer.strip() else 0.0
    score = max(covered, BLEND * covered + (1.0 - BLEND) * similar) / prepared.saturation
    if trace is not None:
        trace.append(f"key points cover {covered:.2f}; similarity to the model answer {similar:.2f} → {score:.2f}")
    if matcher.answer_points:
        routed = _answer_route(matcher, coverage, score)
        if trace is not None and routed > score:
            trace.append(f"worded like the model answer: raised to {routed:.2f}")
        score = routed
    if contradicted:
        score = min(score, covered) - CONTRADICTION_COST * contradicted / total
        if trace is not None:
            trace.append(f"contradictions cost more than omissions → {max(0.0, score):.2f}")
    if not contradicted and score > 0.0 and coverage.unexplained <= FOCUSED_SHARE * coverage.distinct:
        score /= FOCUSED_SATURATION
        if trace is not None:
            trace.append(
                f"every word but {coverage.unexplained} of {coverage.distinct} is about what was asked and nothing "
                f"is contradicted: a concise answer, score ÷ {FOCUSED_SATURATION:g} → {min(1.0, score):.2f}"
            )
    focus = _focus(coverage, matcher)
    if focus < 1.0:
        score *= focus
        if trace is not None:
            trace.append(
                f"{coverage.unexplained} distinct words match nothing asked: score × {focus:.2f} (a long generic text "
                "earns little)"
            )
    if score > SALAD_CAP and prepared.claims and is_keyword_salad(text, tokens):
        score = SALAD_CAP
        if trace is not None:
            trace.append(f"a list of terms with no claim about them: capped at {SALAD_CAP}")
    score = round(min(1.0, max(0.0, score)), 4)
    verdict = _verdict(score, pass_score)
    if trace is not None:
        trace.append(f"score {score:.2f} against pass score {pass_score:g}: {verdict}")
    return Grade(score, verdict, tuple(hits), tuple(misses), verdict == "pass", tuple(contradictions))


def _false_claim(
    pm: PointMatch, stated: dict[str, tuple[str, str]], misnamed: dict[str, tuple[str, str]]
) -> tuple[str, str, str] | None:
    """(what was said, what is right, why) for a contradicted point: a false claim the bank lists, a near-miss
    API name, or a contradiction the matcher found (another number, an opposite word, a swap...)."""
    if pm.text in stated:
        said, claim = stated[pm.text]
        return said, pm.text, f"a known false claim ({claim!r})"
    if pm.text in misnamed:
        said, right = misnamed[pm.text]
        return said, right, f"not the API this is about; it is {right!r}"
    if pm.contradiction is not None:
        said, expected = pm.contradiction
        return said, expected, f"it is {expected!r}"
    return None


def _asks_for_claims(prompt: str) -> bool:
    """True unless the prompt only asks to name things ("Which databases can Flask use?", "What features does
    Flask give you?"); "Which two libraries ..., and what does each contribute?" asks for statements too."""
    return not _names_things(prompt) or _SECOND_PART.search(prompt) is not None


def _names_things(prompt: str) -> bool:
    """True for a prompt that asks to name things: "Name/List ...", "Which ...", or "What" before a plural noun
    ("What features ...", "What security practices ...", not "What does ..." or "What is ...")."""
    if _NAMING.search(prompt):
        return True
    m = _WH_WORDS.search(prompt)
    if m is None:
        return False
    first, second = m.group(1), m.group(2) or ""
    return _plural(first) or (first.casefold() not in _NOT_NOUNS and _plural(second))


def _plural(word: str) -> bool:
    """A word that reads as a plural noun ("features", "kinds"), not a verb or an acronym in capitals ("HTTPS")."""
    folded = word.casefold()
    return (
        len(word) > 3 and folded.endswith("s") and not folded.endswith("ss") and folded not in _NOT_NOUNS
        and not word.isupper()
    )


_WH_WORDS = re.compile(r"^\s*(?:what|which)\s+([\w-]+)(?:\s+([\w-]+))?", re.IGNORECASE)
_NOT_NOUNS = frozenset(
    {"is", "are", "was", "were", "does", "do", "did", "has", "have", "can", "could", "should", "would", "will",
     "happens", "makes", "means", "causes", "goes", "gives", "this", "its"}
)  # fmt: skip


_SECOND_PART = re.compile(r",\s*and\s+(?:what|how|why|when|where)\b", re.IGNORECASE)
_NAMING = re.compile(r"^\s*(?:name|list|which|what are the (?:\w+ )?(?:types|kinds|names))\b", re.IGNORECASE)
# What makes a run of terms a statement: an assignment or mapping, a "label: value", a method call.
_CLAIM_MARKS = re.compile(r"\s=\s|==|:\s|→|->|=>|\bw/|\.\w+\(")  # not "debug=True": a keyword argument is a term
_SALAD_MIN_TERMS = 3
_LIST_SEPARATORS = re.compile(r"[,;/|\n]|\s\+\s")


def is_keyword_salad(text: str, tokens: list[Token]) -> bool:
    """True for a bare list of terms: three or more content words and (almost) no function word or relation.

    A statement needs words that relate its terms ("is", "from", "by", "not") or a code relation (``=``, a
    call, ``label: value``); a list of the right terms with none of them says nothing about them.
    """
    if _CLAIM_MARKS.search(text) is None and _bare_list(text):
        return True
    stops = 0
    for t in tokens:
        if t.stop:
            stops += 1
            if stops > 1:
                return False  # two function words: a sentence, not a list
    content = len(tokens) - stops
    if content < _SALAD_MIN_TERMS:
        return False
    separators = len(_LIST_SEPARATORS.findall(text))
    if stops == 1 and 2 * separators < content:
        return False  # one function word in a list of terms ("GROUP BY"), never in a sentence
    if content < _SALAD_MIN_TERMS + 1 and separators < 2:
        return False  # "url_for builds links": three words, no list
    if any(t.key in NEGATOR_KEYS for t in tokens):
        return False
    return _CLAIM_MARKS.search(text) is None


_ITEM_SEPARATORS = re.compile(r"[,;\n]")
_LIST_MIN_ITEMS = 4
_ITEM_MAX_WORDS = 3


def _bare_list(text: str) -> bool:
    """True for four or more separated items of at most three words each ("GIL, mutex, I/O-bound, NOT NULL"):
    terms, whatever function words they are spelt with ("If-None-Match", "NOT NULL")."""
    items = [item.split() for item in _ITEM_SEPARATORS.split(text)]
    items = [words for words in items if words]
    return len(items) >= _LIST_MIN_ITEMS and all(len(words) <= _ITEM_MAX_WORDS for words in items)


def _focus(coverage: Coverage, matcher: Matcher) -> float:
    """1 for an answer about the question; less for a long text whose words mostly match nothing asked (stuffing).

    Content words that match none of the question's material are counted; up to ``FOCUS_FREE_WORDS`` cost
    nothing (a full, correct answer of 90 words has about 20), beyond that the score shrinks.
    """
    extra = coverage.unexplained
    return 1.0 if extra <= FOCUS_FREE_WORDS else (FOCUS_FREE_WORDS / extra) ** FOCUS_POWER
