"""Benchmark of privacy in the store: the hourly retention pass and /privacy delete on a big SQLite database.

Builds N answers (default 200,000) from 2,000 members over 100 guilds across a year, gives every guild a 180-day
retention (the first pass empties the older half), then prints:
- the hourly pass (`purge_expired`, which reads only what aged since the last pass thanks to the watermark in
  ``retention.purged_until``) against the naive pass measured in the same run (every guild's aged answers
  re-checked each time), medians of several passes and their ratio;
- `erase_member` for several members (their answers, cards, appeals…, one transaction), median, against an
  all-time leaderboard page of the same guild measured in the same run.

    .venv/bin/python bench/privacy.py                  # about a minute
    .venv/bin/python bench/privacy.py --answers 20000  # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from bot.store import Store, open_store
from bot.store.db import to_us
from tests.support.bulk import BulkAnswer, BulkPost, bulk_load

NOW = datetime(2026, 5, 20, 12, tzinfo=UTC)
SPAN = timedelta(days=365)
GUILDS, MEMBERS, PER_POST = 100, 2000, 10
RETENTION_DAYS = 180
# What a pass without a watermark would run for each guild: re-check every aged answer.
NAIVE = "UPDATE answers SET response = '' WHERE guild_id = ? AND answered_at < ? AND response <> ''"


def rows(n: int, rng: random.Random) -> tuple[list[BulkPost], list[BulkAnswer]]:
    """Posts of PER_POST answers each, spread evenly over the year before NOW."""
    posts: list[BulkPost] = []
    answers: list[BulkAnswer] = []
    start = to_us(NOW - SPAN)
    step = to_us(NOW) - start
    for post_id in range(1, n // PER_POST + 1):
        at = start + step * post_id // (n // PER_POST + 1)
        guild = rng.randrange(GUILDS) + 1
        posts.append((post_id, guild, 10, "quiz", "flask", f"q{post_id % 50}", "basics", "easy", at, at, None))
        for user in rng.sample(range(1, MEMBERS + 1), PER_POST):
            answers.append((post_id, user, "an answer of a few words, as members type them", 0.7, "pass", 1, 1400,
                            at + 1_000_000))
    return posts, answers


async def timed(fn: Callable[[], Awaitable[Any]]) -> float:
    """Seconds one call takes."""
    t = time.perf_counter()
    await fn()
    return time.perf_counter() - t


async def naive_pass(store: Store, now: datetime) -> None:
    """Every guild's aged answers checked again (what the watermark avoids)."""
    cutoff = to_us(now - timedelta(days=RETENTION_DAYS))
    for guild in range(1, GUILDS + 1):
        async with store._db.transaction() as tx:
            await tx.execute(NAIVE, (guild, cutoff))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


async def main(n: int, runs: int) -> None:
    """Build, measure, print."""
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(Path(tmp) / "bench.sqlite3", synchronous="NORMAL")
        posts, answers = rows(n, rng)
        t = time.perf_counter()
        await bulk_load(store, posts, answers)
        print(f"loaded {len(answers):,} answers in {time.perf_counter() - t:.1f} s "
              f"({GUILDS} guilds, {MEMBERS:,} members)")

        t = time.perf_counter()
        emptied = 0
        for guild in range(1, GUILDS + 1):
            emptied += (await store.set_retention(guild, RETENTION_DAYS, now=NOW)).answers
        print(f"/settings retention_days {RETENTION_DAYS} in every guild: {emptied:,} older texts emptied in "
              f"{time.perf_counter() - t:.2f} s")

        watermark, naive = [], []
        for hour in range(1, runs + 1):
            watermark.append(await timed(lambda h=hour: store.purge_expired(NOW + timedelta(hours=h))))
            naive.append(await timed(lambda h=hour: naive_pass(store, NOW + timedelta(hours=h))))
        w, b = statistics.median(watermark), statistics.median(naive)
        print(f"hourly retention pass, {GUILDS} guilds, median of {runs}:")
        print(f"  watermark (purge_expired) {ms(w)}")
        print(f"  naive re-check            {ms(b)}   ratio naive / watermark = {b / w:.1f}x")

        members = rng.sample(range(1, MEMBERS + 1), runs)
        erase, board = [], []
        for user in members:
            guild = rng.randrange(GUILDS) + 1
            board.append(await timed(lambda g=guild: store.leaderboard(g, "all", now=NOW, tz="UTC")))
            erase.append(await timed(lambda g=guild, u=user: store.erase_member(g, u)))
        e, lb = statistics.median(erase), statistics.median(board)
        print(f"/privacy delete (erase_member), median of {runs} members:")
        print(f"  erase_member              {ms(e)}")
        print(f"  leaderboard page (all)    {ms(lb)}   ratio erase / leaderboard = {e / lb:.1f}x")
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(main(args.answers, args.runs))
