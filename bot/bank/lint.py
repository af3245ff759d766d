"""Bank lints for ``check``: grading material that the grader would read differently from its author.

Each finding is reported as ``file:line: question 'id': …`` and is an error or a warning (``check --strict``
fails on warnings too):

- error: a phrasing made only of the prompt's words (restating the question would earn the point);
- warning: a phrasing with no specific word left once stopwords and the prompt's words are removed, only
  one everyday word or one word that many of the bank's questions use (it is matched by "hash", "built" or
  "folder", whatever the answer says);
- warning: a point that bundles a number with another fact ("Location header, 302 by default"): split it so
  each fact is credited, and contradicted, on its own;
- warning: syntax the tokenizer cannot see (``*``, ``<``, ``$``...) or a literal example in quotes
  (``url_for('home')``): an answer using other names or words never matches it;
- warning: an ``ask:`` (the interviewer's follow-up for a point) that gives the point away: it repeats the
  point's words in order, contains every specific word of the point, or names the point's one number or code
  name ("Why does redirect() answer 302?");
- error: a ``wrong:`` phrasing (a false claim about the point) with no content word, spanning more than one
  clause (one claim per phrasing), or that the question's own model answer or any of its key points' phrasings
  would state (it would fail correct answers);
- warning: a ``wrong:`` phrasing of one everyday word (it flags every answer that uses the word);
- warning, with ``strict`` only (``check --strict``): an authored key point without an ``ask:``, so the
  interview falls back to a template follow-up.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from bot.bank.models import Bank, KeyPoint, Question
from bot.grading.keypoints import contrasted_things, names_any, phrasing_words
from bot.grading.normalize import TOKEN_PATTERN, is_weak, key_of, negated_flags, tokenize, zipf_of
from bot.grading.wrong import clause_ids, find_wrong, wrong_claim

logger = logging.getLogger(__name__)

__all__ = ["LintIssue", "lint_bank"]

Level = Literal["error", "warning"]

_VISIBLE = TOKEN_PATTERN  # what the tokenizer reads: one pattern, so the linter never drifts from the grader
# Meaningful marks the tokenizer drops (an assignment "=", brackets and quotes only separate words).
_HIDDEN = re.compile(r"==|!=|<=|>=|\*+|[<>$^~]|(?<!\w)[+%](?!\w)")
_LITERAL = re.compile(r"""\(\s*(['"])[^'"]+\1""")  # url_for('home'): a quoted argument
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)*(?![\w.])")
_FACT_BREAK = re.compile(r",|;|\band\b")
COMMON_SHARE = 0.1  # a word in the material of this share of a bank's questions is not specific to one
COMMON_MIN_QUESTIONS = 3
COMMON_MIN_ZIPF = 3.0  # an English word (once per million words or more), not a product name
ASK_LINE = -1  # the phrasing index under which _lines keeps a key point's ask: line
WRONG_LINE = -1000  # _lines keeps wrong: phrasing w of a point under phrasing index WRONG_LINE - w
_CODE_OR_NUMBER = re.compile(r"\d|[._@]|\(\)")  # a word that is a number or a code name (302, url_for, @app.route)


@dataclass(frozen=True, slots=True)
class LintIssue:
    """One lint finding: where, which question, how serious, and what."""

    path: str
    line: int
    question_id: str
    level: Level
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: question '{self.question_id}': {self.level}: {self.message}"


def _lines(path: Path | None) -> dict[tuple[str, int, int], int]:
    """(question id, key point index, phrasing index) → line; phrasing 0 is the point, then its accepts."""
    if path is None or not path.exists():
        return {}
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return {}
    out: dict[tuple[str, int, int], int] = {}
    questions = _get(root, "questions")
    if not isinstance(questions, yaml.SequenceNode):
        return out
    for qnode in questions.value:
        qid = _get(qnode, "id")
        points = _get(qnode, "key_points")
        if not isinstance(qid, yaml.ScalarNode) or not isinstance(points, yaml.SequenceNode):
            continue
        for k, pnode in enumerate(points.value):
            if isinstance(pnode, yaml.ScalarNode):
                out[(qid.value, k, 0)] = pnode.start_mark.line + 1
                continue
            text = _get(pnode, "point")
            out[(qid.value, k, 0)] = (text or pnode).start_mark.line + 1
            accept = _get(pnode, "accept")
            if isinstance(accept, yaml.SequenceNode):
                for a, anode in enumerate(accept.value, start=1):
                    out[(qid.value, k, a)] = anode.start_mark.line + 1
            ask = _get(pnode, "ask")
            if ask is not None:
                out[(qid.value, k, ASK_LINE)] = ask.start_mark.line + 1
            wrong = _get(pnode, "wrong")
            if isinstance(wrong, yaml.SequenceNode):
                for w, wnode in enumerate(wrong.value):
                    out[(qid.value, k, WRONG_LINE - w)] = wnode.start_mark.line + 1
    return out


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node of ``key`` in a mapping node, or None."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _common_keys(bank: Bank) -> frozenset[str]:
    """Keys used by the material of many of the bank's questions (not specific to any one of them)."""
    counts: Counter[str] = Counter()
    for q in bank.questions:
        text = " ".join([q.prompt, q.answer, *(p for kp in q.key_points for p in kp.phrasings)])
        counts.update({t.key for t in tokenize(text) if not t.stop})
    limit = max(COMMON_MIN_QUESTIONS, COMMON_SHARE * len(bank.questions))
    # product names (Werkzeug, SQLAlchemy) are the answer wherever they appear: only real English words count
    return frozenset(key for key, n in counts.items() if n >= limit and zipf_of(key) >= COMMON_MIN_ZIPF)


def _phrasing_issues(
    question: Question, point: KeyPoint, text: str, common: frozenset[str]
) -> Iterator[tuple[Level, str]]:
    """Findings about one phrasing of a key point."""
    what = "the point" if text == point.text else f"accept phrasing {text!r}"
    kept, prompt_only = phrasing_words(question.prompt, text)
    kept = [(word, weak or key_of(word.casefold())[1] in common) for word, weak in kept]
    if prompt_only:
        yield "error", f"{what} is made only of the prompt's words: restating the question would earn it"
    elif kept and all(weak for _, weak in kept) and len({word.casefold() for word, _ in kept}) < 2:
        words = ", ".join(word for word, _ in kept)
        yield "warning", (
            f"{what} has no specific word left once stopwords and the prompt's words are removed ({words}): "
            "the grader never counts one everyday word as evidence; add the word that makes it this point"
        )
    hidden = "".join(_HIDDEN.findall(_VISIBLE.sub(" ", text)))
    if hidden:
        yield "warning", f"{what} relies on syntax the grader cannot see ({hidden!r}): say it in words"
    if _LITERAL.search(text):
        yield "warning", f"{what} is a literal example: only an answer using the same quoted name matches it"


def _point_issues(point: KeyPoint) -> Iterator[tuple[Level, str]]:
    """Findings about a key point as a whole."""
    parts = [p for p in _FACT_BREAK.split(point.text) if p.strip()]
    if len(parts) > 1:
        with_number = [p for p in parts if _NUMBER.search(p)]
        if with_number and len(with_number) < len(parts):
            yield "warning", (
                f"the point {point.text!r} bundles a number with another fact: split it so each is credited "
                "and contradicted on its own"
            )


def _contrast_issues(question: Question, point: KeyPoint, things: frozenset[str]) -> Iterator[tuple[Level, str]]:
    """A point of a question that contrasts two things, none of whose phrasings (nor its ask:) names one of them."""
    if len(things) >= 2 and not any(names_any(text, things) for text in (*point.phrasings, point.ask)):
        names = ", ".join(sorted(things))
        yield "warning", (
            f"the question contrasts {names} but neither a phrasing nor the ask: of the point {point.text!r} names "
            "one of them: a fact said of the wrong one cannot be caught; name the one it is about"
        )


def _wrong_issues(question: Question, text: str) -> Iterator[tuple[Level, str]]:
    """Findings about one ``wrong:`` phrasing (a false claim the grader reads as contradicting the point)."""
    claim = wrong_claim(0, text)
    if claim is None:
        yield "error", f"wrong phrasing {text!r} has no content word: the grader could never find it"
        return
    tokens, _ = negated_flags(text)
    if len(set(clause_ids(text, tokens))) > 1:
        yield "error", (
            f"wrong phrasing {text!r} spans more than one clause (a comma, 'and', 'but'...): it is matched within "
            "one clause of an answer, so write one false claim per phrasing"
        )
        return
    material = [("the model answer", question.answer)] if question.answer.strip() else []
    material += [(f"the phrasing {p!r}", p) for kp in question.key_points for p in kp.phrasings]
    for where, said in material:
        said_tokens, flags = negated_flags(said)
        if find_wrong((claim,), said, said_tokens, flags):
            yield "error", (
                f"wrong phrasing {text!r} is stated by {where}: it would fail correct answers; name the false "
                "claim more exactly"
            )
            return
    if len(claim.words) == 1 and is_weak(claim.words[0][0]):
        yield "warning", f"wrong phrasing {text!r} is one everyday word: it flags every answer that uses it"


def _ask_issues(question: Question, point: KeyPoint, *, strict: bool) -> Iterator[tuple[Level, str]]:
    """Findings about a key point's ``ask:`` (the loader already checked it is a question of 200 characters)."""
    if not point.ask:
        if strict:
            yield "warning", f"the point {point.text!r} has no ask: (the question an interviewer asks to draw it out)"
        return
    kept, _ = phrasing_words(question.prompt, point.text)
    keys = [key_of(word.casefold())[1] for word, _ in kept]
    ask = [t.key for t in tokenize(point.ask) if not t.stop]
    in_order = [k for k in ask if k in set(keys)]
    named = [word for word, weak in kept if not weak and _CODE_OR_NUMBER.search(word)
             and key_of(word.casefold())[1] in set(ask)]
    if len(keys) >= 2 and any(in_order[i:i + len(keys)] == keys for i in range(len(in_order) - len(keys) + 1)):
        yield "warning", f"the ask: of {point.text!r} repeats the point's words: ask about it without saying it"
    elif len(set(keys)) >= 2 and set(keys) <= set(ask):
        words = ", ".join(sorted({word for word, _ in kept}, key=str.casefold))
        yield "warning", f"the ask: of {point.text!r} contains every word of the point ({words})"
    elif named:
        yield "warning", f"the ask: of {point.text!r} names the point's answer ({', '.join(named)})"


def lint_bank(bank: Bank, *, strict: bool = False) -> list[LintIssue]:
    """Every lint finding of a loaded bank, in file order (``strict`` adds a warning per key point without ask:)."""
    path = str(bank.path) if bank.path else bank.name
    lines = _lines(bank.path)
    common = _common_keys(bank)
    issues: list[LintIssue] = []
    for q in bank.questions:
        things = contrasted_things(q.prompt)
        for k, point in enumerate(q.key_points):
            for level, message in [*_point_issues(point), *_contrast_issues(q, point, things)]:
                issues.append(LintIssue(path, lines.get((q.id, k, 0), q.line), q.id, level, message))
            for a, text in enumerate(point.phrasings):
                for level, message in _phrasing_issues(q, point, text, common):
                    issues.append(LintIssue(path, lines.get((q.id, k, a), q.line), q.id, level, message))
            for level, message in _ask_issues(q, point, strict=strict):
                line = lines.get((q.id, k, ASK_LINE)) or lines.get((q.id, k, 0), q.line)
                issues.append(LintIssue(path, line, q.id, level, message))
            for w, text in enumerate(point.wrong):
                for level, message in _wrong_issues(q, text):
                    line = lines.get((q.id, k, WRONG_LINE - w)) or lines.get((q.id, k, 0), q.line)
                    issues.append(LintIssue(path, line, q.id, level, message))
    issues.sort(key=lambda i: i.line)
    logger.debug("linted %s: %d finding(s)", path, len(issues))
    return issues
