"""Floors on the human-labelled set in tests/data/grading/labelled.yaml (labels written before tuning).

Run as a module (``python -m tests.grading.test_labelled``) to print every figure and the worst misgrades.
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.bank.loader import key_points_or_raise
from bot.bank.models import Question
from bot.grading import grade
from tests.support.ranking import pearson, roc_auc, spearman

DATA = Path(__file__).resolve().parents[1] / "data" / "grading" / "labelled.yaml"
PASS = 0.6  # the default pass score: a human label >= 0.6 (0.75 or 1) is a pass


@dataclass(frozen=True)
class Item:
    """One labelled response with the question it answers and its grade."""

    question: Question
    derived: bool
    kind: str
    label: float
    text: str
    score: float


def load_items() -> list[Item]:
    """Every labelled response, graded."""
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    items: list[Item] = []
    for q in raw["questions"]:
        question = Question(
            id=q["id"],
            prompt=q["prompt"],
            answer=" ".join(q["answer"].split()),
            topic=q["topic"],
            key_points=key_points_or_raise(q.get("key_points", []), q["id"]),
        )
        for r in q["responses"]:
            g = grade(question, r["text"])
            items.append(Item(question, not question.key_points, r["kind"], float(r["label"]), r["text"], g.score))
    return items


def _band(value: float) -> str:
    """pass / partial / fail by the default pass score (partial from half of it)."""
    return "pass" if value >= PASS - 1e-9 else "partial" if value >= PASS / 2 - 1e-9 else "fail"


def metrics(items: list[Item]) -> dict[str, float]:
    """The figures the floors hold."""
    scores = [i.score for i in items]
    labels = [i.label for i in items]
    return {
        "n": len(items),
        "auc_pass": roc_auc(scores, [lab >= PASS for lab in labels]),
        "auc_any_credit": roc_auc(scores, [lab >= 0.5 for lab in labels]),
        "pass_accuracy": statistics.fmean((s >= PASS) == (lab >= PASS) for s, lab in zip(scores, labels, strict=True)),
        "verdict_accuracy": statistics.fmean(_band(s) == _band(lab) for s, lab in zip(scores, labels, strict=True)),
        "spearman": spearman(scores, labels),
        "pearson": pearson(scores, labels),
        "mae": statistics.fmean(abs(s - lab) for s, lab in zip(scores, labels, strict=True)),
    }


@pytest.fixture(scope="module")
def items() -> list[Item]:
    """All labelled responses, graded once per module."""
    return load_items()


def test_the_labelled_set_is_large_and_varied(items: list[Item]) -> None:
    """At least 300 responses over at least 25 questions, with every kind of response represented."""
    assert len(items) >= 300
    assert len({i.question.id for i in items}) >= 25
    assert len({i.question.topic for i in items}) >= 8
    assert {"para", "partial", "wrong", "other", "echo", "typo", "salad", "none"} <= {i.kind for i in items}


# Floors sit a little under the figures measured when they were set (see the report printed by __main__).
FLOORS_ALL = {"auc_pass": 0.96, "auc_any_credit": 0.88, "pass_accuracy": 0.89, "spearman": 0.84, "pearson": 0.84}
CEILINGS_ALL = {"mae": 0.145}
FLOORS_DERIVED = {"auc_pass": 0.96, "pass_accuracy": 0.87, "spearman": 0.83}


def test_floors_on_all_questions(items: list[Item]) -> None:
    """Score tracks the human labels over the whole set."""
    m = metrics(items)
    for name, floor in FLOORS_ALL.items():
        assert m[name] >= floor, (name, m[name])
    for name, ceiling in CEILINGS_ALL.items():
        assert m[name] <= ceiling, (name, m[name])


def test_floors_on_derived_key_points(items: list[Item]) -> None:
    """Questions with only a model answer (key points derived from it) grade well too."""
    m = metrics([i for i in items if i.derived])
    assert m["n"] >= 80
    for name, floor in FLOORS_DERIVED.items():
        assert m[name] >= floor, (name, m[name])


def test_echoes_and_non_answers_score_nothing(items: list[Item]) -> None:
    """Restating the question or not answering earns (almost) nothing."""
    for item in items:
        if item.kind in {"echo", "none"}:
            assert item.score <= 0.1, (item.question.id, item.text, item.score)


def test_answers_to_other_questions_score_low(items: list[Item]) -> None:
    """An answer to a different question is never a pass and is low on average."""
    others = [i.score for i in items if i.kind == "other"]
    assert max(others) < PASS
    assert statistics.fmean(others) <= 0.15


def test_model_answers_score_at_or_near_full_marks(items: list[Item]) -> None:
    """Every question's own model answer passes with a score near 1."""
    for question in {i.question for i in items}:
        score = grade(question, question.answer).score
        assert score >= 0.98, (question.id, score)


def test_mean_score_rises_with_the_label_apart_from_keyword_salad(items: list[Item]) -> None:
    """Mean score rises with the human label band once keyword salad is left out.

    Keyword salad (a bare list of the right terms, labelled 0.25) is the known blind spot of a lexical
    grader: it scores about like a partial answer or better. It is held separately below.
    """
    by_label: dict[float, list[float]] = defaultdict(list)
    for item in items:
        if item.kind != "salad":
            by_label[item.label].append(item.score)
    means = [statistics.fmean(by_label[lab]) for lab in sorted(by_label)]
    assert means == sorted(means), means


def test_keyword_salad_stays_below_real_correct_answers(items: list[Item]) -> None:
    """A bare list of terms scores below full, correct answers on average and never reaches 1.0 on most."""
    salad = [i.score for i in items if i.kind == "salad"]
    correct = [i.score for i in items if i.label == 1.0]
    assert statistics.fmean(salad) < statistics.fmean(correct) - 0.15


def _report() -> None:
    """Print every figure, per kind and per label, and the largest disagreements."""
    items = load_items()
    for title, subset in (
        ("all", items),
        ("authored key points", [i for i in items if not i.derived]),
        ("derived key points", [i for i in items if i.derived]),
    ):
        m = metrics(subset)
        print(f"{title:20} " + "  ".join(f"{k}={v:.3f}" if k != "n" else f"n={v}" for k, v in m.items()))
    kinds: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        kinds[item.kind].append(item)
    print(
        "by kind: "
        + ", ".join(
            f"{k}: label {statistics.fmean(i.label for i in v):.2f} score {statistics.fmean(i.score for i in v):.2f}"
            for k, v in sorted(kinds.items())
        )
    )
    labels: dict[float, list[float]] = defaultdict(list)
    for item in items:
        labels[item.label].append(item.score)
    print("by label: " + ", ".join(f"{k}: {statistics.fmean(v):.2f} (n={len(v)})" for k, v in sorted(labels.items())))
    worst = sorted(items, key=lambda i: -abs(i.score - i.label))
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    for item in worst[:limit]:
        print(f"{item.label:4} {item.score:.2f} {item.kind:7} {item.question.id:22} {item.text[:90]}")


if __name__ == "__main__":
    _report()
