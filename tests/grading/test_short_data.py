"""Short answers (tests/data/grading/short_answers.yaml): exact, in a sentence, one typo pass; others fail."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.bank.models import Question
from bot.grading import grade

DATA = Path(__file__).resolve().parents[1] / "data" / "grading" / "short_answers.yaml"


def _cases() -> list[tuple[str, Question, str]]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out = []
    for n, q in enumerate(raw["questions"]):
        question = Question(id=f"s{n}", prompt=q["prompt"], short_answers=tuple(q["answers"]))
        for kind in ("exact", "sentence", "typo", "wrong"):
            out.extend((kind, question, str(text)) for text in q.get(kind, ()))
    return out


CASES = _cases()


def _rate(kind: str) -> float:
    group = [grade(q, text).passed for k, q, text in CASES if k == kind]
    assert group, kind
    return sum(group) / len(group)


def test_the_set_covers_stopword_symbol_and_number_answers() -> None:
    answers = {a for _, q, _ in CASES for a in q.short_answers}
    assert {"D", "I", "A", "Who Is It", "AT&T", "O-", "C#", "5000"} <= answers
    assert sum(1 for k, _, _ in CASES if k == "wrong") >= 50


@pytest.mark.parametrize(("kind", "floor"), [("exact", 1.0), ("sentence", 0.99), ("typo", 0.95)])
def test_correct_short_answers_pass(kind: str, floor: float) -> None:
    assert _rate(kind) >= floor, [text for k, q, text in CASES if k == kind and not grade(q, text).passed]


def test_different_answers_fail() -> None:
    assert _rate("wrong") <= 0.01, [text for k, q, text in CASES if k == "wrong" and grade(q, text).passed]


def test_a_short_answer_counts_in_a_long_text_only_when_nothing_else_grades_the_question() -> None:
    from bot.bank.models import KeyPoint

    only_short = Question(id="p", prompt="Default port of the Flask dev server?", short_answers=("5000",))
    long_text = "well " * 45 + "it is 5000"
    assert grade(only_short, long_text).passed
    with_points = Question(
        id="q",
        prompt="Default port of the Flask dev server?",
        short_answers=("5000",),
        key_points=(KeyPoint("port 5000 on 127.0.0.1"),),
    )
    dump = "ports: " + ", ".join(str(n) for n in range(4990, 5030)) + " and many more hosts and ports"
    assert not grade(with_points, dump).passed
