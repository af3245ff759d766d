"""SQLite and PostgreSQL side by side: the same store code, the same data, measured in the same run.

Builds N answers (default 200,000; --answers 1000000 for the full size) in a SQLite file with bench/store.py's
generator, copies them into a PostgreSQL server this script starts on 127.0.0.1 (`python -m bot db copy`'s code,
timed), then on each backend prints:
- record_answer with 1,000 answers arriving at once (group commit), median answers/s over several rounds;
- p50/p99 of the leaderboards, ranks and member stats;
and the PostgreSQL/SQLite ratio of each. Both are durable: SQLite synchronous=FULL, PostgreSQL fsync on with
synchronous_commit on. Needs a PostgreSQL server binary (see tests/support/postgres.py).

    .venv/bin/python bench/backends.py                   # ~200k answers
    .venv/bin/python bench/backends.py --answers 1000000 # the 1M comparison (several minutes)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

import asyncpg

from bench.store import NOW, QUERIES, RESPONSE, STATS, Dataset, Query, percentile, timed
from bot.store import Store, open_store
from bot.store.copy import copy_stores
from tests.support import postgres
from tests.support.bulk import bulk_load


async def group_commit(store: Store, data: Dataset, rounds: int, first_user: int) -> list[float]:
    """Answers per second of `rounds` waves of 1,000 concurrent record_answer calls, one new post each."""
    rates = []
    for r in range(rounds):
        post = await store.create_post(guild_id=r % data.guilds, channel_id=3, kind="quiz", bank="flask",
                                       question_id="bench", topic="basics", difficulty="medium",
                                       posted_at=NOW - timedelta(minutes=5))
        users = range(first_user + r * 1000, first_user + (r + 1) * 1000)
        t0 = time.perf_counter()
        await asyncio.gather(*(store.record_answer(post_id=post.id, user_id=u, response=RESPONSE, score=0.7,
                                                   verdict="pass", passed=True, points=1.05, hits=["small core"],
                                                   misses=["extensions"], answered_at=NOW - timedelta(minutes=1))
                               for u in users))
        rates.append(1000 / (time.perf_counter() - t0))
    return rates


async def query_times(store: Store, data: Dataset, query: Query, samples: int) -> list[float]:
    """Durations of `samples` runs of one query through the Store API."""
    return await timed(samples, lambda rng: query.via_store(store, data, rng), seed=11)


def row(label: str, lite: list[float], pg: list[float]) -> str:
    """One line of the comparison table (milliseconds)."""
    a, b = percentile(lite, 0.5) * 1000, percentile(pg, 0.5) * 1000
    return (f"{label:<30} {a:8.2f} {percentile(lite, 0.99) * 1000:8.2f}   {b:8.2f} {percentile(pg, 0.99) * 1000:8.2f}"
            f"   x{b / a:5.1f}")


async def run(args: argparse.Namespace, tmp: Path, server: postgres.PostgresServer) -> None:
    """Build, copy and measure."""
    data = Dataset(args.answers, args.guilds, args.members, args.seed)
    lite = await open_store(tmp / "bench.sqlite3")
    t0 = time.perf_counter()
    loaded = await bulk_load(lite, data.posts, data.answers())
    print(f"SQLite: bulk-loaded {loaded:,} answers in {time.perf_counter() - t0:.1f} s")
    admin = await asyncpg.connect(server.url())
    await admin.execute("CREATE DATABASE bench")
    await admin.close()
    pg = await open_store(server.url("bench"))
    t0 = time.perf_counter()
    copied = await copy_stores(lite, pg)
    took = time.perf_counter() - t0
    rows = sum(b for _, b in copied.counts.values())
    print(f"PostgreSQL: db copy of {rows:,} rows in {took:.1f} s ({rows / took:,.0f} rows/s), counts equal: "
          f"{copied.ok}")
    async with pg._db.transaction() as tx:
        await tx.execute("ANALYZE")  # fresh statistics, as autovacuum would give a live server
    try:
        rates = {name: await group_commit(store, data, args.rounds, 60_000_000)
                 for name, store in (("SQLite", lite), ("PostgreSQL", pg))}
        print(f"\nrecord_answer, 1,000 at once (median of {args.rounds} rounds, answers/s):")
        for name, values in rates.items():
            print(f"  {name:<11} {statistics.median(values):>9,.0f}   ({', '.join(f'{v:,.0f}' for v in values)})")
        ratio = statistics.median(rates["PostgreSQL"]) / statistics.median(rates["SQLite"])
        print(f"  PostgreSQL / SQLite: x{ratio:.2f}")
        print(f"\nqueries at {args.answers:,} answers, {args.samples} runs each (ms)")
        print(f"{'query':<30} {'SQLite p50':>8} {'p99':>8}   {'PG p50':>8} {'p99':>8}   PG/SQLite p50")
        for query in [*QUERIES, STATS]:
            a = await query_times(lite, data, query, args.samples)
            b = await query_times(pg, data, query, args.samples)
            print(row(query.label, a, b))
    finally:
        await lite.close()
        await pg.close()


def main() -> None:
    """Parse the flags, start PostgreSQL, run, stop it."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--guilds", type=int, default=200)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=200, help="timed runs per query and backend")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of 1,000 concurrent record_answer calls")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    bin_dir = postgres.find_bin()
    if bin_dir is None:
        sys.exit("no PostgreSQL server binary found (install PostgreSQL or set VIVA_PG_BIN)")
    random.seed(args.seed)
    server = postgres.start(bin_dir, fsync=True)
    try:
        with tempfile.TemporaryDirectory(prefix="viva-bench-") as tmp:
            asyncio.run(run(args, Path(tmp), server))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
