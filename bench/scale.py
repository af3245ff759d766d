"""Scale bench: the daily scheduler with 10,000 servers, each with a daily schedule, in one database.

Measures one scheduler pass (`DailyRunner.run_pass`: reveal what is due, post what is due) when 0, 10 and 1,000
schedules are due, over several simulated days (median per case), against the pass as it was before the indexed
``next_due_at`` (read every active schedule and decide for each), measured in the same run. The cost of the pass
must grow with what is due, not with the number of servers: the 0-due pass is also measured with a tenth of the
servers. Posting goes to an in-memory surface (no Discord), so the figures are the bot's own work: store reads and
writes, question picking, the reveal of the day before. Prints the process's RSS.

    .venv/bin/python bench/scale.py                 # 10,000 servers, SQLite (about a minute)
    .venv/bin/python bench/scale.py --days 3 --guilds 2000
    .venv/bin/python bench/scale.py --db postgresql://viva@127.0.0.1:5432/scale   # an empty PostgreSQL database
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from bot.answering import AnswerDesk
from bot.bank.catalog import Catalog
from bot.bank.loader import load_banks
from bot.rounds import Deps, Rounds
from bot.schedule.daily import decide, parse_local_time, parse_zone
from bot.store import Store, open_store
from tests.support.clock import FakeClock
from tests.support.surface import MemorySurface

BANKS = Path(__file__).resolve().parents[1] / "tests" / "data" / "banks" / "e2e"
DAY0 = datetime(2026, 6, 1, tzinfo=UTC)
# Local (UTC) times: FEW servers at 10:00, MANY at 11:00, the rest at 20:00; passes at 09:30 (nothing due),
# 10:00 (FEW due) and 11:00 (MANY due).
FEW, MANY = 10, 1000
QUIET, AT_FEW, AT_MANY, REST = "09:30", "10:00", "11:00", "20:00"


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


def runner(store: Store, clock: FakeClock) -> Rounds:
    """The runners a bot process builds, over an in-memory surface."""
    result = load_banks([BANKS])
    catalog = Catalog(result.banks)
    deps = Deps(store, lambda: catalog, clock, MemorySurface(), AnswerDesk(store, lambda: catalog, clock),
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
        for _ in range(quiet_runs):
            out["0 due"].append(await timed(daily.run_pass()))
            out["0 due, read-all baseline"].append(await timed(read_all_pass(store, clock.now())))
        await clock.advance(to=at(day, AT_FEW))
        out[f"{FEW} due"].append(await timed(daily.run_pass()))
        await clock.advance(to=at(day, AT_MANY))
        out[f"{MANY} due"].append(await timed(daily.run_pass()))
        await clock.advance(to=at(day, "20:30"))
        await daily.run_pass()  # the REST post at 20:00 (not measured), so every day starts alike
    posted = len([p for p in await store.open_posts("daily")])
    assert posted == guilds, f"{posted} open daily posts for {guilds} servers"
    return out


async def run_one(url: str | None, guilds: int, days: int, quiet_runs: int) -> dict[str, list[float]]:
    """Build a store of `guilds` schedules (a temp SQLite file unless ``url``) and measure it."""
    with tempfile.TemporaryDirectory(prefix="viva-scale-") as tmp:
        store = await open_store(url or str(Path(tmp) / "scale.sqlite3"), synchronous="NORMAL")
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


async def main() -> None:
    """Parse the flags, run the full size and a tenth of it, print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guilds", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=5, help="simulated days (one 10- and one 1,000-due pass each)")
    parser.add_argument("--quiet-runs", type=int, default=5, help="0-due passes per day")
    parser.add_argument("--db", help="a PostgreSQL URL of an empty database (default: a temp SQLite file)")
    args = parser.parse_args()
    if args.guilds < 10 * (FEW + MANY):
        sys.exit(f"--guilds must be at least {10 * (FEW + MANY)} (a tenth must still hold {FEW + MANY} due)")
    print(f"Viva scheduler scale bench, Python {sys.version.split()[0]}, "
          f"{'PostgreSQL' if args.db else 'SQLite (synchronous=NORMAL)'}")
    print(f"{args.guilds:,} servers:")
    full = await run_one(args.db, args.guilds, args.days, args.quiet_runs)
    current, peak = rss_mb()
    small: dict[str, list[float]] = {}
    if args.db is None:
        print(f"{args.guilds // 10:,} servers (same due counts):")
        small = await run_one(None, args.guilds // 10, args.days, args.quiet_runs)

    print(f"\nscheduler pass, median ms ({args.days} days; {args.days * args.quiet_runs} quiet passes)")
    print(f"{'case':28} {args.guilds:>9,} {'servers':8}" + (f" {args.guilds // 10:>9,} servers" if small else ""))
    for case, values in full.items():
        extra = f" {ms(small[case])}" if small else ""
        print(f"{case:28} {ms(values)} {'':8}{extra}")
    quiet, base = statistics.median(full["0 due"]), statistics.median(full["0 due, read-all baseline"])
    print(f"\nread-all baseline / indexed pass, 0 due: x{base / quiet:.0f}")
    per_post = (statistics.median(full[f"{MANY} due"]) - quiet) / MANY
    print(f"{MANY} due / {FEW} due: x{statistics.median(full[f'{MANY} due']) / statistics.median(full[f'{FEW} due']):.0f}"
          f"   (about {per_post * 1000:.2f} ms per posted question)")
    if small:
        print(f"0 due, {args.guilds:,} / {args.guilds // 10:,} servers: "
              f"x{quiet / statistics.median(small['0 due']):.2f} (1.0 = independent of the number of servers)")
    print(f"RSS after {args.guilds:,} servers: {current:.0f} MB (peak {peak:.0f} MB)")


if __name__ == "__main__":
    asyncio.run(main())
