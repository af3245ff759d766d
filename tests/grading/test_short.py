"""Short exact answers: whole-word containment, typo budget by length, numbers exact, negation guard."""

from __future__ import annotations

import pytest

from bot.grading.normalize import tokenize
from bot.grading.short import match_short, prepare_short


def matches(answers: tuple[str, ...], response: str) -> bool:
    """Whether the response matches one of the short answers."""
    return match_short(prepare_short(answers), tokenize(response)) is not None


@pytest.mark.parametrize(
    ("answers", "response", "expected"),
    [
        (("5000",), "5000", True),
        (("5000",), "it is 5000", True),
        (("5000",), "Port 5,000.", True),
        (("5000",), "8080", False),
        (("5000",), "50000", False),
        (("5000",), "5001", False),
        (("chair",), "air", False),
        (("air",), "chair", False),
        (("chair",), "a chair", True),
        (("chair",), "chairs", True),
        (("Global Interpreter Lock",), "it's the global interpreter lock", True),
        (("Global Interpreter Lock",), "global lock", False),
        (("Global Interpreter Lock",), "the lock global interpreter", False),
        (("Guido van Rossum",), "Guido van Rosum", True),
        (("LIFO",), "LIFP", False),
        (("decorator",), "decorater", True),
        (("decorator",), "decorate", True),
        (("serialization",), "serialisaton", True),
        (("serialization",), "serial", False),
        (("5000",), "not 5000", False),
        (("5000",), "8080, not 5000", False),
        (("5000", "port 5000"), "it's 5000 by default", True),
        (("HTTP/2",), "http 2", True),
        (("",), "anything", False),
    ],
)
def test_short_answers(answers: tuple[str, ...], response: str, expected: bool) -> None:
    """Equality or whole-word containment, with typos only for longer words and never in numbers."""
    assert matches(answers, response) is expected


def test_match_reports_the_answer_and_the_words_as_typed() -> None:
    """The hit names which short answer matched and the response words, in their original casing."""
    found = match_short(prepare_short(("global interpreter lock",)), tokenize("The Global Interpreter Lock!"))
    assert found == ("global interpreter lock", "Global Interpreter Lock")
