"""Persistent components: the Answer button and its modal, the *My result* button, leaderboard page buttons.

Their custom ids carry everything they need (``viva:answer:<post id>``, ``viva:mine:<post id>``,
``viva:lb:<period>:<page>:<bank>:<topic>``), so they keep working after a restart: ``VivaBot.setup_hook``
registers them as dynamic items. Nothing here imports the bot class: what a component needs of the bot is the
`Host` protocol below.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Protocol, cast

import discord

from bot.answering import AnswerDesk
from bot.bank.catalog import Catalog
from bot.rounds import Rounds
from bot.rounds.results import PrivateResult, private_result
from bot.rounds.surface import Action
from bot.sessions.interview import HINT_FACTOR
from bot.store import Store
from bot.ui import embeds
from bot.ui.appeals import appeal_view
from bot.ui.embeds import clip
from bot.ui.observe import observed_callback
from bot.ui.respond import NO_PINGS, reply, report_error

logger = logging.getLogger(__name__)

RECEIPT = ("✅ Answer saved. Your score comes at the reveal: press **My result** under it to see what you covered "
           "and what you missed.")
FAST_REPLY_SECONDS = 2.0  # a commit within this (from the interaction's creation) answers in the response itself


class Host(Protocol):
    """What the components need of the bot."""

    desk: AnswerDesk
    store: Store
    catalog: Catalog
    rounds: Rounds


def host(interaction: discord.Interaction) -> Host:
    """The bot behind an interaction, as the components see it."""
    return cast(Host, interaction.client)


def action_item(action: Action) -> discord.ui.Item[Any]:
    """The button for an action under a question (a new action kind gets its button here)."""
    if action.kind == "answer":
        return AnswerButton(action.target)
    if action.kind == "hint":
        return HintButton(action.target)
    raise ValueError(f"no button for action {action.kind!r}")


def action_view(actions: tuple[Action, ...]) -> discord.ui.View | None:
    """A view with the buttons of these actions, or None without any."""
    if not actions:
        return None
    view = discord.ui.View(timeout=None)
    for action in actions:
        view.add_item(action_item(action))
    return view


def answer_view(post_id: int) -> discord.ui.View:
    """A view with the persistent Answer button for a post."""
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(post_id))
    return view


def result_view(post_id: int) -> discord.ui.View:
    """A view with the persistent *My result* button for a revealed post."""
    view = discord.ui.View(timeout=None)
    view.add_item(MyResultButton(post_id))
    return view


MODAL_ID = re.compile(r"viva:modal:(?P<post>\d+):(?P<user>\d+)")


class AnswerBox(discord.ui.Modal):
    """A private answer box: one long text input.

    Its custom id is unique per question and member (discord.py keys open modals by custom id alone). Submissions
    are handled from the bot's ``on_interaction`` by that id, not by this object, so an answer typed while the bot
    restarted is still saved.
    """

    def __init__(self, custom_id: str, prompt: str) -> None:
        super().__init__(title="Your answer", timeout=3600, custom_id=custom_id)
        self.response: discord.ui.TextInput[AnswerBox] = discord.ui.TextInput(
            label="Your answer", custom_id="response", style=discord.TextStyle.paragraph, min_length=1,
            max_length=4000, placeholder=clip(prompt, 100), required=True)
        self.add_item(self.response)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Nothing here: submissions are handled by custom id from ``on_interaction``."""


class AnswerModal(AnswerBox):
    """The answer box of a posted question (quiz round or daily); ``submit_answer`` handles it."""

    def __init__(self, post_id: int, user_id: int, prompt: str) -> None:
        super().__init__(f"viva:modal:{post_id}:{user_id}", prompt)


def input_value(components: Any, custom_id: str) -> str | None:
    """The value of the text input ``custom_id`` in submitted modal data (action rows or labels)."""
    for component in components or []:
        if component.get("custom_id") == custom_id and "value" in component:
            return str(component["value"])
        nested = component.get("components") or ([component["component"]] if "component" in component else [])
        found = input_value(nested, custom_id)
        if found is not None:
            return found
    return None


def _budget(interaction: discord.Interaction) -> float:
    """Seconds left to answer in the response itself, keeping a safe margin before Discord's 3 s deadline."""
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    return max(0.0, FAST_REPLY_SECONDS - max(0.0, age))


async def submit_answer(interaction: discord.Interaction) -> bool:
    """Handle an answer modal submission: commit the answer, then confirm privately. False if not ours.

    When the commit lands within the safe margin the receipt is the submission's own response (one round trip);
    only a slow commit defers first and sends the receipt as a follow-up. Nobody hears "saved" before the commit.
    """
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    match = MODAL_ID.fullmatch(str(data.get("custom_id", "")))
    if interaction.type is not discord.InteractionType.modal_submit or match is None:
        return False
    text = input_value(data.get("components"), "response") or ""
    work = asyncio.ensure_future(host(interaction).desk.submit(int(match["post"]), interaction.user.id, text))
    try:
        try:
            await asyncio.wait_for(asyncio.shield(work), timeout=_budget(interaction))
        except TimeoutError:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await work
        await reply(interaction, RECEIPT, ephemeral=True)
    except Exception as error:
        await report_error(interaction, error)
    return True


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"viva:answer:(?P<post>\d+)"):
    """Opens the answer modal for the post in its custom id."""

    def __init__(self, post_id: int) -> None:
        super().__init__(discord.ui.Button(label="Answer", style=discord.ButtonStyle.primary, emoji="✍️",
                                           custom_id=f"viva:answer:{post_id}"))
        self.post_id = post_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AnswerButton:
        """Rebuild the button from its custom id (after a restart too)."""
        return cls(int(match["post"]))

    @observed_callback
    async def callback(self, interaction: discord.Interaction) -> None:
        """Check the member may answer, then open the modal (a modal must be the first response)."""
        try:
            _, question = await host(interaction).desk.open_question(self.post_id, interaction.user.id)
            await interaction.response.send_modal(AnswerModal(self.post_id, interaction.user.id, question.prompt))
        except Exception as error:  # dynamic items only log errors; the member must hear why
            await report_error(interaction, error)


class HintButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"viva:hint:(?P<post>\d+)"):
    """Under an interview question: shows the interviewee one hint, privately (the question's points × 0.8)."""

    def __init__(self, post_id: int) -> None:
        super().__init__(discord.ui.Button(label="Hint", style=discord.ButtonStyle.secondary, emoji="💡",
                                           custom_id=f"viva:hint:{post_id}"))
        self.post_id = post_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> HintButton:
        """Rebuild the button from its custom id (after a restart too)."""
        return cls(int(match["post"]))

    @observed_callback
    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the hint, then show it to the member only."""
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            text = await host(interaction).rounds.interview.hint(self.post_id, interaction.user.id)
            await reply(interaction, f"💡 **Hint:** {clip(text, 1800)}\n-# This question now earns "
                                     f"{HINT_FACTOR:.0%} of its points.", ephemeral=True)
        except Exception as error:
            await report_error(interaction, error)


def result_embed(result: PrivateResult) -> discord.Embed:
    """The private embed of a member's result."""
    answer = result.answer
    if answer is None:
        return embeds.my_result_embed(result.question, score=None, verdict="", points=0.0, feedback=None)
    return embeds.my_result_embed(result.question, score=answer.score, verdict=answer.verdict, points=answer.points,
                                  feedback=result.feedback)


class MyResultButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"viva:mine:(?P<post>\d+)"):
    """Under a reveal: shows the member who clicks their own result, privately."""

    def __init__(self, post_id: int) -> None:
        super().__init__(discord.ui.Button(label="My result", style=discord.ButtonStyle.secondary, emoji="🔎",
                                           custom_id=f"viva:mine:{post_id}"))
        self.post_id = post_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> MyResultButton:
        """Rebuild the button from its custom id (after a restart too)."""
        return cls(int(match["post"]))

    @observed_callback
    async def callback(self, interaction: discord.Interaction) -> None:
        """Reply with the member's own result, ephemeral."""
        bot = host(interaction)
        try:
            result = await private_result(bot.store, bot.catalog, self.post_id, interaction.user.id)
            appealable = result.answer is not None and result.answer.score < 1.0
            await reply(interaction, embed=result_embed(result), view=appeal_view(self.post_id) if appealable else None,
                        ephemeral=True)
        except Exception as error:
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

    @observed_callback
    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the requested page in place."""
        try:
            client: Any = interaction.client
            cog: Any = client.get_cog("Leaderboard")
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
