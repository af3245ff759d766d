"""Every Flask key point carries an `ask:` follow-up: a short question that does not give the point away."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bank.loader import load_bank
from bot.bank.models import KeyPoint, Question
from bot.grading.normalize import tokenize

FLASK = Path(__file__).resolve().parents[2] / "data" / "banks" / "flask.yaml"
MAX_ASK_CHARS = 200


def _words(text: str) -> list[str]:
    """Stemmed content words of a text (stopwords dropped), in order."""
    return [t.key for t in tokenize(text) if not t.stop]


def ask_problems(question: Question, point: KeyPoint) -> list[str]:
    """Why a key point's `ask:` is not a usable follow-up (empty when it is)."""
    ask = point.ask.strip()
    if not ask:
        return ["no ask"]
    problems = []
    if not ask.endswith("?"):
        problems.append("not a question")
    if len(ask) > MAX_ASK_CHARS:
        problems.append(f"{len(ask)} characters")
    point_words, ask_words = _words(point.text), _words(ask)
    if point_words and " ".join(point_words) in " ".join(ask_words):
        problems.append("repeats the point verbatim")
    # words the prompt already says give nothing away; the rest are the point's own answer words
    answer_words = set(point_words) - set(_words(question.prompt))
    if len(answer_words) >= 2 and answer_words <= set(ask_words):
        problems.append(f"contains every answer word of the point ({', '.join(sorted(answer_words))})")
    return problems


BANK = load_bank(FLASK)
POINTS = [(q, kp) for q in BANK.questions for kp in q.key_points]


def test_the_flask_bank_has_key_points() -> None:
    assert len(POINTS) >= 300


@pytest.mark.parametrize(("question", "point"), POINTS, ids=[f"{q.id}:{kp.text}" for q, kp in POINTS])
def test_every_flask_key_point_has_a_follow_up_question(question: Question, point: KeyPoint) -> None:
    assert ask_problems(question, point) == []


def test_follow_ups_are_distinct_within_a_question() -> None:
    for q in BANK.questions:
        asks = [kp.ask.casefold() for kp in q.key_points]
        assert len(set(asks)) == len(asks), q.id


def test_the_check_rejects_bad_follow_ups() -> None:
    q = Question(id="q", prompt="What does url_for() do?")
    give_away = KeyPoint("links survive route changes", ask="Do links survive route changes?")
    verbatim, all_words = ask_problems(q, give_away)
    assert verbatim == "repeats the point verbatim"
    assert all_words.startswith("contains every answer word of the point")
    # no verbatim repeat, yet every answer word is there: still a give-away
    reordered = KeyPoint("links survive route changes", ask="Which changes to a route do links survive?")
    assert ask_problems(q, reordered)[0].startswith("contains every answer word")
    assert ask_problems(q, KeyPoint("builds a URL", ask="Tell me more")) == ["not a question"]
    assert ask_problems(q, KeyPoint("builds a URL", ask="Why " + "x" * 200 + "?")) == ["205 characters"]
    assert ask_problems(q, KeyPoint("builds a URL")) == ["no ask"]
    good = KeyPoint("links survive route changes", ask="What happens to your links if /profile moves to /account?")
    assert ask_problems(q, good) == []
