"""``python -m bot import FILE --format red|csv|anki --name BANK [--out PATH]``: write a bank YAML that passes
``check``; skipped rows are listed by line on stderr; the output file is replaced atomically or not at all."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TextIO

from bot.bank.importers import RESERVED_NAMES, ImportFailed, parse, read_text
from bot.bank.importers.progress import ProgressBar
from bot.bank.importers.writer import build_bank, check_name, write_atomic

logger = logging.getLogger(__name__)


def run_import(file: Path, fmt: str, name: str, out: Path, *, title: str | None, topic: str | None, force: bool,
               stdout: TextIO, stderr: TextIO) -> int:
    """Import one file; 0 when the bank was written (rows may have been skipped), 1 when nothing was written."""
    try:
        check_name(name)
        if name in RESERVED_NAMES:
            raise ImportFailed(f"'{name}' is reserved for the questions a server adds with /question add; "
                               "choose another --name")
        if out.exists() and not force:
            raise ImportFailed(f"{out} already exists; pass --force to replace it")
        text = read_text(file)
        bar = ProgressBar(stderr, f"reading {file.name}")
        try:
            parsed = parse(fmt, text, topic=topic or name, progress=bar)
        finally:
            bar.close()
        if bar.enabled:
            print(f"checking {len(parsed.drafts)} question(s) with the bank rules…", file=stderr, flush=True)
        header = f"Imported with `python -m bot import {file.name} --format {fmt} --name {name}`."
        built = build_bank(name, title or parsed.title or name.replace("-", " ").replace("_", " ").title(),
                           parsed.description, parsed.drafts, header=header, prior=parsed.issues)
        write_atomic(out, built.text)
    except ImportFailed as exc:
        for issue in exc.issues:
            print(f"{file}:{issue}", file=stderr)
        print(f"viva import: {file}: {exc}; nothing was written", file=stderr)
        return 1
    except OSError as exc:
        print(f"viva import: cannot write {out}: {exc.strerror or exc}; nothing was written", file=stderr)
        return 1
    issues = built.issues
    for issue in issues:
        print(f"{file}:{issue}", file=stderr)
    for note in parsed.notes:
        print(f"{file}: note: {note}", file=stderr)
    kinds = sum(1 for q in built.bank.questions if q.short_answers)
    print(f"Imported {len(built.bank.questions)} question(s) into {out} (bank '{name}', {kinds} short-answer)"
          + (f"; {len(issues)} row(s) skipped or trimmed, listed above" if issues else ""), file=stdout)
    return 0
