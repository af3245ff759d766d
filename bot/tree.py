"""The command tree with Viva's one app-command error handler, and how every interaction is observed: a log
context (guild, shard, command) around its handling, and its count by outcome and latency in the metrics."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.observability import log_context
from bot.ui.observe import command_name, observed, shard_id
from bot.ui.respond import report_error

__all__ = ["VivaTree", "command_name", "observed", "shard_id"]


class VivaTree(app_commands.CommandTree):
    """CommandTree whose on_error shows fixable errors ephemerally and logs the rest with an apology."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Route every app-command error through ``report_error``."""
        await report_error(interaction, error)

    async def _call(self, interaction: discord.Interaction) -> None:
        """Run a slash command inside ``observed`` (an autocomplete only inside its log context, uncounted)."""
        if interaction.type is discord.InteractionType.autocomplete:
            name = command_name(interaction)
            with log_context(guild=interaction.guild_id, shard=shard_id(interaction), command=name):
                await super()._call(interaction)
            return
        with observed(interaction):
            await super()._call(interaction)
