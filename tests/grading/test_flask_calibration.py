"""Calibration floors for the Flask bank: sample answers in tests/data/grading/flask_calibration.jsonl.

Each question of data/banks/flask.yaml has three sample answers written before calibration: ``good`` (the core
idea an interviewer needs, not every detail), ``partial`` (one secondary fact or a vague half-answer) and
``wrong`` (confidently wrong, or an answer to another question). The bank's key-point weights and accept
phrasings were calibrated so that good answers pass, wrong ones fail and partial ones stay below the pass mark;
the floors below sit a little under the measured figures (74/74 of each when written).

Run as a script (``python tests/grading/test_flask_calibration.py``) to print the figures and every miss.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from bot.bank.loader import load_bank
from bot.bank.models import Bank
from bot.grading import grade

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "data" / "banks" / "flask.yaml"
SAMPLES = ROOT / "tests" / "data" / "grading" / "flask_calibration.jsonl"
KINDS = ("good", "partial", "wrong")
FAIL_BELOW = 0.3  # a wrong answer must score below this (the grader's "fail" verdict at pass_score 0.6)
FLOOR = 0.95  # share of each kind that must land where it belongs


@dataclass(frozen=True)
class Sample:
    """One sample answer with its label and its grade."""

    qid: str
    kind: str
    response: str
    score: float
    pass_score: float


@cache
def flask_bank() -> Bank:
    """The Flask bank, loaded once."""
    return load_bank(BANK)


@cache
def samples() -> tuple[Sample, ...]:
    """Every sample answer, graded against its question."""
    questions = {q.id: q for q in flask_bank().questions}
    out: list[Sample] = []
    for number, line in enumerate(SAMPLES.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        assert record["bank"] == "flask", f"line {number}: bank {record['bank']!r}"
        assert record["id"] in questions, f"line {number}: unknown question {record['id']!r}"
        assert record["kind"] in KINDS, f"line {number}: kind {record['kind']!r}"
        question = questions[record["id"]]
        result = grade(question, record["response"])
        out.append(Sample(record["id"], record["kind"], record["response"], result.score, question.pass_score))
    return tuple(out)


def _of(kind: str) -> list[Sample]:
    """The samples of one kind."""
    return [s for s in samples() if s.kind == kind]


def _belongs(s: Sample) -> bool:
    """True when a sample's score lands where its label says it should."""
    if s.kind == "good":
        return s.score >= s.pass_score
    if s.kind == "wrong":
        return s.score < FAIL_BELOW
    return s.score < s.pass_score


def test_every_question_has_one_answer_of_each_kind() -> None:
    counts = Counter((s.qid, s.kind) for s in samples())
    expected = {(q.id, kind) for q in flask_bank().questions for kind in KINDS}
    assert set(counts) == expected
    assert all(n == 1 for n in counts.values()), [k for k, n in counts.items() if n != 1]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_lands_where_it_belongs(kind: str) -> None:
    group = _of(kind)
    misses = [(s.qid, s.score) for s in group if not _belongs(s)]
    assert len(group) - len(misses) >= FLOOR * len(group), misses


def test_partial_answers_score_well_below_good_ones() -> None:
    good = statistics.mean(s.score for s in _of("good"))
    partial = statistics.mean(s.score for s in _of("partial"))
    wrong = statistics.mean(s.score for s in _of("wrong"))
    assert good - partial >= 0.4, (good, partial)
    assert partial > wrong, (partial, wrong)


def test_good_beats_partial_and_wrong_on_nearly_every_question() -> None:
    by_question: dict[str, dict[str, float]] = {}
    for s in samples():
        by_question.setdefault(s.qid, {})[s.kind] = s.score
    inverted = [q for q, k in by_question.items() if not k["good"] > max(k["partial"], k["wrong"])]
    assert len(inverted) <= 0.05 * len(by_question), inverted


def main() -> None:
    """Print the figures and every sample that lands on the wrong side."""
    for kind in KINDS:
        group = _of(kind)
        ok = sum(_belongs(s) for s in group)
        mean = statistics.mean(s.score for s in group)
        print(f"{kind:8s} {ok}/{len(group)} where they belong, mean score {mean:.3f}")
    for s in samples():
        if not _belongs(s):
            print(f"  {s.kind:8s} {s.qid:28s} {s.score:.2f}  {s.response}")


if __name__ == "__main__":
    main()
