"""Two bot processes, one PostgreSQL: ``python -m bot run --shards 0 --shard-count 2`` and ``--shards 1``.

Each process is the real bot's command line in a subprocess (tests/e2e/shard_worker.py) against one fake Discord,
whose gateway gives every connection only its shard's guilds and routes each interaction to the connection of the
guild's shard. The database is a real PostgreSQL server started on 127.0.0.1 (skipped when none is installed).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from bot.app import ShardedVivaBot, VivaBot, make_bot
from bot.config import Settings
from bot.sharding import ShardPlan
from bot.store import Store, open_store
from tests.e2e.fake import Channel, Discord, FakeDiscord, Guild, Member, Message, start_client
from tests.e2e.fake.gateway import shard_of
from tests.e2e.fake.tls import certificates
from tests.e2e.scenarios.conftest import TEST_BANKS, answer, good_answer, prompt_of
from tests.support import postgres
from tests.support.clock import FakeClock

ROOT = Path(__file__).resolve().parents[2]
SHARDS = 2
QUESTION = "📅 Question of the day"
WITHIN = 60.0  # real seconds for a subprocess to start, connect and post (2 shared cores)


@pytest.fixture(scope="module")
def pg_server() -> Iterator[postgres.PostgresServer]:
    """A PostgreSQL server for this module (skips when no server binary is installed)."""
    bin_dir = postgres.find_bin()
    if bin_dir is None:
        pytest.skip("the two-process test needs PostgreSQL (initdb, pg_ctl): install it or set VIVA_PG_BIN")
    server = postgres.start(bin_dir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def db_url(pg_server: postgres.PostgresServer) -> AsyncIterator[str]:
    """An empty database: the two processes migrate it as they start (concurrently)."""
    admin = await asyncpg.connect(pg_server.url())
    try:
        await admin.execute("DROP DATABASE IF EXISTS viva_shards WITH (FORCE)")
        await admin.execute("CREATE DATABASE viva_shards")
        yield pg_server.url("viva_shards")
        await admin.execute("DROP DATABASE viva_shards WITH (FORCE)")
    finally:
        await admin.close()


def guild_on_shard(fake: FakeDiscord, name: str, shard: int) -> Guild:
    """A guild whose id Discord routes to ``shard`` of SHARDS (ids carry their millisecond; pick a later one)."""
    ids = fake.world.ids
    ms = (max(ids._last, ids.next()) >> 22) + 1
    while shard_of(ms << 22, SHARDS) != shard:
        ms += 1
    ids._last = (ms << 22) - 1  # the next id is the first of that millisecond
    guild = fake.add_guild(name)
    assert shard_of(guild.id, SHARDS) == shard
    fake.add_text_channel(guild, "general")
    for member in ("alice", "bob", "carol"):
        fake.add_member(guild, member)
    return guild


class Worker:
    """One bot process running some shards."""

    def __init__(self, fake: FakeDiscord, db_url: str, tmp_path: Path, shards: str) -> None:
        ca = tmp_path / "fake-ca.pem"
        ca.write_bytes(certificates().ca_pem)
        env = os.environ | {"DISCORD_TOKEN": fake.token, "VIVA_DB": db_url, "VIVA_BANKS": str(TEST_BANKS),
                            "VIVA_DAILY_GRACE_HOURS": "2", "VIVA_LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
        env.pop("VIVA_DEV_GUILD", None)
        self.log = tmp_path / f"shards-{shards}.log"
        self.args = [sys.executable, "-m", "tests.e2e.shard_worker", str(fake.port), str(ca), "--shards", shards,
                     "--shard-count", str(SHARDS)]
        self.env, self.cwd = env, tmp_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the process (its output goes to a log file the failure message shows)."""
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.args, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        """The process's log so far."""
        return self.log.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        """SIGINT (a clean stop), then SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def daily_questions(discord: Discord, channel: Channel) -> list[Message]:
    """The daily questions posted in a channel."""
    return [m for m in discord.messages_in(channel)
            if m.author is discord.fake.bot_user and m.embeds and m.embeds[0]["title"].startswith(QUESTION)]


async def stored_answers(store: Store, message: Message) -> dict[int, str]:
    """Member id → stored answer text for the daily post behind a question message."""
    (button,) = message.buttons()
    post_id = int(button["custom_id"].rsplit(":", 1)[1])
    return {a.user_id: a.response for a in await store.answers_for_post(post_id)}


async def test_two_processes_share_the_guilds_post_once_and_lose_no_acknowledged_answer(
        tmp_path: Path, db_url: str) -> None:
    fake = FakeDiscord()
    await fake.start()
    workers: list[Worker] = []
    try:
        guilds = {shard: [guild_on_shard(fake, f"Shard {shard} guild {n}", shard) for n in range(2)]
                  for shard in range(SHARDS)}
        # Schedules due two minutes ago (within the grace window), written before either process starts.
        due = datetime.now(UTC) - timedelta(minutes=2)
        store = await open_store(db_url)
        for guild in (g for gs in guilds.values() for g in gs):
            await store.set_schedule(guild_id=guild.id, channel_id=guild.text_channels[0].id,
                                     local_time=f"{due:%H:%M}", timezone="UTC", bank="trivia", topic=None)
        discord = Discord(fake, timeout=WITHIN)
        workers = [Worker(fake, db_url, tmp_path, str(shard)) for shard in range(SHARDS)]
        for worker in workers:
            worker.start()

        def all_posted() -> bool:
            return all(daily_questions(discord, g.text_channels[0]) for gs in guilds.values() for g in gs)

        try:
            await fake.wait_until(lambda: sorted(s.shard or (-1, 0) for s in fake.gateway.identified)
                                  == [(0, SHARDS), (1, SHARDS)], WITHIN, "both shards to identify")
            await fake.wait_until(all_posted, WITHIN, "every guild's daily question")
            await fake.wait_until(lambda: fake.commands(), WITHIN, "the command sync")
        except Exception:
            pytest.fail("\n\n".join(f"--- shards {i} ---\n{w.output()}" for i, w in enumerate(workers)))

        # Each process saw only its shard's guilds (2 of the 4).
        for worker in workers:
            assert "in 2 guild(s)" in worker.output(), worker.output()
        # Commands were synced once, by the process with shard 0.
        assert len([r for r in fake.requests if r.method == "PUT" and r.route.endswith("/commands")]) == 1

        # Answers land in both processes' guilds (each interaction reaches only its shard's process).
        questions = {g.id: daily_questions(discord, g.text_channels[0])[0] for gs in guilds.values() for g in gs}
        for gs in guilds.values():
            for guild in gs:
                question = questions[guild.id]
                alice = guild.member_named("alice")
                assert "Answer saved" in await answer(discord, alice, question, good_answer(prompt_of(question)))

        # Several members of shard 1's guilds answer at once; once acknowledged, that process is SIGKILLed.
        acknowledged: list[tuple[Guild, Member]] = []

        async def answer_in(guild: Guild, member: Member) -> None:
            question = questions[guild.id]
            receipt = await answer(discord, member, question, good_answer(prompt_of(question)))
            assert "Answer saved" in receipt
            acknowledged.append((guild, member))

        await asyncio.gather(*(answer_in(g, g.member_named(n)) for g in guilds[1] for n in ("bob", "carol")))
        workers[1].kill()
        for guild, member in acknowledged:
            stored = await stored_answers(store, questions[guild.id])
            assert member.id in stored, f"{member.name}'s acknowledged answer in {guild.name} was lost"

        # The other process carries on with its own guilds.
        guild = guilds[0][0]
        bob = guild.member_named("bob")
        assert "Answer saved" in await answer(discord, bob, questions[guild.id],
                                              good_answer(prompt_of(questions[guild.id])))
        assert bob.id in await stored_answers(store, questions[guild.id])

        # Exactly once: one daily post per guild in the database, one question message per channel.
        for gs in guilds.values():
            for g in gs:
                assert len(daily_questions(discord, g.text_channels[0])) == 1
                assert [p.guild_id for p in await store.open_posts("daily") if p.guild_id == g.id] == [g.id]
        await store.close()
    finally:
        for worker in workers:
            worker.stop()
        await fake.stop()
    fake.check_violations()


async def test_one_process_can_run_every_shard(tmp_path: Path) -> None:
    """``--shard-count 2`` without ``--shards``: one process, two gateway connections, every guild served."""
    fake = FakeDiscord()
    await fake.start()
    try:
        guilds = [guild_on_shard(fake, f"Shard {shard} guild", shard) for shard in range(SHARDS)]
        values: dict[str, Any] = {"DISCORD_TOKEN": fake.token, "VIVA_DB": str(tmp_path / "viva.db"),
                                  "VIVA_BANKS": str(TEST_BANKS)}
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]

        def make(connector: aiohttp.BaseConnector) -> VivaBot:
            bot = make_bot(settings, ShardPlan.from_args(None, SHARDS), connector=connector,
                           clock=FakeClock(datetime(2026, 3, 27, 10, tzinfo=UTC)))

            async def at_once(shard_id: int | None, *, initial: bool = False) -> None:
                """No 5-second wait between the shards' IDENTIFYs (Discord's rate; the fake has none)."""

            bot.before_identify_hook = at_once  # type: ignore[method-assign]
            return bot

        async with start_client(fake, make, within=30) as bot:
            assert isinstance(bot, ShardedVivaBot) and bot.shard_count == SHARDS
            assert sorted(s.shard or (-1, 0) for s in fake.gateway.identified) == [(0, SHARDS), (1, SHARDS)]
            assert sorted(shard for shard, _ in bot.latencies) == [0, 1]
            discord = Discord(fake, timeout=15)
            for guild in guilds:
                channel, alice = guild.text_channels[0], guild.member_named("alice")
                r = await discord.slash(alice, "quiz start", channel=channel, bank="trivia", count=1, seconds=30)
                assert not r.ephemeral
                question = await discord.next_message(channel)
                assert "Answer saved" in await answer(discord, alice, question, good_answer(prompt_of(question)))
    finally:
        await fake.stop()
    fake.check_violations()
