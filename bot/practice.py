"""``python -m bot practice``: a mock interview in the terminal, with the same rules as ``/interview``."""

from __future__ import annotations

import random
from typing import TextIO

from bot.bank.catalog import Catalog, pick_questions
from bot.grading import Grade
from bot.sessions.interview import InterviewState, report, take_answer


def _feedback(g: Grade) -> list[str]:
    lines = [f"  score {g.score:.0%} ({g.verdict})"]
    lines += [f"  ✓ {h.point}  — “{h.matched}”" for h in g.hits]
    lines += [f"  ✗ {m}" for m in g.misses]
    return lines


def run_practice(catalog: Catalog, *, bank: str | None, topic: str | None, difficulty: str | None, count: int,
                 rng: random.Random, stdin: TextIO, stdout: TextIO) -> int:
    """Ask ``count`` questions, read one answer line each (and one follow-up), print feedback and a report."""
    chosen = catalog.bank(bank)
    questions = pick_questions(chosen, topic=topic, difficulty=difficulty, count=count, rng=rng)
    state = InterviewState(chosen.name, [q.id for q in questions])

    def say(*lines: str) -> None:
        stdout.write("\n".join(lines) + "\n")
        stdout.flush()

    say(f"Mock interview: {len(questions)} question(s) from {chosen.title}. One line per answer; Ctrl-D stops.")
    while not state.finished:
        question = catalog.question(state.bank, state.current_id or "")
        assert question is not None
        number = f"{state.index + 1}/{len(state.question_ids)}"
        say("", f"Question {number} [{question.topic}, {question.difficulty}]: {question.prompt}")
        line = stdin.readline()
        if not line:
            break
        turn = take_answer(state, question, line.strip())
        say(*_feedback(turn.grade))
        if turn.followup is not None:
            say("", "Follow-up: " + turn.followup.replace("**", ""))
            line = stdin.readline()
            if not line:
                break
            turn = take_answer(state, question, line.strip())
            assert turn.final is not None
            say(*_feedback(turn.final))
        if question.answer:
            say("  model answer: " + " ".join(question.answer.split())[:600])
    summary = report(state, chosen.pass_score)
    say("", f"Report: {len(summary.results)} answered, average {summary.average:.0%}.")
    if summary.study_topics:
        say("Topics to study: " + ", ".join(summary.study_topics))
    return 0
