"""Interview rules: grading each answer, one follow-up on missed points, the report."""

from __future__ import annotations

from bot.bank.models import KeyPoint, Question
from bot.sessions.interview import InterviewState, followup_prompt, report, take_answer

Q1 = Question(id="blueprints", prompt="Why would you use blueprints in a Flask application?", topic="architecture",
              answer="Blueprints split a large app into modules, each with its own routes and templates, and can be "
                     "registered several times with a URL prefix.",
              key_points=(KeyPoint("split the app into modules", ("organise code into components",)),
                          KeyPoint("each has its own routes and templates", ("own views and static files",)),
                          KeyPoint("registered with a url_prefix", ("mounted under a prefix",))), bank="b")
Q2 = Question(id="port", prompt="Which port does the Flask development server use by default?", topic="basics",
              answer="Port 5000.", short_answers=("5000",), bank="b")


def test_full_answer_finishes_the_question_without_follow_up() -> None:
    state = InterviewState("b", ["blueprints", "port"], post_id=11)
    turn = take_answer(state, Q1, "They split the app into modules; each blueprint has its own routes and "
                                  "templates, and you register it with a url_prefix.")
    assert turn.followup is None and turn.final is not None and turn.final.verdict == "pass"
    assert state.index == 1 and state.phase == "answer" and state.post_id is None
    assert state.results[0]["question_id"] == "blueprints" and state.results[0]["followup"] is False


def test_partial_answer_gets_one_follow_up_then_is_graded_on_both() -> None:
    state = InterviewState("b", ["blueprints", "port"])
    first = take_answer(state, Q1, "Blueprints let you split the app into modules.")
    assert first.final is None and first.followup is not None
    assert state.phase == "followup" and state.first_response == "Blueprints let you split the app into modules."
    assert all(m in first.followup for m in first.grade.misses[:3])
    second = take_answer(state, Q1, "Each one has its own routes and templates and gets a url_prefix when registered.")
    assert second.followup is None and second.final is not None
    assert second.final.score > first.grade.score
    assert second.response.startswith("Blueprints let you split") and "url_prefix" in second.response
    assert state.index == 1 and state.results[0]["followup"] is True


def test_a_wrong_follow_up_never_lowers_the_first_grade() -> None:
    state = InterviewState("b", ["blueprints"])
    first = take_answer(state, Q1, "Blueprints let you split the app into modules.")
    second = take_answer(state, Q1, "no idea")
    assert second.final is not None and second.final.score >= first.grade.score
    assert state.finished


def test_non_answer_gets_no_follow_up() -> None:
    state = InterviewState("b", ["blueprints"])
    turn = take_answer(state, Q1, "I don't know")
    assert turn.final is not None and turn.final.score == 0 and turn.followup is None


def test_report_lists_weak_topics_weakest_first() -> None:
    state = InterviewState("b", ["blueprints", "port"])
    take_answer(state, Q1, "I don't know")
    take_answer(state, Q2, "5000")
    r = report(state, pass_score=0.6)
    assert r.study_topics == ["architecture"]
    assert r.average == round((state.results[0]["score"] + state.results[1]["score"]) / 2, 3)
    assert InterviewState.from_dict(state.to_dict()) == state


def test_follow_up_wording() -> None:
    assert "**a**" in followup_prompt(("a",))
    assert followup_prompt(("a", "b", "c")).endswith("**a**, **b** and **c**?")


def test_an_answer_that_covers_nothing_gets_no_follow_up_listing_every_point() -> None:
    state = InterviewState("b", ["blueprints"])
    turn = take_answer(state, Q1, "You write a create_app function that builds the app.")
    assert not turn.grade.hits and turn.followup is None and turn.final is not None
    assert state.finished
