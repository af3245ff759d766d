"""/daily set|show|off|now; the scheduler loop and the posting live in `bot.rounds.daily.DailyRunner`."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import VivaBot
from bot.cogs.common import bank_autocomplete, topic_autocomplete, zone_autocomplete
from bot.errors import UserError
from bot.rounds.daily import Planned
from bot.ui import embeds
from bot.ui.respond import reply

logger = logging.getLogger(__name__)


def _schedule_embed(planned: Planned, *, title: str) -> discord.Embed:
    s = planned.schedule
    return embeds.schedule_embed(title=title, channel_id=s.channel_id, local_time=s.local_time, timezone=s.timezone,
                                 bank=s.bank, topic=s.topic, reveal_hours=s.reveal_hours, next_at=planned.next_at)


class DailyCog(commands.Cog, name="Daily"):
    """Daily questions."""

    daily = app_commands.Group(name="daily", description="A question of the day, posted on a schedule",
                               guild_only=True, default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot
        self.loop_task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        """Start the scheduler loop once the bot is ready."""
        self.loop_task = self.bot.spawn(self._loop(), name="daily-scheduler")

    async def cog_unload(self) -> None:
        """Stop the scheduler loop."""
        if self.loop_task is not None:
            self.loop_task.cancel()

    async def _loop(self) -> None:
        await self.bot.wait_until_ready()
        await self.bot.rounds.daily.loop()

    @daily.command(name="set", description="Post a daily question in a channel at a local time (Manage Server)")
    @app_commands.describe(channel="Where to post", time="Local time, 24-hour HH:MM (e.g. 09:00)",
                           timezone="IANA time zone, e.g. Europe/Berlin", bank="Question bank",
                           topic="Only questions on this topic",
                           reveal_hours="Reveal the answer after this many hours (default: at the next question)")
    @app_commands.autocomplete(timezone=zone_autocomplete, bank=bank_autocomplete, topic=topic_autocomplete)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def set_(self, interaction: discord.Interaction, channel: discord.TextChannel, time: str, timezone: str,
                   bank: str | None = None, topic: str | None = None,
                   reveal_hours: app_commands.Range[int, 1, 23] | None = None) -> None:
        """Validate and save the schedule (the runner wakes its loop)."""
        assert interaction.guild_id is not None
        perms = channel.permissions_for(channel.guild.me)
        runner = self.bot.rounds.daily
        draft = await runner.check_schedule(guild_id=interaction.guild_id, time=time, timezone=timezone,
                                            bank=bank, topic=topic)
        if not (perms.view_channel and perms.send_messages and perms.embed_links):
            raise UserError(f"I can't post in {channel.mention}: I need View Channel, Send Messages and Embed Links "
                            "there.")
        planned = await runner.set_schedule(draft, channel_id=channel.id, reveal_hours=reveal_hours)
        await reply(interaction, embed=_schedule_embed(planned, title="✅ Daily question scheduled"))

    @daily.command(name="show", description="Show this server's daily question schedule (Manage Server)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def show(self, interaction: discord.Interaction) -> None:
        """Describe the schedule and the next post time."""
        assert interaction.guild_id is not None
        planned = await self.bot.rounds.daily.planned(interaction.guild_id)
        await reply(interaction, embed=_schedule_embed(planned, title="📅 Daily question"))

    @daily.command(name="off", description="Stop posting daily questions (Manage Server)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def off(self, interaction: discord.Interaction) -> None:
        """Disable the schedule (its history and streaks stay)."""
        assert interaction.guild_id is not None
        await self.bot.rounds.daily.turn_off(interaction.guild_id)
        await reply(interaction, "Daily questions are off. Streaks and scores are kept; /daily set turns them on.")

    @daily.command(name="now", description="Post today's daily question right away (Manage Server)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def now(self, interaction: discord.Interaction) -> None:
        """Post today's question now instead of at the scheduled time (once per day)."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel_id = await self.bot.rounds.daily.post_now(interaction.guild_id)
        await reply(interaction, f"Posted today's question in <#{channel_id}>.")


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(DailyCog(bot))
