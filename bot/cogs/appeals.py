"""/appeals: the appeals waiting for a moderator (the decisions themselves are taken on the review messages)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import VivaBot
from bot.ui.embeds import clip, simple_embed
from bot.ui.respond import reply

logger = logging.getLogger(__name__)


class AppealsCog(commands.Cog, name="Appeals"):
    """Appeals of graded answers."""

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot

    @app_commands.command(name="appeals", description="Appeals waiting for a decision (Manage Messages)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.checks.has_permissions(manage_messages=True)
    async def appeals(self, interaction: discord.Interaction) -> None:
        """Pending appeals, oldest first, with a link to each review message."""
        assert interaction.guild_id is not None
        pending = await self.bot.store.appeals(interaction.guild_id, "pending")
        channel = await self.bot.store.appeal_channel(interaction.guild_id)
        where = f"Review channel: <#{channel}>." if channel else \
            "No review channel is set: choose one with `/settings review_channel`."
        if not pending:
            await reply(interaction, f"No appeal is waiting. {where}")
            return
        lines = []
        for a in pending[:20]:
            link = (f"https://discord.com/channels/{a.guild_id}/{a.review_channel}/{a.review_message}"
                    if a.review_message else "not posted yet")
            lines.append(f"**#{a.id}** <@{a.user_id}> · {a.bank} `{clip(a.question_id, 40)}` · "
                         f"{a.old_score:.0%} · <t:{int(a.created_at.timestamp())}:R> · {link}")
        more = f"\n… and {len(pending) - 20} more" if len(pending) > 20 else ""
        await reply(interaction, embed=simple_embed(f"⚖️ Appeals waiting ({len(pending)})",
                                                    "\n".join(lines) + more + f"\n\n{where}"))


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(AppealsCog(bot))
