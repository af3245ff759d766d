"""/settings (Manage Server), /bank list and /help."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot import privacy
from bot.app import VivaBot
from bot.cogs.common import bank_autocomplete, zone_autocomplete
from bot.errors import UserError
from bot.schedule.daily import parse_zone
from bot.ui import embeds
from bot.ui.respond import reply

logger = logging.getLogger(__name__)

HELP = """\
**/quiz start** `[bank] [topic] [difficulty] [count] [seconds]` — a quiz round in this channel. Press **Answer** \
under each question to reply privately; scores are revealed after each question, standings at the end.
**/quiz skip**, **/quiz stop** — for the member who started the round or moderators (Manage Messages).
**/interview start** `[bank] [topic] [difficulty] [count]` — a private mock interview in a thread (or DMs). \
Type your answers; I grade each one, may ask one follow-up, and end with a report. **/interview stop** ends it.
**/daily set** `channel time timezone [bank] [topic]` — a question of the day at a local time (Manage Server). \
Also **/daily show**, **/daily off**, **/daily now**.
**/leaderboard** `[week|month|all] [bank] [topic]` — the top members and your rank.
**/stats** `[member]` — points, pass rate, streaks, strongest and weakest topics.
**/bank list** — the question banks and their topics.
**/settings** — spoilers, who may start quizzes, default bank, time zone (Manage Server).
**/privacy show**, **/privacy delete** — what Viva stores about you in this server, and erasing it. \
**/settings retention_days** sets how long answer texts are kept.
Grading compares your answer with each question's key points: cover the ideas, in your own words."""


class AdminCog(commands.Cog, name="Admin"):
    """Server settings, bank listing and help."""

    bank = app_commands.Group(name="bank", description="Question banks")

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot

    @bank.command(name="list", description="List the question banks with their topics and question counts")
    async def bank_list(self, interaction: discord.Interaction) -> None:
        """Every loaded bank."""
        banks = [self.bot.catalog.banks[n] for n in self.bot.catalog.names()]
        await reply(interaction, embed=embeds.bank_list_embed(banks))

    @app_commands.command(name="help", description="How to use Viva")
    async def help(self, interaction: discord.Interaction) -> None:
        """A short guide."""
        await reply(interaction, embed=embeds.simple_embed("Viva — mock interviews for study groups", HELP))

    @app_commands.command(name="settings", description="Show or change this server's Viva settings (Manage Server)")
    @app_commands.describe(spoilers="Hide model answers behind spoiler tags at reveals",
                           quiz_role="Only members with this role (or Manage Server) may start quizzes",
                           everyone_can_quiz="Let everyone start quizzes again (clears the quiz role)",
                           default_bank="Bank used when a command doesn't name one",
                           timezone="Time zone for weekly/monthly leaderboards (IANA name, e.g. Europe/Berlin)")
    @app_commands.describe(retention_days="Keep answer texts this many days (0: until members delete them); "
                                          "scores stay")
    @app_commands.autocomplete(default_bank=bank_autocomplete, timezone=zone_autocomplete)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def settings(self, interaction: discord.Interaction, spoilers: bool | None = None,
                       quiz_role: discord.Role | None = None, everyone_can_quiz: bool | None = None,
                       default_bank: str | None = None, timezone: str | None = None,
                       retention_days: app_commands.Range[int, 0, privacy.MAX_RETENTION_DAYS] | None = None,
                       ) -> None:
        """Apply the given changes, then show every setting."""
        assert interaction.guild_id is not None
        if quiz_role is not None and everyone_can_quiz:
            raise UserError("Choose either quiz_role (only that role may start quizzes) or everyone_can_quiz, "
                            "not both.")
        changes: dict[str, object] = {}
        if spoilers is not None:
            changes["spoilers"] = spoilers
        if quiz_role is not None:
            changes["quiz_role_id"] = quiz_role.id
        if everyone_can_quiz:
            changes["quiz_role_id"] = None
        if default_bank is not None:
            changes["default_bank"] = self.bot.catalog.bank(default_bank).name
        if timezone is not None:
            changes["timezone"] = parse_zone(timezone).key
        store = self.bot.store
        dropped = None
        if retention_days is not None:
            dropped = await privacy.set_retention(store, interaction.guild_id, retention_days, self.bot.clock.now())
        s = await (store.update_settings(interaction.guild_id, **changes) if changes
                   else store.get_settings(interaction.guild_id))
        lines = [f"Spoilers at reveals: **{'on' if s.spoilers else 'off'}**",
                 "Who may start quizzes: " + (f"<@&{s.quiz_role_id}> and Manage Server" if s.quiz_role_id
                                               else "**everyone**"),
                 f"Default bank: **{s.default_bank or 'not set'}**", f"Time zone: **{s.timezone}**"]
        days = await privacy.retention_days(store, interaction.guild_id)
        lines.append("Answer texts kept: " + (f"**{days} days** (older texts are dropped; scores stay)" if days
                                              else "**until members delete them**"))
        if dropped is not None and dropped.answers:
            lines.append(f"Dropped {dropped.answers} older answer text(s) now.")
        title = "⚙️ Settings updated" if changes or retention_days is not None else "⚙️ Settings"
        await reply(interaction, embed=embeds.simple_embed(title, "\n".join(lines)))


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(AdminCog(bot))
