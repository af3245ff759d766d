"""Scale bench: the daily scheduler with 10,000 servers, each with a daily schedule, in one database.

Measures one scheduler pass (`DailyRunner.run_pass`: reveal what is due, post what is due) when 0, 10 and 1,000
schedules are due, over several simulated days (median per case), against the pass as it was before the indexed
``next_due_at`` (read every active schedule and decide for each), measured in the same run. The cost of the pass
must grow with what is due, not with the number of servers: every case is also measured with a fifth of the
servers. Posting goes to an in-memory surface (no Discord), so the figures are the bot's own work: store reads and
writes, question picking, the reveal of the day before. Prints the process's RSS.

    .venv/bin/python bench/scale.py                 # 10,000 servers, SQLite (a few minutes)
    .venv/bin/python bench/scale.py --postgresql    # SQLite, then PostgreSQL started on 127.0.0.1 like the tests
    .venv/bin/python bench/scale.py --guilds 2000 --days 2
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

import asyncpg

from bot.answering import AnswerDesk
from bot.bank.catalog import Catalog
from bot.bank.loader import load_banks
from bot.rounds import Deps, Rounds
from bot.schedule.daily import decide, parse_local_time, parse_zone
from bot.store import Store, open_store
from tests.support import postgres
from tests.support.clock import FakeClock
from tests.support.surface import MemorySurface

BANKS = Path(__file__).resolve().parents[1] / "tests" / "data" / "banks" / "e2e"
DAY0 = datetime(2026, 6, 1, tzinfo=UTC)
# Local (UTC) times: FEW servers at 10:00, MANY at 11:00, the rest at 20:00; passes at 09:30 (nothing due),
# 10:00 (FEW due) and 11:00 (MANY due).
FEW, MANY = 10, 1000
QUIET, AT_FEW, AT_MANY, REST = "09:30", "10:00", "11:00", "20:00"
SMALL = 5  # the comparison run has a fifth of the servers (and the same due counts)


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    current = pages * resource.getpagesize() / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # KiB on Linux
    return current, peak


def at(day: int, hhmm: str) -> datetime:
    """The instant of HH:MM UTC on day ``day`` of the run."""
    hours, minutes = map(int, hhmm.split(":"))
    return DAY0 + timedelta(days=day, hours=hours, minutes=minutes)


async def populate(store: Store, guilds: int) -> None:
    """`guilds` schedules: FEW at 10:00, MANY at 11:00, the rest at 20:00 (server ids spread over shards)."""
    for n in range(guilds):
        local = AT_FEW if n < FEW else AT_MANY if n < FEW + MANY else REST
        guild = ((n + 1) << 22) | 1
        await store.set_schedule(guild_id=guild, channel_id=guild + 1, local_time=local, timezone="UTC",
                                 bank="trivia", topic=None, reveal_hours=None)


class Discard(MemorySurface):
    """The in-memory surface, forgetting what was sent (a bot keeps nothing of it; 50,000 kept cards would make
    the garbage collector's passes, and so the timings, grow with the run)."""

    def _send(self, kind: str, channel_id: int, payload: object, ping: int | None = None) -> int:
        message_id = super()._send(kind, channel_id, payload, ping)
        self.sent.clear()
        return message_id


def runner(store: Store, clock: FakeClock) -> Rounds:
    """The runners a bot process builds, over an in-memory surface."""
    result = load_banks([BANKS])
    catalog = Catalog(result.banks)
    deps = Deps(store, lambda: catalog, clock, Discard(), AnswerDesk(store, lambda: catalog, clock),
                random.Random(1))
    return Rounds.build(deps, grace_hours=2.0)


async def read_all_pass(store: Store, now: datetime) -> int:
    """The pass before migration 0006: read every active schedule and decide for each (posting nothing here)."""
    due = 0
    grace = timedelta(hours=2)
    for s in await store.active_schedules():
        d = decide(parse_local_time(s.local_time), parse_zone(s.timezone), now, s.last_posted_on, grace)
        due += d.post
    return due


async def timed(call: object) -> float:
    """Seconds one awaited call takes."""
    t0 = time.perf_counter()
    await call  # type: ignore[misc]
    return time.perf_counter() - t0


async def measure(store: Store, guilds: int, days: int, quiet_runs: int) -> dict[str, list[float]]:
    """Passes over ``days`` simulated days; returns seconds per case."""
    clock = FakeClock(at(0, "08:00"))
    rounds = runner(store, clock)
    daily = rounds.daily
    out: dict[str, list[float]] = {"first pass (all new)": [], "0 due": [], f"{FEW} due": [], f"{MANY} due": [],
                                   "0 due, read-all baseline": []}
    out["first pass (all new)"].append(await timed(daily.run_pass()))  # plans every schedule once
    for day in range(days):
        await clock.advance(to=at(day, QUIET))
        gc.collect()  # each case starts without the garbage of the one before (the baseline makes 10,000 rows)
        for _ in range(quiet_runs):
            out["0 due"].append(await timed(daily.run_pass()))
        gc.collect()
        for _ in range(quiet_runs):
            out["0 due, read-all baseline"].append(await timed(read_all_pass(store, clock.now())))
        await clock.advance(to=at(day, AT_FEW))
        gc.collect()
        out[f"{FEW} due"].append(await timed(daily.run_pass()))
        await clock.advance(to=at(day, AT_MANY))
        gc.collect()
        out[f"{MANY} due"].append(await timed(daily.run_pass()))
        await clock.advance(to=at(day, "20:30"))
        await daily.run_pass()  # the REST post at 20:00 (not measured), so every day starts alike
    posted = len([p for p in await store.open_posts("daily")])
    assert posted == guilds, f"{posted} open daily posts for {guilds} servers"
    return out


async def fresh_database(server: postgres.PostgresServer, name: str) -> str:
    """An empty database on the bench's PostgreSQL server; its URL."""
    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name}")
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    return server.url(name)


async def run_one(server: postgres.PostgresServer | None, guilds: int, days: int,
                  quiet_runs: int) -> dict[str, list[float]]:
    """Build a store of `guilds` schedules (a temp SQLite file, or a new database on ``server``); measure it."""
    with tempfile.TemporaryDirectory(prefix="viva-scale-") as tmp:
        url = await fresh_database(server, f"scale{guilds}") if server else str(Path(tmp) / "scale.sqlite3")
        store = await open_store(url, synchronous="NORMAL")
        try:
            t0 = time.perf_counter()
            await populate(store, guilds)
            print(f"  {guilds:,} schedules written in {time.perf_counter() - t0:.1f} s")
            return await measure(store, guilds, days, quiet_runs)
        finally:
            await store.close()


def ms(values: list[float]) -> str:
    """Median in milliseconds."""
    return f"{statistics.median(values) * 1000:9.2f}"


async def bench_backend(name: str, server: postgres.PostgresServer | None, args: argparse.Namespace) -> None:
    """The full size and a fifth of it on one backend; medians and ratios."""
    print(f"\n=== {name}: {args.guilds:,} servers")
    full = await run_one(server, args.guilds, args.days, args.quiet_runs)
    current, peak = rss_mb()
    print(f"=== {name}: {args.guilds // SMALL:,} servers (same due counts)")
    small = await run_one(server, args.guilds // SMALL, args.days, args.quiet_runs)

    print(f"\n{name}: scheduler pass, median ms ({args.days} days; {args.days * args.quiet_runs} quiet passes)")
    print(f"{'case':28} {args.guilds:>9,} servers {args.guilds // SMALL:>9,} servers")
    for case, values in full.items():
        print(f"{case:28} {ms(values)}         {ms(small[case])}")
    quiet, base = statistics.median(full["0 due"]), statistics.median(full["0 due, read-all baseline"])
    few, many = statistics.median(full[f"{FEW} due"]), statistics.median(full[f"{MANY} due"])
    print(f"read-all baseline / indexed pass, 0 due: x{base / quiet:.0f}")
    print(f"{MANY} due / {FEW} due: x{many / few:.0f}   (about {(many - quiet) / MANY * 1000:.2f} ms per posted "
          "question, with the reveal of the day before)")
    print(f"0 due, {args.guilds:,} / {args.guilds // SMALL:,} servers: x{quiet / statistics.median(small['0 due']):.2f}"
          "   (1.0: independent of the number of servers)")
    print(f"RSS after {args.guilds:,} servers: {current:.0f} MB (peak {peak:.0f} MB)")


async def main() -> None:
    """Parse the flags; bench SQLite, then (``--postgresql``) a PostgreSQL server started for the run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guilds", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=5, help="simulated days (one 10- and one 1,000-due pass each)")
    parser.add_argument("--quiet-runs", type=int, default=5, help="0-due passes per day")
    parser.add_argument("--postgresql", action="store_true", help="also on PostgreSQL (started on 127.0.0.1)")
    args = parser.parse_args()
    if args.guilds < SMALL * (FEW + MANY):
        sys.exit(f"--guilds must be at least {SMALL * (FEW + MANY)} (a fifth must still hold {FEW + MANY} due)")
    print(f"Viva scheduler scale bench, Python {sys.version.split()[0]}; SQLite {sqlite3.sqlite_version} "
          "(synchronous=NORMAL)")
    await bench_backend("SQLite", None, args)
    if not args.postgresql:
        return
    bin_dir = postgres.find_bin()
    if bin_dir is None:
        print("\nPostgreSQL: skipped, no server binary found (install PostgreSQL or set VIVA_PG_BIN)")
        return
    server = postgres.start(bin_dir)
    try:
        await bench_backend("PostgreSQL (fsync off, as in the tests)", server, args)
    finally:
        server.stop()


if __name__ == "__main__":
    asyncio.run(main())
