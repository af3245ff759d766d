"""Render questions as bank YAML, validated by the bank loader's own rules, and write files atomically."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.bank.importers import Draft, ImportFailed, ImportIssue
from bot.bank.loader import NAME_RE, BankLoadError, parse_bank
from bot.bank.models import DEFAULT_PASS_SCORE, Bank, KeyPoint, Question
from bot.grading.short import prepare_short

_SLUG_WORDS = re.compile(r"[a-z0-9]+")
_MAX_SLUG = 40


# Text YAML reads back as the same string in plain style: starts with a letter, no ': ', ' #', quotes, brackets
# or other indicators, and not one of YAML 1.1's booleans or nulls (only those can start with a letter).
_PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9 _,.;()?'/+=<>!-]*[A-Za-z0-9.?)'!])?")
_RESERVED = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})
# Characters a double-quoted scalar must escape: YAML's non-printables and the line breaks it would fold.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def _quoted(text: str) -> str:
    """A double-quoted scalar (JSON's escapes are YAML's), with YAML's own unsafe characters escaped too."""
    return _UNSAFE.sub(_escape, json.dumps(text, ensure_ascii=False))


def _literal(text: str, indent: int) -> str | None:
    """A ``|`` block for multi-line text when it reads back exactly; None when it would not."""
    lines = text.split("\n")
    keep = "-"
    if lines[-1] == "":
        lines.pop()
        keep = ""
    if not lines or not lines[0] or lines[0][0] in " \t" or lines[-1] == "" or _UNSAFE.search(text) \
            or any(line != line.rstrip() or "\r" in line for line in lines):
        return None
    pad = " " * indent
    return f"|{keep}\n" + "\n".join(f"{pad}{line}" if line else "" for line in lines)


def _scalar(value: object, indent: int) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"cannot render {value!r}")
    if not isinstance(value, str):
        return repr(value)
    if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED:
        return value
    if "\n" in value:
        block = _literal(value, indent)
        if block is not None:
            return block
    return _quoted(value)


def _mapping(data: Mapping[str, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in data.items():
        if isinstance(value, Mapping):
            out.append(f"{pad}{key}:")
            _mapping(value, indent + 2, out)
        elif isinstance(value, list | tuple):
            if not value:
                out.append(f"{pad}{key}: []")
                continue
            out.append(f"{pad}{key}:")
            _sequence(value, indent, out)
        else:
            out.append(f"{pad}{key}: {_scalar(value, indent + 2)}")


def _sequence(items: Iterable[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, Mapping):
            start = len(out)
            _mapping(item, indent + 2, out)
            out[start] = f"{pad}- {out[start][indent + 2:]}"
        else:
            out.append(f"{pad}- {_scalar(item, indent + 2)}")


def dump_yaml(doc: Mapping[str, Any]) -> str:
    """Block-style YAML of a mapping of str keys to text, numbers, lists and mappings (fast: no PyYAML
    representer); every string reads back exactly as given (plain when safe, a ``|`` block, else quoted)."""
    out: list[str] = []
    _mapping(doc, 0, out)
    return "\n".join(out) + "\n"


def question_id(prompt: str, digits: int = 8) -> str:
    """A stable id for an imported question: a slug of its prompt and a short hash (same prompt, same id)."""
    ascii_text = unicodedata.normalize("NFKD", prompt).encode("ascii", "ignore").decode().lower()
    slug = ""
    for word in _SLUG_WORDS.findall(ascii_text):
        if len(slug) + len(word) + 1 > _MAX_SLUG:
            break
        slug = f"{slug}-{word}" if slug else word
    digest = hashlib.sha1(prompt.strip().encode("utf-8")).hexdigest()[:digits]
    return f"{slug or 'q'}-{digest}"


def check_name(name: str) -> str:
    """The bank name if the loader would accept it; ImportFailed saying why otherwise."""
    if not NAME_RE.match(name):
        raise ImportFailed(f"bank name '{name}' must be lowercase letters, digits, '-' or '_' (at most 32)")
    return name


def draft_mapping(draft: Draft, qid: str) -> dict[str, Any]:
    """The YAML mapping of one draft question (keys in the bank format's order, empty fields left out)."""
    out: dict[str, Any] = {"id": qid}
    if draft.topic:
        out["topic"] = draft.topic
    if draft.difficulty:
        out["difficulty"] = draft.difficulty
    out["prompt"] = draft.prompt
    if draft.answer:
        out["answer"] = draft.answer
    if draft.key_points:
        out["key_points"] = list(draft.key_points)
    if draft.short_answers:
        out["short_answers"] = list(draft.short_answers)
    return out


def key_point_mapping(kp: KeyPoint, extra_accept: Sequence[str] = ()) -> str | dict[str, Any]:
    """A key point as YAML: plain text when it has nothing else, else a mapping (extra phrasings appended)."""
    accept = list(dict.fromkeys([*kp.accept, *extra_accept]))
    if not accept and kp.weight == 1.0 and not kp.ask and not kp.wrong:
        return kp.text
    out: dict[str, Any] = {"point": kp.text}
    if accept:
        out["accept"] = accept
    if kp.weight != 1.0:
        out["weight"] = int(kp.weight) if kp.weight.is_integer() else kp.weight
    if kp.ask:
        out["ask"] = kp.ask
    if kp.wrong:
        out["wrong"] = list(kp.wrong)
    return out


def question_mapping(q: Question, *, qid: str | None = None,
                     extra_accept: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """The YAML mapping of a loaded question; ``extra_accept`` adds phrasings to key points (by point text)."""
    extra = extra_accept or {}
    out: dict[str, Any] = {"id": qid or q.id, "topic": q.topic, "difficulty": q.difficulty, "prompt": q.prompt}
    if q.answer:
        out["answer"] = q.answer
    if q.key_points:
        out["key_points"] = [key_point_mapping(kp, extra.get(kp.text, ())) for kp in q.key_points]
    if q.short_answers:
        out["short_answers"] = list(q.short_answers)
    return out


def render(name: str, title: str, description: str, questions: Iterable[Mapping[str, Any]], *,
           header: str = "", pass_score: float = DEFAULT_PASS_SCORE) -> str:
    """Bank YAML text for these question mappings (a ``# header`` comment first when given)."""
    doc: dict[str, Any] = {"name": name, "title": title or name}
    if description:
        doc["description"] = description
    if pass_score != DEFAULT_PASS_SCORE:
        doc["pass_score"] = pass_score
    doc["questions"] = [dict(q) for q in questions]
    body = dump_yaml(doc)
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return comment + body


@dataclass(frozen=True, slots=True)
class Built:
    """A validated bank: its YAML text, the loaded Bank, and the rows the loader refused."""

    text: str
    bank: Bank
    issues: tuple[ImportIssue, ...]


def build_bank(name: str, title: str, description: str, drafts: Sequence[Draft], *, header: str = "",
               prior: Sequence[ImportIssue] = ()) -> Built:
    """Validate drafts with the loader's rules; refused or repeated rows are dropped and reported by line.

    ``prior`` are the rows the format's reader already skipped (reported with the others). ImportFailed (with
    every issue) when no question survives or the bank itself (not a row) is refused.
    """
    check_name(name)
    issues: list[ImportIssue] = list(prior)
    keep: dict[str, Draft] = {}
    for d in drafts:
        qid = question_id(d.prompt)
        if qid in keep and keep[qid].prompt.strip() != d.prompt.strip():
            qid = question_id(d.prompt, 16)  # two prompts share 32 bits of hash: a longer one tells them apart
        if qid in keep:
            issues.append(ImportIssue(d.line, f"the same question as line {keep[qid].line}; skipped"))
            continue
        keep[qid] = d
    while True:
        if not keep:
            issues.sort(key=lambda i: i.line)
            raise ImportFailed("no question could be imported" + (f" ({len(issues)} row(s) skipped)" if issues
                                                                   else ""), tuple(issues))
        text = render(name, title, description, (draft_mapping(d, qid) for qid, d in keep.items()), header=header)
        try:
            bank = parse_bank(text, f"{name}.yaml")
        except BankLoadError as exc:
            refused = {i.question_id: i for i in exc.issues if i.question_id in keep}
            if not refused:
                raise ImportFailed("the bank was refused: " + "; ".join(i.message for i in exc.issues)) from None
            for qid, issue in refused.items():
                issues.append(ImportIssue(keep.pop(qid).line, f"{issue.message}; skipped"))
            continue
        ungradable = [q.id for q in bank.questions
                      if not q.key_points and not q.answer and not prepare_short(q.short_answers)]
        for qid in ungradable:
            issues.append(ImportIssue(keep.pop(qid).line, "no answer has a letter or digit to match "
                                      f"({', '.join(keep_short(bank, qid))}); skipped"))
        if ungradable:
            continue
        issues.sort(key=lambda i: i.line)
        return Built(text, bank, tuple(issues))


def keep_short(bank: Bank, qid: str) -> tuple[str, ...]:
    """The short answers of a question of the bank (for messages)."""
    q = bank.get(qid)
    return q.short_answers if q else ()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename: never half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
