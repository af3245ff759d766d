"""Interview rules: one member, one question at a time, at most one follow-up on missed points, a report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.bank.models import Question
from bot.grading import Grade, grade
from bot.sessions.state import QuestionCursor

MAX_COUNT, DEFAULT_COUNT = 10, 5
Phase = Literal["answer", "followup"]


@dataclass
class InterviewState(QuestionCursor):
    """An interview's progress, stored as JSON in the session row so it resumes after a restart."""

    bank: str
    question_ids: list[str]
    dm: bool = False
    index: int = 0
    phase: Phase = "answer"
    post_id: int | None = None
    first_response: str | None = None
    results: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Turn:
    """What happened when the interviewee answered."""

    grade: Grade
    followup: str | None = None  # the follow-up question to ask, if any
    final: Grade | None = None  # the question's final grade when it is done
    response: str = ""  # the text to record for the question (first answer + follow-up)


def followup_prompt(misses: tuple[str, ...]) -> str:
    """An interviewer's follow-up asking about what the answer left out."""
    if len(misses) == 1:
        return f"Good. One more thing: what can you tell me about **{misses[0]}**?"
    listed = ", ".join(f"**{m}**" for m in misses[:-1]) + f" and **{misses[-1]}**"
    return f"Let's go a bit deeper. What can you add about {listed}?"


def take_answer(state: InterviewState, question: Question, text: str) -> Turn:
    """Grade an answer (or the follow-up) and advance the state; pure apart from mutating ``state``."""
    if state.phase == "answer":
        g = grade(question, text)
        # Like an interviewer: probe what was missed only when the answer is on the right track (some point
        # covered); an answer that covers nothing moves on rather than being handed the whole list.
        if g.misses and g.hits and g.verdict != "pass":
            state.phase = "followup"
            state.first_response = text
            return Turn(g, followup=followup_prompt(g.misses[:3]))
        _finish_question(state, question, g, followup=False)
        return Turn(g, final=g, response=text)
    first = state.first_response or ""
    combined = f"{first}\n{text}".strip()
    g = grade(question, combined)
    before = grade(question, first)
    final = g if g.score >= before.score else before
    _finish_question(state, question, final, followup=True)
    return Turn(g, final=final, response=combined)


def _finish_question(state: InterviewState, question: Question, g: Grade, *, followup: bool) -> None:
    state.results.append({
        "question_id": question.id, "topic": question.topic, "score": round(g.score, 3), "verdict": g.verdict,
        "misses": list(g.misses), "followup": followup,
    })
    state.index += 1
    state.phase = "answer"
    state.post_id = None
    state.first_response = None


@dataclass(frozen=True, slots=True)
class Report:
    """The end-of-interview summary."""

    results: list[dict[str, Any]]
    average: float
    study_topics: list[str]


def report(state: InterviewState, pass_score: float = 0.6) -> Report:
    """Average score and topics to study (those whose average fell below the pass score), weakest first."""
    results = state.results
    avg = sum(r["score"] for r in results) / len(results) if results else 0.0
    by_topic: dict[str, list[float]] = {}
    for r in results:
        by_topic.setdefault(r["topic"], []).append(r["score"])
    weak = sorted((sum(v) / len(v), t) for t, v in by_topic.items() if sum(v) / len(v) < pass_score)
    return Report(results, round(avg, 3), [t for _, t in weak])
