"""Pieces shared by cogs: autocomplete for banks, topics and zones; who the invoking member is."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.schedule.daily import zone_choices

if TYPE_CHECKING:
    from bot.app import VivaBot

def viva(interaction: discord.Interaction) -> VivaBot:
    """The bot, typed."""
    return interaction.client  # type: ignore[return-value]


async def bank_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Bank names containing what was typed (this server's own bank `custom` too)."""
    catalog = viva(interaction).catalog.for_guild(interaction.guild_id)
    needle = current.lower().strip()
    return [app_commands.Choice(name=f"{b.name} — {b.title}"[:100], value=b.name)
            for b in catalog.banks.values() if needle in b.name or needle in b.title.lower()][:25]


async def topic_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Topics of the chosen bank (or of every bank) containing what was typed."""
    catalog = viva(interaction).catalog.for_guild(interaction.guild_id)
    bank_name = getattr(interaction.namespace, "bank", None)
    chosen = catalog.banks.get(bank_name) if isinstance(bank_name, str) else None
    banks = [chosen] if chosen is not None else list(catalog.banks.values())
    needle = current.lower().strip()
    topics = sorted({t for b in banks for t in b.topics if needle in t.lower()})
    return [app_commands.Choice(name=t[:100], value=t[:100]) for t in topics][:25]


async def zone_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """IANA zone names matching what was typed."""
    return [app_commands.Choice(name=z, value=z) for z in zone_choices(current)]


def manager(interaction: discord.Interaction) -> bool:
    """Whether the invoking member may manage the server (Manage Server or Administrator)."""
    perms = interaction.permissions
    return perms.administrator or perms.manage_guild


def moderator(interaction: discord.Interaction) -> bool:
    """Whether the invoking member may moderate this channel (Manage Messages or Administrator)."""
    perms = interaction.permissions
    return perms.administrator or perms.manage_messages


def role_ids(interaction: discord.Interaction) -> frozenset[int]:
    """The invoking member's role ids (none in DMs)."""
    return frozenset(r.id for r in getattr(interaction.user, "roles", []))
