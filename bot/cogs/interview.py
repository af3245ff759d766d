"""/interview start|stop: a one-on-one mock interview in a private thread (or DMs), answered by typing."""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import VivaBot
from bot.bank.catalog import pick_questions
from bot.cogs.common import bank_autocomplete, topic_autocomplete
from bot.errors import SessionError
from bot.grading import grade
from bot.sessions.interview import DEFAULT_COUNT, MAX_COUNT, InterviewState, followup_prompt, report, take_answer
from bot.sessions.scoring import points_for
from bot.store import AlreadyAnswered, SessionConflict, SessionRow
from bot.ui import embeds
from bot.ui.respond import NO_PINGS, reply

logger = logging.getLogger(__name__)


class InterviewCog(commands.Cog, name="Interview"):
    """One-on-one interviews."""

    interview = app_commands.Group(name="interview", description="A private one-on-one mock interview",
                                   guild_only=True)

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot
        self.by_channel: dict[int, int] = {}  # interview channel (thread or DM) → session id
        self.locks: dict[int, asyncio.Lock] = {}

    @interview.command(name="start", description="Start a private mock interview (a thread only you and the bot see)")
    @app_commands.describe(bank="Question bank (default: the server's default bank)",
                           topic="Only questions on this topic", difficulty="Only questions of this difficulty",
                           count=f"How many questions (1–{MAX_COUNT}, default {DEFAULT_COUNT})")
    @app_commands.autocomplete(bank=bank_autocomplete, topic=topic_autocomplete)
    async def start(self, interaction: discord.Interaction, bank: str | None = None, topic: str | None = None,
                    difficulty: Literal["easy", "medium", "hard"] | None = None,
                    count: app_commands.Range[int, 1, MAX_COUNT] = DEFAULT_COUNT) -> None:
        """Open a private thread (DM if threads are not possible), record the session, ask the first question."""
        assert interaction.guild_id is not None
        store, user = self.bot.store, interaction.user
        existing = await store.active_session_of(interaction.guild_id, user.id, "interview")
        if existing is not None:
            raise SessionError(f"You already have an interview running in <#{existing.channel_id}>. Answer there, "
                               "or end it with /interview stop.")
        settings = await store.get_settings(interaction.guild_id)
        chosen = self.bot.catalog.bank(bank, settings.default_bank)
        questions = pick_questions(chosen, topic=topic, difficulty=difficulty, count=count, rng=self.bot.rng)
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel, dm = await self._open_channel(interaction)
        state = InterviewState(chosen.name, [q.id for q in questions], dm=dm)
        try:
            row = await store.create_session(kind="interview", guild_id=interaction.guild_id, channel_id=channel.id,
                                             owner_id=user.id, state=state.to_dict(), now=self.bot.clock.now())
        except SessionConflict:
            raise SessionError("You already have an interview running. End it with /interview stop.") from None
        self.by_channel[channel.id] = row.id
        where = "in your DMs" if isinstance(channel, discord.DMChannel) else f"in {channel.mention}"
        await reply(interaction, f"🎙️ Your interview is ready {where}: {len(questions)} question(s) from "
                                 f"**{chosen.name}**. Answer each one by typing a message there.")
        await channel.send(f"Welcome {user.mention}! I'll ask {len(questions)} question(s) from **{chosen.title}**. "
                           "Answer each by typing a message. If you miss something I may ask one follow-up. "
                           "Type your answers in full sentences; `/interview stop` ends it early.",
                           allowed_mentions=discord.AllowedMentions(users=[user]))
        await self._ask(row.id, state, channel)

    async def _open_channel(self, interaction: discord.Interaction) -> tuple[discord.Thread | discord.DMChannel, bool]:
        """A private thread under this channel, or the member's DMs when a thread can't be made."""
        user = interaction.user
        parent = interaction.channel
        if isinstance(parent, discord.TextChannel):
            try:
                thread = await parent.create_thread(name=f"Interview · {user.display_name}"[:100],
                                                    type=discord.ChannelType.private_thread, invitable=False,
                                                    auto_archive_duration=1440)
                await thread.add_user(user)
                return thread, False
            except discord.HTTPException:
                logger.info("guild %s: cannot open a private thread in %s; using DMs", interaction.guild_id,
                            parent.id)
        try:
            return await user.create_dm(), True
        except discord.HTTPException:
            raise SessionError("I can't open a private thread here or DM you. Ask an admin to let me create "
                               "private threads, or allow DMs from server members.") from None

    async def _ask(self, session_id: int, state: InterviewState, channel: discord.abc.Messageable) -> None:
        """Post the current question (creating its post record) and persist the state."""
        store, now = self.bot.store, self.bot.clock.now()
        row = await store.get_session(session_id)
        question = self.bot.catalog.question(state.bank, state.current_id or "")
        while question is None and not state.finished:  # removed from the bank since: skip it
            state.index += 1
            question = self.bot.catalog.question(state.bank, state.current_id or "")
        if question is None or row is None:
            await self._finish(session_id, state, channel, stopped=False)
            return
        post = await store.create_post(guild_id=row.guild_id, channel_id=row.channel_id, kind="interview",
                                       bank=state.bank, question_id=question.id, topic=question.topic,
                                       difficulty=question.difficulty, posted_at=now, session_id=session_id)
        state.post_id = post.id
        await store.update_session(session_id, state=state.to_dict(), now=now)
        heading = f"Question {state.index + 1}/{len(state.question_ids)}"
        message = await channel.send(embed=embeds.question_embed(
            question, heading=heading, footer="Reply with a message in this conversation."), allowed_mentions=NO_PINGS)
        await store.set_post_message(post.id, message.id)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Grade the interviewee's messages in their interview channel; ignore everyone and everything else."""
        if message.author.bot or message.channel.id not in self.by_channel:
            return
        session_id = self.by_channel[message.channel.id]
        async with self.locks.setdefault(session_id, asyncio.Lock()):
            row = await self.bot.store.get_session(session_id)
            if row is None or not row.active or message.author.id != row.owner_id:
                return
            text = message.content.strip()
            if not text:
                await message.channel.send("I can only read text answers: please type your answer.",
                                           allowed_mentions=NO_PINGS)
                return
            try:
                await self._answer(row, text, message.channel)
            except discord.HTTPException:
                logger.exception("interview %s: Discord refused a message", session_id)

    async def _answer(self, row: SessionRow, text: str, channel: discord.abc.Messageable) -> None:
        store, now = self.bot.store, self.bot.clock.now()
        state = InterviewState.from_dict(row.state)
        question = self.bot.catalog.question(state.bank, state.current_id or "")
        if question is None or state.post_id is None:
            await self._ask(row.id, state, channel)
            return
        post_id = state.post_id
        turn = take_answer(state, question, text)
        number = f"{len(state.results) + (0 if turn.final else 1)}/{len(state.question_ids)}"
        if turn.final is None:
            # The first answer is stored in the session before it is acknowledged, so a crash loses nothing.
            await store.update_session(row.id, state=state.to_dict(), now=now)
            await channel.send(embed=embeds.grade_embed(question, turn.grade, heading=f"Question {number}: feedback"),
                               allowed_mentions=NO_PINGS)
            await channel.send(turn.followup or "", allowed_mentions=NO_PINGS)
            return
        final = turn.final
        try:
            await store.record_answer(post_id=post_id, user_id=row.owner_id, response=turn.response,
                                      score=final.score, verdict=final.verdict,
                                      points=points_for(final.score, question.difficulty),
                                      hits=[h.point for h in final.hits], misses=list(final.misses), answered_at=now)
        except AlreadyAnswered:
            logger.info("interview %s: post %s already had its answer", row.id, post_id)
        await store.close_post(post_id, now)
        await store.update_session(row.id, state=state.to_dict(), now=now)
        await channel.send(embed=embeds.grade_embed(question, final, heading=f"Question {number}: result"),
                           allowed_mentions=NO_PINGS)
        if state.finished:
            await self._finish(row.id, state, channel, stopped=False)
        else:
            await self._ask(row.id, state, channel)

    async def _finish(self, session_id: int, state: InterviewState, channel: discord.abc.Messageable, *,
                      stopped: bool) -> None:
        """Post the report and end the session."""
        rows = []
        for r in state.results:
            q = self.bot.catalog.question(state.bank, r["question_id"])
            rows.append((q.prompt if q else r["question_id"], r["score"], r["verdict"], r["misses"]))
        bank = self.bot.catalog.banks.get(state.bank)
        summary = report(state, bank.pass_score if bank else 0.6)
        await self.bot.store.finish_session(session_id, self.bot.clock.now())
        self.by_channel = {c: s for c, s in self.by_channel.items() if s != session_id}
        self.locks.pop(session_id, None)
        await channel.send(embed=embeds.interview_report_embed(rows, summary.average, summary.study_topics,
                                                               stopped=stopped), allowed_mentions=NO_PINGS)

    @interview.command(name="stop", description="End your interview now and get the report")
    async def stop(self, interaction: discord.Interaction) -> None:
        """Stop the caller's interview."""
        assert interaction.guild_id is not None
        row = await self.bot.store.active_session_of(interaction.guild_id, interaction.user.id, "interview")
        if row is None:
            raise SessionError("You have no interview running. Start one with /interview start.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.locks.setdefault(row.id, asyncio.Lock()):
            state = InterviewState.from_dict(row.state)
            if state.post_id is not None:
                await self.bot.store.close_post(state.post_id, self.bot.clock.now())
            channel = await self._channel(row)
            if channel is None:
                await self.bot.store.finish_session(row.id, self.bot.clock.now())
            else:
                await self._finish(row.id, state, channel, stopped=True)
        await reply(interaction, "Interview stopped. Your report is in the interview conversation.")

    async def _channel(self, row: SessionRow) -> discord.abc.Messageable | None:
        channel = self.bot.get_channel(row.channel_id)
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(row.channel_id)
            except discord.HTTPException:
                return None
        return channel if isinstance(channel, discord.abc.Messageable) else None

    async def resume(self) -> None:
        """After a restart: pick every open interview up where it stopped, with a message in its channel."""
        for row in await self.bot.store.active_sessions("interview"):
            try:
                await self._resume_one(row)
            except Exception:
                logger.exception("could not resume interview %s in guild %s", row.id, row.guild_id)

    async def _resume_one(self, row: SessionRow) -> None:
        channel = await self._channel(row)
        if channel is None:
            logger.warning("interview %s: channel %s is gone; ending it", row.id, row.channel_id)
            await self.bot.store.finish_session(row.id, self.bot.clock.now())
            return
        self.by_channel[row.channel_id] = row.id
        state = InterviewState.from_dict(row.state)
        question = self.bot.catalog.question(state.bank, state.current_id or "")
        await channel.send(f"🔄 <@{row.owner_id}>, I'm back after a restart. Let's continue where we stopped.",
                           allowed_mentions=discord.AllowedMentions(users=[discord.Object(row.owner_id)]))
        if question is None or state.post_id is None:
            await self._ask(row.id, state, channel)
            return
        answer = await self.bot.store.get_answer(state.post_id, row.owner_id)
        if answer is not None:  # answered and committed, but the state had not moved on yet
            state.results.append({"question_id": question.id, "topic": question.topic, "score": answer.score,
                                  "verdict": answer.verdict, "misses": list(answer.misses), "followup": False})
            state.index += 1
            state.phase, state.post_id, state.first_response = "answer", None, None
            if state.finished:
                await self._finish(row.id, state, channel, stopped=False)
            else:
                await self._ask(row.id, state, channel)
            return
        heading = f"Question {state.index + 1}/{len(state.question_ids)}"
        await channel.send(embed=embeds.question_embed(question, heading=heading,
                                                       footer="Reply with a message in this conversation."),
                           allowed_mentions=NO_PINGS)
        if state.phase == "followup" and state.first_response:
            first = grade(question, state.first_response)
            await channel.send("You had answered:\n> " + embeds.clip(state.first_response, 1500).replace("\n", "\n> ")
                               + "\n" + followup_prompt(first.misses[:3] or ("the rest of the topic",)),
                               allowed_mentions=NO_PINGS)


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(InterviewCog(bot))
