"""The interview report: misses by topic, the member's contradicted words, what to study next, whole answers."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.bank.models import KeyPoint, Question
from bot.grading import Contradiction, Grade
from bot.sessions.interview import InterviewState, result_entry
from bot.sessions.report import (
    Fitted,
    build_report,
    fit_words,
    more_marker,
    practise_commands,
    segments,
    split_words,
)

Q = {
    "wsgi": Question(id="wsgi", prompt="What is WSGI?", topic="basics", difficulty="medium", bank="flask",
                     answer="The standard between servers and Python apps.",
                     key_points=(KeyPoint("standard between server and app"), KeyPoint("synchronous calls"))),
    "route": Question(id="route", prompt="How do routes work?", topic="routing", difficulty="easy", bank="flask",
                      answer="@app.route maps a URL to a view.", key_points=(KeyPoint("maps a URL to a view"),)),
    "redirect": Question(id="redirect", prompt="What does redirect() send?", topic="routing", difficulty="hard",
                         bank="flask", answer="A 302 by default.", key_points=(KeyPoint("302 by default"),)),
    "xss": Question(id="xss", prompt="How is XSS prevented?", topic="templates", difficulty="medium", bank="flask",
                    answer="Autoescaping.", key_points=(KeyPoint("autoescaping"),)),
}


def _grade(score: float, misses: tuple[str, ...] = (), contradictions: tuple[Contradiction, ...] = ()) -> Grade:
    verdict = "pass" if score >= 0.6 else "partial" if score >= 0.3 else "fail"
    return Grade(score, verdict, (), misses, verdict == "pass", contradictions)


def _state(*entries: dict[str, object]) -> InterviewState:
    return InterviewState("flask", [str(e["question_id"]) for e in entries], index=len(entries),
                          results=[dict(e) for e in entries])


def test_misses_are_grouped_by_topic_weakest_first_with_the_members_words() -> None:
    said = Contradiction("302 by default", "it sends a 301", "302 Found")
    state = _state(
        result_entry(Q["wsgi"], _grade(0.5, ("synchronous calls",)), followup=True, hinted=False),
        result_entry(Q["route"], _grade(0.7, ("maps a URL to a view",)), followup=False, hinted=False),
        result_entry(Q["redirect"], _grade(0.1, ("302 by default",), (said,)), followup=True, hinted=False),
    )
    r = build_report(state, Q.get, pass_score=0.6)
    assert [(g.topic, g.average) for g in r.gaps] == [("routing", 0.4), ("basics", 0.5)]
    routing = r.gaps[0]
    assert routing.misses == ("maps a URL to a view", "302 by default")
    assert [(q.said, q.expected) for q in routing.quotes] == [("it sends a 301", "302 Found")]
    assert r.results[2].quotes[0].said == "it sends a 301" and r.results[2].answer == "A 302 by default."


def test_three_topics_to_study_weak_then_not_asked_then_to_polish_with_commands() -> None:
    state = _state(
        result_entry(Q["wsgi"], _grade(0.8, ("synchronous calls",)), followup=False, hinted=False),
        result_entry(Q["route"], _grade(0.2, ("maps a URL to a view",)), followup=False, hinted=False),
    )
    r = build_report(state, Q.get, pass_score=0.6, bank_topics=("basics", "routing", "security", "templates"))
    assert [(s.topic, s.reason) for s in r.study] == [("routing", "average 20%"), ("security", "not asked yet"),
                                                     ("templates", "not asked yet")]
    assert r.study[0].discord == "/interview start bank:flask topic:routing"
    assert r.study[0].terminal == "python -m bot practice --bank flask --topic routing"
    few = build_report(state, Q.get, pass_score=0.6, bank_topics=("basics", "routing"))
    assert [(s.topic, s.reason) for s in few.study] == [("routing", "average 20%"), ("basics", "1 point(s) missed")]


def test_a_hint_scales_the_questions_points_by_four_fifths() -> None:
    plain = _state(result_entry(Q["wsgi"], _grade(1.0), followup=False, hinted=False))
    hinted = _state(result_entry(Q["wsgi"], _grade(1.0), followup=False, hinted=True))
    a, b = build_report(plain, Q.get), build_report(hinted, Q.get)
    assert a.results[0].points == 2.0 and b.results[0].points == 1.6  # medium: 2 points, × 0.8 after a hint
    assert (a.hints, b.hints) == (0, 1) and a.average == b.average == 1.0 and b.points == 1.6


def test_results_saved_before_this_version_and_removed_questions_still_report() -> None:
    old = {"question_id": "gone", "topic": "basics", "score": 0.25, "verdict": "fail", "misses": ["x"],
           "followup": False}
    r = build_report(_state(old), Q.get)
    assert r.results[0].prompt == "gone" and not r.results[0].hinted and r.results[0].quotes == ()
    assert r.gaps[0].misses == ("x",)


def test_topic_with_a_space_is_quoted_for_the_shell() -> None:
    terminal = practise_commands("flask", "error handling")[1]
    assert terminal == 'python -m bot practice --bank flask --topic "error handling"'


def test_split_words_keeps_a_code_block_whole_and_fenced() -> None:
    text = "Use a factory. " * 30 + "\n```python\ndef create_app():\n    return Flask(__name__)\n```"
    pieces = split_words(text, 200)
    assert all(len(p) <= 200 for p in pieces)
    assert pieces[-1].endswith("\n```python\ndef create_app():\n    return Flask(__name__)\n```")
    big = "```python\n" + "\n".join(f"x{i} = {i}" for i in range(200)) + "\n```"
    parts = split_words(big, 100)
    assert all(p.startswith("```python\n") and p.endswith("\n```") and len(p) <= 100 for p in parts)
    assert [line for p in parts for line in p.split("\n")[1:-1]] == big.split("\n")[1:-1]


def test_segments_close_an_unclosed_fence() -> None:
    assert segments("Prose.\n```\ncode") == [(False, "Prose."), (True, "```\ncode\n```")]


words = st.text(alphabet=st.characters(whitelist_categories=("L", "N"), max_codepoint=0x24F), min_size=1, max_size=30)
texts = st.lists(st.tuples(words, st.sampled_from([" ", "  ", "\n", "\n\n", " \t "])), max_size=80).map(
    lambda pairs: "".join(w + s for w, s in pairs))


@given(texts, st.integers(min_value=30, max_value=1024))
def test_split_words_never_cuts_a_word_and_loses_nothing(text: str, limit: int) -> None:
    pieces = split_words(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert [w for p in pieces for w in p.split()] == text.split()  # same words, same order, none cut
    assert all(p == p.strip() for p in pieces)


def test_split_words_breaks_at_whitespace_only() -> None:
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda"
    for limit in range(12, 40):
        for p in split_words(text, limit):
            assert re.fullmatch(r"[a-z]+( [a-z]+)*", p)


def test_split_words_prefers_a_sentence_end_and_still_fits_a_long_block_after_it() -> None:
    text = "One two three four five six. Seven eight nine ten eleven twelve thirteen fourteen fifteen"
    assert split_words(text, 40) == ["One two three four five six.", "Seven eight nine ten eleven twelve",
                                     "thirteen fourteen fifteen"]
    block = "```\n" + "x = 1\n" * 12 + "```"  # 82 characters
    pieces = split_words("A sentence that ends here. And a tail" + "\n" + block, 90)
    assert all(len(p) <= 90 for p in pieces) and block in pieces


def test_split_words_wraps_a_code_line_wider_than_a_piece_instead_of_dropping_it() -> None:
    line = "x = '" + "y" * 300 + "'"
    pieces = split_words("```python\n" + line + "\nz = 1\n```", 100)
    assert all(p.startswith("```python\n") and p.endswith("\n```") and len(p) <= 100 for p in pieces)
    assert "".join(part for p in pieces for part in p.split("\n")[1:-1]) == line + "z = 1"


def _sentences(n: int) -> str:
    return " ".join(f"w{i}" + ("." if i % 9 == 8 else "") for i in range(n))


def test_fit_words_keeps_a_text_that_fits_whole_in_order() -> None:
    text = _sentences(300)  # about 1,300 characters
    fitted = fit_words(text, [500, 500, 500], 6000)
    assert fitted.more == "" and len(fitted.pieces) == 3
    assert all(len(p) <= 500 for p in fitted.pieces) and " ".join(fitted.pieces).split() == text.split()
    assert fit_words("  ", [100], 100) == Fitted(())
    assert fit_words("short", [100], 100) == Fitted(("short",))


def test_fit_words_marks_what_is_left_out_in_the_last_container() -> None:
    text = _sentences(300)
    fitted = fit_words(text, [200, 300], 6000)
    assert len(fitted.pieces) == 2 and len(fitted.pieces[0]) <= 200
    assert len(fitted.pieces[1]) + len("\n" + fitted.more) <= 300  # room for the marker's line was kept
    shown = " ".join(fitted.pieces)
    assert text.startswith(shown) and fitted.more == more_marker(len(text) - len(shown) - 1)
    assert more_marker(12) == "… (continues: 12 more characters)"


def test_fit_words_stays_within_the_budget_counting_each_containers_cost() -> None:
    text = _sentences(2000)
    fitted = fit_words(text, [4096] * 10, 5000, costs=[4] * 10)
    assert len(fitted.pieces) == 2 and fitted.more  # 4096 + about 900, then the budget is spent
    assert sum(len(p) + 4 for p in fitted.pieces) + len("\n" + fitted.more) <= 5000
    assert sum(len(p) + 4 for p in fitted.pieces) + len("\n" + fitted.more) > 5000 - 60  # and little is wasted
    nothing = fit_words(text, [4096], 5)
    assert nothing.pieces == () and nothing.more == more_marker(len(text))


def test_fit_words_reads_a_huge_text_only_up_to_a_bound_and_still_counts_the_rest() -> None:
    text = "word " * 2_000_000  # 10 MB
    fitted = fit_words(text, [1024] * 25, 6000)
    shown = " ".join(fitted.pieces)
    assert fitted.more == more_marker(len(text.strip()) - len(shown) - 1)


@given(texts, st.lists(st.integers(min_value=0, max_value=600), min_size=0, max_size=6),
       st.integers(min_value=0, max_value=3000), st.lists(st.integers(min_value=0, max_value=40), max_size=6))
def test_fit_words_respects_every_room_and_the_budget_and_loses_nothing_silently(
        text: str, rooms: list[int], budget: int, costs: list[int]) -> None:
    fitted = fit_words(text, rooms, budget, costs=costs)
    pieces, line = fitted.pieces, len("\n" + fitted.more) if fitted.more else 0
    assert len(pieces) <= len(rooms)
    for i, p in enumerate(pieces):
        assert 0 < len(p) <= rooms[i] - (line if i == len(pieces) - 1 else 0)
    if pieces:
        assert sum(len(p) + (costs[i] if i < len(costs) else 0) for i, p in enumerate(pieces)) + line <= budget
    shown, source = "".join("".join(pieces).split()), "".join(text.split())
    assert source.startswith(shown)  # the start of the text, in order
    if fitted.more:
        assert fitted.more != more_marker(0)
    else:
        assert shown == source  # no marker: nothing was left out
