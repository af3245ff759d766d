"""The Surface port (``bot.rounds.surface``) for discord.py: cards become embeds and buttons, ids become channels,
and Discord's refusals become `SurfaceError` / `PlaceGone`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

import discord

from bot.errors import SessionError
from bot.rounds.surface import (
    Card,
    FeedbackCard,
    Place,
    PlaceGone,
    QuestionCard,
    ReportCard,
    RevealCard,
    StandingsCard,
    SurfaceError,
)
from bot.ui import embeds
from bot.ui.appeals import report_appeal_view
from bot.ui.respond import APOLOGY, NO_PINGS, user_message
from bot.ui.views import action_view, result_view

logger = logging.getLogger(__name__)

T = TypeVar("T")
CONTENT = 2000
Postable = discord.TextChannel | discord.Thread | discord.DMChannel


async def _call(action: Awaitable[T]) -> T:
    """Await a Discord call, turning its refusals into the port's errors (the original is the cause)."""
    try:
        return await action
    except discord.NotFound as exc:
        raise PlaceGone(str(exc)) from exc
    except discord.HTTPException as exc:
        raise SurfaceError(str(exc)) from exc


def card_embed(card: Card) -> discord.Embed:
    """The embed for standings, feedback or a report."""
    if isinstance(card, StandingsCard):
        embed = embeds.standings_embed(card.title, card.rows, card.total_questions)
        if card.note:
            embed.set_footer(text=embeds.clip(card.note, embeds.FOOTER))
        return embed
    if isinstance(card, FeedbackCard):
        return embeds.interview_feedback_embed(card.question, card.grade, heading=card.heading, hinted=card.hinted,
                                               final=card.final)
    if isinstance(card, ReportCard):
        if card.report is not None:
            return embeds.interview_report_full_embed(card.report, stopped=card.stopped)
        return embeds.interview_report_embed(card.rows, card.average, card.study_topics, stopped=card.stopped)
    raise TypeError(f"no embed for {type(card).__name__}")


class DiscordSurface:
    """Rounds' view of Discord, over a connected client."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def _place(self, channel_id: int) -> Postable:
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(channel_id)
            except discord.HTTPException as exc:
                raise PlaceGone(f"channel {channel_id} is gone or unreachable") from exc
        if not isinstance(channel, Postable):
            raise PlaceGone(f"channel {channel_id} is not one the bot can post in")
        return channel

    async def has_place(self, channel_id: int) -> bool:
        """Whether the channel (text channel, thread or DM) exists for the bot."""
        try:
            await self._place(channel_id)
        except PlaceGone:
            return False
        return True

    async def send_question(self, channel_id: int, card: QuestionCard) -> int:
        """Post a question embed with its buttons."""
        channel = await self._place(channel_id)
        embed = embeds.question_embed(card.question, heading=card.heading, closes_at=card.closes_at,
                                      footer=card.footer)
        view = action_view(card.actions)
        if view is None:
            message = await _call(channel.send(embed=embed, allowed_mentions=NO_PINGS))
        else:
            message = await _call(channel.send(embed=embed, view=view, allowed_mentions=NO_PINGS))
        return message.id

    async def remove_actions(self, channel_id: int, message_id: int) -> None:
        """Edit the question's buttons away."""
        channel = await self._place(channel_id)
        await _call(channel.get_partial_message(message_id).edit(view=None))

    async def send_reveal(self, channel_id: int, card: RevealCard) -> int:
        """Post the reveal (one message, the model answer whole over as many embeds as it needs), with the
        *My result* button when members answered."""
        channel = await self._place(channel_id)
        shown = embeds.reveal_embeds(card.question, heading=card.heading, spoilers=card.spoilers,
                                     results=[(r.user_id, r.score, r.verdict, r.points) for r in card.results],
                                     missed=card.missed, note=card.note, summary=card.summary)
        if card.post_id is None:
            message = await _call(channel.send(embeds=shown, allowed_mentions=NO_PINGS))
        else:
            message = await _call(channel.send(embeds=shown, view=result_view(card.post_id),
                                               allowed_mentions=NO_PINGS))
        return message.id

    async def send_card(self, channel_id: int, card: Card) -> int:
        """Post standings, feedback or a report."""
        channel = await self._place(channel_id)
        if isinstance(card, ReportCard) and card.appeals:
            message = await _call(channel.send(embed=card_embed(card), view=report_appeal_view(card.appeals),
                                               allowed_mentions=NO_PINGS))
        else:
            message = await _call(channel.send(embed=card_embed(card), allowed_mentions=NO_PINGS))
        return message.id

    async def send_text(self, channel_id: int, text: str, *, ping: int | None = None) -> int:
        """Post text (clipped to Discord's limit) that pings nobody but ``ping``."""
        channel = await self._place(channel_id)
        mentions = NO_PINGS if ping is None else discord.AllowedMentions(
            everyone=False, roles=False, replied_user=False, users=[discord.Object(ping)])
        message = await _call(channel.send(embeds.clip(text, CONTENT) or "…", allowed_mentions=mentions))
        return message.id

    async def open_private(self, parent_channel_id: int | None, user_id: int, name: str) -> Place:
        """A private thread under the parent text channel, or the member's DMs; SessionError when neither."""
        parent = self.client.get_channel(parent_channel_id) if parent_channel_id is not None else None
        if isinstance(parent, discord.TextChannel):
            try:
                thread = await parent.create_thread(name=name[:100], type=discord.ChannelType.private_thread,
                                                    invitable=False, auto_archive_duration=1440)
                await thread.add_user(discord.Object(user_id))
                return Place(thread.id, dm=False)
            except discord.HTTPException:
                logger.info("cannot open a private thread in %s; using DMs", parent.id)
        try:
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            dm = await user.create_dm()
        except discord.HTTPException:
            raise SessionError("I can't open a private thread here or DM you. Ask an admin to let me create "
                               "private threads, or allow DMs from server members.") from None
        return Place(dm.id, dm=True)

    async def notify_admins(self, guild_id: int, text: str) -> None:
        """Post in the server's system (or updates) channel, if there is one the bot can use."""
        guild = self.client.get_guild(guild_id)
        target = (guild.system_channel or guild.public_updates_channel) if guild is not None else None
        if target is None:
            return
        try:
            await target.send(embeds.clip(text, CONTENT), allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            logger.info("guild %s: could not tell the admins either", guild_id)

    async def report_error(self, channel_id: int, error: BaseException) -> None:
        """The error's text when the member can fix it, else an apology (the caller logs bugs); never raises."""
        message = user_message(error) or APOLOGY
        try:
            await self.send_text(channel_id, message)
        except Exception:
            logger.warning("could not deliver an error message in channel %s", channel_id, exc_info=True)
