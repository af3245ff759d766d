"""Floors on the held-out Flask answers (tests/data/grading/holdout.jsonl, see HOLDOUT.md).

The set was written by someone blind to the grader and to the bank's key points, for the 34 Flask questions the
shared development set leaves out, and the grader was never tuned on it. The floors sit a little under what was
measured when it arrived (2026-11-30): terse correct answers passed 59/68, wrong claims 6/34, keyword salads 2/34
(both on questions that ask to name things), AUC 0.943. Two issue targets are not met here and the floors say
so rather than hide it: terse recall (target 95%) and wrong claims (target at most 8%).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from bot.bank.loader import load_bank
from bot.grading import grade
from tests.support.ranking import roc_auc

ROOT = Path(__file__).resolve().parents[2]
HOLDOUT = ROOT / "tests" / "data" / "grading" / "holdout.jsonl"
PASS = 0.6


@cache
def graded(name: str = "holdout.jsonl") -> tuple[tuple[str, float, float, bool], ...]:
    """(kind, label, score, passed) of every answer of a labelled set (the holdout unless named)."""
    bank = {q.id: q for q in load_bank(ROOT / "data" / "banks" / "flask.yaml").questions}
    out = []
    for line in (HOLDOUT.parent / name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            g = grade(bank[row["id"]], row["response"])
            out.append((row["kind"], float(row["label"]), g.score, g.passed))
    return tuple(out)


def _pass_rate(kind: str, name: str = "holdout.jsonl") -> float:
    rows = [r for r in graded(name) if r[0] == kind]
    assert rows
    return sum(r[3] for r in rows) / len(rows)


def test_the_holdout_covers_the_questions_the_development_set_leaves_out() -> None:
    rows = graded()
    assert len(rows) == 170 and {r[0] for r in rows} == {"terse_correct", "partial", "wrong_claim", "keyword_salad"}


def test_terse_correct_answers_mostly_pass() -> None:
    assert _pass_rate("terse_correct") >= 0.82  # 59/68 = 0.868 measured


def test_wrong_claims_and_keyword_salads_mostly_fail() -> None:
    assert _pass_rate("wrong_claim") <= 0.21  # 6/34 = 0.176 measured (target 0.08: not met)
    assert _pass_rate("keyword_salad") <= 0.10  # 2/34 = 0.059 measured


def test_scores_rank_passes_above_fails() -> None:
    rows = graded()
    assert roc_auc([r[2] for r in rows], [r[1] >= PASS for r in rows]) >= 0.92  # 0.943 measured


def test_the_second_development_set_keeps_its_floors() -> None:
    """tests/data/grading/dev2.jsonl (DEV2.md): subtle wrong claims, mostly right with one false detail, are the
    grader's weak spot (23/80 pass, labelled 0.05-0.3, with the bank's wrong: lists); terse answers pass 71/80."""
    assert _pass_rate("terse_correct", "dev2.jsonl") >= 0.84
    assert _pass_rate("wrong_claim", "dev2.jsonl") <= 0.34
    assert _pass_rate("partial", "dev2.jsonl") <= 0.20


def test_the_short_reference_set_ranks_answers_better_than_plain_rapidfuzz() -> None:
    """tests/data/grading/shortref.jsonl (SHORTREF.md): student-style answers to questions with only a one- or
    two-sentence reference answer, graded 0-5 by a person: the regime of public short-answer grading corpora.
    Measured: Pearson 0.542 (development half 0.619, holdout half 0.468) against 0.314 for plain rapidfuzz
    token_set_ratio to the reference; the issue's 0.60 is not met on this proxy and the floor says so."""
    from rapidfuzz import fuzz, utils

    from bot.bank.models import Question
    from tests.support.ranking import pearson

    scores, baseline, labels = [], [], []
    for line in (HOLDOUT.parent / "shortref.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        question = Question(id=row["id"], prompt=row["prompt"], answer=row["model_answer"])
        for answer in row["answers"]:
            scores.append(grade(question, answer["response"]).score)
            baseline.append(fuzz.token_set_ratio(answer["response"], row["model_answer"],
                                                 processor=utils.default_process))
            labels.append(float(answer["grade"]) / 5)
    assert len(labels) == 288
    assert pearson(scores, labels) >= 0.50
    assert pearson(scores, labels) >= pearson(baseline, labels) + 0.2
