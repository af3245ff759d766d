"""The terminal mock interview: same rules as /interview, no Discord."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.bank.catalog import Catalog
from bot.bank.loader import load_banks
from bot.practice import run_practice

BANKS = Path(__file__).resolve().parents[1] / "data" / "banks" / "e2e"


def test_practice_asks_follows_up_and_reports() -> None:
    catalog = Catalog(load_banks([BANKS]).banks)
    answers = io.StringIO("Blueprints split the app into modules.\n"
                          "Each one has its own routes and templates and is registered with a url_prefix.\n")
    out = io.StringIO()
    code = run_practice(catalog, bank="mini", topic=None, difficulty=None, count=1, rng=random.Random(0),
                        stdin=answers, stdout=out)
    text = out.getvalue()
    assert code == 0
    assert "Question 1/1 [architecture, medium]: Why would you use blueprints" in text
    assert "✓ split the app into modules" in text and "Follow-up:" in text
    assert text.rstrip().endswith("Report: 1 answered, average 100%.")


def test_practice_from_the_command_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VIVA_BANKS", str(BANKS))
    monkeypatch.setattr("sys.stdin", io.StringIO("5000\n"))
    assert main(["practice", "--bank", "trivia", "--topic", "basics", "--difficulty", "easy", "--count", "1"]) == 0
    out = capsys.readouterr().out
    assert "Which port does the Flask development server use" in out and "score 100% (pass)" in out
    assert main(["practice", "--bank", "nope"]) == 2
    assert "no bank called 'nope'" in capsys.readouterr().err
