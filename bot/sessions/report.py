"""The final interview report, pure: what was missed by topic, the member's contradicted words, what to study next.

Discord renders it in ``bot.ui.embeds``; the terminal in ``bot.practice``. ``split_words`` splits a long text (a
model answer) into pieces within a size limit, only ever between words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.bank.models import DEFAULT_PASS_SCORE, Question
from bot.sessions.interview import InterviewState
from bot.sessions.scoring import points_for

STUDY_COUNT = 3


@dataclass(frozen=True, slots=True)
class Quote:
    """A point the member contradicted: their own words and the fact."""

    point: str
    said: str
    expected: str


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """One answered question as the report shows it."""

    number: int
    question_id: str
    prompt: str
    topic: str
    score: float
    verdict: str
    points: float  # score × difficulty weight × hint factor
    hinted: bool
    followup: bool
    misses: tuple[str, ...]
    quotes: tuple[Quote, ...]
    answer: str  # the model answer, whole


@dataclass(frozen=True, slots=True)
class TopicGap:
    """The points missed on one topic, with the member's contradicted words."""

    topic: str
    average: float
    misses: tuple[str, ...]
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class StudyTopic:
    """A topic to study next, why, and the commands that practise it."""

    topic: str
    reason: str
    discord: str
    terminal: str


@dataclass(frozen=True, slots=True)
class InterviewReport:
    """Everything the final report says."""

    bank: str
    results: tuple[QuestionResult, ...]
    average: float
    points: float
    hints: int
    gaps: tuple[TopicGap, ...]  # topics with something missed, weakest first
    study: tuple[StudyTopic, ...]  # up to three, the most useful first


def practise_commands(bank: str, topic: str) -> tuple[str, str]:
    """The Discord and terminal commands that practise one topic of a bank."""
    quoted = f'"{topic}"' if any(c.isspace() for c in topic) else topic
    return f"/interview start bank:{bank} topic:{topic}", f"python -m bot practice --bank {bank} --topic {quoted}"


def _result(number: int, entry: dict[str, Any], question: Question | None) -> QuestionResult:
    """One state result (JSON) as a report line; entries written before hints existed read as no hint."""
    score = float(entry.get("score", 0.0))
    hinted = bool(entry.get("hinted", False))
    factor = float(entry.get("factor", 1.0))
    difficulty = question.difficulty if question else "medium"
    quotes = tuple(Quote(str(c["point"]), str(c["said"]), str(c["expected"]))
                   for c in entry.get("contradictions") or [] if isinstance(c, dict))
    return QuestionResult(
        number=number, question_id=str(entry["question_id"]),
        prompt=question.prompt if question else str(entry["question_id"]),
        topic=str(entry.get("topic") or (question.topic if question else "general")), score=score,
        verdict=str(entry.get("verdict", "fail")), points=round(points_for(score, difficulty) * factor, 2),
        hinted=hinted, followup=bool(entry.get("followup", False)),
        misses=tuple(str(m) for m in entry.get("misses") or ()),
        quotes=quotes, answer=question.answer.strip() if question else "")


def build_report(state: InterviewState, question: Callable[[str], Question | None], *,
                 pass_score: float = DEFAULT_PASS_SCORE, bank_topics: Sequence[str] = ()) -> InterviewReport:
    """The report of an interview: per question results, gaps by topic, and up to three topics to study next.

    Topics to study: those answered below the pass score (weakest first), then topics of the bank not asked yet,
    then topics passed with something still missed.
    """
    results = tuple(_result(i, r, question(str(r["question_id"]))) for i, r in enumerate(state.results, 1))
    by_topic: dict[str, list[QuestionResult]] = {}
    for r in results:
        by_topic.setdefault(r.topic, []).append(r)

    def average(rs: list[QuestionResult]) -> float:
        return sum(r.score for r in rs) / len(rs)

    gaps = sorted(
        (TopicGap(topic, round(average(rs), 3), tuple(dict.fromkeys(m for r in rs for m in r.misses)),
                  tuple(q for r in rs for q in r.quotes))
         for topic, rs in by_topic.items() if any(r.misses for r in rs)),
        key=lambda g: (g.average, -len(g.misses), g.topic))
    weak = [(g.topic, f"average {g.average:.0%}") for g in gaps if g.average < pass_score]
    fresh = [(t, "not asked yet") for t in bank_topics if t not in by_topic]
    polish = [(g.topic, f"{len(g.misses)} point(s) missed") for g in gaps if g.average >= pass_score]
    chosen = (weak + fresh + polish)[:STUDY_COUNT]
    study = tuple(StudyTopic(t, why, *practise_commands(state.bank, t)) for t, why in chosen)
    avg = sum(r.score for r in results) / len(results) if results else 0.0
    return InterviewReport(bank=state.bank, results=results, average=round(avg, 3),
                           points=round(sum(r.points for r in results), 2), hints=sum(r.hinted for r in results),
                           gaps=tuple(gaps), study=study)


_FENCE = re.compile(r"```[^\n]*\n.*?(?:```|\Z)", re.S)


def segments(text: str) -> list[tuple[bool, str]]:
    """``text`` as (is_code, part) pairs: fenced code blocks kept whole, prose between them stripped."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _FENCE.finditer(text):
        if text[pos:m.start()].strip():
            out.append((False, text[pos:m.start()].strip()))
        block = m.group().rstrip()
        out.append((True, block if block.endswith("```") and block.count("```") >= 2 else block + "\n```"))
        pos = m.end()
    if text[pos:].strip():
        out.append((False, text[pos:].strip()))
    return out


def _units(text: str, limit: int) -> list[tuple[str, str]]:
    """(separator before, unit) pairs: prose words with the whitespace kind before them; code blocks whole
    (or fenced groups of lines when a block is longer than ``limit``)."""
    units: list[tuple[str, str]] = []
    for is_code, part in segments(text):
        if is_code:
            if len(part) <= limit:
                units.append(("\n", part))
                continue
            head, *body = part.split("\n")
            body = body[:-1] if body and body[-1].strip() == "```" else body
            group: list[str] = []
            for line in body:
                if group and len(head) + sum(len(x) + 1 for x in group) + len(line) + 5 > limit:
                    units.append(("\n", "\n".join([head, *group, "```"])))
                    group = []
                group.append(line[: max(1, limit - len(head) - 5)])
            if group:
                units.append(("\n", "\n".join([head, *group, "```"])))
            continue
        for m in re.finditer(r"(\s*)(\S+)", part):
            space, word = m.groups()
            sep = "\n\n" if space.count("\n") > 1 else "\n" if "\n" in space else " "
            units.append((sep, word))
    return units


SENTENCE_END = (".", "!", "?", ":", ";", "```")
PREFER_SENTENCE = 0.6  # break at a sentence end when one falls in the last 40% of a piece


def _joined(units: list[tuple[str, str]]) -> str:
    return "".join((sep if i else "") + unit for i, (sep, unit) in enumerate(units))


def split_words(text: str, limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters, breaking only between words or code lines.

    A piece ends at a sentence end when one falls late enough in it; line and paragraph breaks are kept; a fenced
    code block stays in one piece when it fits, else each piece of it is fenced again. A single word longer than
    ``limit`` (a URL) is the only thing ever cut.
    """
    if limit < 8:
        raise ValueError("limit must be at least 8")
    pieces: list[str] = []
    current: list[tuple[str, str]] = []
    size = 0
    for sep, unit in _units(text, limit):
        while len(unit) > limit:  # only an unbreakable token longer than a whole piece is cut
            if current:
                pieces.append(_joined(current))
                current, size = [], 0
            pieces.append(unit[:limit])
            unit = unit[limit:]
        if current and size + len(sep) + len(unit) > limit:
            cut, length = len(current), 0
            for i, (s, u) in enumerate(current):
                length += (len(s) if i else 0) + len(u)
                if u.endswith(SENTENCE_END) and length >= PREFER_SENTENCE * limit:
                    cut = i + 1
            pieces.append(_joined(current[:cut]))
            current = current[cut:]
            size = len(_joined(current))
            if current and size + len(sep) + len(unit) > limit:  # the rest and this unit still do not fit
                pieces.append(_joined(current))
                current, size = [], 0
        if current:
            current.append((sep, unit))
            size += len(sep) + len(unit)
        else:
            current, size = [(sep, unit)], len(unit)
    if current:
        pieces.append(_joined(current))
    return pieces
