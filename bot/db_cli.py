"""``python -m bot db migrate [DB]`` and ``python -m bot db copy SRC DST [--force]``: database chores without
starting the bot. DB, SRC and DST are SQLite paths, ``sqlite:///path`` or ``postgresql://user@host/db`` URLs."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any, TextIO

from bot.config import ConfigError, load_settings

logger = logging.getLogger(__name__)


def add_db_parser(sub: Any) -> None:
    """Add the ``db`` command and its ``migrate`` and ``copy`` sub-commands to the CLI's sub-parsers."""
    db = sub.add_parser("db", help="database chores: apply migrations, copy a database (SQLite <-> PostgreSQL)")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate = actions.add_parser("migrate", help="apply pending migrations, then exit")
    migrate.add_argument("database", nargs="?", help="a SQLite path or a postgresql:// URL (default: VIVA_DB)")
    copy = actions.add_parser("copy", help="copy every row of SRC into DST and verify the row counts per table")
    copy.add_argument("source", help="the database to read (a SQLite path or a postgresql:// URL)")
    copy.add_argument("destination", help="the database to fill; it must be empty unless --force")
    copy.add_argument("--force", action="store_true", help="empty a destination that already holds rows first")


def cmd_db(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``db migrate`` or ``db copy``; 0 on success, 1 when the store refused, 2 for a configuration error."""
    from bot.store import StoreError

    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=stderr)
    try:
        if args.db_command == "migrate":
            target = args.database or str(load_settings(require_token=False).db_path)
            version, path = asyncio.run(_migrate(target))
            print(f"{path}: schema version {version}", file=stdout)
            return 0
        return _copy(args.source, args.destination, args.force, stdout, stderr)
    except ConfigError as exc:
        print(f"viva: {exc}", file=stderr)
        return 2
    except (StoreError, OSError) as exc:
        print(f"viva: {exc}", file=stderr)
        return 1


async def _migrate(target: str) -> tuple[int, str]:
    from bot.store import open_store

    async with await open_store(target) as store:
        return store.schema_version, store.path


def _copy(source: str, destination: str, force: bool, stdout: TextIO, stderr: TextIO) -> int:
    from bot.store.copy import copy_database

    result = asyncio.run(copy_database(source, destination, force=force))
    width = max((len(name) for name in result.counts), default=5)
    print(f"{'table':<{width}}  {'source':>10}  {'copied':>10}", file=stdout)
    for name, (src, dst) in result.counts.items():
        mark = "" if src == dst else "  MISMATCH"
        print(f"{name:<{width}}  {src:>10,}  {dst:>10,}{mark}", file=stdout)
    if not result.ok:
        print(f"viva: row counts differ between {result.source} and {result.destination}", file=stderr)
        return 1
    total = sum(src for src, _ in result.counts.values())
    print(f"OK: {total:,} rows in {len(result.counts)} tables copied from {result.source} to {result.destination}",
          file=stdout)
    return 0
