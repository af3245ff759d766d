"""How fast a bot under test starts against the fake Discord, and how fast a slash command round trip is.

Prints medians over several runs: VivaBot (migrations, banks, cogs, command sync) against a bare discord.Client
(login and READY only) as the baseline, both started the same way in the same run, and /help round trips.

    .venv/bin/python bench/fake_discord.py [--runs 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import discord

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import VivaBot  # noqa: E402
from bot.config import Settings  # noqa: E402
from tests.e2e.fake import Discord, FakeDiscord, start_client  # noqa: E402


async def main(runs: int) -> None:
    """Start each kind of client ``runs`` times and time /help round trips."""
    fake = FakeDiscord()
    await fake.start()
    guild = fake.add_guild("Bench")
    fake.add_text_channel(guild, "general")
    member = fake.add_member(guild, "member")
    story = Discord(fake)
    bare, viva, trips = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            t = time.perf_counter()
            async with start_client(fake, lambda c: discord.Client(intents=discord.Intents.none(), connector=c)):
                bare.append(time.perf_counter() - t)
            settings = Settings(_env_file=None, DISCORD_TOKEN=fake.token,  # type: ignore[call-arg]
                                VIVA_DB=str(Path(tmp) / f"viva{i}.db"), VIVA_BANKS=str(ROOT / "data" / "banks"),
                                VIVA_DEV_GUILD=str(guild.id))
            t = time.perf_counter()
            async with start_client(fake, lambda c, s=settings: VivaBot(s, connector=c)):
                viva.append(time.perf_counter() - t)
                for _ in range(20):
                    t = time.perf_counter()
                    await story.slash(member, "help")
                    trips.append(time.perf_counter() - t)
    await fake.stop()
    b, v = statistics.median(bare), statistics.median(viva)
    print(f"runs: {runs} (guild_ready_timeout 0.05 s in both)")
    print(f"bare discord.Client start to READY:      median {b * 1000:7.1f} ms")
    print(f"VivaBot start to READY + command sync:   median {v * 1000:7.1f} ms   ratio {v / b:.2f}x")
    trips.sort()
    print(f"/help round trip (n={len(trips)}): p50 {statistics.median(trips) * 1000:.2f} ms, "
          f"p99 {trips[int(len(trips) * 0.99) - 1] * 1000:.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    asyncio.run(main(parser.parse_args().runs))
