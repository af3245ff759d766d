"""The terminal mock interview: same rules as /interview, no Discord."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.bank.catalog import Catalog
from bot.bank.loader import load_banks
from bot.bank.models import Bank, KeyPoint, Question
from bot.practice import WIDTH, run_practice

BANKS = Path(__file__).resolve().parents[1] / "data" / "banks" / "e2e"

LONG_ANSWER = (
    "WSGI is the standard contract between Python web servers and the applications they host. " * 8
    + "Werkzeug turns environ into the request object and the view's return value into a response.\n"
    "```python\ndef app(environ, start_response):\n    start_response(\"200 OK\", [])\n    return [b\"hi\"]\n```"
)
WSGI = Question(
    id="wsgi", prompt="What is WSGI, and what role does it play for a Flask application?", topic="basics",
    answer=LONG_ANSWER, bank="t",
    key_points=(KeyPoint("Web Server Gateway Interface", ask="What does the name of that standard spell out?"),
                KeyPoint("standard between web server and Python app", weight=2,
                         ask="Who are the two parties that this standard sits between?"),
                KeyPoint("callable taking environ and start_response", weight=2)))
ROUTE = Question(id="route", prompt="How do you map a URL to a function in Flask?", topic="routing",
                 answer="With the @app.route decorator on a view function.", bank="t",
                 key_points=(KeyPoint("the @app.route decorator"), KeyPoint("on a view function")))
ESCAPE = Question(id="escape", prompt="How does Jinja2 protect against XSS?", topic="templates",
                  answer="Autoescaping of HTML in templates.", bank="t",
                  key_points=(KeyPoint("autoescaping of HTML"),))
CATALOG = Catalog({"t": Bank("t", "Test bank", (WSGI, ROUTE, ESCAPE))})


def practise(lines: str, *, topic: str | None = "basics", count: int = 1) -> str:
    out = io.StringIO()
    assert run_practice(CATALOG, bank="t", topic=topic, difficulty=None, count=count, rng=random.Random(0),
                        stdin=io.StringIO(lines), stdout=out) == 0
    return out.getvalue()


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
    assert "Report: 1 answered, average 100%, 2 points." in text
    assert text.rstrip().endswith("Study next: nothing missed in this bank's topics. Try a harder difficulty or "
                                  "another bank.")


def test_the_follow_up_names_one_thing_and_misses_wait_until_it_is_answered() -> None:
    text = practise("WSGI means Web Server Gateway Interface.\nno idea\n")
    before, after = text.split("Follow-up: ", 1)
    follow_up = after.splitlines()[0]
    assert follow_up == "Who are the two parties that this standard sits between?"  # the heaviest point's ask
    assert "✗ standard between web server" not in before and "2 point(s) not covered yet" in before
    assert "✗ standard between web server and Python app" in after


def test_a_hint_before_answering_costs_a_fifth_of_the_points() -> None:
    text = practise("?\nhint\nIt is the Web Server Gateway Interface, a standard between web server and Python app, "
                    "and the app is a callable taking environ and start_response.\n")
    assert "  Hint: Who are the two parties that this standard sits between?" in text
    assert "already had the hint for this question" in text  # the second request
    assert "hint used: this question's points × 0.8" in text
    assert "Report: 1 answered, average 100%, 1.6 points, 1 hint(s) (× 0.8 on those questions)." in text
    assert "(hint)" in text


def test_no_hint_on_the_follow_up_and_the_next_line_is_still_the_answer() -> None:
    text = practise("Web Server Gateway Interface\n?\nbetween the web server and the Python app\n")
    assert "No hint on the follow-up" in text
    assert "✓ standard between web server and Python app" in text.split("No hint on the follow-up", 1)[1]


def test_the_model_answer_is_shown_whole_never_cut_mid_word() -> None:
    text = practise("idk\n")
    shown = text.split("  model answer:\n", 1)[1].split("\n\nReport:", 1)[0]
    assert all(len(line) <= WIDTH for line in shown.splitlines())
    prose = LONG_ANSWER.split("```python")[0]
    assert " ".join(shown.split("```python")[0].split()) == " ".join(prose.split())  # every word, in order
    assert '        start_response("200 OK", [])' in shown.splitlines()  # code keeps its lines and indentation


def test_report_groups_misses_by_topic_and_says_what_to_study_with_the_command() -> None:
    text = practise("idk\n" * 2, topic=None, count=2)
    asked = [line.split("[", 1)[1].split(",", 1)[0] for line in text.splitlines() if line.startswith("Question ")]
    report = text.split("Report:", 1)[1]
    missed = report.split("Missed, by topic:", 1)[1].split("Study next:", 1)[0]
    for question in (WSGI, ROUTE, ESCAPE):
        if question.topic in asked:
            assert f"  {question.topic} (average 0%):" in missed
            assert all(f"    ✗ {kp.text}" in missed for kp in question.key_points)
    study = [line.strip()[3:] for line in report.split("Study next:", 1)[1].strip().splitlines()]
    (fresh,) = {"basics", "routing", "templates"} - set(asked)
    assert set(study[:2]) == {f"{t} (average 0%): python -m bot practice --bank t --topic {t}" for t in asked}
    assert study[2:] == [f"{fresh} (not asked yet): python -m bot practice --bank t --topic {fresh}"]


def test_practice_from_the_command_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VIVA_BANKS", str(BANKS))
    monkeypatch.setattr("sys.stdin", io.StringIO("5000\n"))
    assert main(["practice", "--bank", "trivia", "--topic", "basics", "--difficulty", "easy", "--count", "1"]) == 0
    out = capsys.readouterr().out
    assert "Which port does the Flask development server use" in out and "score 100% (pass)" in out
    assert main(["practice", "--bank", "nope"]) == 2
    assert "no bank called 'nope'" in capsys.readouterr().err
