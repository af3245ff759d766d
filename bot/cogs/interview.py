"""/interview start|stop: a one-on-one mock interview in a private thread (or DMs), run by
`bot.rounds.interview.InterviewRunner`; typed answers reach it through ``on_message``."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import VivaBot
from bot.bank.models import Difficulty
from bot.cogs.common import bank_autocomplete, topic_autocomplete
from bot.sessions.interview import DEFAULT_COUNT, MAX_COUNT
from bot.ui.respond import reply

logger = logging.getLogger(__name__)


class InterviewCog(commands.Cog, name="Interview"):
    """One-on-one interviews."""

    interview = app_commands.Group(name="interview", description="A private one-on-one mock interview",
                                   guild_only=True)

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot

    @interview.command(name="start", description="Start a private mock interview (a thread only you and the bot see)")
    @app_commands.describe(bank="Question bank (default: the server's default bank)",
                           topic="Only questions on this topic", difficulty="Only questions of this difficulty",
                           count=f"How many questions (1–{MAX_COUNT}, default {DEFAULT_COUNT})")
    @app_commands.autocomplete(bank=bank_autocomplete, topic=topic_autocomplete)
    async def start(self, interaction: discord.Interaction, bank: str | None = None, topic: str | None = None,
                    difficulty: Difficulty | None = None,
                    count: app_commands.Range[int, 1, MAX_COUNT] = DEFAULT_COUNT) -> None:
        """Open the private place, record the interview, tell the member where, then ask the first question."""
        assert interaction.guild_id is not None
        runner = self.bot.rounds.interview
        plan = await runner.plan(guild_id=interaction.guild_id, user_id=interaction.user.id, bank=bank, topic=topic,
                                 difficulty=difficulty, count=count)
        await interaction.response.defer(ephemeral=True, thinking=True)
        started = await runner.open(plan, parent_channel_id=interaction.channel_id,
                                    user_name=interaction.user.display_name)
        where = "in your DMs" if started.place.dm else f"in <#{started.place.channel_id}>"
        try:
            await reply(interaction, f"🎙️ Your interview is ready {where}: {started.count} question(s) from "
                                     f"**{started.bank.name}**. Answer each one by typing a message there.")
        finally:
            await runner.begin(started)

    @interview.command(name="stop", description="End your interview now and get the report")
    async def stop(self, interaction: discord.Interaction) -> None:
        """Stop the caller's interview."""
        assert interaction.guild_id is not None
        runner = self.bot.rounds.interview
        row = await runner.running(interaction.guild_id, interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await runner.stop(row)
        await reply(interaction, "Interview stopped. Your report is in the interview conversation.")

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Hand members' messages to the interview runner (it ignores all but an interviewee's in their place)."""
        if not message.author.bot:
            await self.bot.rounds.interview.on_message(message.channel.id, message.author.id, message.content)


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(InterviewCog(bot))
