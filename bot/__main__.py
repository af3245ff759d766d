"""Command line: ``python -m bot [run | check | grade | practice | import | db]`` (``viva`` is the same)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bot.bank.loader import load_banks
from bot.bank.models import DIFFICULTIES, Bank
from bot.config import ConfigError, load_settings, setup_logging
from bot.db_cli import add_db_parser, cmd_db

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="viva", description="Viva: mock technical interviews on Discord.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="start the bot (the default); needs DISCORD_TOKEN")
    run.add_argument("--shards", metavar="IDS",
                     help="run only these shards, e.g. 0-3 or 0,2,4-6 (needs --shard-count); other processes run "
                          "the rest on the same PostgreSQL database")
    run.add_argument("--shard-count", type=int, metavar="N",
                     help="total shards across all processes; without --shards this process runs all N")
    check = sub.add_parser("check", help="validate question banks and print a summary")
    check.add_argument("paths", nargs="*", type=Path, help="bank files or directories (default: VIVA_BANKS)")
    check.add_argument("--strict", action="store_true", help="lint warnings fail the check too")
    grade = sub.add_parser("grade", help="grade JSON lines (stdin or FILE) and print one JSON line each")
    grade.add_argument("file", nargs="?", help="a .jsonl file; stdin when omitted")
    grade.add_argument("--explain", action="store_true", help="print, per key point, why it counted (not JSON)")
    practice = sub.add_parser("practice", help="a mock interview in the terminal (no Discord needed)")
    practice.add_argument("--bank", help="bank name (default: the only bank, or flask)")
    practice.add_argument("--topic", help="only questions on this topic")
    practice.add_argument("--difficulty", choices=DIFFICULTIES, help="only questions of this difficulty")
    practice.add_argument("--count", type=int, default=3, help="how many questions (default 3)")
    practice.add_argument("--seed", type=int, help="random seed, for a repeatable set of questions")
    imp = sub.add_parser("import", help="turn a Red trivia list, a CSV or an Anki text export into a bank YAML")
    imp.add_argument("file", type=Path, help="the file to import")
    imp.add_argument("--format", required=True, choices=("red", "csv", "anki"), help="the file's format")
    imp.add_argument("--name", required=True, help="the new bank's name (lowercase letters, digits, - or _)")
    imp.add_argument("--out", type=Path, help="where to write the bank (default: VIVA_BANKS/NAME.yaml)")
    imp.add_argument("--title", help="the bank's title (default: from the name)")
    imp.add_argument("--topic", help="topic of questions that name none (default: the bank name)")
    imp.add_argument("--force", action="store_true", help="replace the output file if it exists")
    add_db_parser(sub)
    return parser


def summarize(bank: Bank) -> list[str]:
    """Human-readable summary lines for one bank: questions per topic and difficulty, sources cited."""
    lines = [f"{bank.name}: {len(bank.questions)} questions — {bank.title} ({bank.path})"]
    by_topic = Counter(q.topic for q in bank.questions)
    by_diff = Counter(q.difficulty for q in bank.questions)
    lines.append("  topics: " + ", ".join(f"{t} {n}" for t, n in sorted(by_topic.items())))
    lines.append("  difficulty: " + ", ".join(f"{d} {by_diff[d]}" for d in DIFFICULTIES if by_diff[d]))
    cited: dict[str, int] = Counter(ref.split("#", 1)[0] for q in bank.questions for ref in q.source)
    if cited:
        lines.append("  sources cited: " + ", ".join(f"{k} {n}" for k, n in sorted(cited.items())))
    derived = sum(1 for q in bank.questions if not q.key_points and not q.short_answers)
    if derived:
        lines.append(f"  {derived} questions grade against points derived from the model answer")
    return lines


def cmd_check(paths: Sequence[Path], strict: bool = False) -> int:
    """Validate banks: print a summary and return 0, or print every error and return 1."""
    if not paths:
        try:
            paths = [load_settings(require_token=False).banks_dir]
        except ConfigError as exc:
            print(f"viva: {exc}", file=sys.stderr)
            return 2
    result = load_banks(paths)
    for bank in result.banks.values():
        print("\n".join(summarize(bank)))
    total = sum(len(b.questions) for b in result.banks.values())
    for error in result.errors:
        print(str(error), file=sys.stderr)
    issues = sum(len(e.issues) for e in result.errors)
    if result.errors:
        print(f"FAILED: {issues} problem(s) in {len(result.errors)} bank file(s)", file=sys.stderr)
        return 1
    if not result.banks:
        print(f"FAILED: no *.yaml bank found in {', '.join(map(str, paths))}", file=sys.stderr)
        return 1
    from bot.bank.lint import lint_bank

    findings = [issue for bank in result.banks.values() for issue in lint_bank(bank, strict=strict)]
    for issue in findings:
        print(str(issue), file=sys.stderr)
    errors = sum(1 for issue in findings if issue.level == "error")
    warnings = len(findings) - errors
    if errors or (strict and warnings):
        mode = " (--strict)" if strict else ""
        print(f"FAILED: {errors} lint error(s), {warnings} warning(s){mode}", file=sys.stderr)
        return 1
    note = f" ({warnings} lint warning(s); --strict fails on them)" if warnings else ""
    print(f"OK: {len(result.banks)} bank(s), {total} questions{note}")
    return 0


def cmd_grade(file: str | None, explain: bool = False) -> int:
    """Grade JSON lines with the grading engine (``--explain``: a readable account of each grade)."""
    from bot.grading.cli import run

    return run(file, sys.stdin, sys.stdout, sys.stderr, explain=explain)


def cmd_practice(args: argparse.Namespace) -> int:
    """Run a terminal mock interview on the configured banks."""
    import random

    from bot.bank.catalog import Catalog
    from bot.errors import UserError
    from bot.practice import run_practice

    try:
        banks_dir = load_settings(require_token=False).banks_dir
    except ConfigError as exc:
        print(f"viva: {exc}", file=sys.stderr)
        return 2
    result = load_banks([banks_dir])
    for error in result.errors:
        print(str(error), file=sys.stderr)
    try:
        return run_practice(Catalog(result.banks), bank=args.bank, topic=args.topic, difficulty=args.difficulty,
                            count=max(1, args.count), rng=random.Random(args.seed), stdin=sys.stdin,
                            stdout=sys.stdout)
    except UserError as exc:
        print(f"viva: {exc}", file=sys.stderr)
        return 2


def cmd_import(args: argparse.Namespace) -> int:
    """Import a Red trivia list, CSV or Anki export as a bank YAML file."""
    from bot.bank.importers.cli import run_import

    out = args.out
    if out is None:
        try:
            out = load_settings(require_token=False).banks_dir / f"{args.name}.yaml"
        except ConfigError as exc:
            print(f"viva: {exc}", file=sys.stderr)
            return 2
    return run_import(args.file, args.format, args.name, out, title=args.title, topic=args.topic, force=args.force,
                      stdout=sys.stdout, stderr=sys.stderr)


def cmd_run(shards: str | None = None, shard_count: int | None = None) -> int:
    """Start the bot until interrupted (``--shards``/``--shard-count``: only some of Discord's shards)."""
    from bot.sharding import ShardPlan

    try:
        plan = ShardPlan.from_args(shards, shard_count)
    except ValueError as exc:
        print(f"viva: {exc}", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"viva: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.discord_token.get_secret_value(), settings.log_format)
    if settings.metrics_port is not None:
        from bot.observability import start_metrics_server

        start_metrics_server(settings.metrics_port)
        logger.info("Prometheus metrics on http://127.0.0.1:%d/metrics", settings.metrics_port)
    from bot.app import run_bot

    if plan.shard_count is not None:
        logger.info("running shards %s of %d", ",".join(map(str, plan.shard_ids)) if plan.shard_ids else "all",
                    plan.shard_count)
    return run_bot(settings, plan)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bot`` and the ``viva`` script."""
    args = _parser().parse_args(argv)
    if args.command == "check":
        return cmd_check(args.paths, args.strict)
    if args.command == "grade":
        return cmd_grade(args.file, args.explain)
    if args.command == "practice":
        return cmd_practice(args)
    if args.command == "import":
        return cmd_import(args)
    if args.command == "db":
        return cmd_db(args)
    return cmd_run(getattr(args, "shards", None), getattr(args, "shard_count", None))


if __name__ == "__main__":
    sys.exit(main())
