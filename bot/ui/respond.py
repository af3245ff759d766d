"""One way to reply to an interaction whatever state it is in, and one way to report an error to the user."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.errors import UserError

logger = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
UNKNOWN_INTERACTION = 10062
APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again in a moment."


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = True,
    file: discord.File | None = None,
) -> None:
    """Send a message as the interaction's response, or as a follow-up when it was already answered or deferred."""
    kwargs: dict[str, Any] = {"content": content, "ephemeral": ephemeral, "allowed_mentions": NO_PINGS}
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def user_message(error: BaseException) -> str | None:
    """The text to show for an error the user can act on, or None for a bug."""
    original = getattr(error, "original", None) or error.__cause__
    if isinstance(original, UserError | discord.Forbidden):
        error = original
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        perms = ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in error.missing_permissions)
        return f"You need the **{perms}** permission to use this."
    if isinstance(error, app_commands.BotMissingPermissions):
        perms = ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in error.missing_permissions)
        return f"I need the **{perms}** permission in this channel. Ask a server admin to grant it."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in a server, not in DMs."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.TransformerError):
        return f"'{error.value}' is not a valid {error.type.name.lower()} here."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, discord.Forbidden):
        return "I'm missing a permission in this channel (view, send messages, embed links or threads)."
    return None


def expired(error: BaseException) -> bool:
    """Whether Discord refused a reply because the interaction is past its 3-second deadline (10062)."""
    original = getattr(error, "original", None) or error.__cause__ or error
    return isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION


async def report_error(interaction: discord.Interaction, error: Exception) -> None:
    """Tell the user what to fix (ephemeral), or log the bug with context and apologise.

    An interaction that reached the bot too late to be answered (10062) is the expected outcome of lateness:
    a WARNING with the delay, and nothing more is sent (a second callback would be refused too)."""
    if expired(error):
        interaction.extras["viva_outcome"] = "expired"  # read by bot.ui.observe.observed (metrics)
        delay = (discord.utils.utcnow() - interaction.created_at).total_seconds()
        logger.warning("interaction %s from user %s expired before it was answered (%.1f s after it was created); "
                       "Discord refused the reply (10062)", interaction.id, interaction.user.id, delay)
        return
    message = user_message(error)
    interaction.extras["viva_outcome"] = "refused" if message is not None else "error"
    if message is None:
        command = interaction.command.qualified_name if interaction.command else None
        custom_id = (interaction.data or {}).get("custom_id") if interaction.data else None
        original = getattr(error, "original", error)
        logger.error(
            "unhandled error in %s (guild=%s channel=%s user=%s)",
            command or custom_id or interaction.type.name, interaction.guild_id, interaction.channel_id,
            interaction.user.id, exc_info=original,
        )
        message = APOLOGY
    try:
        await reply(interaction, message, ephemeral=True)
    except discord.HTTPException:
        logger.warning("could not deliver an error message to user %s", interaction.user.id, exc_info=True)
