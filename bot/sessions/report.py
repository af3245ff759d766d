"""The final interview report, pure: what was missed by topic, the member's contradicted words, what to study next.

Discord renders it in ``bot.ui.embeds``; the terminal in ``bot.practice``. ``split_words`` splits a long text (a
model answer) into pieces within a size limit, only ever between words; ``fit_words`` lays one out over a row of
containers of given sizes (embed descriptions, fields) within a total budget, ending with a "continues" marker
when it does not all fit.
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
            width = max(1, limit - len(head) - 5)
            for line in body:
                for chunk in [line[i:i + width] for i in range(0, len(line), width)] or [""]:
                    # a code line wider than a whole piece is wrapped, never dropped
                    if group and len(head) + sum(len(x) + 1 for x in group) + len(chunk) + 5 > limit:
                        units.append(("\n", "\n".join([head, *group, "```"])))
                        group = []
                    group.append(chunk)
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
MIN_PIECE = 8  # the smallest piece split_words makes
SCAN = 4  # fit_words reads at most this many times its budget of the text (a sane bound on work)


def _joined(units: list[tuple[str, str]]) -> str:
    return "".join((sep if i else "") + unit for i, (sep, unit) in enumerate(units))


def _groups(units: list[tuple[str, str]], limit: int) -> list[list[tuple[str, str]]]:
    """``units`` in groups that each join to at most ``limit`` characters (the algorithm of ``split_words``)."""
    groups: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    size = 0
    for sep, unit in units:
        while len(unit) > limit:  # only an unbreakable token longer than a whole piece is cut
            if current:
                groups.append(current)
                current, size = [], 0
            groups.append([(sep, unit[:limit])])
            sep, unit = "", unit[limit:]  # the rest of the token joins its start without a space
        if current and size + len(sep) + len(unit) > limit:
            cut, length = len(current), 0
            for i, (s, u) in enumerate(current):
                length += (len(s) if i else 0) + len(u)
                if u.endswith(SENTENCE_END) and length >= PREFER_SENTENCE * limit:
                    cut = i + 1
            groups.append(current[:cut])
            current = current[cut:]
            size = len(_joined(current))
            if current and size + len(sep) + len(unit) > limit:  # the rest and this unit still do not fit
                groups.append(current)
                current, size = [], 0
        if current:
            current.append((sep, unit))
            size += len(sep) + len(unit)
        else:
            current, size = [(sep, unit)], len(unit)
    if current:
        groups.append(current)
    return groups


def split_words(text: str, limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters, breaking only between words or code lines.

    A piece ends at a sentence end when one falls late enough in it; line and paragraph breaks are kept; a fenced
    code block stays in one piece when it fits, else each piece of it is fenced again (a code line wider than a
    piece is wrapped). A single word longer than ``limit`` (a URL) is the only thing ever cut.
    """
    if limit < MIN_PIECE:
        raise ValueError(f"limit must be at least {MIN_PIECE}")
    return [_joined(g) for g in _groups(_units(text, limit), limit)]


def more_marker(count: int) -> str:
    """The line that ends a text shown in part: how many characters were left out."""
    return f"… (continues: {count} more characters)"


@dataclass(frozen=True, slots=True)
class Fitted:
    """A text laid out for a row of containers: its pieces, and ``more`` (the marker) when some was left out."""

    pieces: tuple[str, ...]
    more: str = ""


def _first(text: str, limit: int) -> tuple[str, str]:
    """The first piece of ``text`` split at ``limit`` and the rest of the text (as its remaining units join)."""
    groups = _groups(_units(text, limit), limit)
    if not groups:
        return "", ""
    return _joined(groups[0]), _joined([u for g in groups[1:] for u in g])


def fit_words(text: str, rooms: Sequence[int], budget: int, *, costs: Sequence[int] = ()) -> Fitted:
    """Lay ``text`` out over containers in order, split only between words like ``split_words``.

    Piece ``i`` is at most ``rooms[i]`` characters, and the pieces plus ``costs[i]`` of each container used (a
    field's name, spoiler bars) stay within ``budget``. When the text does not all fit, ``more`` is the marker and
    room for it on its own line (``"\n" + more``) is kept in the last piece's container and in the budget; the
    marker alone needs about 50 characters of room and budget. Nothing up to the bound is ever lost.
    """
    text = text.strip()
    if not text:
        return Fitted(())
    scan = max(0, budget) * SCAN + 1000
    if len(text) > scan:  # stop reading at a word's end; what is not read still counts as left out
        scan = max(text.rfind(" ", 0, scan + 1), text.rfind("\n", 0, scan + 1), 0) or scan
    rest, unread = text[:scan], max(0, len(text) - scan)
    reserve = len("\n" + more_marker(2 * len(text) + 1000))  # an upper bound on the marker's line
    pieces: list[str] = []
    left = budget
    for i, room in enumerate(rooms):
        cost = costs[i] if i < len(costs) else 0
        limit = min(room, left - cost)
        if limit < MIN_PIECE:
            break
        piece, after = _first(rest, limit)
        if not after and not unread:
            return Fitted((*pieces, piece))
        left_after = left - cost - len(piece)
        next_cost = costs[i + 1] if i + 1 < len(costs) else 0
        if after and i + 1 < len(rooms) and min(rooms[i + 1], left_after - next_cost) - reserve >= MIN_PIECE:
            pieces.append(piece)
            rest, left = after, left_after
            continue
        if limit - reserve >= MIN_PIECE:  # the last container: its piece leaves room for the marker
            piece, rest = _first(rest, limit - reserve)
            pieces.append(piece)
        break
    left_out = len(rest) + unread
    return Fitted(tuple(pieces), more_marker(left_out) if left_out else "")
