"""Importers: Red-DiscordBot trivia lists, CSV and Anki plain-text exports become Viva bank YAML.

Each format module turns a file's text into `Draft` questions (one per row) and `ImportIssue`s for the rows it
could not read; `writer.build_bank` then validates the drafts with the bank loader's own rules, drops (and
reports) the ones it refuses, and renders YAML that ``python -m bot check`` accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from csv import Error as CsvError  # not `import csv`: the submodule .csv would shadow it here
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("red", "csv", "anki")
RESERVED_NAMES = frozenset({"custom"})  # the per-server bank of questions added with /question add

Progress = Callable[[int, int], None]  # (done, total) in the format's own unit (lines or entries)


@dataclass(slots=True)
class Draft:
    """One question read from a source row, before validation."""

    line: int
    prompt: str
    answer: str = ""
    key_points: list[str] = field(default_factory=list)
    short_answers: list[str] = field(default_factory=list)
    topic: str = ""
    difficulty: str = ""


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """A row that was skipped (or a note about the whole file), with its line in the source file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(slots=True)
class Parsed:
    """What a format module read: drafts, skipped rows, and bank metadata found in the file."""

    drafts: list[Draft] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    title: str = ""
    description: str = ""
    notes: list[str] = field(default_factory=list)


class ImportFailed(Exception):
    """The whole file cannot be imported (unreadable, wrong format, no usable rows); nothing was written."""

    def __init__(self, message: str, issues: tuple[ImportIssue, ...] = ()) -> None:
        super().__init__(message)
        self.issues = issues


def line_count(text: str) -> int:
    """Lines in the text (a final line break does not start another line)."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def csv_rows(reader: Iterator[list[str]], first_line: int, total: int, progress: Progress | None,
             issues: list[ImportIssue], what: str) -> Iterator[tuple[int, list[str]]]:
    """(file line, row) for each row of a csv reader whose first row is on ``first_line``; a row the csv module
    cannot read is reported (``what`` says why) and ends the file; progress is reported as rows are read."""
    offset = first_line - 1
    while True:
        line = offset + reader.line_num + 1  # type: ignore[attr-defined]
        try:
            row = next(reader)
        except StopIteration:
            return
        except CsvError as exc:
            issues.append(ImportIssue(line, f"{what} ({exc}); the rest of the file was not read"))
            return
        if progress is not None:
            progress(offset + reader.line_num, total)  # type: ignore[attr-defined]
        yield line, row


def read_text(path: Path) -> str:
    """The file's text as UTF-8 (a byte-order mark is dropped); ImportFailed with a clear reason otherwise."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again") from None
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read the file: {exc.strerror or exc}") from None


def parse(fmt: str, text: str, *, topic: str, progress: Progress | None = None) -> Parsed:
    """Read ``text`` in one of `FORMATS` into drafts; ImportFailed when the file is not that format at all."""
    if fmt == "red":
        from bot.bank.importers.red import parse_red

        return parse_red(text, topic=topic, progress=progress)
    if fmt == "csv":
        from bot.bank.importers.csv import parse_csv

        return parse_csv(text, topic=topic, progress=progress)
    if fmt == "anki":
        from bot.bank.importers.anki import parse_anki

        return parse_anki(text, topic=topic, progress=progress)
    raise ImportFailed(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
