"""/review on Discord: the question card with its *Answer* button, the answer modal, feedback with *Next*, and the
/insights summary. Everything is ephemeral (only the member sees their review).

Custom ids carry what they act on, so the buttons keep working after a restart: ``viva:rv:a:<mode>:<question>``
(answer), ``viva:rv:m:<user>:<mode>:<question>`` (the modal), ``viva:rv:n:<mode>`` (next). ``mode`` is ``c`` for
due-then-new cards or ``m<position>`` for the replay of the last round's misses; ``question`` is
``<bank>:<question id>``, or ``#`` and a hash of it when that would not fit Discord's 100 characters.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, cast

import discord

from bot.bank.catalog import Catalog
from bot.errors import SessionError
from bot.review import QuestionRef
from bot.rounds import Rounds
from bot.rounds.review import ReviewItem, ReviewOutcome, ReviewRunner
from bot.store.insights import MissedPoint
from bot.ui import embeds
from bot.ui.embeds import clip
from bot.ui.observe import observed_callback
from bot.ui.respond import reply, report_error
from bot.ui.views import AnswerBox, input_value

logger = logging.getLogger(__name__)

CUSTOM_ID = 100
_HEADINGS = {"due": "🔁 Review — a card that is due", "new": "🆕 Review — a new question from your weakest topic"}
MODAL_ID = re.compile(r"viva:rv:m:(?P<user>\d+):(?P<mode>c|m\d+):(?P<token>.+)")
DONE = ("🎉 Nothing to review right now: no card is due and you have tried every question here.")


class Host(Protocol):
    """What the review components need of the bot."""

    rounds: Rounds


def runner_of(interaction: discord.Interaction) -> ReviewRunner:
    """The review runner behind an interaction."""
    return cast(Host, interaction.client).rounds.review


def ref_token(ref: QuestionRef, room: int) -> str:
    """``bank:question`` when it fits in `room` characters, else ``#`` and 16 hex digits of its hash."""
    plain = f"{ref.bank}:{ref.question_id}"
    return plain if len(plain) <= room else "#" + hashlib.sha256(plain.encode()).hexdigest()[:16]


def find_ref(catalog: Catalog, token: str) -> QuestionRef:
    """The question a token names; SessionError when no bank here has it."""
    if not token.startswith("#"):
        bank_name, _, qid = token.partition(":")
        return QuestionRef(bank_name, qid)
    for bank in catalog.banks.values():
        for q in bank.questions:
            ref = QuestionRef(bank.name, q.id)
            if ref_token(ref, 0) == token:
                return ref
    raise SessionError("This question was removed from its bank. Run **/review start** for the next one.")


def mode_of(item: ReviewItem) -> str:
    """The mode part of custom ids for an item."""
    return "c" if item.mode == "cards" else f"m{item.position}"


def next_mode(mode: str) -> str:
    """The mode of the question after this one (the next missed position, or cards again)."""
    return "c" if mode == "c" else f"m{int(mode[1:]) + 1}"


def _when(instant: datetime) -> str:
    ts = int(instant.timestamp())
    return f"<t:{ts}:R> (<t:{ts}:f>)"


def item_embed(item: ReviewItem) -> discord.Embed:
    """The question to review, with why it was chosen and how many cards are due."""
    if item.mode == "missed":
        heading = f"❌ Replay {item.position + 1}/{item.total} — missed in your last round"
    else:
        heading = _HEADINGS[item.reason]
    due = f"{item.due} card(s) due" if item.due else "No card due"
    return embeds.question_embed(item.question, heading=heading,
                                 footer=f"{due} · press Answer to reply privately · reviews earn no points")


def answer_view(item: ReviewItem) -> discord.ui.View:
    """The *Answer* button for an item."""
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewAnswerButton(mode_of(item), item.ref))
    return view


def outcome_message(outcome: ReviewOutcome, mode: str) -> tuple[str, discord.Embed, discord.ui.View]:
    """Feedback on a review answer: what was covered and missed, the model answer, when the card comes back."""
    embed = embeds.interview_feedback_embed(outcome.question, outcome.grade, heading="Your review answer",
                                            final=True)
    content = f"Next review of this card: {_when(outcome.card.due)} · {outcome.due} card(s) due now."
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewNextButton(next_mode(mode)))
    return content, embed, view


def nothing_due_text(cards: int, next_due: datetime | None) -> str:
    """What /review says when there is nothing to ask."""
    if next_due is not None:
        return f"{DONE} Your next card is due {_when(next_due)}."
    return DONE if cards else "There are no questions to review here yet."


async def send_item(interaction: discord.Interaction, item: ReviewItem | None, *, mode: str) -> None:
    """Reply with the item to review, or say there is nothing (or no more) to review."""
    if item is not None:
        await reply(interaction, embed=item_embed(item), view=answer_view(item), ephemeral=True)
        return
    if mode != "c":
        await reply(interaction, "That was the last question you missed. **/review start** serves your due cards.",
                    ephemeral=True)
        return
    summary = await runner_of(interaction).summary(interaction.user.id)
    await reply(interaction, nothing_due_text(summary.cards, summary.next_due), ephemeral=True)


async def serve(interaction: discord.Interaction, mode: str) -> None:
    """Serve the next question of a mode to the member."""
    runner = runner_of(interaction)
    if mode == "c":
        item = await runner.next_item(interaction.user.id, interaction.guild_id)
    else:
        item = await runner.missed_item(interaction.user.id, interaction.guild_id, int(mode[1:]))
    await send_item(interaction, item, mode=mode)


class ReviewModal(AnswerBox):
    """The private answer box of a review question; submissions are handled by `submit_review`."""

    def __init__(self, user_id: int, mode: str, ref: QuestionRef, prompt: str) -> None:
        head = f"viva:rv:m:{user_id}:{mode}:"
        super().__init__(head + ref_token(ref, CUSTOM_ID - len(head)), prompt)


async def submit_review(interaction: discord.Interaction) -> bool:
    """Handle a review modal submission: grade, move the card, reply with feedback. False if not a review modal."""
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    match = MODAL_ID.fullmatch(str(data.get("custom_id", "")))
    if interaction.type is not discord.InteractionType.modal_submit or match is None:
        return False
    try:
        await interaction.response.defer(ephemeral=True, thinking=True)
        runner = runner_of(interaction)
        ref = find_ref(runner.catalog_for(interaction.guild_id), match["token"])
        text = input_value(data.get("components"), "response") or ""
        outcome = await runner.answer(interaction.user.id, interaction.guild_id, ref, text,
                                      replay=match["mode"] != "c")
        content, embed, view = outcome_message(outcome, match["mode"])
        await interaction.followup.send(content, embed=embed, view=view, ephemeral=True,
                                        allowed_mentions=discord.AllowedMentions.none())
    except Exception as error:
        await report_error(interaction, error)
    return True


class ReviewAnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                         template=r"viva:rv:a:(?P<mode>c|m\d+):(?P<token>.+)"):
    """Opens the review answer modal for the question in its custom id."""

    def __init__(self, mode: str, ref: QuestionRef, token: str | None = None) -> None:
        head = f"viva:rv:a:{mode}:"
        token = token or ref_token(ref, CUSTOM_ID - len(head))
        super().__init__(discord.ui.Button(label="Answer", style=discord.ButtonStyle.primary, emoji="✍️",
                                           custom_id=head + token))
        self.mode, self.ref, self.token = mode, ref, token

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ReviewAnswerButton:
        """Rebuild the button from its custom id (after a restart too)."""
        runner = runner_of(interaction)
        ref = find_ref(runner.catalog_for(interaction.guild_id), match["token"])
        return cls(match["mode"], ref, match["token"])

    @observed_callback
    async def callback(self, interaction: discord.Interaction) -> None:
        """Open the modal (it must be the first response)."""
        try:
            question = await runner_of(interaction).question(interaction.guild_id, self.ref)
            await interaction.response.send_modal(ReviewModal(interaction.user.id, self.mode, self.ref,
                                                              question.prompt))
        except Exception as error:
            await report_error(interaction, error)


class ReviewNextButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"viva:rv:n:(?P<mode>c|m\d+)"):
    """Serves the next review question."""

    def __init__(self, mode: str) -> None:
        super().__init__(discord.ui.Button(label="Next", style=discord.ButtonStyle.secondary, emoji="➡️",
                                           custom_id=f"viva:rv:n:{mode}"))
        self.mode = mode

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ReviewNextButton:
        """Rebuild the button from its custom id."""
        return cls(match["mode"])

    @observed_callback
    async def callback(self, interaction: discord.Interaction) -> None:
        """Reply with the next question (a new private message; the feedback stays above it)."""
        try:
            await serve(interaction, self.mode)
        except Exception as error:
            await report_error(interaction, error)


COMPONENTS = (ReviewAnswerButton, ReviewNextButton)


def review_status_text(cards: int, due: int, next_due: datetime | None) -> str:
    """One line for /stats: cards due now and when the next one is."""
    if cards == 0:
        return "No review cards yet: answer questions, or run **/review start**."
    line = f"**{due}** card(s) due now" if due else "No card due now"
    if next_due is not None:
        line += f" · next due {_when(next_due)}"
    return line + f" · {cards} card(s) in all"


def insights_embed(missed: Sequence[MissedPoint], *, period: str) -> discord.Embed:
    """The key points the server missed most, grouped by topic (at most 3 topics × 3 points)."""
    title = f"🧭 What to study next — {embeds.clip(period, 20)}"
    if not missed:
        return embeds.simple_embed(title, "No key points were missed in this period (or nobody answered yet), so "
                                          "there is nothing to chart.")
    by_topic: dict[str, list[MissedPoint]] = defaultdict(list)
    for m in missed:
        by_topic[m.topic].append(m)
    lines: list[str] = []
    for topic, points in sorted(by_topic.items(), key=lambda kv: -sum(p.misses for p in kv[1]))[:3]:
        lines.append(f"**{clip(topic, 80)}**")
        lines += [f"• {clip(p.point, 150)} — missed by {p.misses} of {p.answers} answer(s)" for p in points[:3]]
    return embeds.simple_embed(title, "\n".join(lines))


async def attach_chart(interaction: discord.Interaction, embed: discord.Embed, png: bytes, filename: str) -> None:
    """Edit the interaction's reply to show `png` as the embed's image (the text came first, the chart follows)."""
    embed.set_image(url=f"attachment://{filename}")
    await interaction.edit_original_response(embed=embed, attachments=[discord.File(io.BytesIO(png), filename)],
                                             allowed_mentions=discord.AllowedMentions.none())
