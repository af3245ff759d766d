"""/quiz start|stop|skip: group rounds in a channel, one question at a time, answered privately by modal."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import VivaBot
from bot.bank.catalog import pick_questions
from bot.cogs.common import bank_autocomplete, member_can, topic_autocomplete
from bot.errors import PermissionDenied, SessionError
from bot.sessions.quiz import (
    DEFAULT_COUNT,
    DEFAULT_SECONDS,
    MAX_COUNT,
    MAX_SECONDS,
    MIN_SECONDS,
    QuizState,
    all_present_answered,
    can_control,
    most_missed,
    standings,
)
from bot.store import Post, SessionConflict, SessionRow
from bot.ui import embeds
from bot.ui.respond import NO_PINGS, reply
from bot.ui.views import answer_view

logger = logging.getLogger(__name__)


@dataclass
class _Live:
    """In-memory handle of a running round: wakes the runner on stop, skip or when everyone answered."""

    state: QuizState
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    action: Literal["stop", "skip"] | None = None


class QuizCog(commands.Cog, name="Quiz"):
    """Quiz rounds."""

    quiz = app_commands.Group(name="quiz", description="Group quiz rounds: questions answered privately, "
                              "scores revealed together", guild_only=True)

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot
        self.live: dict[int, _Live] = {}

    @quiz.command(name="start", description="Start a quiz round in this channel")
    @app_commands.describe(bank="Question bank (default: the server's default bank)",
                           topic="Only questions on this topic", difficulty="Only questions of this difficulty",
                           count=f"How many questions (1–{MAX_COUNT}, default {DEFAULT_COUNT})",
                           seconds=f"Seconds to answer each question ({MIN_SECONDS}–{MAX_SECONDS}, "
                                   f"default {DEFAULT_SECONDS})")
    @app_commands.autocomplete(bank=bank_autocomplete, topic=topic_autocomplete)
    @app_commands.checks.bot_has_permissions(view_channel=True, send_messages=True, embed_links=True)
    async def start(self, interaction: discord.Interaction, bank: str | None = None, topic: str | None = None,
                    difficulty: Literal["easy", "medium", "hard"] | None = None,
                    count: app_commands.Range[int, 1, MAX_COUNT] = DEFAULT_COUNT,
                    seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] = DEFAULT_SECONDS) -> None:
        """Pick questions, record the round, announce it and run it in the background."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        assert interaction.channel is not None
        store = self.bot.store
        settings = await store.get_settings(interaction.guild_id)
        if settings.quiz_role_id and not member_can(interaction, "manage_guild"):
            roles = getattr(interaction.user, "roles", [])
            if not any(r.id == settings.quiz_role_id for r in roles):
                raise PermissionDenied(f"On this server only members with the <@&{settings.quiz_role_id}> role "
                                       "can start quizzes.")
        chosen = self.bot.catalog.bank(bank, settings.default_bank)
        questions = pick_questions(chosen, topic=topic, difficulty=difficulty, count=count, rng=self.bot.rng)
        state = QuizState(chosen.name, [q.id for q in questions], seconds, interaction.user.id)
        try:
            row = await store.create_session(kind="quiz", guild_id=interaction.guild_id,
                                             channel_id=interaction.channel_id, owner_id=interaction.user.id,
                                             state=state.to_dict(), now=self.bot.clock.now())
        except SessionConflict:
            raise SessionError("A quiz round is already running in this channel. Wait for it to end, or use "
                               "/quiz stop.") from None
        filters = ", ".join(x for x in (topic, difficulty) if x)
        await interaction.response.send_message(
            f"🎯 Quiz round by {interaction.user.mention}: **{len(questions)}** question(s) from **{chosen.name}**"
            f"{f' ({filters})' if filters else ''}, {seconds} s each. Press **Answer** under each question; "
            "scores are revealed after each one.", allowed_mentions=NO_PINGS)
        live = _Live(state)
        self.live[row.id] = live
        self.bot.spawn(self._run(row, interaction.channel, live), name=f"quiz-{row.id}")  # type: ignore[arg-type]

    @quiz.command(name="stop", description="End the quiz round in this channel (starter or Manage Messages)")
    async def stop(self, interaction: discord.Interaction) -> None:
        """Stop the round after revealing the current question."""
        await self._control(interaction, "stop")
        await reply(interaction, "⏹️ Stopping the round: revealing this question, then the standings.",
                    ephemeral=False)

    @quiz.command(name="skip", description="Reveal the current question now and move on (starter or Manage Messages)")
    async def skip(self, interaction: discord.Interaction) -> None:
        """Close the current question early."""
        await self._control(interaction, "skip")
        await reply(interaction, "⏭️ Skipping ahead.", ephemeral=False)

    async def _control(self, interaction: discord.Interaction, action: Literal["stop", "skip"]) -> None:
        row = await self.bot.store.active_session_in_channel(interaction.channel_id or 0, "quiz")
        live = self.live.get(row.id) if row else None
        if row is None or live is None:
            raise SessionError("There is no quiz round running in this channel.")
        if not can_control(interaction.user.id, row.owner_id,
                           manage_messages=member_can(interaction, "manage_messages")):
            raise PermissionDenied(f"Only the member who started this round (<@{row.owner_id}>) or someone with "
                                   f"Manage Messages can {action} it.")
        live.action = action
        live.wake.set()

    async def _run(self, row: SessionRow, channel: discord.abc.Messageable, live: _Live) -> None:
        """Ask each question, wait for the timer (or everyone, or stop/skip), reveal, then post standings."""
        bot, store, state, session_id = self.bot, self.bot.store, live.state, row.id
        total = len(state.question_ids)
        try:
            while not state.finished and live.action != "stop":
                question = bot.catalog.question(state.bank, state.current_id or "")
                if question is None:
                    state.index += 1
                    continue
                now = bot.clock.now()
                post = await store.create_post(
                    guild_id=row.guild_id, channel_id=row.channel_id,
                    kind="quiz", bank=state.bank, question_id=question.id, topic=question.topic,
                    difficulty=question.difficulty, posted_at=now, closes_at=now + timedelta(seconds=state.seconds),
                    session_id=session_id)
                state.post_ids.append(post.id)
                await store.update_session(session_id, state=state.to_dict(), now=now)
                heading = f"Question {state.index + 1}/{total}"
                message = await channel.send(embed=embeds.question_embed(question, heading=heading,
                                                                         closes_at=post.closes_at),
                                             view=answer_view(post.id), allowed_mentions=NO_PINGS)
                await store.set_post_message(post.id, message.id)
                live.wake.clear()
                answered: set[int] = set()

                def on_answer(user_id: int, answered: set[int] = answered) -> None:
                    answered.add(user_id)
                    if all_present_answered(state, answered):
                        live.wake.set()
                    state.join(user_id)

                bot.desk.listen(post.id, on_answer)
                await self._wait(state.seconds, live.wake)
                bot.desk.forget(post.id)
                if live.action == "skip":
                    live.action = None
                await self._reveal(post, heading, message, channel)
                state.index += 1
                await store.update_session(session_id, state=state.to_dict(), now=bot.clock.now())
            await self._finish(session_id, state, channel, stopped=live.action == "stop")
        except discord.HTTPException:
            logger.exception("quiz %s in channel %s failed on Discord; ending it", session_id, row.channel_id)
            await store.finish_session(session_id, bot.clock.now())
        finally:
            self.live.pop(session_id, None)

    async def _wait(self, seconds: float, wake: asyncio.Event) -> None:
        timer = asyncio.ensure_future(self.bot.clock.sleep(seconds))
        woken = asyncio.ensure_future(wake.wait())
        try:
            await asyncio.wait({timer, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
            woken.cancel()

    async def _reveal(self, post: Post, heading: str, message: discord.Message | discord.PartialMessage | None,
                      channel: discord.abc.Messageable, note: str | None = None) -> None:
        """Close the post, take the button off the question and post the reveal."""
        bot, store = self.bot, self.bot.store
        await store.close_post(post.id, bot.clock.now())
        question = bot.catalog.question(post.bank, post.question_id)
        answers = await store.answers_for_post(post.id)
        settings = await store.get_settings(post.guild_id)
        if message is not None:
            try:
                await message.edit(view=None)
            except discord.HTTPException:
                logger.warning("could not remove the Answer button from message %s", message.id)
        if question is None:
            return
        results = sorted(((a.user_id, a.score, a.verdict, a.points) for a in answers), key=lambda r: -r[3])
        missed = most_missed([a.misses for a in answers])
        embed = embeds.reveal_embed(question, heading=f"{heading} — answer", results=results, missed=missed,
                                    spoilers=settings.spoilers, note=note)
        await channel.send(embed=embed, allowed_mentions=NO_PINGS)

    async def _finish(self, session_id: int, state: QuizState, channel: discord.abc.Messageable, *,
                      stopped: bool, note: str | None = None) -> None:
        """Post the standings and mark the round finished."""
        store = self.bot.store
        rows: list[tuple[int, float, bool]] = []
        for post_id in state.post_ids:
            rows.extend((a.user_id, a.points, a.verdict == "pass") for a in await store.answers_for_post(post_id))
        title = "🏁 Final standings" + (" (round stopped)" if stopped else "")
        embed = embeds.standings_embed(title, standings(rows), len(state.post_ids))
        if note:
            embed.set_footer(text=note)
        await store.finish_session(session_id, self.bot.clock.now())
        await channel.send(embed=embed, allowed_mentions=NO_PINGS)

    async def resume(self) -> None:
        """After a restart: close each interrupted round cleanly, revealing what was answered."""
        for row in await self.bot.store.active_sessions("quiz"):
            try:
                await self._close_interrupted(row)
            except Exception:
                logger.exception("could not close interrupted quiz %s in guild %s", row.id, row.guild_id)
                await self.bot.store.finish_session(row.id, self.bot.clock.now())

    async def _close_interrupted(self, row: SessionRow) -> None:
        state = QuizState.from_dict(row.state)
        channel = self.bot.get_channel(row.channel_id)
        note = "This round was interrupted by a bot restart."
        if channel is None or not isinstance(channel, discord.abc.Messageable):
            logger.warning("quiz %s: channel %s is gone; closing the round", row.id, row.channel_id)
            for post_id in state.post_ids:
                await self.bot.store.close_post(post_id, self.bot.clock.now())
            await self.bot.store.finish_session(row.id, self.bot.clock.now())
            return
        if state.post_ids:
            post = await self.bot.store.get_post(state.post_ids[-1])
            if post is not None and post.closed_at is None:
                message = None
                if post.message_id:
                    message = channel.get_partial_message(post.message_id)
                await self._reveal(post, f"Question {len(state.post_ids)}/{len(state.question_ids)}", message,
                                   channel, note=note)
        await self._finish(row.id, state, channel, stopped=True, note=note)


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(QuizCog(bot))
