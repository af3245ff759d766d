"""/review start|missed|remind (personal spaced repetition, usable in DMs and with a user install) and /insights
(what the server misses most); the work is done by `bot.rounds.review.ReviewRunner`."""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import VivaBot
from bot.cogs.common import zone_autocomplete
from bot.ui import charts
from bot.ui.respond import reply
from bot.ui.review import COMPONENTS, attach_chart, insights_embed, serve, submit_review

logger = logging.getLogger(__name__)

PERIOD_TITLE = {"week": "this week", "month": "this month", "all": "all time"}
EVERYWHERE = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)
ANY_INSTALL = app_commands.AppInstallationType(guild=True, user=True)


class ReviewCog(commands.Cog, name="Review"):
    """Personal review with spaced repetition."""

    review = app_commands.Group(name="review", description="Review your questions with spaced repetition (private)",
                                allowed_contexts=EVERYWHERE, allowed_installs=ANY_INSTALL)

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot
        self.loop_task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        """Register the review buttons and start the reminder loop once the bot is ready."""
        self.bot.add_dynamic_items(*COMPONENTS)
        self.loop_task = self.bot.spawn(self._loop(), name="review-reminders")

    async def cog_unload(self) -> None:
        """Stop the reminder loop and forget the buttons."""
        self.bot.remove_dynamic_items(*COMPONENTS)
        if self.loop_task is not None:
            self.loop_task.cancel()

    async def _loop(self) -> None:
        await self.bot.wait_until_ready()
        await self.bot.rounds.review.loop()

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Review answer modals are handled here, so a submission still lands after a restart."""
        await submit_review(interaction)

    @review.command(name="start", description="Your due cards first, then new questions from your weakest topic")
    async def start(self, interaction: discord.Interaction) -> None:
        """Serve the member's next review question, privately."""
        await serve(interaction, "c")

    @review.command(name="missed", description="Replay the questions you failed in your last round")
    async def missed(self, interaction: discord.Interaction) -> None:
        """Serve the first question the member failed in their last round."""
        await serve(interaction, "m0")

    @review.command(name="remind", description="A daily DM at your local time when review cards are due")
    @app_commands.describe(state="on or off", time="Local time, 24-hour HH:MM (e.g. 18:30)",
                           timezone="IANA time zone, e.g. Europe/Berlin (default: UTC, or what you chose before)")
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def remind(self, interaction: discord.Interaction, state: Literal["on", "off"], time: str | None = None,
                     timezone: str | None = None) -> None:
        """Turn the member's reminder on or off."""
        runner = self.bot.rounds.review
        reminder = await runner.remind(interaction.user.id, state == "on", time, timezone)
        if reminder is None:
            await reply(interaction, "🔕 Review reminders are off.")
            return
        ts = int(runner.next_reminder_at(reminder).timestamp())
        await reply(interaction, f"⏰ Review reminders are on: every day at **{reminder.local_time:%H:%M}** "
                                 f"({reminder.timezone}) when you have cards due, by DM. Next check <t:{ts}:R>. "
                                 "Make sure you accept DMs from Viva.")


class InsightsCog(commands.Cog, name="Insights"):
    """What the server misses most."""

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot

    @app_commands.command(name="insights", description="The key points this server misses most, per topic "
                                                       "(Manage Server)")
    @app_commands.describe(period="This month (default), this week or all time")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def insights(self, interaction: discord.Interaction,
                       period: Literal["week", "month", "all"] = "month") -> None:
        """Post the summary for everyone, then the chart in the same message."""
        assert interaction.guild_id is not None
        missed = await self.bot.rounds.review.insights(interaction.guild_id, period)
        embed = insights_embed(missed, period=PERIOD_TITLE[period])
        await reply(interaction, embed=embed, ephemeral=False)
        png = await charts.insights_png([(m.topic, m.point, m.misses, m.answers) for m in missed])
        if png is not None:
            await attach_chart(interaction, embed, png, "insights.png")


async def setup(bot: VivaBot) -> None:
    """Load the cogs."""
    await bot.add_cog(ReviewCog(bot))
    await bot.add_cog(InsightsCog(bot))
