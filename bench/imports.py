"""Imports: how long `python -m bot import` takes on a large Red trivia list and a large CSV.

For N questions (default 10,000) it writes a Red list and a CSV to a temporary folder, then times, over several
runs, the import's parse + validation + rendering (bot.bank.importers: read, build_bank, which renders the YAML and
loads it back with the bank loader to prove `check` accepts it) against a baseline measured in the same run:
reading the same file with PyYAML / the csv module alone. Prints the median of each and the ratio.

    .venv/bin/python bench/imports.py [--questions 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

import yaml

from bot.bank.importers import parse
from bot.bank.importers.writer import build_bank


def red_text(n: int) -> str:
    """A Red trivia list of n questions with two answers each (one a number)."""
    lines = ["AUTHOR: bench", "DESCRIPTION: generated"]
    for i in range(n):
        lines += [f"What is the answer to generated question number {i}?:", f"- Answer {i}", f"- {i}"]
    return "\n".join(lines) + "\n"


def csv_text(n: int) -> str:
    """A CSV of n key-point questions with three key points each."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["prompt", "answer", "key_points", "topic", "difficulty"])
    for i in range(n):
        w.writerow([f"Why does component {i} exist, and what does it do?",
                    f"Component {i} caches results, retries failures and logs every call.",
                    "caches results|retries failures|logs every call", f"topic{i % 7}", "medium"])
    return out.getvalue()


def median_time(work: Callable[[], object], runs: int) -> float:
    """Median seconds of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, text, baseline in (
            ("red", red_text(args.questions), lambda t: yaml.load(t, Loader=loader)),
            ("csv", csv_text(args.questions), lambda t: list(csv.reader(io.StringIO(t)))),
        ):
            path = Path(tmp) / f"bench.{fmt}"
            path.write_text(text, encoding="utf-8")

            def run(fmt: str = fmt, path: Path = path) -> int:
                parsed = parse(fmt, path.read_text(encoding="utf-8"), topic="bench")
                return len(build_bank("bench", "Bench", "", parsed.drafts, prior=parsed.issues).bank.questions)

            def base(path: Path = path, baseline: Callable[[str], object] = baseline) -> object:
                return baseline(path.read_text(encoding="utf-8"))

            assert run() == args.questions
            t_import = median_time(run, args.runs)
            t_base = median_time(base, args.runs)
            print(f"{fmt}: {args.questions} questions imported in {t_import * 1000:.0f} ms median of {args.runs} "
                  f"({args.questions / t_import:,.0f} questions/s); reading the file alone {t_base * 1000:.0f} ms; "
                  f"ratio {t_import / t_base:.1f}x")


if __name__ == "__main__":
    main()
