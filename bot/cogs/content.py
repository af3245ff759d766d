"""/question add | list | remove | export: a server's own questions, played under the bank ``custom``."""

from __future__ import annotations

import io
import logging
import secrets
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import VivaBot
from bot.bank.importers.custom import CustomQuestion, QuestionRejected, from_form
from bot.cogs.common import manager, role_ids, viva
from bot.errors import PermissionDenied
from bot.ui.embeds import FIELD_VALUE, clip, simple_embed
from bot.ui.observe import observed_callback
from bot.ui.respond import reply, report_error

logger = logging.getLogger(__name__)

LIMITS = {"prompt": 1000, "answer": 2000, "key_points": 1500, "topic": 40, "difficulty": 10}


async def _may_add(interaction: discord.Interaction) -> None:
    """Manage Server, or the quiz role set in /settings; PermissionDenied otherwise."""
    if manager(interaction):
        return
    assert interaction.guild_id is not None
    role = (await viva(interaction).store.get_settings(interaction.guild_id)).quiz_role_id
    if role is not None and role in role_ids(interaction):
        return
    who = f"Manage Server or the <@&{role}> role" if role else "Manage Server"
    raise PermissionDenied(f"Adding questions needs {who}.")


class QuestionModal(discord.ui.Modal):
    """The form of a new question; what was typed is kept if it is refused, to fix and send again."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        super().__init__(title="Add a question", timeout=1800)
        v = values or {}

        def field(key: str, label: str, *, paragraph: bool = False, required: bool = True,
                  placeholder: str | None = None) -> discord.ui.TextInput[QuestionModal]:
            item: discord.ui.TextInput[QuestionModal] = discord.ui.TextInput(
                label=label, custom_id=key, required=required, max_length=LIMITS[key], default=v.get(key) or None,
                style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short, placeholder=placeholder)
            self.add_item(item)
            return item

        self.prompt = field("prompt", "Question", paragraph=True)
        self.answer = field("answer", "Model answer", paragraph=True, required=False,
                            placeholder="Shown after grading; key points are derived from it if you give none")
        self.key_points = field("key_points", "Key points (one per line)", paragraph=True, required=False,
                                placeholder="What a good answer must cover")
        self.topic = field("topic", "Topic", required=False, placeholder="general")
        self.difficulty = field("difficulty", "Difficulty (easy, medium or hard)", required=False,
                                placeholder="medium")

    def values(self) -> dict[str, str]:
        """What was typed, by field."""
        return {"prompt": self.prompt.value, "answer": self.answer.value, "key_points": self.key_points.value,
                "topic": self.topic.value, "difficulty": self.difficulty.value}

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Check the question by the bank rules and store it, or say what to fix (keeping the text)."""
        values = self.values()
        try:
            assert interaction.guild_id is not None
            q: CustomQuestion = from_form(**values)
            question = await viva(interaction).content.add(interaction.guild_id, interaction.user.id, q)
            points = "\n".join(f"• {clip(kp.text, 150)}" for kp in question.key_points) or \
                "derived from the model answer"
            embed = simple_embed("➕ Question added to the bank `custom`",
                                 f"**{clip(question.prompt, 1500)}**\n\nTopic **{question.topic}** · "
                                 f"{question.difficulty} · id `{question.id}`\nKey points:\n{clip(points, 1500)}\n\n"
                                 "Play it with `/quiz start bank:custom`.")
            await reply(interaction, embed=embed, ephemeral=True)
        except QuestionRejected as refused:
            await reply(interaction, str(refused), view=RetryView(values), ephemeral=True)
        except Exception as error:
            await report_error(interaction, error)


class RetryView(discord.ui.View):
    """One button that reopens the form with what was typed."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(timeout=900)
        self.values = values
        self.again.custom_id = f"viva:retry:{secrets.token_hex(8)}"  # "viva:retry" in the metrics

    @discord.ui.button(label="Edit and send again", style=discord.ButtonStyle.primary, emoji="✏️")
    @observed_callback
    async def again(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        """Reopen the form, filled in."""
        await interaction.response.send_modal(QuestionModal(self.values))


async def _question_ids(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    needle = current.lower().strip()
    return [app_commands.Choice(name=clip(f"{q.id} — {q.prompt}", 100), value=q.id)
            for q in viva(interaction).content.questions(interaction.guild_id)
            if needle in q.id or needle in q.prompt.lower()][:25]


class ContentCog(commands.Cog, name="Content"):
    """A server's own questions."""

    question = app_commands.Group(name="question", description="This server's own questions (the bank 'custom')",
                                  guild_only=True)

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot

    @question.command(name="add", description="Add a question of your own (Manage Server or the quiz role)")
    async def add(self, interaction: discord.Interaction) -> None:
        """Open the question form."""
        await _may_add(interaction)
        await interaction.response.send_modal(QuestionModal())

    @question.command(name="list", description="This server's own questions")
    async def list_(self, interaction: discord.Interaction) -> None:
        """Every custom question with its id, topic and difficulty."""
        assert interaction.guild_id is not None
        questions = self.bot.content.questions(interaction.guild_id)
        if not questions:
            await reply(interaction, "This server has no questions of its own yet: add one with `/question add`.")
            return
        lines = [f"`{q.id}` · {q.topic} · {q.difficulty}\n{clip(q.prompt, 150)}" for q in questions]
        text, shown = "", 0
        for line in lines:
            if len(text) + len(line) + 2 > 3800:
                break
            text += line + "\n\n"
            shown += 1
        more = f"\n… and {len(lines) - shown} more (see `/question export`)" if shown < len(lines) else ""
        await reply(interaction, embed=simple_embed(f"This server's questions ({len(questions)})", text + more))

    @question.command(name="remove", description="Remove one of this server's questions (Manage Server)")
    @app_commands.describe(question="The question's id (see /question list)")
    @app_commands.autocomplete(question=_question_ids)
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(self, interaction: discord.Interaction, question: str) -> None:
        """Delete a custom question (answers already given keep their points)."""
        assert interaction.guild_id is not None
        removed = await self.bot.content.remove(interaction.guild_id, question.strip())
        await reply(interaction, f"🗑️ Removed `{removed.id}`: {clip(removed.prompt, FIELD_VALUE)}")

    @question.command(name="export", description="Download this server's questions and accepted phrasings as YAML")
    async def export(self, interaction: discord.Interaction) -> None:
        """One bank YAML that `python -m bot check` accepts."""
        assert interaction.guild_id is not None and interaction.guild is not None
        out = self.bot.content.export(interaction.guild_id, interaction.guild.name)
        file = discord.File(io.BytesIO(out.text.encode("utf-8")), filename=out.filename)
        await interaction.response.send_message(
            f"📦 {out.questions} question(s): this server's own and those with phrasings accepted on appeal. "
            "Check it with `python -m bot check FILE`.", file=file, ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none())


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(ContentCog(bot))
