"""CSV with a header ``prompt,answer[,key_points,topic,difficulty]`` → key-point questions.

Key points are separated by ``|`` in their cell; without any, the points are derived from the model answer when
the bank is loaded. Columns may come in any order; a row with more cells than the header, or one the bank loader
refuses (an unknown difficulty, an empty prompt…), is reported by its line and skipped.
"""

from __future__ import annotations

import csv
import difflib
import io

from bot.bank.importers import Draft, ImportFailed, ImportIssue, Parsed, Progress, csv_rows, line_count

COLUMNS = ("prompt", "answer", "key_points", "topic", "difficulty")
REQUIRED = ("prompt", "answer")
POINT_SEPARATOR = "|"


def _header(row: list[str]) -> dict[str, int]:
    names = [c.strip().lower().replace(" ", "_") for c in row]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(COLUMNS)})"
            raise ImportFailed(f"line 1: unknown column '{row[i].strip()}'{hint}")
        if name in index:
            raise ImportFailed(f"line 1: column '{name}' appears twice")
        index[name] = i
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise ImportFailed(f"line 1: the header must name the columns {', '.join(missing)} "
                           f"(expected prompt,answer[,key_points,topic,difficulty])")
    return index


def parse_csv(text: str, *, topic: str, progress: Progress | None = None) -> Parsed:
    """Read CSV text (comma-separated, double quotes around cells holding commas or line breaks)."""
    total = line_count(text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out = Parsed()
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise ImportFailed(f"line 1: not valid CSV: {exc}") from None
    if not first or not any(c.strip() for c in first):
        raise ImportFailed("the file is empty; the first line must be the header prompt,answer[,key_points,...]")
    index = _header(first)
    for line, row in csv_rows(reader, 1, total, progress, out.issues, "not valid CSV"):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(first):
            out.issues.append(ImportIssue(line, f"{len(row)} cells but the header has {len(first)} "
                                                "(quote a cell that holds a comma); skipped"))
            continue

        def cell(name: str, row: list[str] = row) -> str:
            i = index.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        prompt, answer = cell("prompt"), cell("answer")
        if not prompt:
            out.issues.append(ImportIssue(line, "the prompt is empty; skipped"))
            continue
        points = [p.strip() for p in cell("key_points").split(POINT_SEPARATOR) if p.strip()]
        if not answer and not points:
            out.issues.append(ImportIssue(line, "no answer and no key points: nothing to grade against; skipped"))
            continue
        out.drafts.append(Draft(line=line, prompt=prompt, answer=answer, key_points=points,
                                topic=cell("topic") or topic, difficulty=cell("difficulty").lower()))
    if progress is not None:
        progress(total, total)
    return out
