"""The command tree with Viva's one app-command error handler."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.ui.respond import report_error


class VivaTree(app_commands.CommandTree):
    """CommandTree whose on_error shows fixable errors ephemerally and logs the rest with an apology."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Route every app-command error through ``report_error``."""
        await report_error(interaction, error)
