"""/privacy show and /privacy delete; the retention purge loop is started with the cog."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import privacy
from bot.app import VivaBot
from bot.ui.privacy import CONFIRM_SECONDS, ConfirmErase, confirm_embed, stored_embed
from bot.ui.respond import reply

logger = logging.getLogger(__name__)


class PrivacyCog(commands.Cog, name="Privacy"):
    """What Viva stores about a member, and erasing it."""

    group = app_commands.Group(name="privacy", description="What Viva stores about you here, and deleting it",
                               guild_only=True)

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot
        self.confirm_seconds = CONFIRM_SECONDS
        self.purger = privacy.RetentionPurger(bot.store, bot.clock)
        self._loop: asyncio.Task[Any] | None = None

    async def cog_load(self) -> None:
        """Start the retention loop (its first pass runs now, at start)."""
        self._loop = self.bot.spawn(self.purger.loop(), name="retention-purge")

    async def cog_unload(self) -> None:
        """Stop the retention loop."""
        if self._loop is not None:
            self._loop.cancel()

    @group.command(name="show", description="What Viva stores about you in this server")
    async def show(self, interaction: discord.Interaction) -> None:
        """Counts of the member's stored data, and how long answer texts are kept (only they see it)."""
        assert interaction.guild_id is not None
        store = self.bot.store
        data = await privacy.member_data(store, interaction.guild_id, interaction.user.id)
        days = await privacy.retention_days(store, interaction.guild_id)
        await reply(interaction, embed=stored_embed(data, days), ephemeral=True)

    @group.command(name="delete", description="Delete your answers, review cards and stats in this server")
    async def delete(self, interaction: discord.Interaction) -> None:
        """Ask (Delete / Cancel, privately); the erasure happens only on Delete."""
        assert interaction.guild_id is not None
        guild_id, user_id, store = interaction.guild_id, interaction.user.id, self.bot.store
        data = await privacy.member_data(store, guild_id, user_id)
        if data.empty:
            days = await privacy.retention_days(store, guild_id)
            await reply(interaction, embed=stored_embed(data, days), ephemeral=True)
            return
        view = ConfirmErase(interaction, lambda: privacy.erase_member(store, guild_id, user_id),
                            timeout=self.confirm_seconds)
        await reply(interaction, embed=confirm_embed(data), view=view, ephemeral=True)


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(PrivacyCog(bot))
