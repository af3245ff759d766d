"""Persistent components: the Answer button and its modal, and leaderboard page buttons.

Their custom ids carry everything they need (``viva:answer:<post id>``, ``viva:lb:<period>:<page>:<bank>:<topic>``),
so they keep working after a restart: ``VivaBot.setup_hook`` registers them as dynamic items.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.ui.embeds import clip
from bot.ui.respond import NO_PINGS, report_error

if TYPE_CHECKING:
    from bot.app import VivaBot

logger = logging.getLogger(__name__)

RECEIPT = "✅ Answer saved. Your score comes at the reveal."


def answer_view(post_id: int, *, label: str = "Answer") -> discord.ui.View:
    """A view with the persistent Answer button for a post."""
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(post_id, label=label))
    return view


MODAL_ID = re.compile(r"viva:modal:(?P<post>\d+):(?P<user>\d+)")


class AnswerModal(discord.ui.Modal):
    """The private answer box: one long text input.

    Its custom id is unique per post and member (discord.py keys open modals by custom id alone). Submissions are
    handled by ``submit_answer`` from the bot's ``on_interaction``, not by this object, so an answer typed while
    the bot restarted is still saved.
    """

    def __init__(self, post_id: int, user_id: int, prompt: str) -> None:
        super().__init__(title="Your answer", timeout=3600, custom_id=f"viva:modal:{post_id}:{user_id}")
        self.response: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
            label="Your answer", custom_id="response", style=discord.TextStyle.paragraph, min_length=1,
            max_length=4000, placeholder=clip(prompt, 100), required=True)
        self.add_item(self.response)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Nothing here: ``submit_answer`` handles every answer modal."""


def _input_value(components: Any, custom_id: str) -> str | None:
    """The value of the text input ``custom_id`` in submitted modal data (action rows or labels)."""
    for component in components or []:
        if component.get("custom_id") == custom_id and "value" in component:
            return str(component["value"])
        nested = component.get("components") or ([component["component"]] if "component" in component else [])
        found = _input_value(nested, custom_id)
        if found is not None:
            return found
    return None


async def submit_answer(interaction: discord.Interaction) -> bool:
    """Handle an answer modal submission: commit the answer, then confirm privately. False if not ours."""
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    match = MODAL_ID.fullmatch(str(data.get("custom_id", "")))
    if interaction.type is not discord.InteractionType.modal_submit or match is None:
        return False
    bot: VivaBot = interaction.client  # type: ignore[assignment]
    text = _input_value(data.get("components"), "response") or ""
    try:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await bot.desk.submit(int(match["post"]), interaction.user.id, text)
        await interaction.followup.send(RECEIPT, ephemeral=True, allowed_mentions=NO_PINGS)
    except Exception as error:
        await report_error(interaction, error)
    return True


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"viva:answer:(?P<post>\d+)"):
    """Opens the answer modal for the post in its custom id."""

    def __init__(self, post_id: int, *, label: str = "Answer") -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.primary, emoji="✍️",
                                           custom_id=f"viva:answer:{post_id}"))
        self.post_id = post_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AnswerButton:
        """Rebuild the button from its custom id (after a restart too)."""
        return cls(int(match["post"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Check the member may answer, then open the modal (a modal must be the first response)."""
        bot: VivaBot = interaction.client  # type: ignore[assignment]
        try:
            _, question = await bot.desk.open_question(self.post_id, interaction.user.id)
            await interaction.response.send_modal(AnswerModal(self.post_id, interaction.user.id, question.prompt))
        except Exception as error:  # dynamic items only log errors; the member must hear why
            await report_error(interaction, error)


class LeaderboardPager(discord.ui.DynamicItem[discord.ui.Button[Any]],
                       template=r"viva:lb:(?P<period>week|month|all):(?P<page>\d+):(?P<bank>[a-z0-9_-]*):(?P<topic>.*)"):
    """A page button of a leaderboard message."""

    def __init__(self, period: str, page: int, bank: str | None, topic: str | None, *, label: str,
                 disabled: bool = False) -> None:
        custom_id = f"viva:lb:{period}:{page}:{bank or ''}:{topic or ''}"[:100]
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.secondary, custom_id=custom_id,
                                           disabled=disabled))
        self.period, self.page, self.bank, self.topic = period, page, bank, topic

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> LeaderboardPager:
        """Rebuild the button from its custom id."""
        return cls(match["period"], int(match["page"]), match["bank"] or None, match["topic"] or None,
                   label=getattr(item, "label", None) or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the requested page in place."""
        bot: VivaBot = interaction.client  # type: ignore[assignment]
        try:
            cog: Any = bot.get_cog("Leaderboard")
            embed, view = await cog.render(interaction.guild_id, interaction.user.id, self.period,
                                           self.bank, self.topic, self.page)
            await interaction.response.edit_message(embed=embed, view=view, allowed_mentions=NO_PINGS)
        except Exception as error:
            await report_error(interaction, error)


def pager_view(period: str, page: int, pages: int, bank: str | None, topic: str | None) -> discord.ui.View | None:
    """Previous/next buttons, or None when everything fits on one page."""
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(LeaderboardPager(period, max(0, page - 1), bank, topic, label="◀ Previous", disabled=page <= 0))
    view.add_item(LeaderboardPager(period, min(pages - 1, page + 1), bank, topic, label="Next ▶",
                                   disabled=page >= pages - 1))
    return view
