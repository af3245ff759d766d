"""/leaderboard and /stats: per-server rankings for the week, month or all time, and personal statistics."""

from __future__ import annotations

import logging
import math
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import VivaBot
from bot.cogs.common import bank_autocomplete, topic_autocomplete
from bot.errors import BankError
from bot.ui import boards, charts
from bot.ui.respond import reply
from bot.ui.review import attach_chart, review_status_text
from bot.ui.views import pager_view

logger = logging.getLogger(__name__)

PAGE = 10
PERIOD_TITLE = {"week": "this week", "month": "this month", "all": "all time"}


class LeaderboardCog(commands.Cog, name="Leaderboard"):
    """Leaderboards and stats."""

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot

    @app_commands.command(name="leaderboard", description="Top members of this server; your own rank privately")
    @app_commands.describe(period="This week (default), this month or all time", bank="Only this bank",
                           topic="Only this topic")
    @app_commands.autocomplete(bank=bank_autocomplete, topic=topic_autocomplete)
    @app_commands.guild_only()
    async def leaderboard(self, interaction: discord.Interaction, period: Literal["week", "month", "all"] = "week",
                          bank: str | None = None, topic: str | None = None) -> None:
        """Show the first page publicly, then the caller's own rank privately; page buttons survive a restart."""
        if bank:
            bank = self.bot.catalog.for_guild(interaction.guild_id).bank(bank).name  # clear error for an unknown bank
        if topic:
            topic = self.known_topic(topic, bank, interaction.guild_id)
        embed, view, ranked = await self._page(interaction.guild_id, period, bank, topic, 0)
        if view is None:
            await reply(interaction, embed=embed, ephemeral=False)
        else:
            await reply(interaction, embed=embed, view=view, ephemeral=False)
        if ranked:
            await reply(interaction, embed=await self.rank_embed(interaction.guild_id, interaction.user.id, period,
                                                                 bank, topic), ephemeral=True)

    def known_topic(self, topic: str, bank: str | None, guild_id: int | None = None) -> str:
        """The topic as the banks spell it; BankError listing the topics that exist otherwise."""
        catalog = self.bot.catalog.for_guild(guild_id)
        banks = [catalog.bank(bank)] if bank else list(catalog.banks.values())
        topics = sorted({t for b in banks for t in b.topics})
        match = next((t for t in topics if t.lower() == topic.strip().lower()), None)
        if match is None:
            where = f"Bank '{bank}' has" if bank else "No bank has"
            raise BankError(f"{where} no questions with topic '{topic}'. Topics: {', '.join(topics) or 'none'}.")
        return match

    async def rank_embed(self, guild_id: int | None, user_id: int, period: str, bank: str | None,
                         topic: str | None) -> discord.Embed:
        """The member's own rank on that leaderboard (sent only to them)."""
        assert guild_id is not None
        store, now = self.bot.store, self.bot.clock.now()
        tz = (await store.get_settings(guild_id)).timezone
        mine = await store.member_rank(guild_id, user_id, period, now=now, tz=tz, bank=bank, topic=topic)
        return boards.rank_card(PERIOD_TITLE.get(period, period), mine)

    async def render(self, guild_id: int | None, viewer_id: int, period: str, bank: str | None, topic: str | None,
                     page: int) -> tuple[discord.Embed, discord.ui.View | None]:
        """One public page of a leaderboard as an embed, with page buttons.

        Whoever asked or clicked (``viewer_id``) is not shown: the page is public, so a "You" line would show
        one member's rank to everyone; the rank goes to its owner privately (`rank_embed`).
        """
        embed, view, _ = await self._page(guild_id, period, bank, topic, page)
        return embed, view

    async def _page(self, guild_id: int | None, period: str, bank: str | None, topic: str | None,
                    page: int) -> tuple[discord.Embed, discord.ui.View | None, bool]:
        """(embed, page buttons, whether anyone is ranked)."""
        assert guild_id is not None
        store, now = self.bot.store, self.bot.clock.now()
        tz = (await store.get_settings(guild_id)).timezone
        size = await store.leaderboard_size(guild_id, period, now=now, tz=tz, bank=bank, topic=topic)
        pages = max(1, math.ceil(size / PAGE))
        page = min(max(0, page), pages - 1)
        rows = await store.leaderboard(guild_id, period, now=now, tz=tz, bank=bank, topic=topic, limit=PAGE,
                                       offset=page * PAGE)
        scope = " · ".join(x for x in (bank, topic) if x)
        title = f"🏆 Leaderboard — {PERIOD_TITLE.get(period, period)}" + (f" · {scope}" if scope else "")
        embed = boards.leaderboard_page(title, rows, page=page, pages=pages, tz=tz)
        if not rows:
            return embed, None, False
        return embed, pager_view(period, page, pages, bank, topic), True

    @app_commands.command(name="stats", description="Points, pass rate, streaks and topics of a member (default: you)")
    @app_commands.describe(member="Whose stats to show (default: you)")
    @app_commands.guild_only()
    async def stats(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        """Personal statistics, review cards due, and a chart of points per week and pass rate per topic."""
        assert interaction.guild_id is not None
        target = member or interaction.user
        store, now = self.bot.store, self.bot.clock.now()
        tz = (await store.get_settings(interaction.guild_id)).timezone
        s = await store.member_stats(interaction.guild_id, target.id, now=now, tz=tz)
        title = f"📊 Stats for {target.display_name}"
        if s.answers == 0:
            await reply(interaction, embed=boards.stats_card(title, s, ""))
            return
        cards = await store.review_summary(target.id, now)
        embed = boards.stats_card(title, s, review_status_text(cards.cards, cards.due, cards.next_due))
        await reply(interaction, embed=embed)
        # The chart follows in the same message: drawing it never delays the answer past Discord's 3 seconds.
        weeks = await store.weekly_points(interaction.guild_id, target.id, now=now, tz=tz)
        png = await charts.stats_png([(w.start, w.points) for w in weeks],
                                     [(t.topic, t.pass_rate, t.answers) for t in s.topics])
        if png is not None:
            await attach_chart(interaction, embed, png, "stats.png")


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(LeaderboardCog(bot))
