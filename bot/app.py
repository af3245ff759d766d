"""VivaBot: owns the settings, the store, the banks and the clock; setup_hook = migrate → load cogs → sync."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import random
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from bot.answering import AnswerDesk
from bot.bank.catalog import Catalog
from bot.bank.loader import load_banks
from bot.bank.overlay import GuildContent
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.http_pool import http_connector
from bot.observability import GATEWAY_LATENCY, OPEN_SESSIONS
from bot.rounds import Deps, Rounds
from bot.rounds.appeals import AppealDesk
from bot.rounds.content import ContentDesk
from bot.sharding import ShardPlan
from bot.store import Store, StoreError, open_store
from bot.store.pg import redact
from bot.tree import VivaTree, observed
from bot.ui.appeals import COMPONENTS as APPEAL_COMPONENTS
from bot.ui.appeals import DiscordAppealSurface
from bot.ui.respond import NO_PINGS
from bot.ui.surface import DiscordSurface
from bot.ui.views import MODAL_ID, AnswerButton, HintButton, LeaderboardPager, MyResultButton, submit_answer

logger = logging.getLogger(__name__)

GAUGE_INTERVAL = 15.0  # seconds between updates of the gateway latency and open sessions gauges
COGS = ("bot.cogs.quiz", "bot.cogs.interview", "bot.cogs.daily", "bot.cogs.leaderboard", "bot.cogs.admin",
        "bot.cogs.content", "bot.cogs.appeals", "bot.cogs.privacy", "bot.cogs.review")


def intents() -> discord.Intents:
    """Guilds (channels, threads), guild and DM messages, and message content for interview answers."""
    value = discord.Intents.none()
    value.guilds = True
    value.guild_messages = True
    value.dm_messages = True
    value.message_content = True
    return value


class VivaBot(commands.Bot):
    """The Discord bot."""

    store: Store
    desk: AnswerDesk
    rounds: Rounds
    content: ContentDesk
    appeals: AppealDesk

    # Viva never joins voice: skip discord.py's start-up warnings about voice libraries.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 connector: aiohttp.BaseConnector | None = None, rng: random.Random | None = None,
                 plan: ShardPlan | None = None, **options: Any) -> None:
        self.plan = plan or ShardPlan()
        if self.plan.shard_count is not None:
            options.setdefault("shard_count", self.plan.shard_count)
        if self.plan.shard_ids is not None:
            options.setdefault("shard_ids", list(self.plan.shard_ids))
        super().__init__(command_prefix=commands.when_mentioned, intents=intents(), tree_cls=VivaTree,
                         allowed_mentions=NO_PINGS, help_command=None, connector=connector, **options)
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.guild_content: dict[int, GuildContent] = {}  # each server's custom bank and phrasings
        self.catalog = Catalog({}, self.guild_content)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._resumed = False

    def load_catalog(self) -> Catalog:
        """(Re)load every bank; a broken bank is logged loudly and skipped, never fatal."""
        result = load_banks([self.settings.banks_dir])
        for error in result.errors:
            logger.error("skipping a broken bank:\n%s", error)
        if not result.banks:
            logger.error("no question banks loaded from %s", self.settings.banks_dir)
        self.catalog = Catalog(result.banks, self.guild_content)
        logger.info("loaded %d bank(s): %s", len(result.banks),
                    ", ".join(f"{b.name} ({len(b.questions)})" for b in result.banks.values()))
        return self.catalog

    async def setup_hook(self) -> None:
        """Open and migrate the store, load banks, register persistent buttons and cogs, sync commands."""
        self.store = await open_store(self.settings.db_path)
        self.load_catalog()
        self.desk = AnswerDesk(self.store, lambda: self.catalog, self.clock)
        deps = Deps(self.store, lambda: self.catalog, self.clock, DiscordSurface(self), self.desk, self.rng,
                    lambda coro, name: self.spawn(coro, name=name), owns=self.plan.owns)
        self.rounds = Rounds.build(deps, grace_hours=self.settings.daily_grace_hours)
        self.content = ContentDesk(self.store, lambda: self.catalog, self.guild_content, self.clock)
        await self.content.load()
        self.appeals = AppealDesk(self.store, lambda: self.catalog, DiscordAppealSurface(self), self.content,
                                  self.clock)
        self.add_dynamic_items(*APPEAL_COMPONENTS)
        self.add_dynamic_items(AnswerButton, MyResultButton, LeaderboardPager, HintButton)
        for ext in COGS:
            await self.load_extension(ext)
        if self.plan.syncs_commands:
            await self.sync_commands()
        else:
            logger.info("shards %s: the process running shard 0 syncs slash commands; not syncing here",
                        ",".join(map(str, self.plan.shard_ids or ())))

    async def sync_commands(self) -> bool:
        """Sync slash commands (to VIVA_DEV_GUILD, or globally) unless exactly these were synced last time.

        Syncing on every start wastes Discord's rate limits; the hash of the command payload is kept in the
        store per application and scope, so a changed command (or a new application) syncs again.
        """
        guild = discord.Object(self.settings.dev_guild) if self.settings.dev_guild else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        key = f"command_sync:{self.application_id}:{guild.id if guild else 'global'}"
        if await self.store.get_meta(key) == digest:
            logger.info("slash commands unchanged since the last sync; not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        await self.store.set_meta(key, digest)
        logger.info("synced %d commands %s", len(synced), f"to guild {guild.id}" if guild else "globally")
        return True

    async def on_ready(self) -> None:
        """Once per process: let the round runners resume what a restart interrupted."""
        logger.info("ready as %s in %d guild(s)", self.user, len(self.guilds))
        if self._resumed:
            return
        self._resumed = True
        for runner in self.rounds.all():
            self.spawn(runner.resume(), name=f"resume-{runner.kind}")
        self.spawn(self._gauges(), name="metrics-gauges")

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Answer modals are handled here, so a submission still lands after a restart."""
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        custom_id = str(data.get("custom_id", ""))
        if interaction.type is discord.InteractionType.modal_submit and MODAL_ID.fullmatch(custom_id):
            with observed(interaction):
                await submit_answer(interaction)

    async def update_gauges(self) -> None:
        """Set the gateway latency of each shard of this process and the sessions running in its guilds."""
        latencies = getattr(self, "latencies", None) or [(self.shard_id or 0, self.latency)]
        for shard, latency in latencies:
            if math.isfinite(latency):
                GATEWAY_LATENCY.labels(shard=str(shard)).set(latency)
        for kind in ("quiz", "interview"):
            rows = await self.store.active_sessions(kind)
            OPEN_SESSIONS.labels(kind=kind).set(sum(1 for r in rows if self.plan.owns(r.guild_id)))

    async def _gauges(self) -> None:
        while True:
            try:
                await self.update_gauges()
            except Exception:
                logger.exception("could not update the metrics gauges")
            await asyncio.sleep(GAUGE_INTERVAL)  # real time: these describe the process, not the study clock

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run a background task that is logged if it fails and cancelled on close."""
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                logger.error("background task %s failed", t.get_name(), exc_info=t.exception())

        task.add_done_callback(done)
        return task

    async def close(self) -> None:
        """Stop background work, disconnect, then checkpoint and close the database."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await super().close()
        store = getattr(self, "store", None)
        if store is not None:
            await store.close()


class ShardedVivaBot(VivaBot, commands.AutoShardedBot):
    """VivaBot on discord.py's AutoShardedBot: one gateway connection per shard of this process."""


def make_bot(settings: Settings, plan: ShardPlan | None = None, **options: Any) -> VivaBot:
    """The bot for a shard plan: plain (one connection) unless a shard count is given, else auto-sharded over
    the plan's shards (all of them when ``--shards`` is not given)."""
    if plan is not None and plan.shard_count is not None:
        return ShardedVivaBot(settings, plan=plan, **options)
    return VivaBot(settings, plan=plan, **options)


def run_bot(settings: Settings, plan: ShardPlan | None = None, *,
            connector: Callable[[], aiohttp.BaseConnector] | None = None) -> int:
    """Run until interrupted; return a process exit status. ``connector`` builds the HTTP connector inside the
    event loop (tests point it at a fake Discord)."""

    async def serve() -> None:
        bot = make_bot(settings, plan, connector=connector() if connector is not None else http_connector())
        async with bot:
            await bot.start(settings.discord_token.get_secret_value())

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        return 0
    except discord.LoginFailure:
        logger.error("Discord rejected DISCORD_TOKEN: copy a fresh one from the Developer Portal (Bot → Reset Token).")
        return 2
    except discord.PrivilegedIntentsRequired:
        logger.error("Enable the Message Content intent: Developer Portal → your app → Bot → Privileged Gateway "
                     "Intents → Message Content Intent.")
        return 2
    except StoreError as exc:
        logger.error("cannot open the database %s: %s", redact(str(settings.db_path)), exc)
        return 2
    except (aiohttp.ClientError, OSError) as exc:
        logger.error("cannot reach Discord: %s", exc)
        return 1
    return 0
