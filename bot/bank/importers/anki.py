"""Anki's plain-text export ("Notes in Plain Text") → short-answer or key-point questions.

Header lines start with ``#``: ``#separator:tab`` (or comma, semicolon, space, pipe, colon, or the character
itself), ``#html:true|false`` and ``#guid column:N``, ``#notetype column:N``, ``#deck column:N``,
``#tags column:N`` naming metadata columns, which are dropped. Of the remaining fields the first is the prompt and
the second the answer; the deck (its last ``::`` part) is the topic. With ``#html:true`` (Anki's default) tags
are stripped, line breaks (``<br>``, ``<div>``, ``<li>``) kept and entities decoded; sounds ``[sound:…]`` and
images are dropped; cloze ``{{c1::text}}`` keeps its text. A short one-line answer (at most `SHORT_WORDS`
words) becomes a short-answer question; a longer one a key-point question, its lines the key points when it has
several, else points derived from the answer.
"""

from __future__ import annotations

import csv
import html
import io
import re

from bot.bank.importers import Draft, ImportFailed, ImportIssue, Parsed, Progress, csv_rows, line_count

SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
META_COLUMNS = ("guid", "notetype", "deck", "tags")
SHORT_WORDS = 4
SHORT_CHARS = 60

_BREAK = re.compile(r"<\s*(?:br|/div|/p|/li|/h[1-6]|/tr)\b[^>]*>|<\s*li\b[^>]*>", re.IGNORECASE)
_DROP_BLOCK = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", re.DOTALL)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BULLET = re.compile(r"^(?:[-*•·]|\d{1,2}[.)])\s+")


def strip_html(text: str) -> str:
    """Text of an Anki field: tags removed, breaks kept as newlines, entities decoded, media dropped."""
    text = _DROP_BLOCK.sub("", text)
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return _tidy(text)


def _tidy(text: str) -> str:
    text = _SOUND.sub("", text)
    text = _CLOZE.sub(r"\1", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _separator(value: str) -> str:
    v = value.strip()
    if v.lower() in SEPARATORS:
        return SEPARATORS[v.lower()]
    if len(value) == 1:
        return value
    raise ImportFailed(f"#separator:{value} is not one of {', '.join(SEPARATORS)} or a single character")


def parse_anki(text: str, *, topic: str, progress: Progress | None = None) -> Parsed:
    """Read an Anki plain-text export."""
    out = Parsed()
    lines = text.splitlines(keepends=True)
    separator, allow_html = "\t", True
    meta: set[int] = set()
    deck: int | None = None
    body_start = 0
    for i, raw in enumerate(lines):
        if not raw.startswith("#"):
            break
        body_start = i + 1
        key, _, value = raw[1:].rstrip("\r\n").partition(":")
        key = key.strip().lower()
        if key == "separator":
            separator = _separator(value)
        elif key == "html":
            allow_html = value.strip().lower() == "true"
        elif key.endswith(" column") and key.split()[0] in META_COLUMNS:
            try:
                meta.add(int(value) - 1)
            except ValueError:
                raise ImportFailed(f"line {i + 1}: #{key} must be a column number, got '{value.strip()}'") from None
            if key.startswith("deck"):
                deck = int(value) - 1
    total = line_count(text)
    reader = csv.reader(io.StringIO("".join(lines[body_start:]), newline=""), delimiter=separator)
    clean = strip_html if allow_html else _tidy
    for line, row in csv_rows(reader, body_start + 1, total, progress, out.issues, "cannot read the row"):
        fields = [clean(f) for n, f in enumerate(row) if n not in meta]
        if not any(fields):
            continue
        if len(fields) < 2:
            out.issues.append(ImportIssue(line, "only one field: a note needs a front (prompt) and a back (answer); "
                                                "check #separator; skipped"))
            continue
        prompt, back = fields[0], fields[1]
        if not prompt:
            out.issues.append(ImportIssue(line, "the front is empty once HTML, images and sounds are removed; skipped"))
            continue
        if not back:
            out.issues.append(ImportIssue(line, "the back is empty once HTML, images and sounds are removed; skipped"))
            continue
        deck_name = row[deck].split("::")[-1].strip().lower() if deck is not None and deck < len(row) else ""
        out.drafts.append(_draft(line, prompt, back, deck_name or topic))
    if progress is not None:
        progress(total, total)
    return out


def _draft(line: int, prompt: str, back: str, topic: str) -> Draft:
    back_lines = back.splitlines()
    if len(back_lines) == 1 and len(back.split()) <= SHORT_WORDS and len(back) <= SHORT_CHARS:
        return Draft(line=line, prompt=prompt, answer=back, short_answers=[back.rstrip(".")], topic=topic)
    points = [_BULLET.sub("", ln).strip() for ln in back_lines] if len(back_lines) > 1 else []
    points = [p for p in points if p]
    return Draft(line=line, prompt=prompt, answer=back, key_points=points if len(points) > 1 else [], topic=topic)
