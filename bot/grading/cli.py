"""``python -m bot grade [FILE]``: grade JSON lines so bank authors can calibrate on sample answers.

Each input line is an object with ``prompt`` and ``response`` (strings, required), at least one of
``model_answer`` (string), ``key_points`` (strings or ``{point, accept: [...], weight, ask, wrong: [...]}``
mappings, read by the bank loader's parser with the same rules as ``check``) and ``short_answers`` (strings),
and optionally ``pass_score`` (0..1). Each output line is the input object plus ``"grade": {"score", "verdict",
"passed", "hits": [{"point", "matched", "credit"}], "misses", "contradictions": [{"point", "said",
"expected"}]}``. Other fields (ids, labels) pass through untouched. A bad line is reported on stderr with its
line number and the run goes on; the exit code is 1 if any line was bad, else 0 (2 when the file cannot be read).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from typing import Any, TextIO

from bot.bank.loader import parse_key_points
from bot.bank.models import DEFAULT_PASS_SCORE, KeyPoint, Question
from bot.grading.grade import Grade, explain, grade

__all__ = ["explain_record", "grade_record", "question_from_record", "run"]

logger = logging.getLogger(__name__)


class RecordError(ValueError):
    """A JSON line that cannot be graded; the message says why."""


def _string(record: dict[str, Any], name: str, *, required: bool) -> str:
    """A string field of the record ('' when optional and absent)."""
    value = record.get(name)
    if value is None:
        if required:
            raise RecordError(f'missing "{name}"')
        return ""
    if not isinstance(value, str):
        raise RecordError(f'"{name}" must be a string, not {type(value).__name__}')
    return value


def _strings(value: Any, name: str) -> tuple[str, ...]:
    """A list of strings (a single string is accepted as a list of one)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(f'"{name}" must be a list of strings')
    return tuple(value)


def _number(value: Any) -> bool:
    """True for a finite JSON number (not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _key_points(raw: Any) -> tuple[KeyPoint, ...]:
    """Key points by the bank loader's own parser (same rules and messages as ``check``)."""
    points, issues = parse_key_points(raw)
    if issues:
        raise RecordError("; ".join(issue.message for issue in issues))
    return points


def question_from_record(record: Any) -> tuple[Question, str]:
    """The question and response described by one decoded JSON line."""
    if not isinstance(record, dict):
        raise RecordError("a line must be a JSON object")
    prompt = _string(record, "prompt", required=True)
    response = _string(record, "response", required=True)
    answer = _string(record, "model_answer", required=False)
    raw_points = record.get("key_points")
    if raw_points is None:
        raw_points = []
    if not isinstance(raw_points, list):
        raise RecordError('"key_points" must be a list')
    key_points = _key_points(raw_points)
    short = tuple(s for s in _strings(record.get("short_answers"), "short_answers") if s.strip())
    if not (answer.strip() or key_points or short):
        raise RecordError('needs at least one of "model_answer", "key_points", "short_answers"')
    pass_score = record.get("pass_score", DEFAULT_PASS_SCORE)
    if not _number(pass_score) or not 0 <= pass_score <= 1:
        raise RecordError('"pass_score" must be a number from 0 to 1')
    question = Question(
        id="cli",
        prompt=prompt,
        answer=answer,
        key_points=key_points,
        short_answers=short,
        pass_score=float(pass_score),
    )
    return question, response


def _grade_json(g: Grade) -> dict[str, Any]:
    """The JSON form of a grade."""
    return {
        "score": g.score,
        "verdict": g.verdict,
        "passed": g.passed,
        "hits": [{"point": h.point, "matched": h.matched, "credit": h.credit} for h in g.hits],
        "misses": list(g.misses),
        "contradictions": [{"point": c.point, "said": c.said, "expected": c.expected} for c in g.contradictions],
    }


def grade_record(record: Any) -> dict[str, Any]:
    """The record with its ``grade`` added; raises RecordError when the record is bad."""
    question, response = question_from_record(record)
    return {**record, "grade": _grade_json(grade(question, response))}


def explain_record(record: Any) -> str:
    """A readable account of one record's grade (``grade --explain``); raises RecordError when it is bad."""
    question, response = question_from_record(record)
    result, lines = explain(question, response)
    label = record.get("id") or question.prompt[:60]
    head = f"== {label}: {result.score:.2f} {result.verdict}\n   response: {response[:200]!r}"
    return "\n".join([head, *(f"   {line}" for line in lines)]) + "\n"


def _grade_lines(lines: Iterable[str], stdout: TextIO, stderr: TextIO, explain: bool = False) -> int:
    """Grade every line; report bad ones on stderr. Returns the number of bad lines."""
    bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if explain:
                stdout.write(explain_record(record))
                continue
            result = grade_record(record)
        except json.JSONDecodeError as exc:
            bad += 1
            stderr.write(f"line {number}: invalid JSON: {exc.msg} (column {exc.colno})\n")
            continue
        except RecordError as exc:
            bad += 1
            stderr.write(f"line {number}: {exc}\n")
            continue
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return bad


def run(path: str | None, stdin: TextIO, stdout: TextIO, stderr: TextIO, *, explain: bool = False) -> int:
    """Grade JSON lines from ``path`` (stdin when None) to ``stdout``; 1 if any line was bad, else 0.

    ``explain``: print a readable account per line (the words that counted per key point, their weight, any
    contradiction and why the verdict) instead of JSON.
    """
    if path is None or path == "-":
        bad = _grade_lines(stdin, stdout, stderr, explain)
    else:
        try:
            with open(path, encoding="utf-8") as handle:
                bad = _grade_lines(handle, stdout, stderr, explain)
        except OSError as exc:
            stderr.write(f"cannot read {path}: {exc.strerror or exc}\n")
            return 2
        except UnicodeDecodeError as exc:
            stderr.write(f"cannot read {path}: not UTF-8 text ({exc.reason})\n")
            return 2
    if bad:
        logger.info("graded with %d bad line(s)", bad)
        stderr.write(f"{bad} bad line(s)\n")
    return 1 if bad else 0
