"""Bank lints (``check``): weak and prompt-only phrasings, bundled facts, hidden syntax, literal examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.bank.lint import lint_bank
from bot.bank.loader import parse_bank

ROOT = Path(__file__).resolve().parents[2]

BANK = """\
name: lint
questions:
  - id: hashing
    prompt: How should a Flask app store user passwords?
    key_points:
      - point: slow salted hash such as bcrypt
        accept: ["bcrypt hashing", "keep it stored", "salted hash"]
      - point: Location header, 302 by default
      - point: only trusted origins, not *
        accept: ["{{ url_for('home') }}", "user passwords"]
      - point: user_loader callback
"""


@pytest.fixture
def findings(tmp_path: Path) -> list[str]:
    path = tmp_path / "lint.yaml"
    path.write_text(BANK, encoding="utf-8")
    return [str(issue) for issue in lint_bank(parse_bank(BANK, path))]


def test_a_phrasing_left_with_one_everyday_word_is_a_warning_on_its_line(findings: list[str]) -> None:
    weak = [f for f in findings if "'keep it stored'" in f]
    assert len(weak) == 1 and ":7: question 'hashing': warning:" in weak[0] and "(keep)" in weak[0]
    assert not any("'bcrypt hashing'" in f or "'salted hash'" in f for f in findings)  # a specific word, or two


def test_a_phrasing_of_prompt_words_only_is_an_error(findings: list[str]) -> None:
    assert any(":10: question 'hashing': error:" in f and "'user passwords'" in f for f in findings)


def test_a_number_bundled_with_another_fact_is_a_warning(findings: list[str]) -> None:
    assert any(":8:" in f and "bundles a number" in f for f in findings)


def test_hidden_syntax_and_literal_examples_are_warnings(findings: list[str]) -> None:
    assert any(":9:" in f and "cannot see ('*')" in f for f in findings)
    assert any(":10:" in f and "literal example" in f for f in findings)
    assert not any("user_loader" in f for f in findings)  # a code token is specific


def test_check_fails_on_errors_and_strict_fails_on_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lint.yaml"
    path.write_text(BANK, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    clean = BANK.replace(', "user passwords"', "")
    path.write_text(clean, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert "--strict fails on them" in capsys.readouterr().out
    assert main(["check", str(path), "--strict"]) == 1
    assert "FAILED: 0 lint error(s)" in capsys.readouterr().err


def test_the_bundled_banks_are_clean_under_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "data" / "banks"), "--strict"]) == 0, capsys.readouterr().err


def test_a_word_many_questions_use_is_not_specific_to_one(tmp_path: Path) -> None:
    """'hash' alone cannot tell the password question apart when four questions talk about hashes."""
    questions = "".join(
        f"  - id: q{n}\n    prompt: Question {n}?\n    answer: It uses a hash of the value.\n"
        for n in range(4)
    )
    text = BANK.replace("questions:\n", "questions:\n" + questions).replace('"keep it stored"', '"hash it"')
    path = tmp_path / "lint.yaml"
    path.write_text(text, encoding="utf-8")
    found = [str(i) for i in lint_bank(parse_bank(text, path))]
    assert any("'hash it'" in f and "(hash)" in f for f in found)
    assert not any("'bcrypt hashing'" in f for f in found)


def test_syntax_the_tokenizer_reads_is_not_reported_as_hidden() -> None:
    from bot.bank.lint import _phrasing_issues
    from bot.bank.models import KeyPoint, Question

    q = Question(id="q", prompt="How does a view tell GET from POST?", answer="It reads request.method.")
    for text in ("if request.method == 'POST'", "returns application/json", "{{ name|upper }}"):
        found = list(_phrasing_issues(q, KeyPoint(text), text, frozenset()))
        assert not any("cannot see" in message for _, message in found), (text, found)
    found = list(_phrasing_issues(q, KeyPoint("SELECT * FROM t"), "SELECT * FROM t", frozenset()))
    assert any("cannot see ('*')" in message for _, message in found)


def test_a_point_of_a_contrast_that_names_neither_thing_is_a_warning() -> None:
    from bot.bank.lint import _contrast_issues
    from bot.bank.models import KeyPoint, Question
    from bot.grading.keypoints import contrasted_things

    q = Question(id="q", prompt="How do TCP and UDP differ?", answer="TCP is reliable; UDP is not.")
    things = contrasted_things(q.prompt)
    loose = KeyPoint("guarantees delivery", ("retransmits lost packets",))
    assert [level for level, _ in _contrast_issues(q, loose, things)] == ["warning"]
    for named in (KeyPoint("TCP guarantees delivery"), KeyPoint("guarantees delivery", ("TCP retransmits",)),
                  KeyPoint("guarantees delivery", ask="What does TCP promise about delivery?")):
        assert not list(_contrast_issues(q, named, things))
