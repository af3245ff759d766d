"""Golden cases for grade(): what a careful interviewer would expect on one question at a time."""

from __future__ import annotations

import dataclasses
import sys

import pytest

from bot.bank.models import KeyPoint, Question
from bot.grading import Grade, Hit, grade
from bot.grading.grade import key_points_of

grade_module = sys.modules["bot.grading.grade"]

URL_FOR = Question(
    id="url-for",
    prompt="What does url_for do in Flask and why use it?",
    answer=(
        "url_for builds the URL for an endpoint (a view function name) with its arguments, so links do not "
        "hard-code paths and keep working when routes change."
    ),
    key_points=(
        KeyPoint("builds a URL from the endpoint or view function name", ("generates the url for a view",)),
        KeyPoint("avoids hard-coding paths so links survive route changes", ("no hard-coded urls",)),
    ),
)

MICRO = Question(
    id="micro",
    prompt="Why is Flask called a microframework?",
    answer="Its core only does routing and templating; databases, forms and authentication come from extensions.",
    key_points=(
        KeyPoint("a small core (routing, requests, templates)", ("minimal core", "lightweight core")),
        KeyPoint("other features come from extensions", ("plugins", "third-party packages")),
    ),
)

MAIN_GUARD = Question(
    id="main",
    prompt='What does `if __name__ == "__main__":` do?',
    answer="The block runs when the file is executed directly as a script, but not when the module is imported.",
)

ROUTE = Question(
    id="route",
    prompt="How do you register a view in Flask?",
    answer="Decorate the view function with @app.route and the URL rule; app.run() starts the dev server.",
    key_points=(KeyPoint("decorate the function with @app.route"), KeyPoint("app.run() starts the server")),
)

GIL = Question(
    id="gil",
    prompt="What is the GIL?",
    answer="A lock that lets only one thread execute Python bytecode at a time; use multiprocessing for CPU work.",
)

PORT = Question(
    id="port",
    prompt="Default port of the Flask dev server?",
    answer="5000, unless you pass port= to app.run().",
    short_answers=("5000",),
)


def test_model_answer_scores_full_marks() -> None:
    """The model answer itself passes at (or near) 1.0, with every point hit."""
    for q in (URL_FOR, MICRO, MAIN_GUARD, ROUTE, GIL):
        g = grade(q, q.answer)
        assert g.score >= 0.98 and g.verdict == "pass" and not g.misses, (q.id, g)
    for q in (MAIN_GUARD, GIL):
        assert grade(q, q.answer).score == 1.0


@pytest.mark.parametrize(
    "response", ["", "   ", "\n\t", "?", "...", "idk", "I don't know", "no idea, sorry", "not sure"]
)
def test_empty_and_non_answers_score_zero(response: str) -> None:
    """Nothing, punctuation or "I don't know" scores 0 and misses every point."""
    g = grade(URL_FOR, response)
    assert g == Grade(0.0, "fail", (), tuple(kp.text for kp in URL_FOR.key_points), False)


def test_restating_the_question_earns_nothing() -> None:
    """Echoing the prompt (in any casing, with the words joined or split) scores 0."""
    for echo in (URL_FOR.prompt, "url for in flask is used for url_for", "URL_FOR DOES WHAT IN FLASK?"):
        assert grade(URL_FOR, echo).score == 0.0
    assert grade(MICRO, "Flask is called a micro framework because it is a micro-framework").score == 0.0


def test_answer_to_another_question_scores_low() -> None:
    """An answer about something else is a fail."""
    g = grade(URL_FOR, "The GIL lets only one thread execute Python bytecode at a time.")
    assert g.verdict == "fail" and g.score < 0.15


def test_paraphrase_in_other_words_and_order_passes() -> None:
    """Different word order, inflections and sentences still cover the points."""
    g = grade(URL_FOR, "You pass it the view's function name. It generates the URL, so you don't hard-code URLs.")
    assert g.verdict == "pass" and not g.misses


def test_typos_are_tolerated() -> None:
    """Transpositions, missing and wrong letters in longer words still match."""
    clean = grade(URL_FOR, "it generates the url for a view function so links survive route changes").score
    typos = grade(URL_FOR, "it genrates the url for a view fucntion so links surive route chnages").score
    assert typos >= 0.8 * clean and typos >= 0.6


def test_plural_singular_and_inflections() -> None:
    """ "built URLs for endpoints" covers "builds a URL from the endpoint"."""
    g = grade(URL_FOR, "it built URLs for endpoints and view functions names")
    assert URL_FOR.key_points[0].text in {h.point for h in g.hits}


@pytest.mark.parametrize("variant", ["url_for", "url-for", "url for", "urlfor", "URL_FOR", "Url_For()"])
def test_hyphen_space_underscore_variants_of_code_tokens(variant: str) -> None:
    """A key point naming url_for is hit whatever separator the answer uses."""
    q = Question(id="v", prompt="How do you build links in Flask?", key_points=(KeyPoint("url_for builds links"),))
    assert grade(q, f"{variant} builds links").score == 1.0
    assert grade(q, "urls build links").score < 1.0


def test_hyphenated_and_closed_compounds_match() -> None:
    """multi-threading = multi threading = multithreading, both ways round."""
    q = Question(id="mt", prompt="How can a server handle many clients?", key_points=(KeyPoint("multi-threading"),))
    for form in ("multithreading", "multi threading", "Multi-Threading"):
        assert grade(q, form).score == 1.0
    q2 = Question(id="mt2", prompt="How can a server handle many clients?", key_points=(KeyPoint("multithreading"),))
    assert grade(q2, "multi-threading").score == 1.0


def test_code_tokens_match_whole() -> None:
    """@app.route, app.run(), __name__ match as written; a different identifier does not."""
    right = grade(ROUTE, "decorate the function with @app.route('/'); app.run() starts the server")
    wrong = grade(ROUTE, "decorate the function with @app.get('/'); app.start() starts the server")
    assert right.score == 1.0 and right.hits[0].matched == "decorate the function with @app.route"
    assert wrong.score < right.score
    g = grade(MAIN_GUARD, "when __name__ is __main__ the file runs as a script directly, not on import")
    assert g.verdict == "pass"


def test_case_and_punctuation_do_not_matter() -> None:
    """Shouting and punctuation give the same score as plain text."""
    plain = grade(MICRO, "a minimal core and plugins for the rest").score
    assert grade(MICRO, "A MINIMAL CORE!!! and... PLUGINS, for the rest?!").score == plain == 1.0


def test_long_answers_are_not_penalised_and_4000_chars_work() -> None:
    """A long answer that contains the points in its middle still gets them; 4,000 characters are fine."""
    filler = "Flask is popular and has a friendly community with many tutorials and examples. " * 24
    core = " It has a minimal core; plugins add the rest. "
    response = filler + core + filler
    response = response + "x" * (4000 - len(response))
    assert len(response) == 4000
    assert grade(MICRO, response).score == grade(MICRO, core).score == 1.0


def test_scattered_words_over_a_long_answer_do_not_make_a_point() -> None:
    """The words of a point spread far apart do not cover it (windows, not bags of words)."""
    q = Question(
        id="w", prompt="What does git stash do?", key_points=(KeyPoint("saves uncommitted changes temporarily"),)
    )
    near = grade(q, "it saves your uncommitted changes temporarily").score
    spread = "it saves " + "nothing here " * 20 + "uncommitted " + "blah " * 20 + "changes " + "x " * 20 + "temporarily"
    assert near == 1.0 and grade(q, spread).score < 0.6


def test_unicode_answers() -> None:
    """Any Unicode is fine; full-width and accented forms fold."""
    assert grade(MICRO, "ａ ｍｉｎｉｍａｌ ｃｏｒｅ and ｐｌｕｇｉｎｓ").score == 1.0
    g = grade(MICRO, "核心很小 🙂 Ωμέγα \u200b\u0000 \U0010ffff")
    assert 0.0 <= g.score <= 1.0


def test_partial_answer_gets_partial_credit() -> None:
    """One point of two is partial, not pass and not nothing."""
    g = grade(MICRO, "it has plugins for features")
    assert g.verdict == "partial"
    assert [h.point for h in g.hits] == [MICRO.key_points[1].text]
    assert g.misses == (MICRO.key_points[0].text,)


def test_hits_carry_the_words_that_matched_in_original_casing() -> None:
    """Feedback quotes the response."""
    g = grade(MICRO, "Flask has a Minimal Core; the rest comes from Third-Party packages.")
    assert {h.matched for h in g.hits} == {"Minimal Core", "Third Party packages"}
    assert all(isinstance(h, Hit) and 0 < h.credit <= 1 for h in g.hits)


def test_verdict_follows_the_question_pass_score() -> None:
    """pass at or above pass_score, partial from half of it (inclusive), fail below."""
    response = "it has plugins for features"
    score = grade(MICRO, response).score
    assert 0.3 < score < 0.6
    assert grade(MICRO, response).verdict == "partial"
    assert grade(dataclasses.replace(MICRO, pass_score=score), response).verdict == "pass"
    assert grade(dataclasses.replace(MICRO, pass_score=score + 0.01), response).verdict == "partial"
    assert grade(dataclasses.replace(MICRO, pass_score=min(1.0, score * 2)), response).verdict == "partial"
    low = "routing"
    low_score = grade(MICRO, low).score
    assert 0 < low_score < 0.3
    assert grade(dataclasses.replace(MICRO, pass_score=low_score * 2 + 0.01), low).verdict == "fail"


def test_questions_with_only_a_model_answer_grade_on_derived_points() -> None:
    """No key points: the answer's clauses are the points."""
    good = grade(MAIN_GUARD, "It runs only if you execute the file directly as a script, not when it's imported.")
    half = grade(MAIN_GUARD, "the code runs when you execute the file directly")
    bad = grade(MAIN_GUARD, "it defines the main function of the class")
    assert good.verdict == "pass" and bad.verdict == "fail"
    assert bad.score < half.score < good.score
    assert good.hits and all(h.point for h in good.hits)


GIL = Question(
    id="gil",
    prompt="What is the GIL in CPython?",
    answer=(
        "The global interpreter lock is a mutex inside CPython. Only one thread executes Python bytecode at a time. "
        "It keeps reference counting safe without fine-grained locks. CPU-bound threads therefore gain no speed "
        "from more cores, while I/O-bound threads still overlap because the lock is released while waiting. "
        "For CPU work, use multiprocessing or a C extension that releases the lock."
    ),
)


def test_a_one_minute_answer_to_a_long_model_answer_passes_on_derived_points() -> None:
    """A long model answer has many clauses; a good short answer states two or three of them and passes,
    while one clause alone does not."""
    assert len(key_points_of(GIL)) >= 6
    one = grade(GIL, "it is a mutex")
    for text in ("only one thread runs bytecode at a time, so CPU-bound threads gain nothing from extra cores",
                 "one thread at a time runs python bytecode; use multiprocessing for CPU work",
                 "a lock: one thread executes bytecode at once, I/O-bound threads still overlap"):
        terse = grade(GIL, text)
        assert terse.passed, (text, terse.score)
        assert not one.passed and one.score < terse.score


def test_short_answers_pass_exactly_and_fail_otherwise() -> None:
    """ "it is 5000" passes with 1.0; 8080 fails; 50000 fails."""
    g = grade(PORT, "it is 5000")
    assert g == Grade(1.0, "pass", (Hit("5000", "5000", 1.0),), (), True)
    assert grade(PORT, "8080").verdict == "fail"
    assert grade(PORT, "50000").verdict == "fail"


def test_short_answers_with_key_points_fall_back_to_the_points() -> None:
    """Without the short answer, the model answer's points decide; with it, full marks."""
    q = Question(
        id="gvr",
        prompt="Who created Python?",
        answer="Guido van Rossum created Python in 1991 at CWI in the Netherlands.",
        short_answers=("Guido van Rossum",),
    )
    assert grade(q, "guido van rossum").score == 1.0
    partial = grade(q, "Guido, in the Netherlands")
    assert 0 < partial.score < 1.0
    assert grade(q, "Linus Torvalds").score < partial.score


def test_short_answer_only_question_without_match_misses_the_answer() -> None:
    """A trivia question with nothing else reports the short answer as missed."""
    q = Question(id="t", prompt="Default port?", short_answers=("5000",))
    assert grade(q, "8080") == Grade(0.0, "fail", (), ("5000",), False)


def test_negation_is_content() -> None:
    """'not' is never dropped as a stopword: an answer lacking the negation covers less."""
    q = Question(id="n", prompt="Is HTTP stateful?", key_points=(KeyPoint("it does not keep state between requests"),))
    assert grade(q, "it does not keep state between requests").score > grade(q, "it keeps state between requests").score


def test_questions_are_prepared_once() -> None:
    """Grading many answers to one question reuses the cached preparation."""
    q = dataclasses.replace(MICRO, id="cache-probe")
    before = grade_module._prepare.cache_info()
    for response in ("minimal core", "plugins", "idk", "a lightweight core and plugins"):
        grade(q, response)
    after = grade_module._prepare.cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == 3


def test_passed_is_decided_once_from_the_pass_score() -> None:
    """``Grade.passed`` is true exactly when the verdict is pass, at the question's own pass score (0 included)."""
    q = Question(id="p", prompt="Default port of the Flask dev server?", short_answers=("5000",))
    assert grade(q, "5000").passed and not grade(q, "8080").passed
    assert grade(dataclasses.replace(q, pass_score=0.0), "8080").passed
    strict = dataclasses.replace(URL_FOR, pass_score=1.0)
    g = grade(strict, "url_for builds a URL")
    assert g.passed == (g.verdict == "pass") and not g.passed


def test_a_short_answer_key_needs_most_of_its_words_not_all() -> None:
    """A one- or two-clause model answer (an instructor's answer key) is earned at 70% of its words: a student
    states its idea in fewer; a long model answer at half of its clauses (above)."""
    from bot.grading.grade import derived_saturation

    assert derived_saturation(1) == derived_saturation(2) == pytest.approx(0.7)
    assert derived_saturation(3) == pytest.approx(2 / 3) and derived_saturation(8) == pytest.approx(0.5)
    q = Question(id="ctor", prompt="What does a constructor do?",
                 answer="It runs when an object is created and gives its fields their first values.")
    assert grade(q, "runs when the object is created and sets the fields' first values").passed
    assert not grade(q, "it runs").passed


def test_a_model_answer_clause_of_everyday_words_is_stated_by_saying_them() -> None:
    """Derived points name their idea in plain words: "It must be sorted." is stated by "sorted" (a hit, shown as
    covered), while a point of a bank needs a specific word; a partial everyday match still earns little."""
    q = Question(id="bisect", prompt="What must be true of a list before binary search?", answer="It must be sorted.")
    g = grade(q, "sorted")
    assert g.passed and [h.point for h in g.hits] == ["It must be sorted"]
    assert not grade(q, "it must not be empty").passed
    authored = dataclasses.replace(q, key_points=(KeyPoint("It must be sorted"),))
    assert not grade(authored, "sorted").hits  # one everyday word is no evidence of a bank's point
