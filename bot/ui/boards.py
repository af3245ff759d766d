"""Embeds of /leaderboard and /stats: a public leaderboard page, a member's private rank, a member's stats."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.store import LeaderRow, MemberStats, RankInfo
from bot.ui import embeds

NOT_RANKED = "Not ranked yet in this period: answer a question to join!"
EMPTY = "No answers yet in this period. Start a round with /quiz start!"


def leaderboard_page(title: str, rows: Sequence[LeaderRow], *, page: int, pages: int, tz: str) -> discord.Embed:
    """One public page of a leaderboard (nobody's own rank on it: the page is seen by everyone)."""
    if not rows:
        return embeds.simple_embed(title, EMPTY)
    lines = [f"**{r.rank}.** {embeds.mention(r.user_id)} — **{r.points:g}** pts · {r.answers} answers · "
             f"{r.accuracy:.0%} passed" for r in rows]
    embed = embeds.simple_embed(title, "\n".join(lines))
    embed.set_footer(text=f"Page {page + 1}/{pages} · weeks start on Monday, {tz} time")
    return embed


def rank_card(period_title: str, mine: RankInfo | None) -> discord.Embed:
    """A member's own rank on a leaderboard, sent to them alone."""
    embed = embeds.simple_embed("Your rank", f"Leaderboard {period_title}")
    if mine is None:
        embed.add_field(name="You", value=NOT_RANKED)
    else:
        embed.add_field(name="You", value=f"#{mine.row.rank} of {mine.total} · **{mine.row.points:g}** pts · "
                                          f"{mine.row.answers} answers · {mine.row.accuracy:.0%} passed")
    return embed


def stats_card(title: str, s: MemberStats, review_status: str) -> discord.Embed:
    """A member's points, pass rates, streaks, topics and review cards."""
    if s.answers == 0:
        return embeds.simple_embed(title, "No answers yet on this server.")
    embed = embeds.simple_embed(title, f"**{s.points:g}** points from {s.answers} answers · {s.pass_rate:.0%} passed")
    embed.add_field(name="Daily streak", value=f"{s.current_streak} day(s) now · best {s.best_streak}")
    if s.strongest:
        embed.add_field(name="Strongest topics", value=", ".join(s.strongest), inline=False)
    if s.weakest:
        embed.add_field(name="Topics to work on", value=", ".join(s.weakest), inline=False)
    per_topic = "\n".join(f"{t.topic}: {t.pass_rate:.0%} of {t.answers}" for t in s.topics[:15])
    if per_topic:
        embed.add_field(name="Pass rate by topic", value=embeds.clip(per_topic, embeds.FIELD_VALUE), inline=False)
    embed.add_field(name="Review cards", value=review_status, inline=False)
    return embed
