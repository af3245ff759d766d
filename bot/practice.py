"""``python -m bot practice``: a mock interview in the terminal, with the same rules as ``/interview``."""

from __future__ import annotations

import random
import textwrap
from typing import TextIO

from bot.bank.catalog import Catalog, pick_questions
from bot.bank.models import Question
from bot.errors import SessionError
from bot.grading import Grade
from bot.sessions.interview import HINT_FACTOR, InterviewState, is_hint_request, take_answer, take_hint
from bot.sessions.report import InterviewReport, build_report, segments

WIDTH = 100
VERDICT_MARK = {"pass": "✓", "partial": "~", "fail": "✗"}


def _plain(text: str) -> str:
    """Discord markdown (bold) removed for the terminal."""
    return text.replace("**", "")


def _wrap(text: str, indent: str) -> list[str]:
    """Prose in lines of at most WIDTH characters broken only between words; code blocks line by line, as is."""
    lines: list[str] = []
    for is_code, part in segments(text):
        if is_code:
            lines += [indent + line for line in part.split("\n")]
            continue
        for paragraph in part.split("\n"):
            lines += textwrap.wrap(" ".join(paragraph.split()), WIDTH, initial_indent=indent,
                                   subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
    return lines


def _feedback(g: Grade, *, hinted: bool = False, final: bool = True) -> list[str]:
    """Score and covered points; what was missed only once the question is done (the follow-up asks first)."""
    head = f"  score {g.score:.0%} ({g.verdict})"
    if hinted:
        head += f" · hint used: this question's points × {HINT_FACTOR:g}"
    lines = [head]
    lines += [f"  ✓ {h.point}  — “{h.matched}”" for h in g.hits]
    if not final:
        return lines + ([f"  … {len(g.misses)} point(s) not covered yet"] if g.misses else [])
    contradicted = {c.point for c in g.contradictions}
    lines += [f"  ✗ {m}" for m in g.misses if m not in contradicted]
    lines += [f"  ✗ {c.point}  — you said “{c.said}”; the fact: {c.expected}" for c in g.contradictions]
    return lines


def render_report(summary: InterviewReport) -> list[str]:
    """The final report as terminal lines: per question, missed points by topic, three topics to study next."""
    hints = f", {summary.hints} hint(s) (× {HINT_FACTOR:g} on those questions)" if summary.hints else ""
    lines = [f"Report: {len(summary.results)} answered, average {summary.average:.0%}, "
             f"{summary.points:g} points{hints}."]
    for r in summary.results:
        notes = ", ".join(n for n, on in (("hint", r.hinted), ("follow-up", r.followup)) if on)
        lines.append(f"  {r.number}. {VERDICT_MARK.get(r.verdict, '?')} {r.score:.0%} [{r.topic}] {r.prompt}"
                     + (f" ({notes})" if notes else ""))
    if summary.gaps:
        lines += ["", "Missed, by topic:"]
        for gap in summary.gaps:
            lines.append(f"  {gap.topic} (average {gap.average:.0%}):")
            quoted = {q.point for q in gap.quotes}
            lines += [f"    ✗ {q.point}: you said “{q.said}”, but {q.expected}" for q in gap.quotes]
            lines += [f"    ✗ {m}" for m in gap.misses if m not in quoted]
    if summary.study:
        lines += ["", "Study next:"]
        lines += [f"  {i}. {s.topic} ({s.reason}): {s.terminal}" for i, s in enumerate(summary.study, 1)]
    elif summary.results:
        lines += ["", "Study next: nothing missed in this bank's topics. Try a harder difficulty or another bank."]
    return lines


def run_practice(catalog: Catalog, *, bank: str | None, topic: str | None, difficulty: str | None, count: int,
                 rng: random.Random, stdin: TextIO, stdout: TextIO) -> int:
    """Ask ``count`` questions, read one answer line each (a hint on ``?``, one follow-up), then a report."""
    chosen = catalog.bank(bank)
    questions = pick_questions(chosen, topic=topic, difficulty=difficulty, count=count, rng=rng)
    state = InterviewState(chosen.name, [q.id for q in questions])

    def say(*lines: str) -> None:
        stdout.write("\n".join(lines) + "\n")
        stdout.flush()

    def answer_line(question: Question, *, hints: bool) -> str | None:
        """The next answer line, serving a hint on ``?``/``hint`` first; None at end of input."""
        while True:
            line = stdin.readline()
            if not line:
                return None
            if not is_hint_request(line):
                return line.strip()
            try:
                if not hints:
                    raise SessionError("No hint on the follow-up: give it your best go.")
                say("  Hint: " + _plain(take_hint(state, question)))
            except SessionError as exc:
                say(f"  {exc}")

    say(f"Mock interview: {len(questions)} question(s) from {chosen.title}. One line per answer; type ? for a "
        f"hint (the question then earns {HINT_FACTOR:.0%} of its points); Ctrl-D stops.")
    while not state.finished:
        question = catalog.question(state.bank, state.current_id or "")
        assert question is not None
        number = f"{state.index + 1}/{len(state.question_ids)}"
        say("", f"Question {number} [{question.topic}, {question.difficulty}]: {question.prompt}")
        line = answer_line(question, hints=True)
        if line is None:
            break
        hinted = state.hinted
        turn = take_answer(state, question, line)
        say(*_feedback(turn.grade, hinted=hinted, final=turn.final is not None))
        if turn.followup is not None:
            say("", "Follow-up: " + _plain(turn.followup))
            line = answer_line(question, hints=False)
            if line is None:
                break
            turn = take_answer(state, question, line)
            assert turn.final is not None
            say(*_feedback(turn.final, hinted=hinted, final=True))
        if question.answer:
            say("  model answer:", *_wrap(question.answer, "    "))
    summary = build_report(state, lambda qid: catalog.question(state.bank, qid), pass_score=chosen.pass_score,
                           bank_topics=chosen.topics)
    say("", *render_report(summary))
    return 0
