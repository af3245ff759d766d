"""Benchmark of the store: bulk load, group-commit throughput, leaderboard and rank latency vs. no indexes.

Builds a database of N answers (default 1,000,000) from 20,000 members over 200 guilds across a year, then prints:
- the bulk load time;
- record_answer with 1,000 answers arriving at once (group commit) against the same answers recorded one at a
  time (one COMMIT each), both measured in this run;
- p50/p99 of every leaderboard period with and without a topic filter and of a member's rank, against the same
  SQL after dropping the leaderboard indexes (ratio of medians).

    .venv/bin/python bench/store.py                 # the full run (a few minutes)
    .venv/bin/python bench/store.py --answers 50000 # a quick run

This is SQLite against itself without indexes. SQLite and PostgreSQL side by side on the same data (group-commit
throughput, leaderboard p50/p99, PostgreSQL started like the tests do) is bench/backends.py
(``--answers 1000000`` for 1M answers); the daily scheduler at 10,000 servers is bench/scale.py.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from bot.store import Store, leaderboard, open_store
from bot.store.db import to_us
from bot.store.leaderboard import period_bounds
from tests.support.bulk import BulkAnswer, BulkPost, bulk_load, drop_answer_indexes, raw_fetchall
from tests.support.store_probe import answer_batches

TZ = "Europe/Berlin"
NOW = datetime(2026, 5, 20, 12, tzinfo=UTC)  # a Wednesday: the week and the month both hold data
SPAN = timedelta(days=365)
BANK_TOPICS = {
    "flask": ["basics", "routing", "templates"],
    "django": ["orm", "views", "admin"],
    "fastapi": ["async", "pydantic"],
}
TOPICS = [(bank, topic) for bank, topics in BANK_TOPICS.items() for topic in topics]
DIFFICULTY_WEIGHT = {"easy": 1.0, "medium": 1.5, "hard": 2.0}
ANSWERS_PER_POST = 10
RESPONSE = "It keeps the core small and adds databases, forms and auth through extensions when needed."
LEADERBOARD_INDEXES = (
    "ix_answers_board",
    "ix_answers_board_bank",
    "ix_answers_board_topic",
    "ix_answers_member",
    "ix_answers_member_daily",
)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def file_size(path: Path) -> int:
    """Bytes in the file, 0 if it does not exist."""
    return path.stat().st_size if path.exists() else 0


def ms(seconds: float) -> str:
    """Seconds as milliseconds with two decimals."""
    return f"{seconds * 1000:8.2f}"


# --- data ------------------------------------------------------------------------------------------------


class Dataset:
    """Deterministic synthetic guilds, members, posts and answers."""

    def __init__(self, answers: int, guilds: int, members: int, seed: int) -> None:
        self.n_answers = answers
        self.guilds = guilds
        self.per_guild_members = max(ANSWERS_PER_POST, members // guilds)
        self.seed = seed
        self.start = NOW - SPAN
        self.posts: list[BulkPost] = []
        self.post_answers: list[int] = []  # answers planned per post, parallel to self.posts
        self._plan()

    def members_of(self, guild: int) -> range:
        """User ids of a guild's members (distinct across guilds)."""
        first = 1_000_000 + guild * self.per_guild_members
        return range(first, first + self.per_guild_members)

    def _plan(self) -> None:
        rng = random.Random(self.seed)
        span_us = to_us(NOW - timedelta(hours=3)) - to_us(self.start)
        start_us = to_us(self.start)
        post_id = 0
        for guild in range(self.guilds):
            quota = self.n_answers // self.guilds + (1 if guild < self.n_answers % self.guilds else 0)
            n_posts = max(1, math.ceil(quota / ANSWERS_PER_POST))
            n_daily = min(365, n_posts // 3)
            for i in range(n_posts):
                post_id += 1
                bank, topic = TOPICS[rng.randrange(len(TOPICS))]
                difficulty = ("easy", "medium", "hard")[rng.randrange(3)]
                if i < n_daily:
                    day = self.start.date() + timedelta(days=i * 365 // n_daily)
                    posted = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
                    row: BulkPost = (
                        post_id,
                        guild,
                        1,
                        "daily",
                        bank,
                        f"q{i}",
                        topic,
                        difficulty,
                        to_us(posted),
                        to_us(posted + timedelta(hours=12)),
                        day.isoformat(),
                    )
                else:
                    at = start_us + rng.randrange(span_us)
                    row = (post_id, guild, 2, "quiz", bank, f"q{i}", topic, difficulty, at, at + 60_000_000, None)
                self.posts.append(row)
                share = min(ANSWERS_PER_POST, quota - i * ANSWERS_PER_POST)
                self.post_answers.append(max(0, share))

    def answers(self) -> Iterator[BulkAnswer]:
        """Every answer, generated lazily (consumed by executemany on the database thread)."""
        rng = random.Random(self.seed + 1)
        for post, count in zip(self.posts, self.post_answers, strict=True):
            post_id, guild, posted_at, difficulty = post[0], post[1], post[8], post[7]
            for user in rng.sample(self.members_of(guild), count):
                score = rng.random()
                points = round(score * DIFFICULTY_WEIGHT[difficulty] * 1000)
                verdict = "pass" if score >= 0.6 else "fail"
                at = posted_at + rng.randrange(7_200_000_000)
                yield (post_id, user, RESPONSE, score, verdict, int(score >= 0.6), points, at)


# --- measurements ----------------------------------------------------------------------------------------


async def timed(samples: int, call: Callable[[random.Random], Awaitable[Any]], seed: int) -> list[float]:
    """Run `call` `samples` times (after 3 warm-ups); return the durations in seconds."""
    rng = random.Random(seed)
    for _ in range(3):
        await call(rng)
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        await call(rng)
        out.append(time.perf_counter() - t0)
    return out


def strip_index_hints(sql: str) -> str:
    """The same query without INDEXED BY (which would fail once the index is dropped)."""
    return re.sub(r"\s+INDEXED BY \w+", "", sql)


class Query:
    """One measured query: the Store call and the equivalent raw SQL for the baseline."""

    def __init__(self, label: str, kind: str, period: str, topic: bool) -> None:
        self.label, self.kind, self.period, self.topic = label, kind, period, topic

    def pick(self, data: Dataset, rng: random.Random) -> tuple[int, int, str | None]:
        """A random guild, one of its members and (if filtered) a topic."""
        guild = rng.randrange(data.guilds)
        user = rng.choice(data.members_of(guild))
        topic = TOPICS[rng.randrange(len(TOPICS))][1] if self.topic else None
        return guild, user, topic

    async def via_store(self, store: Store, data: Dataset, rng: random.Random) -> Any:
        """The query through the Store API (what the bot runs)."""
        guild, user, topic = self.pick(data, rng)
        if self.kind == "board":
            return await store.leaderboard(guild, self.period, now=NOW, tz=TZ, topic=topic, limit=10)
        if self.kind == "rank":
            return await store.member_rank(guild, user, self.period, now=NOW, tz=TZ, topic=topic)
        return await store.member_stats(guild, user, now=NOW, tz=TZ)

    async def raw(self, store: Store, data: Dataset, rng: random.Random) -> Any:
        """The same SQL without index hints, for the no-index baseline."""
        guild, user, topic = self.pick(data, rng)
        start, end = period_bounds(self.period, NOW, TZ)
        key = leaderboard.sql_key(self.period, None, topic)
        params = {"guild": guild, "start": start, "end": end, "bank": None, "topic": topic}
        if self.kind == "board":
            sql = leaderboard.BOARD_SQL[key]
            params |= {"limit": 10, "offset": 0}
        else:
            sql = leaderboard.RANK_SQL[key]
            params |= {"user": user, "nb": 1}
        return await raw_fetchall(store, strip_index_hints(sql), params)


QUERIES = [
    Query("leaderboard week", "board", "week", False),
    Query("leaderboard week, topic", "board", "week", True),
    Query("leaderboard month", "board", "month", False),
    Query("leaderboard month, topic", "board", "month", True),
    Query("leaderboard all time", "board", "all", False),
    Query("leaderboard all time, topic", "board", "all", True),
    Query("member rank week", "rank", "week", False),
    Query("member rank month", "rank", "month", False),
    Query("member rank all time", "rank", "all", False),
    Query("member rank all time, topic", "rank", "all", True),
]
STATS = Query("member stats", "stats", "all", False)


async def bench_record_answer(store: Store, data: Dataset, rounds: int, sequential: int) -> None:
    """1,000 answers at once (group commit) vs. the same workload one answer per COMMIT."""
    next_user = 50_000_000

    async def new_post(guild: int) -> int:
        post = await store.create_post(
            guild_id=guild,
            channel_id=3,
            kind="quiz",
            bank="flask",
            question_id="bench",
            topic="basics",
            difficulty="medium",
            posted_at=NOW - timedelta(minutes=5),
        )
        return post.id

    async def one(post_id: int, user: int, latencies: list[float]) -> None:
        t0 = time.perf_counter()
        await store.record_answer(
            post_id=post_id,
            user_id=user,
            response=RESPONSE,
            score=0.7,
            verdict="pass",
            points=1.05,
            hits=["small core"],
            misses=["extensions"],
            answered_at=NOW - timedelta(minutes=1), passed=True,
        )
        latencies.append(time.perf_counter() - t0)

    group_latencies: list[float] = []
    rates: list[float] = []
    commits: list[int] = []
    for r in range(rounds):
        post_id = await new_post(r % data.guilds)
        users = range(next_user, next_user + 1000)
        next_user += 1000
        before = answer_batches(store)
        t0 = time.perf_counter()
        await asyncio.gather(*(one(post_id, u, group_latencies) for u in users))
        rates.append(1000 / (time.perf_counter() - t0))
        commits.append(answer_batches(store) - before)

    seq_latencies: list[float] = []
    post_id = await new_post(0)
    t0 = time.perf_counter()
    for u in range(next_user, next_user + sequential):
        await one(post_id, u, seq_latencies)
    seq_rate = sequential / (time.perf_counter() - t0)

    group_rate = statistics.median(rates)
    print(
        f"record_answer, 1,000 at once (group commit): median {group_rate:,.0f} answers/s over {rounds} rounds "
        f"(rounds: {', '.join(f'{x:,.0f}' for x in rates)}); {statistics.median(commits):.0f} COMMITs per 1,000; "
        f"latency p50 {ms(percentile(group_latencies, 0.5)).strip()} ms, "
        f"p99 {ms(percentile(group_latencies, 0.99)).strip()} ms"
    )
    print(
        f"record_answer, one at a time (baseline, a COMMIT each): {seq_rate:,.0f} answers/s over {sequential}; "
        f"latency p50 {ms(percentile(seq_latencies, 0.5)).strip()} ms, "
        f"p99 {ms(percentile(seq_latencies, 0.99)).strip()} ms"
    )
    print(f"  group commit / baseline throughput: x{group_rate / seq_rate:.1f}   (target >= 2,000 answers/s)")


async def main() -> None:
    """Parse the flags, build the database in a temp dir (or --db) and run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--guilds", type=int, default=200)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=300, help="timed runs per indexed query")
    parser.add_argument("--baseline-samples", type=int, default=7, help="timed runs per query without indexes")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of 1,000 concurrent record_answer calls")
    parser.add_argument("--sequential", type=int, default=300, help="answers recorded one at a time (baseline)")
    parser.add_argument("--synchronous", choices=["NORMAL", "FULL"], default="FULL")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="keep the database at this path (default: a temp dir)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="viva-bench-") as tmp:
        path = args.db or Path(tmp) / "bench.sqlite3"
        if path.exists():
            sys.exit(f"{path} exists; give a new path")
        store = await open_store(path, synchronous=args.synchronous)
        try:
            await run(store, path, args)
        finally:
            await store.close()


async def run(store: Store, path: Path, args: argparse.Namespace) -> None:
    """The measurements, in order: build, record_answer, indexed queries, queries without indexes."""
    print(
        f"SQLite {__import__('sqlite3').sqlite_version}, Python {sys.version.split()[0]}, "
        f"synchronous={args.synchronous}, zone {TZ}, now {NOW.isoformat()}"
    )
    t0 = time.perf_counter()
    data = Dataset(args.answers, args.guilds, args.members, args.seed)
    t_plan = time.perf_counter() - t0
    t0 = time.perf_counter()
    inserted = await bulk_load(store, data.posts, data.answers())
    t_load = time.perf_counter() - t0
    size = file_size(path) + file_size(Path(str(path) + "-wal"))
    print(
        f"build: {inserted:,} answers to {len(data.posts):,} posts, {args.guilds} guilds, "
        f"{args.guilds * data.per_guild_members:,} members, one year: plan {t_plan:.1f} s, "
        f"bulk insert + indexes {t_load:.1f} s ({inserted / t_load:,.0f} answers/s), {size / 1e6:,.0f} MB"
    )

    await bench_record_answer(store, data, args.rounds, args.sequential)

    results: dict[str, list[float]] = {}
    for i, q in enumerate(QUERIES):
        results[q.label] = await timed(args.samples, lambda rng, q=q: q.via_store(store, data, rng), seed=100 + i)
    stats_times = await timed(args.samples, lambda rng: STATS.via_store(store, data, rng), seed=99)

    # Sanity: the raw SQL used for the baseline returns what the store returns.
    check = random.Random(7)
    guild = check.randrange(args.guilds)
    via_store = await store.leaderboard(guild, "month", now=NOW, tz=TZ, topic="orm", limit=10)
    start, end = period_bounds("month", NOW, TZ)
    raw_rows = await raw_fetchall(
        store,
        strip_index_hints(leaderboard.BOARD_SQL[leaderboard.sql_key("month", None, "orm")]),
        {"guild": guild, "start": start, "end": end, "bank": None, "topic": "orm", "limit": 10, "offset": 0},
    )
    assert [(r.user_id, round(r.points * 1000)) for r in via_store] == [(r["user_id"], r["pts"]) for r in raw_rows]

    await drop_answer_indexes(store, LEADERBOARD_INDEXES)
    baseline: dict[str, list[float]] = {}
    for i, q in enumerate(QUERIES):
        baseline[q.label] = await timed(args.baseline_samples, lambda rng, q=q: q.raw(store, data, rng), seed=200 + i)

    print(
        f"\nqueries at {inserted:,} answers ({args.samples} runs each; baseline: same SQL without the "
        f"leaderboard indexes, {args.baseline_samples} runs)"
    )
    print(f"{'query':32} {'p50 ms':>8} {'p99 ms':>8} {'no-index p50 ms':>16} {'ratio':>8}")
    worst = 0.0
    for q in QUERIES:
        p50 = percentile(results[q.label], 0.5)
        base = percentile(baseline[q.label], 0.5)
        worst = max(worst, p50)
        print(f"{q.label:32} {ms(p50)} {ms(percentile(results[q.label], 0.99))} {ms(base):>16} {base / p50:7.0f}x")
    print(f"{'member stats (no baseline)':32} {ms(percentile(stats_times, 0.5))} {ms(percentile(stats_times, 0.99))}")
    print(f"\nslowest leaderboard/rank p50: {worst * 1000:.2f} ms (target <= 5 ms)")


if __name__ == "__main__":
    asyncio.run(main())
