"""/privacy on Discord: what is stored about a member (an embed) and the Delete / Cancel confirmation."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.errors import UserError
from bot.store.privacy import MemberData
from bot.ui.embeds import FAIL, PASS, simple_embed
from bot.ui.observe import observed_callback
from bot.ui.respond import NO_PINGS, report_error

logger = logging.getLogger(__name__)

CONFIRM_SECONDS = 120.0


def retention_text(days: int | None) -> str:
    """How long the server keeps answer texts, in words."""
    if days is None:
        return "This server keeps answer texts until you delete them."
    return (f"This server keeps answer texts for {days} day{'s' if days != 1 else ''}; older texts are dropped "
            "(scores stay).")


def _day(when: Any) -> str:
    return discord.utils.format_dt(when, "D") if when is not None else "—"


def data_lines(data: MemberData) -> list[str]:
    """One line per kind of data, with counts."""
    lines = [f"**{data.answers}** answer(s) with their scores and points "
             f"(text kept for **{data.answer_texts}**) — leaderboards, /stats and streaks come from these"]
    if data.answers:
        lines.append(f"First answer {_day(data.first_answer)}, latest {_day(data.last_answer)}")
    lines += [f"**{data.review_cards}** review card(s) of questions you answered here",
              f"**{data.appeals}** appeal(s) of your results",
              f"**{data.interviews}** interview(s) (with the report built from your answers)",
              f"**{data.quiz_rounds}** finished quiz round(s) listing you as a participant"]
    return lines


def stored_embed(data: MemberData, days: int | None) -> discord.Embed:
    """/privacy show: what Viva stores about the member in this server."""
    if data.empty:
        body = "Nothing: you have no answers, cards, appeals or interviews in this server."
    else:
        body = "\n".join(f"• {line}" for line in data_lines(data))
        body += "\n\n**/privacy delete** erases all of it (you confirm first)."
    return simple_embed("🔒 What Viva stores about you here", f"{body}\n\n{retention_text(days)}")


def confirm_embed(data: MemberData) -> discord.Embed:
    """The question asked before erasing."""
    body = "\n".join(f"• {line}" for line in data_lines(data))
    return simple_embed("Delete your Viva data in this server?",
                        f"{body}\n\nThis cannot be undone. Your data in other servers is not touched.", colour=FAIL)


def erased_embed(data: MemberData) -> discord.Embed:
    """After erasing."""
    return simple_embed("🗑️ Deleted", f"Deleted {data.answers} answer(s), {data.review_cards} review card(s), "
                                      f"{data.appeals} appeal(s) and {data.interviews} interview(s), and removed you "
                                      f"from {data.quiz_rounds} finished quiz round(s). The leaderboards and stats "
                                      "of this server no longer count you.", colour=PASS)


def cancelled_embed(*, timed_out: bool) -> discord.Embed:
    """When the member cancels, or does not answer in time."""
    why = "No answer in time" if timed_out else "Cancelled"
    return simple_embed(f"{why}: nothing was deleted", "Run /privacy delete again whenever you like.")


class ConfirmErase(discord.ui.View):
    """Delete / Cancel under the ephemeral question; only one click counts. On timeout the question is replaced
    by "nothing was deleted" (and nothing is)."""

    def __init__(self, origin: discord.Interaction, erase: Callable[[], Awaitable[MemberData]], *,
                 timeout: float = CONFIRM_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.origin = origin
        self._erase = erase
        self.answered = False
        # Custom ids name the clicks in the metrics (viva:erase, viva:keep: command_name keeps the first two parts);
        # the interaction's id makes them unique, so two members' questions can never be mixed up.
        self.delete.custom_id = f"viva:erase:{origin.id}"
        self.cancel.custom_id = f"viva:keep:{origin.id}"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the member who asked (an ephemeral message is theirs alone anyway)."""
        return interaction.user.id == self.origin.user.id

    def _take(self) -> bool:
        """True for the first click only."""
        if self.answered:
            return False
        self.answered = True
        self.stop()
        return True

    @discord.ui.button(label="Delete my data", style=discord.ButtonStyle.danger)
    @observed_callback
    async def delete(self, interaction: discord.Interaction, _: discord.ui.Button[ConfirmErase]) -> None:
        """Erase, then replace the question with what was deleted."""
        if not self._take():
            return
        await interaction.response.defer()  # an update of this message follows
        try:
            embed = erased_embed(await self._erase())
        except UserError as exc:
            embed = simple_embed("Nothing was deleted", str(exc), colour=FAIL)
        await interaction.edit_original_response(embed=embed, view=None, allowed_mentions=NO_PINGS)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    @observed_callback
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[ConfirmErase]) -> None:
        """Keep everything."""
        if not self._take():
            return
        await interaction.response.edit_message(embed=cancelled_embed(timed_out=False), view=None,
                                                allowed_mentions=NO_PINGS)

    async def on_timeout(self) -> None:
        """Nobody clicked: say so, and remove the buttons."""
        if not self._take():
            return
        try:
            await self.origin.edit_original_response(embed=cancelled_embed(timed_out=True), view=None,
                                                     allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            logger.info("could not update the expired /privacy delete question of user %s", self.origin.user.id)

    async def on_error(self, interaction: discord.Interaction, error: Exception,
                       item: discord.ui.Item[Any]) -> None:
        """One error path for the buttons: the member reads an apology, the bug is logged."""
        await report_error(interaction, error)
