"""/settings (Manage Server), /bank list and /help."""

from __future__ import annotations

import io
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
**/stats** `[member]` — points, pass rate, streaks, topics, review cards due, and a chart of your progress.
**/review start** — spaced repetition, privately (DMs too): your due cards first, then your weakest topic. \
**/review missed** replays what you failed last round; **/review remind on** `time timezone` DMs you when \
cards are due.
**/insights** `[week|month|all]` — the key points this server misses most (Manage Server).
**/bank list** — the question banks and their topics. **/bank overlay** — phrasings accepted on appeal.
**/question add** — add a question of your own (Manage Server or the quiz role); also **list**, **remove**, \
**export**. Play them with `/quiz start bank:custom`.
**My result → Appeal** — think your answer deserved more? Moderators decide in the review channel; \
**/appeals** lists those waiting.
**/settings** — spoilers, who may start quizzes, default bank, time zone, review channel (Manage Server).
**/privacy show**, **/privacy delete** — what Viva stores about you in this server, and erasing it. \
**/settings retention_days** sets how long answer texts are kept.
Grading compares your answer with each question's key points: cover the ideas, in your own words."""


class ReviewPlace(app_commands.Transformer):
    """A channel option limited to text and forum channels (where appeals can be shown)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        """A channel option."""
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        """Text channels and forums."""
        return [discord.ChannelType.text, discord.ChannelType.forum]

    async def transform(self, interaction: discord.Interaction, value: object) -> object:
        """The resolved channel, as given."""
        return value


ReviewChannel = app_commands.Transform[app_commands.AppCommandChannel, ReviewPlace]


class AdminCog(commands.Cog, name="Admin"):
    """Server settings, bank listing and help."""

    bank = app_commands.Group(name="bank", description="Question banks")

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot

    @bank.command(name="list", description="List the question banks with their topics and question counts")
    async def bank_list(self, interaction: discord.Interaction) -> None:
        """Every loaded bank."""
        catalog = self.bot.catalog.for_guild(interaction.guild_id)
        banks = [catalog.banks[n] for n in catalog.names()]
        await reply(interaction, embed=embeds.bank_list_embed(banks))

    @bank.command(name="overlay", description="Phrasings this server accepted on appeal, per key point")
    @app_commands.describe(export="Attach them, with this server's own questions, as a bank YAML file")
    @app_commands.guild_only()
    async def bank_overlay(self, interaction: discord.Interaction, export: bool = False) -> None:
        """The server's accepted phrasings (and, with export, the YAML of them and its custom questions)."""
        assert interaction.guild_id is not None and interaction.guild is not None
        rows = self.bot.content.phrasings(interaction.guild_id)
        lines = [f"**{bank}** `{qid}` — {'short answer' if not point else embeds.clip(point, 80)}: "
                 + ", ".join(f"“{embeds.clip(p, 80)}”" for p in phrasings) for bank, qid, point, phrasings in rows]
        text = "\n".join(lines) or "None yet: accepting an appeal can add the member's phrasing to a key point."
        embed = embeds.simple_embed(f"Accepted phrasings on this server ({len(rows)} key point(s))", text)
        if not export:
            await reply(interaction, embed=embed)
            return
        out = self.bot.content.export(interaction.guild_id, interaction.guild.name)
        await interaction.response.send_message(
            embed=embed, file=discord.File(io.BytesIO(out.text.encode("utf-8")), filename=out.filename),
            ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    @app_commands.command(name="help", description="How to use Viva")
    async def help(self, interaction: discord.Interaction) -> None:
        """A short guide."""
        await reply(interaction, embed=embeds.simple_embed("Viva — mock interviews for study groups", HELP))

    @app_commands.command(name="settings", description="Show or change this server's Viva settings (Manage Server)")
    @app_commands.describe(spoilers="Hide model answers behind spoiler tags at reveals",
                           quiz_role="Only members with this role (or Manage Server) may start quizzes",
                           everyone_can_quiz="Let everyone start quizzes again (clears the quiz role)",
                           default_bank="Bank used when a command doesn't name one",
                           timezone="Time zone for weekly/monthly leaderboards (IANA name, e.g. Europe/Berlin)",
                           review_channel="Where members' appeals go for moderators to decide (text or forum)",
                           no_review_channel="Stop taking appeals (clears the review channel)")
    @app_commands.describe(retention_days="Keep answer texts this many days (0: until members delete them); "
                                          "scores stay")
    @app_commands.autocomplete(default_bank=bank_autocomplete, timezone=zone_autocomplete)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def settings(self, interaction: discord.Interaction, spoilers: bool | None = None,
                       quiz_role: discord.Role | None = None, everyone_can_quiz: bool | None = None,
                       default_bank: str | None = None, timezone: str | None = None,
                       review_channel: ReviewChannel | None = None,
                       no_review_channel: bool | None = None,
                       retention_days: app_commands.Range[int, 0, privacy.MAX_RETENTION_DAYS] | None = None,
                       ) -> None:
        """Apply the given changes, then show every setting."""
        assert interaction.guild_id is not None
        if review_channel is not None and no_review_channel:
            raise UserError("Choose either review_channel or no_review_channel, not both.")
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
        if review_channel is not None or no_review_channel:
            await store.set_appeal_channel(interaction.guild_id, review_channel.id if review_channel else None)
            changes["review_channel"] = review_channel
        appeals = await store.appeal_channel(interaction.guild_id)
        settings_changes = {k: v for k, v in changes.items() if k != "review_channel"}
        s = await (store.update_settings(interaction.guild_id, **settings_changes) if settings_changes
                   else store.get_settings(interaction.guild_id))
        lines = [f"Spoilers at reveals: **{'on' if s.spoilers else 'off'}**",
                 "Who may start quizzes: " + (f"<@&{s.quiz_role_id}> and Manage Server" if s.quiz_role_id
                                               else "**everyone**"),
                 f"Default bank: **{s.default_bank or 'not set'}**", f"Time zone: **{s.timezone}**",
                 "Appeals go to: " + (f"<#{appeals}>" if appeals else "**nowhere** (appeals are off)")]
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
