"""/quiz start|stop|skip: group rounds in a channel, run by `bot.rounds.quiz.QuizRunner`."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import VivaBot
from bot.bank.models import Difficulty
from bot.cogs.common import bank_autocomplete, manager, moderator, role_ids, topic_autocomplete
from bot.sessions.quiz import DEFAULT_COUNT, DEFAULT_SECONDS, MAX_COUNT, MAX_SECONDS, MIN_SECONDS
from bot.ui.respond import reply

logger = logging.getLogger(__name__)


class QuizCog(commands.Cog, name="Quiz"):
    """Quiz rounds."""

    quiz = app_commands.Group(name="quiz", description="Group quiz rounds: questions answered privately, "
                              "scores revealed together", guild_only=True)

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot

    @quiz.command(name="start", description="Start a quiz round in this channel")
    @app_commands.describe(bank="Question bank (default: the server's default bank)",
                           topic="Only questions on this topic", difficulty="Only questions of this difficulty",
                           count=f"How many questions (1–{MAX_COUNT}, default {DEFAULT_COUNT})",
                           seconds=f"Seconds to answer each question ({MIN_SECONDS}–{MAX_SECONDS}, "
                                   f"default {DEFAULT_SECONDS})")
    @app_commands.autocomplete(bank=bank_autocomplete, topic=topic_autocomplete)
    @app_commands.checks.bot_has_permissions(view_channel=True, send_messages=True, embed_links=True)
    async def start(self, interaction: discord.Interaction, bank: str | None = None, topic: str | None = None,
                    difficulty: Difficulty | None = None,
                    count: app_commands.Range[int, 1, MAX_COUNT] = DEFAULT_COUNT,
                    seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] = DEFAULT_SECONDS) -> None:
        """Record the round, announce it and run it in the background."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        runner = self.bot.rounds.quiz
        started = await runner.start(guild_id=interaction.guild_id, channel_id=interaction.channel_id,
                                     owner_id=interaction.user.id, bank=bank, topic=topic, difficulty=difficulty,
                                     count=count, seconds=seconds, manager=manager(interaction),
                                     role_ids=role_ids(interaction))
        filters = ", ".join(x for x in (topic, difficulty) if x)
        try:
            await reply(interaction, f"🎯 Quiz round by {interaction.user.mention}: **{started.count}** question(s) "
                        f"from **{started.bank.name}**{f' ({filters})' if filters else ''}, {seconds} s each. Press "
                        "**Answer** under each question; scores are revealed after each one.", ephemeral=False)
        finally:  # the round runs even if the announcement could not be sent
            runner.run(started)

    @quiz.command(name="stop", description="End the quiz round in this channel (starter or Manage Messages)")
    async def stop(self, interaction: discord.Interaction) -> None:
        """Stop the round after revealing the current question."""
        await self.bot.rounds.quiz.control(interaction.channel_id or 0, interaction.user.id, "stop",
                                           moderator=moderator(interaction))
        await reply(interaction, "⏹️ Stopping the round: revealing this question, then the standings.",
                    ephemeral=False)

    @quiz.command(name="skip", description="Reveal the current question now and move on (starter or Manage Messages)")
    async def skip(self, interaction: discord.Interaction) -> None:
        """Close the current question early."""
        await self.bot.rounds.quiz.control(interaction.channel_id or 0, interaction.user.id, "skip",
                                           moderator=moderator(interaction))
        await reply(interaction, "⏭️ Skipping ahead.", ephemeral=False)


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(QuizCog(bot))
