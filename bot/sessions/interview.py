"""Interview rules: one member, one question at a time, a hint on request, at most one follow-up, a report.

The interviewer's voice lives here, pure: which follow-up to ask (challenge a contradiction first, else the single
most important missed point, through its ``ask:`` or a template that names one thing), which hint to give, and
what a hint costs.
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.bank.models import DEFAULT_PASS_SCORE, KeyPoint, Question
from bot.errors import SessionError
from bot.grading import Contradiction, Grade, grade
from bot.grading.grade import key_points_of
from bot.grading.normalize import token_weight, tokenize
from bot.sessions.state import QuestionCursor

MAX_COUNT, DEFAULT_COUNT = 10, 5
HINT_FACTOR = 0.8  # a question answered after a hint earns this share of its points
HINT_WORDS = frozenset({"?", "hint", "a hint", "hint please", "hint?"})
Phase = Literal["answer", "followup"]


@dataclass
class InterviewState(QuestionCursor):
    """An interview's progress, stored as JSON in the session row so it resumes after a restart."""

    bank: str
    question_ids: list[str]
    index: int = 0
    phase: Phase = "answer"
    post_id: int | None = None
    first_response: str | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    hinted: bool = False  # the member took the current question's hint
    followup: str | None = None  # the follow-up asked on the current question, repeated after a restart
    challenged_point: str | None = None  # the point whose contradiction the follow-up challenged
    challenged_words: str | None = None  # the member's words it quoted (taken back if the follow-up corrects them)


@dataclass(frozen=True, slots=True)
class Turn:
    """What happened when the interviewee answered."""

    grade: Grade
    followup: str | None = None  # the follow-up question to ask, if any
    final: Grade | None = None  # the question's final grade when it is done
    response: str = ""  # the text to record for the question (first answer + follow-up)
    factor: float = 1.0  # multiply the question's points by this (HINT_FACTOR after a hint)


# ---------------------------------------------------------------------------------------------------- follow-ups

def missed_key_points(question: Question, misses: Sequence[str]) -> list[KeyPoint]:
    """The key points (authored or derived) whose text is among ``misses``, in bank order."""
    missed = set(misses)
    return [kp for kp in key_points_of(question) if kp.text in missed]


def most_important(points: Sequence[KeyPoint]) -> KeyPoint | None:
    """The heaviest point; between equal weights, the first in bank order."""
    best: KeyPoint | None = None
    for kp in points:
        if best is None or kp.weight > best.weight:
            best = kp
    return best


def _said(text: str, limit: int = 120) -> str:
    """The member's words, on one line, shortened at a word boundary."""
    words = " ".join(text.split()).strip(" .,;:")
    if len(words) <= limit:
        return words
    return words[: limit - 1].rsplit(" ", 1)[0].rstrip(" .,;:") + "…"


_CLAUSE_END = re.compile(r"[.!?;:](?=\s|$)|\n")


def quote(response: str, said: str, limit: int = 120) -> str:
    """The member's own clause around ``said`` (the words the grader found contradicting), on one line.

    "301" alone says little; "redirect() sends a 301 permanent redirect" is what the member said. A clause longer
    than ``limit`` is narrowed to a few words either side.
    """
    words = said.strip()
    at = response.casefold().find(words.casefold()) if words else -1
    if at < 0:
        return _said(said, limit)
    start = max((m.end() for m in _CLAUSE_END.finditer(response, 0, at)), default=0)
    end = next((m.start() for m in _CLAUSE_END.finditer(response, at + len(words))), len(response))
    clause = " ".join(response[start:end].split()).strip(" ,")
    if len(clause) <= limit:
        return clause
    before = response[start:at].split()[-6:]
    after = response[at + len(words):end].split()[:6]
    return _said(" ".join([*before, words, *after]), limit)


def _in_context(g: Grade, response: str) -> Grade:
    """The grade with each contradiction's ``said`` widened to the member's clause (see ``quote``)."""
    if not g.contradictions:
        return g
    widened = tuple(dataclasses.replace(c, said=quote(response, c.said)) for c in g.contradictions)
    return dataclasses.replace(g, contradictions=widened)


def challenge(contradiction: Contradiction) -> str:
    """A follow-up that questions what the member said, like an interviewer would ("You said X — is it?")."""
    return f"You said “{_said(contradiction.said)}” — is that right?"


_TEMPLATES = (
    "Good start. What would you say about **{thing}**?",
    "That's part of it. How does **{thing}** come into it?",
    "Good. And where does **{thing}** fit in?",
)


def _pick(question: Question, options: Sequence[str]) -> str:
    """One of ``options``, the same for a question every time (so a resumed interview says the same)."""
    return options[zlib.crc32(question.id.encode()) % len(options)]


_CODE_OR_NUMBER = re.compile(r"[\d._@()]")


def keyword(text: str, prompt: str) -> str | None:
    """The most specific plain word of ``text`` that the prompt does not already say (None when there is none).

    Numbers and code names (``302``, ``request.cookies``) are skipped: they are the answer, not a nudge.
    """
    asked = {t.key for t in tokenize(prompt)}
    best: tuple[float, int] = (0.0, 0)
    found: str | None = None
    for t in tokenize(text):
        if t.stop or t.key in asked or len(t.surface) < 3 or _CODE_OR_NUMBER.search(t.surface):
            continue
        rank = (token_weight(t.key), len(t.surface))
        if rank > best:  # strictly better: the first of equals wins
            best, found = rank, t.surface
    return found


def template_followup(question: Question, point: KeyPoint) -> str:
    """A person-like follow-up naming one missed point (a derived point is named by one word, not pasted)."""
    if question.key_points:
        thing = point.text.strip().rstrip(".")
    else:  # a clause of the model answer: naming it whole would give the answer away
        thing = keyword(point.text, question.prompt) or question.topic
    return _pick(question, _TEMPLATES).format(thing=thing)


def followup_prompt(misses: Sequence[str]) -> str:
    """A follow-up naming the first of ``misses`` (kept for callers that only have the missed texts)."""
    thing = misses[0] if misses else "the rest of it"
    return _TEMPLATES[0].format(thing=thing)


def challenged(question: Question, contradictions: Sequence[Contradiction]) -> Contradiction:
    """The contradiction to challenge: the heaviest point's, then the first in bank order."""
    points = {kp.text: kp for kp in key_points_of(question)}
    order = list(points)
    return min(contradictions, key=lambda c: (-(points[c.point].weight if c.point in points else 1.0),
                                              order.index(c.point) if c.point in order else len(order)))


def choose_followup(question: Question, misses: Sequence[str], contradictions: Sequence[Contradiction] = (),
                    *, hinted: bool = False) -> str | None:
    """The one follow-up to ask: challenge the heaviest contradiction, else ask about the heaviest missed point.

    After a hint, a point whose ``ask:`` was that hint is passed over for the next one (never the same question
    twice); when it is the only one missed, it is asked about in other words.
    """
    if contradictions:
        return challenge(challenged(question, contradictions))
    missed = missed_key_points(question, misses)
    hint = hint_for(question) if hinted else None
    point = most_important([kp for kp in missed if not kp.ask or kp.ask != hint]) or most_important(missed)
    if point is None:
        return None
    return point.ask if point.ask and point.ask != hint else template_followup(question, point)


def followup_for(question: Question, g: Grade, *, hinted: bool = False) -> str | None:
    """The follow-up an interviewer asks after this first answer, or None to move on.

    A contradiction is always challenged. Otherwise only an answer on the right track (some point covered, not
    yet a pass) is probed; one that covers nothing moves on rather than being handed the answer.
    """
    if g.contradictions:
        return choose_followup(question, g.misses, g.contradictions)
    if g.misses and g.hits and g.verdict != "pass":
        return choose_followup(question, g.misses, hinted=hinted)
    return None


# ---------------------------------------------------------------------------------------------------------- hints

def hint_for(question: Question) -> str:
    """The hint for a question: the heaviest point's ``ask:``, else a nudge naming the topic and a few keywords.

    Keywords are single specific words of the heaviest points (never a whole point), so the hint points the way
    without giving the answer.
    """
    points = list(key_points_of(question))
    heaviest = most_important(points)
    if heaviest is not None and heaviest.ask:
        return heaviest.ask
    if question.short_answers and not question.key_points:
        return short_answer_hint(question.short_answers[0])
    words: list[str] = []
    for kp in sorted(points, key=lambda p: -p.weight):  # stable: bank order among equal weights
        word = keyword(kp.text, question.prompt)
        if word and word.casefold() not in {w.casefold() for w in words}:
            words.append(word)
        if len(words) == 2:
            break
    if not words:
        return f"It's a {question.topic} question: start from what it is for, then how you would use it."
    listed = " and ".join(f"**{w}**" for w in words)
    return f"It's a {question.topic} question. Think about {listed}."


def short_answer_hint(answer: str) -> str:
    """A hint for an exact short answer: its shape (a number of N digits, or N words / its first letter)."""
    text = answer.strip()
    if text.replace(".", "").isdigit():
        if "." in text:
            return f"The answer is made of digits and dots, {len(text)} characters long."
        return f"The answer is a number with {len(text)} digit{'s' if len(text) > 1 else ''}."
    words = text.split()
    if len(words) > 1:
        return f"The answer is {len(words)} words; the first starts with “{words[0][0]}”."
    return f"The answer is one word of {len(text)} characters, starting with “{text[0]}”."


def is_hint_request(text: str) -> bool:
    """True when a typed line asks for a hint (``?`` or ``hint``)."""
    return " ".join(text.casefold().split()) in HINT_WORDS


def take_hint(state: InterviewState, question: Question) -> str:
    """Give the current question's hint and mark it taken; SessionError once taken or after the first answer."""
    if state.finished or state.current_id != question.id:
        raise SessionError("There is no question waiting for an answer.")
    if state.phase != "answer":
        raise SessionError("Hints are for before you answer; this is the follow-up, so give it your best go.")
    if state.hinted:
        raise SessionError("You've already had the hint for this question (one per question).")
    state.hinted = True
    return hint_for(question)


def hint_factor(hinted: bool) -> float:
    """What a question's points are multiplied by: HINT_FACTOR after a hint, else 1."""
    return HINT_FACTOR if hinted else 1.0


# --------------------------------------------------------------------------------------------------------- answers

def take_answer(state: InterviewState, question: Question, text: str) -> Turn:
    """Grade an answer (or the follow-up) and advance the state; pure apart from mutating ``state``."""
    factor = hint_factor(state.hinted)
    if state.phase == "answer":
        g = _in_context(grade(question, text), text)
        followup = followup_for(question, g, hinted=state.hinted)
        if followup is not None:
            state.phase = "followup"
            state.first_response = text
            state.followup = followup
            if g.contradictions:
                c = challenged(question, g.contradictions)
                state.challenged_point, state.challenged_words = c.point, c.said
            return Turn(g, followup=followup, factor=factor)
        _finish_question(state, question, g, followup=False)
        return Turn(g, final=g, response=text, factor=factor)
    first = state.first_response or ""
    combined = f"{first}\n{text}".strip()
    graded = f"{_taken_back(state, question, first, text)}\n{text}".strip()
    g = _in_context(grade(question, graded), graded)
    before = _in_context(grade(question, first), first)
    final = g if g.score >= before.score else before
    _finish_question(state, question, final, followup=True)
    return Turn(g, final=final, response=combined, factor=factor)


def _taken_back(state: InterviewState, question: Question, first: str, followup: str) -> str:
    """The first answer without the challenged words when the follow-up states the challenged point itself (the
    member corrected what they said); otherwise the first answer as it is."""
    point, words = state.challenged_point, state.challenged_words
    if not point or not words or point not in {h.point for h in grade(question, followup).hits}:
        return first
    pattern = r"\s+".join(re.escape(w) for w in words.rstrip("…").split())
    return re.sub(pattern, " ", first, count=1, flags=re.IGNORECASE) if pattern else first


def result_entry(question: Question, g: Grade, *, followup: bool, hinted: bool) -> dict[str, Any]:
    """The JSON record of one finished question kept in the interview state (what the report is built from)."""
    return {
        "question_id": question.id, "topic": question.topic, "score": round(g.score, 3), "verdict": g.verdict,
        "misses": list(g.misses), "followup": followup, "hinted": hinted, "factor": hint_factor(hinted),
        "contradictions": [{"point": c.point, "said": c.said, "expected": c.expected} for c in g.contradictions],
    }


def _finish_question(state: InterviewState, question: Question, g: Grade, *, followup: bool) -> None:
    state.results.append(result_entry(question, g, followup=followup, hinted=state.hinted))
    state.index += 1
    state.phase = "answer"
    state.post_id = None
    state.first_response = None
    state.hinted = False
    state.followup = None
    state.challenged_point = state.challenged_words = None


@dataclass(frozen=True, slots=True)
class Report:
    """The end-of-interview summary (the short form; ``bot.sessions.report`` builds the full one)."""

    results: list[dict[str, Any]]
    average: float
    study_topics: list[str]


def report(state: InterviewState, pass_score: float = DEFAULT_PASS_SCORE) -> Report:
    """Average score and topics to study (those whose average fell below the pass score), weakest first."""
    results = state.results
    avg = sum(r["score"] for r in results) / len(results) if results else 0.0
    by_topic: dict[str, list[float]] = {}
    for r in results:
        by_topic.setdefault(r["topic"], []).append(r["score"])
    weak = sorted((sum(v) / len(v), t) for t, v in by_topic.items() if sum(v) / len(v) < pass_score)
    return Report(results, round(avg, 3), [t for _, t in weak])
