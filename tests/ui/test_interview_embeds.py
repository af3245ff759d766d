"""Interview embeds (issue 13): the model answer whole within Discord's limits, hint cost, the actionable report."""

from __future__ import annotations

import discord

from bot.bank.models import KeyPoint, Question
from bot.grading import Contradiction, Grade, Hit
from bot.sessions.interview import InterviewState, result_entry
from bot.sessions.report import build_report
from bot.ui.embeds import FIELD_VALUE, FIELDS, TOTAL, interview_feedback_embed, interview_report_full_embed

SENTENCE = "Blueprints group routes, templates and static files of one feature under a single registered name. "
CODE = "```python\nbp = Blueprint(\"admin\", __name__)\napp.register_blueprint(bp, url_prefix=\"/admin\")\n```"
LONG = Question(id="bp", prompt="Why blueprints?", topic="architecture", difficulty="hard", bank="flask",
                answer=SENTENCE * 25 + "\n" + CODE,
                key_points=(KeyPoint("split the app into parts", weight=2), KeyPoint("registered with a url_prefix")))


def _grade(score: float, misses: tuple[str, ...], contradictions: tuple[Contradiction, ...] = ()) -> Grade:
    verdict = "pass" if score >= 0.6 else "partial" if score >= 0.3 else "fail"
    return Grade(score, verdict, (Hit("split the app into parts", "split the app", 1.0),), misses,
                 verdict == "pass", contradictions)


def _within_limits(embed: discord.Embed) -> None:
    assert len(embed) <= TOTAL and len(embed.fields) <= FIELDS
    assert all(len(f.value or "") <= FIELD_VALUE and len(f.name or "") <= 256 for f in embed.fields)


def test_the_final_feedback_shows_the_model_answer_whole_split_between_words() -> None:
    embed = interview_feedback_embed(LONG, _grade(0.5, ("registered with a url_prefix",)), heading="Q 1/1: result",
                                     final=True)
    _within_limits(embed)
    pieces = [f.value or "" for f in embed.fields if (f.name or "").startswith("Model answer")]
    assert len(pieces) >= 3
    assert " ".join(" ".join(pieces).split()) == " ".join(LONG.answer.split())  # every word, in order
    assert all(p.rstrip().endswith(("under a single registered name.", "```")) for p in pieces)  # sentence ends
    assert pieces[-1].endswith(CODE)  # the code block stays whole and fenced


def test_before_the_follow_up_the_feedback_counts_what_is_missing_without_naming_it() -> None:
    embed = interview_feedback_embed(LONG, _grade(0.5, ("registered with a url_prefix",)), heading="Q 1/1: feedback",
                                     hinted=True)
    fields = {f.name: f.value for f in embed.fields}
    assert "url_prefix" not in (fields["Missed"] or "") and "1 key point(s)" in (fields["Missed"] or "")
    assert not any((n or "").startswith("Model answer") for n in fields)
    assert embed.footer.text == "💡 Hint used: this question's points × 0.8"


def test_the_final_feedback_quotes_what_contradicted_a_point() -> None:
    c = Contradiction("registered with a url_prefix", "they are mounted at the root only", "under a url_prefix")
    embed = interview_feedback_embed(LONG, _grade(0.3, ("registered with a url_prefix",), (c,)), heading="r",
                                     final=True)
    said = next(f.value for f in embed.fields if f.name == "You said")
    assert said == "“they are mounted at the root only” — but under a url_prefix"


def test_the_report_fits_and_ends_with_what_to_study_and_how() -> None:
    state = InterviewState("flask", ["bp"] * 10, index=10)
    long_misses = tuple(f"a missed point number {i} " + "with many words " * 8 for i in range(12))
    said = Contradiction(long_misses[0], "my own words " * 40, "the fact")
    for i in range(10):
        state.results.append(result_entry(LONG, _grade(0.2, long_misses, (said,) if i == 0 else ()), followup=True,
                                          hinted=i % 2 == 0))
    report = build_report(state, {"bp": LONG}.get, bank_topics=("architecture", "basics", "routing", "security"))
    embed = interview_report_full_embed(report, stopped=True)
    _within_limits(embed)
    assert embed.title == "Interview report (stopped early)"
    assert "5 hint(s)" in (embed.description or "") and "\n10. ❌ 20%" in (embed.description or "")
    last = embed.fields[-1]
    assert last.name == "Topics to study"
    assert "`/interview start bank:flask topic:architecture`" in (last.value or "")
    assert "`/interview start bank:flask topic:basics`" in (last.value or "")
    assert (last.value or "").count("\n") == 2  # three topics
    missed = embed.fields[0]
    assert (missed.name or "").startswith("Missed in architecture")
    assert (missed.value or "").startswith("✗ a missed point number 0 with")  # the member's words come first
    assert "you said “my own words" in (missed.value or "") and "wor…" not in (missed.value or "")


def test_the_final_feedback_never_breaks_a_send_and_says_what_a_huge_answer_leaves_out() -> None:
    import re

    huge = Question(id="huge", prompt="Why?", bank="flask", answer=SENTENCE * 250,
                    key_points=LONG.key_points)
    embed = interview_feedback_embed(huge, _grade(0.5, ("registered with a url_prefix",)), heading="r", final=True,
                                     hinted=True)
    _within_limits(embed)
    pieces = [f.value or "" for f in embed.fields if (f.name or "").startswith("Model answer")]
    marker = re.search(r"\n… \(continues: (\d+) more characters\)$", pieces[-1])
    assert marker is not None and int(marker[1]) > 0
    assert embed.footer.text == "💡 Hint used: this question's points × 0.8"  # the footer is kept in the budget
