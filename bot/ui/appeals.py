"""Appeals on Discord: the *Appeal* button under a member's private result and its form, the review message
(embed, a menu of the key points to credit, *Accept* and *Reject*) and the decision forms, and the
`AppealSurface` port for discord.py. The review channel may be a text channel or a forum (one post per appeal,
tagged pending / accepted / rejected when the bot may manage the forum's tags).

Custom ids carry the ids they act on (``viva:appeal:<post>``, ``viva:apts:<appeal>``, ``viva:aok:<appeal>``,
``viva:ano:<appeal>``), so the buttons keep working after a restart; the points ticked are read back off the
review message's own menu, so nothing lives only in memory.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol, cast

import discord

from bot.rounds.appeals import MAX_PHRASING, MAX_REASON, AppealCard, AppealDesk, phrasing_target
from bot.rounds.surface import PlaceGone, SurfaceError
from bot.ui.embeds import COLOR, DESCRIPTION, FAIL, FIELD_VALUE, PARTIAL, PASS, TITLE, VERDICT_ICON, clip
from bot.ui.observe import observed_callback
from bot.ui.respond import NO_PINGS, reply, report_error

logger = logging.getLogger(__name__)

STATUS_TAGS = ("pending", "accepted", "rejected")
_STATUS_ICON = {"pending": "⏳", "accepted": "✅", "rejected": "❌"}


class Host(Protocol):
    """What the appeal components need of the bot."""

    appeals: AppealDesk


def _desk(interaction: discord.Interaction) -> AppealDesk:
    return cast(Host, interaction.client).appeals


def _moderator(interaction: discord.Interaction) -> bool:
    """Manage Messages in the channel where the review message is."""
    return bool(interaction.permissions.manage_messages)


def appeal_embed(card: AppealCard) -> discord.Embed:
    """The review message: who appealed, the question, their answer, each key point hit or missed, the score."""
    appeal = card.appeal
    colour = {"accepted": PASS, "rejected": FAIL}.get(appeal.status, PARTIAL)
    title = clip(f"{_STATUS_ICON[appeal.status]} Appeal #{appeal.id} — {appeal.status}", TITLE)
    prompt = card.prompt or f"(question `{appeal.question_id}` is no longer in bank `{appeal.bank}`)"
    lines = [f"From <@{appeal.user_id}> · bank **{appeal.bank}** · "
             f"{VERDICT_ICON.get(appeal.old_verdict, '')} **{appeal.old_score:.0%}** ({appeal.old_verdict}), "
             f"+{appeal.old_points:g} pts",
             f"**Question**\n{clip(prompt, 900)}",
             f"**Their answer**\n>>> {clip(card.response, 1800) or '—'}"]
    embed = discord.Embed(title=title, description=clip("\n\n".join(lines), DESCRIPTION), colour=colour)
    if card.key_points:
        rows = []
        for p in card.key_points:
            mark = "☑" if p.index in card.credit else "☐"
            seen = f" — “{clip(p.matched, 80)}”" if p.matched else (" — missed" if not p.hit else "")
            rows.append(f"{mark} {p.index + 1}. {clip(p.text, 150)}{seen}")
        embed.add_field(name="Key points (☑ = credited if accepted)", value=clip("\n".join(rows), FIELD_VALUE),
                        inline=False)
    elif card.short_answers:
        embed.add_field(name="Accepted answers", value=clip(", ".join(card.short_answers), FIELD_VALUE), inline=False)
    if appeal.reason:
        embed.add_field(name="Why they appeal", value=clip(appeal.reason, FIELD_VALUE), inline=False)
    if appeal.status != "pending":
        verdict = f"{appeal.status.capitalize()} by <@{appeal.decided_by}>"
        if appeal.decided_at is not None:
            verdict += f" <t:{int(appeal.decided_at.timestamp())}:R>"
        if appeal.status == "accepted" and appeal.new_score is not None:
            verdict += f": now **{appeal.new_score:.0%}**, +{appeal.new_points or 0:g} pts"
        if appeal.decision_reason:
            verdict += f"\nWhy: {clip(appeal.decision_reason, 500)}"
        if appeal.phrasing:
            verdict += f"\nNow accepted: “{clip(appeal.phrasing, 200)}”"
        embed.add_field(name="Decision", value=clip(verdict, FIELD_VALUE), inline=False)
    else:
        embed.set_footer(text="Moderators (Manage Messages): tick the points to credit, then Accept or Reject.")
    return embed


def review_view(card: AppealCard) -> discord.ui.View | None:
    """The select of points to credit and the Accept / Reject buttons (none once decided)."""
    if card.appeal.status != "pending":
        return None
    view = discord.ui.View(timeout=None)
    if card.key_points:
        view.add_item(PointsSelect(card.appeal.id, card))
    view.add_item(AcceptButton(card.appeal.id))
    view.add_item(RejectButton(card.appeal.id))
    return view


def _points_select(appeal_id: int, card: AppealCard | None) -> discord.ui.Select[Any]:
    options = []
    for p in (card.key_points if card is not None else ())[:25]:
        options.append(discord.SelectOption(label=clip(f"{p.index + 1}. {p.text}", 100), value=str(p.index),
                                            default=p.index in card.credit))  # type: ignore[union-attr]
    if not options:
        options = [discord.SelectOption(label="(no key points)", value="-1")]
    return discord.ui.Select(custom_id=f"viva:apts:{appeal_id}", placeholder="Key points to credit",
                             min_values=0, max_values=len(options), options=options)


def credit_on(message: discord.Message | None, appeal_id: int) -> set[int]:
    """The points ticked on a review message (read back from its select's defaults)."""
    wanted = f"viva:apts:{appeal_id}"
    for row in message.components if message is not None else ():
        for child in getattr(row, "children", ()):
            if getattr(child, "custom_id", None) == wanted:
                return {int(o.value) for o in child.options if o.default and o.value.lstrip("-").isdigit()
                        and int(o.value) >= 0}
    return set()


class PointsSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"viva:apts:(?P<appeal>\d+)"):
    """Which key points an accept credits; changing it redraws the review message with the ticks."""

    def __init__(self, appeal_id: int, card: AppealCard | None = None) -> None:
        super().__init__(_points_select(appeal_id, card))
        self.appeal_id = appeal_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> PointsSelect:
        """Rebuild from the custom id."""
        return cls(int(match["appeal"]))

    @observed_callback
    async def callback(self, interaction: discord.Interaction) -> None:
        """Redraw with the new ticks (moderators only)."""
        try:
            if not _moderator(interaction):
                await reply(interaction, "Only members with Manage Messages can decide appeals.", ephemeral=True)
                return
            data: dict[str, Any] = dict(interaction.data or {})
            credit = {int(v) for v in data.get("values") or [] if str(v).isdigit()}
            card = await _desk(interaction).card(self.appeal_id, credit)
            await interaction.response.edit_message(embed=appeal_embed(card), view=review_view(card),
                                                    allowed_mentions=NO_PINGS)
        except Exception as error:
            await report_error(interaction, error)


class AcceptButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"viva:aok:(?P<appeal>\d+)"):
    """Accept: opens the decision form (why, and the member's phrasing to accept from now on)."""

    def __init__(self, appeal_id: int) -> None:
        super().__init__(discord.ui.Button(label="Accept", style=discord.ButtonStyle.success, emoji="✅",
                                           custom_id=f"viva:aok:{appeal_id}"))
        self.appeal_id = appeal_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AcceptButton:
        """Rebuild from the custom id."""
        return cls(int(match["appeal"]))

    @observed_callback
    async def callback(self, interaction: discord.Interaction) -> None:
        """Check the moderator and the appeal, then open the form."""
        try:
            credit = credit_on(interaction.message, self.appeal_id)
            card = await _desk(interaction).prepare_accept(self.appeal_id, credit, moderator=_moderator(interaction))
            await interaction.response.send_modal(DecisionModal(card, accept=True, credit=credit))
        except Exception as error:
            await report_error(interaction, error)


class RejectButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"viva:ano:(?P<appeal>\d+)"):
    """Reject: opens the decision form (why)."""

    def __init__(self, appeal_id: int) -> None:
        super().__init__(discord.ui.Button(label="Reject", style=discord.ButtonStyle.danger, emoji="✖️",
                                           custom_id=f"viva:ano:{appeal_id}"))
        self.appeal_id = appeal_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> RejectButton:
        """Rebuild from the custom id."""
        return cls(int(match["appeal"]))

    @observed_callback
    async def callback(self, interaction: discord.Interaction) -> None:
        """Check the moderator and the appeal, then open the form."""
        try:
            card = await _desk(interaction).prepare_accept(self.appeal_id, (), moderator=_moderator(interaction))
            await interaction.response.send_modal(DecisionModal(card, accept=False, credit=set()))
        except Exception as error:
            await report_error(interaction, error)


class DecisionModal(discord.ui.Modal):
    """The moderator's decision: why (kept with the decision) and, accepting, a phrasing to accept from now on."""

    def __init__(self, card: AppealCard, *, accept: bool, credit: set[int]) -> None:
        verb = "Accept" if accept else "Reject"
        super().__init__(title=clip(f"{verb} appeal #{card.appeal.id}", 45), timeout=1800,
                         custom_id=f"viva:adecide:{card.appeal.id}:{int(accept)}")
        self.card, self.accept, self.credit = card, accept, credit
        self.reason: discord.ui.TextInput[DecisionModal] = discord.ui.TextInput(
            label="Why (the member sees this)", custom_id="reason", style=discord.TextStyle.paragraph,
            required=not accept, max_length=MAX_REASON)
        self.add_item(self.reason)
        self.phrasing: discord.ui.TextInput[DecisionModal] | None = None
        target = phrasing_target(card) if accept else None
        if target is not None:
            label = "Also accept this phrasing (optional)" if target else "Also accept this answer (optional)"
            self.phrasing = discord.ui.TextInput(
                label=label, custom_id="phrasing", required=False, max_length=MAX_PHRASING,
                placeholder=clip(f"for: {target}" if target else "an extra short answer", 100),
                default=clip(" ".join(card.response.split()), MAX_PHRASING) or None)
            self.add_item(self.phrasing)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Apply the decision, then confirm privately."""
        desk = _desk(interaction)
        try:
            if self.accept:
                card = await desk.accept(self.card.appeal.id, moderator_id=interaction.user.id,
                                         moderator=_moderator(interaction), credit=self.credit,
                                         reason=self.reason.value or "",
                                         phrasing=self.phrasing.value if self.phrasing is not None else "")
                text = f"✅ Appeal #{card.appeal.id} accepted: the answer now scores {card.appeal.new_score or 0:.0%}."
            else:
                card = await desk.reject(self.card.appeal.id, moderator_id=interaction.user.id,
                                         moderator=_moderator(interaction), reason=self.reason.value or "")
                text = f"❌ Appeal #{card.appeal.id} rejected."
            await reply(interaction, text, ephemeral=True)
        except Exception as error:
            await report_error(interaction, error)


class AppealModal(discord.ui.Modal):
    """The member's appeal: why they think the answer deserves more."""

    def __init__(self, post_id: int) -> None:
        super().__init__(title="Appeal your result", timeout=1800, custom_id=f"viva:appealform:{post_id}")
        self.post_id = post_id
        self.reason: discord.ui.TextInput[AppealModal] = discord.ui.TextInput(
            label="Why should this answer get more credit?", custom_id="reason", style=discord.TextStyle.paragraph,
            required=False, max_length=MAX_REASON,
            placeholder="e.g. I covered the second point in other words")
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Record the appeal and show it to the moderators."""
        try:
            await _desk(interaction).open(post_id=self.post_id, user_id=interaction.user.id,
                                          reason=self.reason.value or "")
            await reply(interaction, "📨 Your appeal was sent to the moderators. I'll DM you their decision.",
                        ephemeral=True)
        except Exception as error:
            await report_error(interaction, error)


class AppealButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"viva:appeal:(?P<post>\d+)"):
    """Under a member's private result: appeal the grade."""

    def __init__(self, post_id: int, label: str = "Appeal") -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.secondary, emoji="⚖️",
                                           custom_id=f"viva:appeal:{post_id}"))
        self.post_id = post_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AppealButton:
        """Rebuild from the custom id."""
        return cls(int(match["post"]), getattr(item, "label", None) or "Appeal")

    @observed_callback
    async def callback(self, interaction: discord.Interaction) -> None:
        """Open the appeal form."""
        try:
            await interaction.response.send_modal(AppealModal(self.post_id))
        except Exception as error:
            await report_error(interaction, error)


def appeal_view(post_id: int) -> discord.ui.View:
    """A view with the Appeal button for a member's result on a post."""
    view = discord.ui.View(timeout=None)
    view.add_item(AppealButton(post_id))
    return view


def report_appeal_view(appeals: tuple[tuple[int, int], ...]) -> discord.ui.View:
    """Under an interview report: one Appeal button per answer that did not get full marks (25 at most)."""
    view = discord.ui.View(timeout=None)
    for number, post_id in appeals[:25]:
        view.add_item(AppealButton(post_id, f"Appeal Q{number}"))
    return view


COMPONENTS = (AppealButton, PointsSelect, AcceptButton, RejectButton)


class DiscordAppealSurface:
    """`AppealSurface` over a connected discord.py client."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def _channel(self, channel_id: int) -> Any:
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(channel_id)
            except discord.NotFound as exc:
                raise PlaceGone(f"channel {channel_id} is gone") from exc
            except discord.HTTPException as exc:
                raise SurfaceError(str(exc)) from exc
        return channel

    async def _tags(self, forum: discord.ForumChannel) -> dict[str, discord.ForumTag]:
        """The forum's pending / accepted / rejected tags, created when missing and allowed (best effort)."""
        tags = {t.name.lower(): t for t in forum.available_tags}
        for name in STATUS_TAGS:
            if name not in tags:
                try:
                    tags[name] = await forum.create_tag(name=name)
                except discord.HTTPException:
                    logger.info("cannot create the forum tag %r in %s (Manage Channels?)", name, forum.id)
                    break
        return tags

    async def post_appeal(self, channel_id: int, card: AppealCard) -> tuple[int, int]:
        """A forum post (tagged pending) or a message in a text channel."""
        channel = await self._channel(channel_id)
        try:
            if isinstance(channel, discord.ForumChannel):
                tags = await self._tags(channel)
                name = clip(f"Appeal #{card.appeal.id}: {card.prompt or card.appeal.question_id}", 100)
                kwargs: dict[str, Any] = {"name": name, "embed": appeal_embed(card), "allowed_mentions": NO_PINGS}
                view = review_view(card)
                if view is not None:
                    kwargs["view"] = view
                if "pending" in tags:
                    kwargs["applied_tags"] = [tags["pending"]]
                made = await channel.create_thread(**kwargs)
                return made.thread.id, made.message.id
            if not isinstance(channel, discord.abc.Messageable):
                raise SurfaceError(f"channel {channel_id} cannot hold messages")
            message = await channel.send(embed=appeal_embed(card), view=review_view(card),  # type: ignore[arg-type]
                                         allowed_mentions=NO_PINGS)
            return channel_id, message.id
        except discord.NotFound as exc:
            raise PlaceGone(str(exc)) from exc
        except discord.HTTPException as exc:
            raise SurfaceError(str(exc)) from exc

    async def show_decision(self, channel_id: int, message_id: int, card: AppealCard) -> None:
        """Redraw the review message with the decision and without its controls; retag a forum post."""
        channel = await self._channel(channel_id)
        try:
            await channel.get_partial_message(message_id).edit(embed=appeal_embed(card), view=None,
                                                               allowed_mentions=NO_PINGS)
            parent = getattr(channel, "parent", None)
            if isinstance(channel, discord.Thread) and isinstance(parent, discord.ForumChannel):
                tags = await self._tags(parent)
                if card.appeal.status in tags:
                    await channel.edit(applied_tags=[tags[card.appeal.status]], archived=True)
        except discord.NotFound as exc:
            raise PlaceGone(str(exc)) from exc
        except discord.HTTPException as exc:
            raise SurfaceError(str(exc)) from exc

    async def notify_member(self, user_id: int, text: str) -> bool:
        """A DM to the member; False when their DMs are closed or they can't be reached."""
        try:
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            await user.send(clip(text, 2000), allowed_mentions=NO_PINGS)
        except (discord.Forbidden, discord.NotFound):
            return False
        except discord.HTTPException as exc:
            raise SurfaceError(str(exc)) from exc
        return True


__all__ = ["COLOR", "COMPONENTS", "DiscordAppealSurface", "appeal_embed", "appeal_view", "review_view"]
