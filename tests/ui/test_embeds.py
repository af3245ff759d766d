"""Embed builders stay within Discord's limits whatever the bank or the answers hold."""

from __future__ import annotations

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


def test_clip_marks_the_cut_and_closes_code_blocks() -> None:
    assert embeds.clip("short", 10) == "short"
    cut = embeds.clip("```py\n" + "a" * 100 + "\n```", 50)
    assert len(cut) <= 50 and cut.endswith("…") and cut.count("```") == 2


def test_every_builder_respects_limits_with_huge_content() -> None:
    results = [(i, 0.5, "partial", 1.5) for i in range(500)]
    missed = [("m" * 300, 7)] * 3
    _within_limits(embeds.question_embed(Q, heading=LONG, footer=LONG))
    _within_limits(embeds.reveal_embed(Q, heading=LONG, results=results, missed=missed, spoilers=True, note=LONG))
    _within_limits(embeds.standings_embed(LONG, [Standing(i, 1.0, 1, 1) for i in range(500)], 5))
    _within_limits(embeds.grade_embed(Q, grade(Q, "k" * 4000), heading=LONG))
    rows = [("p" * 400, 0.5, "partial", ["m" * 300] * 6)] * 30
    _within_limits(embeds.interview_report_embed(rows, 0.5, ["t" * 100] * 50, stopped=True))
    _within_limits(embeds.simple_embed(LONG, LONG))


def test_reveal_puts_model_answer_in_spoilers_when_asked() -> None:
    q = Question(id="q", prompt="Port?", answer="5000", short_answers=("5000",), bank="b")
    assert "||5000||" in embeds.reveal_embed(q, heading="h", results=[], missed=[], spoilers=True).description
    assert "||" not in embeds.reveal_embed(q, heading="h", results=[], missed=[], spoilers=False).description


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
        _within_limits(embeds.reveal_embed(q, heading="answer", results=[(1, 1.0, "pass", 2.0)], missed=[],
                                           spoilers=True))
        _within_limits(embeds.grade_embed(q, grade(q, q.answer), heading="result"))
