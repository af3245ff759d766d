"""False claims a bank names for a key point (``wrong:``): found in one clause, with polarity, and linted."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bank.importers.writer import key_point_mapping
from bot.bank.lint import lint_bank
from bot.bank.loader import BankLoadError, key_points_or_raise, parse_bank
from bot.bank.models import KeyPoint, Question
from bot.grading import grade
from bot.grading.normalize import negated_flags
from bot.grading.wrong import find_wrong, wrong_claim

REDIRECT = Question(
    id="redirect",
    prompt="How do you send the user to another page from a Flask view?",
    answer="Return redirect(url_for('name')). Flask answers with a Location header and status 302 unless told "
    "otherwise.",
    key_points=(
        KeyPoint("return redirect() with url_for()", ("redirect(url_for())",), 2),
        KeyPoint("status 302 unless told otherwise", ("302 by default",), 1, "",
                 ("301 by default", "redirect is permanent by default")),
    ),
)  # fmt: skip
SESSION = Question(
    id="session",
    prompt="How does Flask keep the session between requests?",
    answer="In a cookie that Flask signs with the secret key; the browser can read it but cannot change it.",
    key_points=(
        KeyPoint("a cookie signed with the secret key", ("signed cookie",), 2, "",
                 ("session is encrypted", "stores sessions in a database")),
        KeyPoint("readable but tamper-proof", ("the client can read it",), 1),
    ),
)


def _stated(question: Question, text: str) -> list[str]:
    return [c.point for c in grade(question, text).contradictions]


def test_a_named_false_claim_contradicts_its_point_and_fails_an_otherwise_right_answer() -> None:
    right = "return redirect(url_for('login')); it sends 302 by default"
    wrong = "return redirect(url_for('login')); it sends 301 by default"
    assert grade(REDIRECT, right).passed
    g = grade(REDIRECT, wrong)
    assert not g.passed
    (c,) = g.contradictions
    assert c.point == "status 302 unless told otherwise" and "301" in c.said and "default" in c.said
    assert c.point in g.misses


def test_stemmed_words_within_a_few_words_match_in_order_or_any_order_for_two() -> None:
    text = "return redirect(url_for('x')) and the redirect it sends is permanent by default"
    assert _stated(REDIRECT, text) == ["status 302 unless told otherwise"]
    assert _stated(REDIRECT, "return redirect(url_for('x')) and the default is 301") == [
        "status 302 unless told otherwise"
    ]
    stored = "Flask stores the session in the database, signed with the secret key; the client can read it"
    assert _stated(SESSION, stored) == ["a cookie signed with the secret key"]
    assert not grade(SESSION, stored).passed
    assert grade(SESSION, "the session lives in the cookie, signed with the secret key; the client can read it").passed


def test_a_negated_claim_is_not_stated() -> None:
    assert _stated(SESSION, "the session isn't encrypted, just signed with the secret key") == []
    assert _stated(REDIRECT, "return redirect(url_for('x')); the default is not 301, it is 302") == []
    # and a claim that is itself negative needs the negation in the answer
    claim = wrong_claim(0, "session not signed")
    assert claim is not None
    for text, expected in (("the session is not signed at all", {0}), ("the session is signed", set())):
        tokens, flags = negated_flags(text)
        assert set(find_wrong((claim,), text, tokens, flags)) == expected


def test_words_in_different_clauses_or_far_apart_are_not_a_claim() -> None:
    contrast = "return redirect(url_for('x')), it sends 302 by default (301 is for permanent moves)"
    assert _stated(REDIRECT, contrast) == []
    joined = "return redirect(url_for('x')): 302 by default and 301 when you pass code=301"
    assert _stated(REDIRECT, joined) == []
    far = "a permanent redirect keeps search rankings, and Flask picks its status by default"
    assert _stated(REDIRECT, far) == []


def test_a_dotted_code_name_matches_by_its_tail() -> None:
    q = Question(
        id="bp", prompt="How do you attach a blueprint to the app?", answer="app.register_blueprint(bp).",
        key_points=(KeyPoint("app.register_blueprint()", ("register_blueprint",), 1, "", ("add_blueprint",)),),
    )  # fmt: skip
    assert _stated(q, "call app.add_blueprint(bp, url_prefix='/api')") == ["app.register_blueprint()"]
    assert grade(q, "call app.register_blueprint(bp, url_prefix='/api')").passed


def test_explain_names_the_false_claim() -> None:
    from bot.grading.grade import explain

    _, trace = explain(REDIRECT, "return redirect(url_for('login')); 301 by default")
    assert any("known false claim" in line and "'301 by default'" in line for line in trace)


def test_the_loader_reads_wrong_and_refuses_a_bad_one() -> None:
    (kp,) = key_points_or_raise([{"point": "302 by default", "wrong": ["301 by default"]}], "q")
    assert kp.wrong == ("301 by default",)
    with pytest.raises(BankLoadError, match="wrong"):
        key_points_or_raise([{"point": "302 by default", "wrong": [{"x": 1}]}], "q")


def test_export_keeps_wrong_phrasings() -> None:
    kp = KeyPoint("302 by default", wrong=("301 by default",))
    assert key_point_mapping(kp) == {"point": "302 by default", "wrong": ["301 by default"]}
    assert key_point_mapping(KeyPoint("302 by default")) == "302 by default"


BANK = """\
name: wrongs
questions:
  - id: redirect
    prompt: How do you send the user to another page from a Flask view?
    answer: Return redirect(url_for('name')); Flask answers 302 by default.
    key_points:
      - point: status 302 by default
        accept: ["Location header"]
        wrong:
          - "301 by default"
          - "302 by default"
          - "the"
          - "permanent, by default"
          - "page"
"""


@pytest.fixture
def findings(tmp_path: Path) -> list[str]:
    path = tmp_path / "wrongs.yaml"
    path.write_text(BANK, encoding="utf-8")
    return [str(issue) for issue in lint_bank(parse_bank(BANK, path))]


def test_lint_refuses_a_wrong_phrasing_that_correct_material_states(findings: list[str]) -> None:
    (stated,) = [f for f in findings if "'302 by default'" in f]
    assert ":11: question 'redirect': error:" in stated and "the model answer" in stated
    assert not any("'301 by default'" in f for f in findings)


def test_lint_refuses_an_empty_or_two_clause_wrong_phrasing_and_warns_on_one_everyday_word(
    findings: list[str],
) -> None:
    (empty,) = [f for f in findings if "'the'" in f]
    assert ":12: question 'redirect': error:" in empty and "no content word" in empty
    (two,) = [f for f in findings if "'permanent, by default'" in f]
    assert ":13:" in two and "error" in two and "one clause" in two
    (weak,) = [f for f in findings if "'page'" in f]
    assert ":14:" in weak and "warning" in weak and "everyday word" in weak


def test_a_phrasing_accepted_on_appeal_overrides_a_listed_false_claim() -> None:
    """A moderator accepted "the redirect is permanent by default" for the point (an overlay phrasing): the
    bank's false claim that it states no longer counts against answers, the other one still does."""
    from bot.bank.overlay import apply_overlay

    taught = apply_overlay(REDIRECT, {"status 302 unless told otherwise": ["the redirect is permanent by default"]})
    text = "return redirect(url_for('login')); the redirect is permanent by default"
    assert _stated(REDIRECT, text) == ["status 302 unless told otherwise"]
    assert _stated(taught, text) == []
    assert _stated(taught, "return redirect(url_for('login')); 301 by default") == ["status 302 unless told otherwise"]


def test_a_near_synonym_states_the_claim_but_a_typo_does_not() -> None:
    claim = wrong_claim(0, "Nginx runs the Python code")
    assert claim is not None
    for text, expected in (("Nginx executes the Python app code", {0}), ("Nginx rns the Python code", set()),
                           ("Gunicorn runs the Python code behind Nginx", set())):
        tokens, flags = negated_flags(text)
        assert set(find_wrong((claim,), text, tokens, flags)) == expected, text


def _claim_found(claim_text: str, text: str) -> bool:
    claim = wrong_claim(0, claim_text)
    assert claim is not None
    tokens, flags = negated_flags(text)
    return bool(find_wrong((claim,), text, tokens, flags))


def test_the_start_of_a_hyphenated_name_is_not_the_word_alone() -> None:
    """"Flask-SQLAlchemy includes an ORM" says nothing false about Flask; a claim about "Flask-Login" still needs
    its name."""
    assert not _claim_found("Flask includes an ORM", "Flask-SQLAlchemy includes an ORM")
    assert _claim_found("Flask includes an ORM", "Flask includes an ORM out of the box")
    assert _claim_found("Flask-Login hashes passwords", "Flask-Login hashes passwords for you")


def test_a_call_does_not_end_the_clause_but_a_closing_aside_does() -> None:
    assert _claim_found("create_all updates existing tables", "db.create_all() updates existing tables")
    assert not _claim_found("create_all updates existing tables", "create_all() (it updates existing tables)")


def test_a_short_answer_with_a_listed_false_claim_is_graded_on_its_points() -> None:
    q = Question(
        id="ext", prompt="Which extension do most Flask apps use for a SQL database?",
        answer="Flask-SQLAlchemy, configured with SQLALCHEMY_DATABASE_URI.",
        key_points=(KeyPoint("Flask-SQLAlchemy", weight=2),
                    KeyPoint("SQLALCHEMY_DATABASE_URI setting", wrong=("SQLALCHEMY_DATABASE_URL",))),
        short_answers=("Flask-SQLAlchemy",),
    )  # fmt: skip
    assert grade(q, "Flask-SQLAlchemy").score == 1.0
    g = grade(q, "Flask-SQLAlchemy, configure SQLALCHEMY_DATABASE_URL")
    assert g.score < 1.0 and [c.point for c in g.contradictions] == ["SQLALCHEMY_DATABASE_URI setting"]


FILTERS = Question(
    id="filters",
    prompt="How do you add a custom Jinja filter in Flask?",
    answer="Decorate a function with @app.template_filter('name'), or call app.add_template_filter(fn); "
    "use it as {{ value|name }}. A custom decorator such as role_required is just a name you choose.",
    key_points=(KeyPoint("@app.template_filter() decorator", ("app.add_template_filter",), 2),
                KeyPoint("used with a pipe in the template", ("{{ value|name }}",))),
)  # fmt: skip


def test_a_near_miss_api_name_on_the_same_object_contradicts_the_point() -> None:
    g = grade(FILTERS, "decorate a function with @app.template_global() and use it with a pipe: {{ value|name }}")
    (c,) = g.contradictions
    assert c.point == "@app.template_filter() decorator" and c.said == "app.template_global"
    assert c.expected in {"app.template_filter", "app.add_template_filter"} and not g.passed


def test_names_the_material_uses_or_that_are_not_on_an_object_are_never_near_misses() -> None:
    right = "decorate it with @app.template_filter() and use it with a pipe: {{ value|name }}"
    assert grade(FILTERS, right).passed and not grade(FILTERS, right).contradictions
    other = "call app.add_template_filter(fn), then use a pipe: {{ value|name }}"  # another name of the material
    assert not grade(FILTERS, other).contradictions
    both = "app.template_filter, not app.template_global, then a pipe: {{ value|name }}"  # the right one is said
    assert not grade(FILTERS, both).contradictions
    custom = "write your own template_helper function and register it; use a pipe: {{ value|name }}"  # no object
    assert not grade(FILTERS, custom).contradictions
