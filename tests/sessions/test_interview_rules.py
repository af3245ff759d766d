"""Interview rules: grading each answer, one follow-up on missed points, the report."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.bank.loader import load_bank
from bot.bank.models import KeyPoint, Question
from bot.errors import SessionError
from bot.grading import Contradiction, Grade, grade
from bot.sessions.interview import (
    HINT_FACTOR,
    InterviewState,
    challenge,
    choose_followup,
    followup_for,
    hint_for,
    is_hint_request,
    quote,
    report,
    take_answer,
    take_hint,
)

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
    assert sum(m in first.followup for m in first.grade.misses) == 1  # names one missed point, not a list
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


def test_an_answer_that_covers_nothing_gets_no_follow_up_listing_every_point() -> None:
    state = InterviewState("b", ["blueprints"])
    turn = take_answer(state, Q1, "You write a create_app function that builds the app.")
    assert not turn.grade.hits and turn.followup is None and turn.final is not None
    assert state.finished


# ----------------------------------------------------------------------------------- the interviewer's voice

def _q(*points: KeyPoint, key_points: bool = True, qid: str = "q") -> Question:
    return Question(id=qid, prompt="How does a Flask app receive a request from the web server?", topic="basics",
                    answer="Through WSGI: the server calls the app with environ and start_response.",
                    key_points=points if key_points else (), bank="b")


A = KeyPoint("Web Server Gateway Interface", weight=1, ask="What does the acronym behind that standard stand for?")
B = KeyPoint("a callable taking environ and start_response", weight=2,
             ask="What exactly does the server call, and with what?")
C = KeyPoint("any compliant server such as Gunicorn", weight=2, ask="Which servers could host the same app?")


def test_follow_up_asks_the_heaviest_missed_point_then_bank_order() -> None:
    q = _q(A, B, C)
    assert choose_followup(q, (A.text, B.text, C.text)) == B.ask  # weight 2 beats 1; B before C in the bank
    assert choose_followup(q, (A.text, C.text)) == C.ask
    assert choose_followup(q, (A.text,)) == A.ask
    assert choose_followup(q, ()) is None


def test_a_contradiction_is_challenged_before_any_missed_point() -> None:
    q = _q(A, B, C)
    light = Contradiction(A.text, "WSGI is asynchronous", "synchronous")
    heavy = Contradiction(C.text, "only the Flask dev server can run it", "any WSGI server")
    said = choose_followup(q, (A.text, B.text, C.text), (light,))
    assert said is not None and said.startswith("You said “WSGI is asynchronous”") and said.endswith("?")
    assert B.ask not in said
    both = choose_followup(q, (A.text, C.text), (light, heavy))
    assert both is not None and "only the Flask dev server can run it" in both  # the heavier point first


def test_a_long_contradicted_quote_is_shortened_at_a_word() -> None:
    said = "word " * 60
    text = challenge(Contradiction("p", said, "q"))
    quoted = text.split("“")[1].split("”")[0]
    assert quoted.endswith("word…") and len(quoted) <= 120


@pytest.mark.parametrize("seed", ["q", "blueprints", "factory", "wsgi"])
def test_template_fallback_reads_as_one_question_naming_one_point(seed: str) -> None:
    plain = [KeyPoint(kp.text, weight=kp.weight) for kp in (A, B, C)]
    q = _q(*plain, qid=seed)
    text = choose_followup(q, tuple(kp.text for kp in plain))
    assert text is not None
    assert text.count("?") == 1 and text.rstrip().endswith("?")
    assert [kp.text for kp in plain if kp.text in text] == [B.text]  # one thing: the heaviest
    assert "," not in text.replace(B.text, "") and " and " not in text.replace(B.text, "")


def test_template_for_a_derived_point_names_a_word_not_the_clause() -> None:
    q = _q(key_points=False)
    g = grade(q, "Through WSGI.")
    text = followup_for(q, g)
    if text is not None:  # the derived clause is never pasted whole
        assert "environ and start_response" not in text and text.count("?") == 1


def test_hint_is_the_heaviest_points_ask_and_costs_a_fifth_of_the_points() -> None:
    q = _q(A, B, C)
    assert hint_for(q) == B.ask
    hinted, plain = InterviewState("b", ["q"]), InterviewState("b", ["q"])
    assert take_hint(hinted, q) == B.ask and hinted.hinted
    answer = "The app is a callable taking environ and start_response, per the Web Server Gateway Interface."
    t1, t2 = take_answer(hinted, q, answer), take_answer(plain, q, answer)
    assert t1.final is not None and t2.final is not None and t1.final.score == t2.final.score
    assert (t1.factor, t2.factor) == (HINT_FACTOR, 1.0) == (0.8, 1.0)
    assert hinted.results[0]["hinted"] is True and plain.results[0]["hinted"] is False
    assert not hinted.hinted  # reset for the next question


def test_one_hint_per_question_and_none_on_the_follow_up() -> None:
    q = _q(A, B, C)
    state = InterviewState("b", ["q", "q2"])
    take_hint(state, q)
    with pytest.raises(SessionError, match="already had the hint"):
        take_hint(state, q)
    state2 = InterviewState("b", ["q"])
    turn = take_answer(state2, q, "Web Server Gateway Interface")
    assert turn.followup is not None and state2.phase == "followup"
    with pytest.raises(SessionError, match="before you answer"):
        take_hint(state2, q)


def test_after_a_hint_the_follow_up_is_not_the_same_question() -> None:
    q = _q(A, B, C)
    state = InterviewState("b", ["q"])
    assert take_hint(state, q) == B.ask
    turn = take_answer(state, q, "Web Server Gateway Interface")
    assert turn.followup == C.ask  # B's ask was the hint: the next heaviest point instead
    assert state.followup == C.ask  # kept for a resumed interview


def test_hint_without_ask_names_the_topic_and_keywords_but_no_point() -> None:
    plain = [KeyPoint(kp.text, weight=kp.weight) for kp in (A, B, C)]
    q = _q(*plain)
    text = hint_for(q)
    assert "basics" in text and text.count("**") == 4  # two keywords
    assert not any(kp.text in text for kp in plain)


def test_hint_requests() -> None:
    assert is_hint_request("?\n") and is_hint_request(" Hint ") and is_hint_request("hint please")
    assert not is_hint_request("It uses a hint of WSGI?") and not is_hint_request("")


def test_a_contradicted_answer_gets_the_challenge_and_the_report_keeps_its_words(monkeypatch: pytest.MonkeyPatch
                                                                                  ) -> None:
    q = _q(A, B, C)
    real = grade

    def contradicting(question: Question, response: str) -> Grade:
        g = real(question, response)
        if "asynchronous" in response:
            c = Contradiction(A.text, "WSGI is asynchronous", "WSGI is synchronous")
            return dataclasses.replace(g, contradictions=(c,), misses=tuple(dict.fromkeys((*g.misses, A.text))))
        return g

    monkeypatch.setattr("bot.sessions.interview.grade", contradicting)
    state = InterviewState("b", ["q"])
    turn = take_answer(state, q, "WSGI is asynchronous; any compliant server such as Gunicorn runs it.")
    assert turn.followup == "You said “WSGI is asynchronous” — is that right?"
    final = take_answer(state, q, "Sorry, it is synchronous: the server calls a callable with environ.")
    assert final.final is not None
    assert state.results[0]["contradictions"] == [
        {"point": A.text, "said": "WSGI is asynchronous", "expected": "WSGI is synchronous"}]
    assert InterviewState.from_dict(state.to_dict()) == state


def test_a_state_saved_before_hints_existed_still_loads() -> None:
    old = {"bank": "b", "question_ids": ["q"], "index": 0, "phase": "answer", "post_id": 3,
           "first_response": None, "results": []}
    state = InterviewState.from_dict(old)
    assert state.hinted is False and state.followup is None


def test_a_keyword_hint_never_names_a_number_or_code_name() -> None:
    q = Question(id="cookies", prompt="How do you set and read cookies in Flask?", topic="requests", bank="b",
                 key_points=(KeyPoint("read them from request.cookies"), KeyPoint("response.set_cookie() writes one"),
                             KeyPoint("max_age 3600 keeps it an hour")))
    text = hint_for(q)
    assert "request.cookies" not in text and "set_cookie" not in text and "3600" not in text
    assert text.startswith("It's a requests question.")


@pytest.mark.parametrize(("response", "said", "quoted"), [
    ("redirect() sends a 301 permanent redirect to the new URL. It also sets Location.", "301",
     "redirect() sends a 301 permanent redirect to the new URL"),
    ("Sure; WSGI is asynchronous, and any server runs it", "asynchronous",
     "WSGI is asynchronous, and any server runs it"),
    ("It answers 302", "nothing like this", "nothing like this"),
    ("a " * 80 + "WSGI is asynchronous " + "b " * 80, "asynchronous", "a a a a WSGI is asynchronous b b b b b b"),
])
def test_a_contradiction_is_quoted_in_the_members_own_clause(response: str, said: str, quoted: str) -> None:
    assert quote(response, said) == quoted


def test_the_real_grader_s_contradiction_is_challenged_in_the_members_words() -> None:
    bank = load_bank(Path(__file__).resolve().parents[2] / "data" / "banks" / "flask.yaml")
    q = bank.get("redirect")
    assert q is not None
    state = InterviewState("flask", ["redirect"])
    turn = take_answer(state, q, "redirect() sends a 301 permanent redirect to the new URL. Nothing else.")
    assert turn.grade.contradictions  # the grader's signal (a permanent move where the default is temporary)
    assert turn.followup == "You said “redirect() sends a 301 permanent redirect to the new URL” — is that right?"


@pytest.mark.parametrize(("answers", "hint"), [
    (("5000",), "The answer is a number with 4 digits."),
    (("127.0.0.1", "localhost"), "The answer is made of digits and dots, 9 characters long."),
    (("Jinja2", "Jinja"), "The answer is one word of 6 characters, starting with “J”."),
    (("Who Is It",), "The answer is 3 words; the first starts with “W”."),
])
def test_a_short_answer_question_hints_at_the_shape_of_the_answer(answers: tuple[str, ...], hint: str) -> None:
    q = Question(id="t", prompt="Which one?", topic="basics", answer=f"{answers[0]}.", short_answers=answers, bank="b")
    assert hint_for(q) == hint and answers[0] not in hint


def _redirect() -> Question:
    bank = load_bank(Path(__file__).resolve().parents[2] / "data" / "banks" / "flask.yaml")
    q = bank.get("redirect")
    assert q is not None
    return q


FIRST = "You return redirect() from the view; it sends a 301 permanent redirect to the new URL."


def test_correcting_the_challenged_words_takes_them_back() -> None:
    q = _redirect()
    state = InterviewState("flask", ["redirect"])
    first = take_answer(state, q, FIRST)
    assert first.grade.contradictions and state.challenged_words == "it sends a 301 permanent redirect to the new URL"
    turn = take_answer(state, q, "No wait: by default it is a 302, a temporary one; code=301 is for a permanent move.")
    assert turn.final is not None and turn.final.contradictions == ()
    assert turn.final.score > first.grade.score
    assert turn.response.startswith(FIRST)  # what is recorded is everything the member said
    assert state.challenged_point is None and state.challenged_words is None


def test_standing_by_the_challenged_words_keeps_the_contradiction() -> None:
    q = _redirect()
    state = InterviewState("flask", ["redirect"])
    take_answer(state, q, FIRST)
    turn = take_answer(state, q, "Yes, I am sure.")
    assert turn.final is not None and turn.final.contradictions
    assert state.results[0]["contradictions"][0]["said"] == "it sends a 301 permanent redirect to the new URL"


def test_a_state_saved_before_dm_was_dropped_still_resumes() -> None:
    saved = {"bank": "flask", "question_ids": ["a", "b"], "dm": True, "index": 1, "phase": "answer"}
    state = InterviewState.from_dict(saved)
    assert (state.current_id, state.phase) == ("b", "answer")
    assert "dm" not in state.to_dict()
