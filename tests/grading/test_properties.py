"""Hypothesis properties of grade(): total, bounded, deterministic, monotone in added key points."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bank.models import KeyPoint, Question
from bot.grading import derive_key_points, grade

QUESTIONS = (
    Question(
        id="micro",
        prompt="Why is Flask called a microframework?",
        answer="Its core only does routing and templating; databases, forms and auth come from extensions.",
        key_points=(
            KeyPoint("a small core (routing, requests, templates)", ("minimal core", "lightweight core")),
            KeyPoint("other features come from extensions", ("plugins", "third-party packages"), 2.0),
            KeyPoint("not a full-stack framework like Django", weight=0.5),
        ),
    ),
    Question(
        id="main",
        prompt='What does `if __name__ == "__main__":` do?',
        answer="The block runs when the file is executed directly as a script, but not when it is imported.",
    ),
    Question(
        id="port",
        prompt="Default port of the Flask dev server?",
        answer="5000, unless you pass port= to app.run().",
        short_answers=("5000",),
    ),
    Question(id="trivia", prompt="Who created Python?", short_answers=("Guido van Rossum",)),
    Question(
        id="code",
        prompt="How do you register a view?",
        key_points=(KeyPoint("decorate it with @app.route"), KeyPoint("url_for builds its URL"), KeyPoint("不")),
    ),
)

_WORD_TEXT = (
    "core minimal routing templates extensions plugins flask django full-stack not script imported "
    "directly executed url_for @app.route app.run() 5000 8080 __name__ idk the a is of and"
)
WORDS = st.sampled_from(_WORD_TEXT.split())
RESPONSES = st.one_of(
    st.text(max_size=300),
    st.lists(WORDS, max_size=40).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(question=st.sampled_from(QUESTIONS), response=RESPONSES)
def test_grade_is_total_bounded_and_consistent(question: Question, response: str) -> None:
    """Never raises; score in [0, 1]; verdict agrees with the score; hits and misses partition the points."""
    g = grade(question, response)
    assert 0.0 <= g.score <= 1.0
    expected = "pass" if g.score >= question.pass_score else "partial" if g.score >= question.pass_score / 2 else "fail"
    assert g.verdict == expected
    assert all(0.0 < h.credit <= 1.0 for h in g.hits)
    if question.key_points and not (g.hits and g.hits[0].point in question.short_answers):
        names = [kp.text for kp in question.key_points]
        assert sorted([h.point for h in g.hits] + list(g.misses)) == sorted(names)


@SETTINGS
@given(question=st.sampled_from(QUESTIONS), response=RESPONSES)
def test_grade_is_deterministic(question: Question, response: str) -> None:
    """The same input always gives the same grade."""
    assert grade(question, response) == grade(question, response)


@SETTINGS
@given(question=st.sampled_from(QUESTIONS), response=RESPONSES, data=st.data())
def test_adding_a_missed_key_point_never_lowers_the_score(
    question: Question, response: str, data: st.DataObject
) -> None:
    """Appending a sentence stating a missed key point never lowers the score.

    A sentence of its own: glued to a trailing "not", the point would be stated the other way round.
    """
    before = grade(question, response)
    if not before.misses:
        return
    missed = data.draw(st.sampled_from(before.misses))
    after = grade(question, f"{response}. {missed}")
    assert after.score >= before.score


@SETTINGS
@given(answer=st.text(max_size=300))
def test_derive_key_points_is_total(answer: str) -> None:
    """Any text derives to non-empty key points that grade the answer without error."""
    points = derive_key_points(answer)
    assert all(kp.text.strip() and kp.weight > 0 for kp in points)
    question = Question(id="d", prompt="Explain.", answer=answer)
    assert 0.0 <= grade(question, answer).score <= 1.0
