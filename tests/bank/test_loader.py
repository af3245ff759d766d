"""Bank loading and validation: bundled banks, broken-bank fixtures, YAML quirks, directory loading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.__main__ import main
from bot.bank.loader import BankLoadError, load_bank, load_banks, parse_bank

ROOT = Path(__file__).resolve().parents[2]
BANKS = ROOT / "data" / "banks"
BROKEN = sorted((ROOT / "tests" / "data" / "banks" / "broken").glob("*.yaml"))


def _expectation(path: Path) -> tuple[int, str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.fullmatch(r"# expect: (\d+): (.+)", first)
    assert m, f"{path.name} must start with '# expect: LINE: MESSAGE'"
    return int(m[1]), m[2]


@pytest.mark.parametrize("path", sorted(BANKS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_bank_loads(path: Path) -> None:
    bank = load_bank(path)
    assert bank.questions
    for q in bank.questions:
        assert q.key_points or q.answer or q.short_answers
        assert 2 <= len(q.key_points) <= 6 or not q.key_points


def test_flask_bank_cites_every_seed_question_exactly_once() -> None:
    bank = load_bank(BANKS / "flask.yaml")
    assert bank.name == "flask"
    assert len(bank.questions) >= 70
    refs = [ref for q in bank.questions for ref in q.source]
    expected = {f"flask50#{i}" for i in range(1, 51)} | {f"flask40#{i}" for i in range(1, 41)}
    assert sorted(refs) == sorted(expected)
    for q in bank.questions:
        assert q.answer, q.id
        assert 2 <= len(q.key_points) <= 6, q.id
        assert all(kp.accept for kp in q.key_points), q.id


def test_broken_fixtures_cover_at_least_twelve_mistakes() -> None:
    assert len(BROKEN) >= 12


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_bank_is_rejected_with_file_line_and_message(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line, message = _expectation(path)
    with pytest.raises(BankLoadError) as err:
        load_bank(path)
    assert any(i.line == line and message in str(i) for i in err.value.issues), str(err.value)
    assert main(["check", str(path)]) == 1
    assert f"{path}:{line}: {message}" in capsys.readouterr().err


def test_check_prints_summary_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BANKS)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^flask: \d+ questions", out, re.M)
    assert "topics:" in out and "difficulty:" in out
    assert out.strip().splitlines()[-1].startswith("OK: ")


def test_yaml_11_booleans_and_numbers_read_back_as_typed(tmp_path: Path) -> None:
    text = """
name: quirks
title: Quirks
questions:
  - id: q1
    prompt: Is debug mode safe in production?
    answer: no
    short_answers: [no, off, 5000, 0x1F, 1e3, ~x]
  - id: q2
    prompt: Say yes
    key_points: [yes, "on", 3.10]
"""
    bank = parse_bank(text, tmp_path / "quirks.yaml")
    q1, q2 = bank.questions
    assert q1.answer == "no"
    assert q1.short_answers == ("no", "off", "5000", "0x1F", "1e3", "~x")
    assert [kp.text for kp in q2.key_points] == ["yes", "on", "3.10"]


def test_key_points_as_strings_and_mappings() -> None:
    bank = parse_bank("""
name: kp
title: KP
pass_score: 0.7
questions:
  - id: q
    prompt: Why blueprints?
    key_points:
      - split an app into modules
      - point: reusable components
        accept: [reuse, "share across apps"]
        weight: 2
""")
    (q,) = bank.questions
    assert q.pass_score == 0.7 and q.bank == "kp" and q.line == 6
    assert q.key_points[0].text == "split an app into modules" and q.key_points[0].weight == 1.0
    assert q.key_points[1].phrasings == ("reusable components", "reuse", "share across apps")
    assert q.key_points[1].weight == 2.0


def test_one_broken_bank_does_not_stop_the_others(tmp_path: Path) -> None:
    question = "questions:\n  - {id: a, prompt: 'Why?', answer: 'A.'}\n"
    (tmp_path / "good.yaml").write_text("name: good\ntitle: Good\n" + question)
    (tmp_path / "bad.yaml").write_text("name: bad\ntitle: Bad\nquestions:\n  - {id: a, answer: A.}\n")
    (tmp_path / "twin.yaml").write_text("name: good\ntitle: Twin\n" + question)
    result = load_banks([tmp_path])
    assert list(result.banks) == ["good"]
    messages = sorted(str(e) for e in result.errors)
    assert len(messages) == 2
    assert "bad.yaml:4: question 'a': has no 'prompt'" in messages[0]
    assert "twin.yaml:1: bank name 'good' is already used by" in messages[1]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    result = load_banks([tmp_path / "nope.yaml"])
    assert not result.banks and "no such file" in str(result.errors[0])


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(prompt=_text.filter(str.strip), answer=_text.filter(str.strip), points=st.lists(_text.filter(str.strip),
                                                                                      min_size=1, max_size=4))
def test_any_text_round_trips_through_yaml(prompt: str, answer: str, points: list[str]) -> None:
    doc = {"name": "rt", "title": "RT", "questions": [
        {"id": "q", "prompt": prompt, "answer": answer, "key_points": points}]}
    (q,) = parse_bank(yaml.safe_dump(doc, allow_unicode=True)).questions
    assert q.prompt == prompt.strip() and q.answer == answer.strip()
    assert [kp.text for kp in q.key_points] == [p.strip() for p in points]


def test_key_point_ask_is_read_and_must_be_a_short_question() -> None:
    head = "name: b\ntitle: B\nquestions:\n  - id: q\n    prompt: Why?\n    key_points:\n"
    bank = parse_bank(head + "      - point: tiny core\n        ask: How big is the core?\n")
    assert bank.questions[0].key_points[0].ask == "How big is the core?"
    with pytest.raises(BankLoadError, match=r"<bank>:8: question 'q': ask must be a question"):
        parse_bank(head + "      - point: tiny core\n        ask: Tell me the size\n")
    with pytest.raises(BankLoadError, match=r"200 or fewer"):
        parse_bank(head + "      - point: tiny core\n        ask: " + "x" * 201 + "?\n")


def test_a_pass_score_of_zero_is_kept() -> None:
    """``pass_score: 0`` is a valid choice (every answer passes), not a missing value."""
    text = "name: zero\npass_score: 0\nquestions:\n  - id: q\n    prompt: Port?\n    short_answers: ['5000']\n"
    bank = parse_bank(text, "zero.yaml")
    assert bank.pass_score == 0.0 and bank.questions[0].pass_score == 0.0


def test_key_points_or_raise_applies_the_bank_rules() -> None:
    from bot.bank.loader import key_points_or_raise

    (kp,) = key_points_or_raise([{"point": "tiny core", "accept": ["small core"], "weight": 2}], "q")
    assert (kp.text, kp.accept, kp.weight) == ("tiny core", ("small core",), 2.0)
    with pytest.raises(BankLoadError, match=r"question 'q': key_points\[0\]: weight must be a number"):
        key_points_or_raise([{"point": "tiny core", "weight": 0.01}], "q")
