"""`check` on a key point's `ask:`: a follow-up must not give its point away; `--strict` wants one on every point."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.bank.lint import lint_bank
from bot.bank.loader import load_bank
from bot.bank.models import Bank, KeyPoint, Question

FLASK = Path(__file__).resolve().parents[2] / "data" / "banks" / "flask.yaml"


def _findings(point: KeyPoint, *, strict: bool = False, prompt: str = "How do you send a user to another page?"
              ) -> list[str]:
    q = Question(id="redirect", prompt=prompt, answer="redirect() answers 302 with a Location header.",
                 key_points=(point,), bank="t")
    return [i.message for i in lint_bank(Bank("t", "T", (q,)), strict=strict) if "ask:" in i.message]


@pytest.mark.parametrize(("point", "ask", "why"), [
    ("redirect() sends a Location header", "Which header does redirect() send as the Location header?",
     "repeats the point's words"),
    ("the browser follows the Location header", "Which header does the browser follow, and where is its location?",
     "contains every word of the point"),
    ("answers with status 302", "Does redirect() answer 302 or something else?", "names the point's answer (302)"),
    ("built with url_for", "Would you build the target with url_for or by hand?", "names the point's answer (url_for)"),
])
def test_an_ask_that_gives_its_point_away_is_a_warning(point: str, ask: str, why: str) -> None:
    (message,) = _findings(KeyPoint(point, ask=ask))
    assert why in message and repr(point) in message


@pytest.mark.parametrize(("point", "ask"), [
    ("redirect() sends a Location header", "How does the browser learn where to go next?"),
    ("answers with status 302", "Which status code does it answer with by default?"),
    ("working outside of application context error", "What do you hit if you touch current_app with no context?"),
])
def test_an_ask_that_steers_without_telling_is_fine(point: str, ask: str) -> None:
    assert _findings(KeyPoint(point, ask=ask)) == []


def test_a_missing_ask_is_a_warning_only_with_strict() -> None:
    point = KeyPoint("answers with status 302")
    assert _findings(point) == []
    (message,) = _findings(point, strict=True)
    assert "has no ask:" in message
    derived = Question(id="d", prompt="Why Flask?", answer="It is small, and extensions add the rest.", bank="t")
    assert lint_bank(Bank("t", "T", (derived,)), strict=True) == []  # derived points cannot carry an ask:


def test_the_flask_bank_has_an_ask_on_every_point_and_none_gives_it_away() -> None:
    bank = load_bank(FLASK)
    assert [str(i) for i in lint_bank(bank, strict=True) if "ask:" in i.message] == []


BANK = """\
name: asks
title: Asks
questions:
  - id: redirect
    prompt: How do you send a user to another page?
    answer: redirect() answers 302 with a Location header.
    key_points:
      - point: answers with status 302
        ask: Does it answer 302?
      - point: the Location header says where to go
"""


def test_check_names_the_ask_line_and_strict_fails_on_a_missing_ask(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "asks.yaml"
    path.write_text(BANK, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"{path}:9: question 'redirect': warning: the ask: of 'answers with status 302' names" in err
    assert "has no ask:" not in err
    assert main(["check", str(path), "--strict"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:10: question 'redirect': warning: the point 'the Location header says where to go' has no" in err
