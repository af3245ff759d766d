"""Embed builders stay within Discord's limits whatever the bank or the answers hold."""

from __future__ import annotations

import re

import discord
import pytest
from discord import app_commands

from bot.bank.models import KeyPoint, Question
from bot.errors import UserError
from bot.grading import grade
from bot.sessions.quiz import Standing
from bot.ui import embeds
from bot.ui.respond import APOLOGY, user_message

LONG = "x" * 9000
Q = Question(id="q", prompt="P" * 5000, answer="```python\n" + "print('hi')\n" * 600 + "```",
             key_points=tuple(KeyPoint("k" * 400 + str(i)) for i in range(6)), topic="t" * 300, bank="b")


def _within_limits(e: object) -> None:
    d = e.to_dict()  # type: ignore[attr-defined]
    assert len(d.get("title", "")) <= 256 and len(d.get("description", "")) <= 4096
    assert len(d.get("fields", [])) <= 25
    for f in d.get("fields", []):
        assert 0 < len(f["name"]) <= 256 and 0 < len(f["value"]) <= 1024
    assert len(d.get("footer", {}).get("text", "")) <= 2048
    assert len(e) <= 6000  # type: ignore[arg-type]


def _message_within_limits(message: list[discord.Embed]) -> None:
    """One message's embeds: each within its limits, at most 10, and 6000 characters for all of them together."""
    assert 1 <= len(message) <= 10
    for e in message:
        _within_limits(e)
    assert sum(len(e) for e in message) <= 6000


def _revealed(message: list[discord.Embed]) -> str:
    """The model answer as a reveal shows it: its descriptions after the heading, without spoiler bars."""
    text = "\n".join(e.description or "" for e in message)
    return text.split("**Model answer**\n", 1)[1].replace("||", "")


def _words(n: int) -> str:
    """About ``n`` characters of prose in sentences, with a paragraph break now and then."""
    words = [f"word{i % 97}" + ("." if i % 11 == 10 else "") + ("\n\n" if i % 150 == 149 else " ")
             for i in range(n // 6)]
    return "".join(words).strip()


def test_clip_marks_the_cut_and_closes_code_blocks() -> None:
    assert embeds.clip("short", 10) == "short"
    cut = embeds.clip("```py\n" + "a" * 100 + "\n```", 50)
    assert len(cut) <= 50 and cut.endswith("…") and cut.count("```") == 2


def test_every_builder_respects_limits_with_huge_content() -> None:
    results = [(i, 0.5, "partial", 1.5) for i in range(500)]
    missed = [("m" * 300, 7)] * 3
    _within_limits(embeds.question_embed(Q, heading=LONG, footer=LONG))
    _message_within_limits(embeds.reveal_embeds(Q, heading=LONG, results=results, missed=missed, spoilers=True,
                                                note=LONG))
    _within_limits(embeds.standings_embed(LONG, [Standing(i, 1.0, 1, 1) for i in range(500)], 5))
    _within_limits(embeds.grade_embed(Q, grade(Q, "k" * 4000), heading=LONG))
    rows = [("p" * 400, 0.5, "partial", ["m" * 300] * 6)] * 30
    _within_limits(embeds.interview_report_embed(rows, 0.5, ["t" * 100] * 50, stopped=True))
    _within_limits(embeds.simple_embed(LONG, LONG))


def test_reveal_puts_model_answer_in_spoilers_when_asked() -> None:
    q = Question(id="q", prompt="Port?", answer="5000", short_answers=("5000",), bank="b")
    (shown,) = embeds.reveal_embeds(q, heading="h", results=[], missed=[], spoilers=True)
    assert "||5000||" in (shown.description or "")
    (plain,) = embeds.reveal_embeds(q, heading="h", results=[], missed=[], spoilers=False)
    assert "||" not in (plain.description or "")


def test_errors_users_can_fix_get_their_message_and_bugs_get_none() -> None:
    assert user_message(UserError("Use HH:MM")) == "Use HH:MM"
    assert "Manage Server" in (user_message(app_commands.MissingPermissions(["manage_guild"])) or "")
    assert user_message(RuntimeError("boom")) is None
    assert APOLOGY.startswith("Sorry")


def test_every_bundled_question_renders_within_limits() -> None:
    from pathlib import Path

    from bot.bank.loader import load_banks

    result = load_banks([Path(__file__).resolve().parents[2] / "data" / "banks"])
    questions = [q for b in result.banks.values() for q in b.questions]
    assert len(questions) >= 70
    for q in questions:
        _within_limits(embeds.question_embed(q, heading=f"Question 1/5 · {q.id}"))
        _message_within_limits(embeds.reveal_embeds(q, heading="answer", results=[(1, 1.0, "pass", 2.0)], missed=[],
                                                    spoilers=True))
        _within_limits(embeds.grade_embed(q, grade(q, q.answer), heading="result"))


@pytest.mark.parametrize("spoilers", [False, True])
@pytest.mark.parametrize("summary", [None, "3 members answered · 2 passed"])
def test_a_5000_character_model_answer_is_revealed_whole_over_two_embeds(spoilers: bool, summary: str | None) -> None:
    answer = _words(5000)
    q = Question(id="q", prompt="Explain the request lifecycle.", answer=answer, key_points=(KeyPoint("context"),),
                 bank="b")
    message = embeds.reveal_embeds(q, heading="Question 1/1 — answer", results=[(1, 0.5, "partial", 1.0)],
                                   missed=[("context", 1)], spoilers=spoilers, note="Round of 1", summary=summary)
    _message_within_limits(message)
    assert len(message) == 2 and message[0].title == "Question 1/1 — answer" and message[1].title is None
    assert _revealed(message).split() == answer.split()  # every word, none cut
    assert "continues" not in _revealed(message)
    assert not message[0].fields  # scores and the most missed come after the whole answer, on the last embed
    assert [f.name for f in message[1].fields] == (["Results"] if summary else ["Scores (1 answered)", "Most missed"])
    assert message[1].footer.text == "Round of 1"
    if spoilers:
        assert all((e.description or "").endswith("||") for e in message)


def test_a_model_answer_longer_than_a_message_ends_with_what_is_left_out() -> None:
    answer = _words(20_000)
    q = Question(id="q", prompt="P" * 5000, answer=answer, key_points=(KeyPoint("k"),), bank="b")
    results = [(i, 0.5, "partial", 1.5) for i in range(500)]
    message = embeds.reveal_embeds(q, heading=LONG, results=results, missed=[("m" * 300, 7)] * 3, spoilers=True,
                                   note=LONG)
    _message_within_limits(message)
    shown = _revealed(message)
    marker = re.search(r"\n… \(continues: (\d+) more characters\)$", shown)
    assert marker is not None
    words = shown[: marker.start()].split()
    assert words == answer.split()[: len(words)] and len(words) > 100  # the start of the answer, no word cut
    rest = [m.start() for m in re.finditer(r"\S+", answer)][len(words)]
    assert int(marker[1]) == len(answer) - rest  # exactly what is left out
    assert message[-1].fields[0].name == "Scores (500 answered)"  # the scores are never dropped for the answer


def test_my_result_shows_a_long_model_answer_whole_over_fields() -> None:
    answer = _words(3500)
    q = Question(id="q", prompt="Explain the request lifecycle.", answer=answer, key_points=(KeyPoint("context"),),
                 bank="b")
    g = grade(q, "the context")
    e = embeds.my_result_embed(q, score=g.score, verdict=g.verdict, points=1.0, feedback=g)
    _within_limits(e)
    parts = [f for f in e.fields if f.name.startswith("Model answer")]
    assert [f.name for f in parts] == ["Model answer"] + ["Model answer (continued)"] * (len(parts) - 1)
    assert len(parts) >= 4 and " ".join(f.value or "" for f in parts).split() == answer.split()
    huge = embeds.my_result_embed(Question(id="q", prompt="p", answer=_words(20_000), bank="b",
                                           key_points=(KeyPoint("k"),)), score=None, verdict="", points=0.0,
                                  feedback=None)
    _within_limits(huge)
    assert re.search(r"… \(continues: \d+ more characters\)$", huge.fields[-1].value or "")
