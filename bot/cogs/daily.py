"""/daily set|show|off|now and the one scheduler loop that posts and reveals daily questions.

The loop is driven by the database: each pass reveals daily posts whose time is up, then posts every schedule
that is due (``bot.schedule.daily.decide``), then sleeps until the next due time (a minute at most) or until a
command wakes it. Posting records the post and ``last_posted_on`` in one transaction, so a date is never posted
twice; errors are caught per server so one server's failure never stops the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import date, datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import VivaBot
from bot.bank.catalog import pick_questions
from bot.cogs.common import bank_autocomplete, topic_autocomplete, zone_autocomplete
from bot.errors import UserError
from bot.schedule.daily import decide, local_instant, next_due, parse_local_time, parse_zone
from bot.store import Post, Schedule
from bot.ui import embeds
from bot.ui.respond import NO_PINGS, reply
from bot.ui.views import answer_view

logger = logging.getLogger(__name__)

MAX_SLEEP = 60.0


class DailyCog(commands.Cog, name="Daily"):
    """Daily questions."""

    daily = app_commands.Group(name="daily", description="A question of the day, posted on a schedule",
                               guild_only=True, default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: VivaBot) -> None:
        self.bot = bot
        self.wakeup = asyncio.Event()
        self.loop_task: asyncio.Task[None] | None = None
        self.passes = 0  # completed scheduler passes (tests wait on this)
        self._lock = asyncio.Lock()  # one pass (or /daily now) at a time: a post is never revealed twice

    async def cog_load(self) -> None:
        """Start the scheduler loop."""
        self.loop_task = self.bot.spawn(self._loop(), name="daily-scheduler")

    async def cog_unload(self) -> None:
        """Stop the scheduler loop."""
        if self.loop_task is not None:
            self.loop_task.cancel()

    def wake(self) -> None:
        """Make the loop run a pass now (after a schedule change)."""
        self.wakeup.set()

    @property
    def grace(self) -> timedelta:
        """How late a missed daily question may still be posted."""
        return timedelta(hours=self.bot.settings.daily_grace_hours)

    # ---- commands -------------------------------------------------------------------------------------------
    @daily.command(name="set", description="Post a daily question in a channel at a local time (Manage Server)")
    @app_commands.describe(channel="Where to post", time="Local time, 24-hour HH:MM (e.g. 09:00)",
                           timezone="IANA time zone, e.g. Europe/Berlin", bank="Question bank",
                           topic="Only questions on this topic",
                           reveal_hours="Reveal the answer after this many hours (default: at the next question)")
    @app_commands.autocomplete(timezone=zone_autocomplete, bank=bank_autocomplete, topic=topic_autocomplete)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def set_(self, interaction: discord.Interaction, channel: discord.TextChannel, time: str, timezone: str,
                   bank: str | None = None, topic: str | None = None,
                   reveal_hours: app_commands.Range[int, 1, 23] | None = None) -> None:
        """Validate and save the schedule, then wake the loop."""
        assert interaction.guild_id is not None
        at = parse_local_time(time)
        zone = parse_zone(timezone)
        store = self.bot.store
        settings = await store.get_settings(interaction.guild_id)
        chosen = self.bot.catalog.bank(bank, settings.default_bank)
        pick_questions(chosen, topic=topic, count=1)  # raises a clear error for an unknown topic
        perms = channel.permissions_for(channel.guild.me)
        if not (perms.view_channel and perms.send_messages and perms.embed_links):
            raise UserError(f"I can't post in {channel.mention}: I need View Channel, Send Messages and Embed Links "
                            "there.")
        schedule = await store.set_schedule(guild_id=interaction.guild_id, channel_id=channel.id,
                                            local_time=at.strftime("%H:%M"), timezone=zone.key, bank=chosen.name,
                                            topic=topic, reveal_hours=reveal_hours)
        await store.update_settings(interaction.guild_id, timezone=zone.key)
        now = self.bot.clock.now()
        today = now.astimezone(zone).date()
        if local_instant(today, at, zone) <= now:  # today's time has passed: the first question is tomorrow's
            await store.skip_daily_through(interaction.guild_id, today)
            schedule = await store.get_schedule(interaction.guild_id) or schedule
        self.wake()
        nxt = next_due(at, zone, now, schedule.last_posted_on)
        await reply(interaction, embed=self._schedule_embed(schedule, nxt, title="✅ Daily question scheduled"))

    @daily.command(name="show", description="Show this server's daily question schedule (Manage Server)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def show(self, interaction: discord.Interaction) -> None:
        """Describe the schedule and the next post time."""
        assert interaction.guild_id is not None
        schedule = await self.bot.store.get_schedule(interaction.guild_id)
        if schedule is None or not schedule.active:
            raise UserError("No daily question is scheduled. Set one up with /daily set.")
        at, zone = parse_local_time(schedule.local_time), parse_zone(schedule.timezone)
        nxt = next_due(at, zone, self.bot.clock.now(), schedule.last_posted_on)
        await reply(interaction, embed=self._schedule_embed(schedule, nxt, title="📅 Daily question"))

    @daily.command(name="off", description="Stop posting daily questions (Manage Server)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def off(self, interaction: discord.Interaction) -> None:
        """Disable the schedule (its history and streaks stay)."""
        assert interaction.guild_id is not None
        if not await self.bot.store.disable_schedule(interaction.guild_id):
            raise UserError("There is no daily schedule to turn off.")
        self.wake()
        await reply(interaction, "Daily questions are off. Streaks and scores are kept; /daily set turns them on.")

    @daily.command(name="now", description="Post today's daily question right away (Manage Server)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def now(self, interaction: discord.Interaction) -> None:
        """Post today's question now instead of at the scheduled time (once per day)."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self._lock:  # read the schedule after any pass in progress has posted
            schedule = await self.bot.store.get_schedule(interaction.guild_id)
            if schedule is None or not schedule.active:
                raise UserError("No daily question is scheduled. Set one up with /daily set first.")
            today = self.bot.clock.now().astimezone(parse_zone(schedule.timezone)).date()
            if schedule.last_posted_on is not None and schedule.last_posted_on > today:
                raise UserError("Today's daily question is already posted. The next one comes tomorrow.")
            # A date only marked as handled (the schedule was set after today's time) may still be posted now;
            # the store refuses a second post for the same date.
            post = await self._post(schedule, today, late=False, on_request=True)
        if post is None:
            raise UserError("Today's daily question is already posted. The next one comes tomorrow.")
        await reply(interaction, f"Posted today's question in <#{schedule.channel_id}>.")

    def _schedule_embed(self, schedule: Schedule, nxt: datetime, *, title: str) -> discord.Embed:
        topic = f", topic **{schedule.topic}**" if schedule.topic else ""
        reveal = f"after {schedule.reveal_hours} h" if schedule.reveal_hours else "at the next question"
        ts = int(nxt.timestamp())
        lines = [f"Channel: <#{schedule.channel_id}>", f"Time: **{schedule.local_time}** ({schedule.timezone})",
                 f"Bank: **{schedule.bank or 'default'}**{topic}", f"Reveal: {reveal}",
                 f"Next question: <t:{ts}:F> (<t:{ts}:R>)"]
        return embeds.simple_embed(title, "\n".join(lines))

    # ---- the loop -------------------------------------------------------------------------------------------
    async def _loop(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            self.wakeup.clear()  # before the pass: a wake() during the pass makes another pass
            try:
                await self.run_pass()
                deadline = await self._next_deadline()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("daily scheduler pass failed")
                deadline = self.bot.clock.now() + timedelta(seconds=MAX_SLEEP)
            self.passes += 1
            sleeper = asyncio.ensure_future(self._sleep_until(deadline))
            woken = asyncio.ensure_future(self.wakeup.wait())
            try:
                await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                woken.cancel()

    async def _sleep_until(self, deadline: datetime) -> None:
        """Sleep until an absolute instant: time that passes before the sleep starts is not slept again."""
        clock = self.bot.clock
        while (remaining := (deadline - clock.now()).total_seconds()) > 0:
            await clock.sleep(min(remaining, MAX_SLEEP))

    async def run_pass(self) -> None:
        """Reveal what is due, then post what is due; each server's errors are contained.

        Passes never overlap (the loop, /daily now and tests may ask for one at the same time).
        """
        async with self._lock:
            now = self.bot.clock.now()
            for post in await self.bot.store.open_posts("daily"):
                if post.closes_at is not None and post.closes_at <= now:
                    await self._guarded(post.guild_id, self._reveal(post))
            for schedule in await self.bot.store.active_schedules():
                await self._guarded(schedule.guild_id, self._run_schedule(schedule, now))

    async def _run_schedule(self, schedule: Schedule, now: datetime) -> None:
        """Post the schedule's question if it is due; a failed date is not tried again (one attempt a day)."""
        d = decide(parse_local_time(schedule.local_time), parse_zone(schedule.timezone), now,
                   schedule.last_posted_on, self.grace)
        if d.post and d.daily_date is not None:
            try:
                await self._post(schedule, d.daily_date, late=d.late)
            except Exception:
                # Without this a failure before the post is recorded (a bank removed, a topic gone) would be
                # retried, logged and reported on every pass, and the loop would never sleep.
                try:
                    await self.bot.store.skip_daily_through(schedule.guild_id, d.daily_date)
                except Exception:
                    logger.exception("guild %s: could not mark %s as handled", schedule.guild_id, d.daily_date)
                raise
        elif d.skipped and d.daily_date is not None:
            # Marked as handled so the skip is logged once, not on every pass for the rest of the day.
            await self.bot.store.skip_daily_through(schedule.guild_id, d.daily_date)
            logger.info("guild %s: daily question of %s missed by more than the grace window; skipped",
                        schedule.guild_id, d.daily_date)

    async def _guarded(self, guild_id: int, work: Coroutine[Any, Any, Any]) -> None:
        try:
            await work
        except Exception as error:
            logger.exception("guild %s: daily question failed", guild_id)
            await self._report(guild_id, error)

    async def _next_deadline(self) -> datetime:
        """When the next pass is needed: now if something is due, else the next due time or reveal (a minute at
        most)."""
        now = self.bot.clock.now()
        deadlines = [now + timedelta(seconds=MAX_SLEEP)]
        for schedule in await self.bot.store.active_schedules():
            try:
                at, zone = parse_local_time(schedule.local_time), parse_zone(schedule.timezone)
            except UserError:
                continue  # run_pass reports it
            if decide(at, zone, now, schedule.last_posted_on, self.grace).post:
                return now
            deadlines.append(next_due(at, zone, now, schedule.last_posted_on))
        deadlines += [p.closes_at for p in await self.bot.store.open_posts("daily") if p.closes_at is not None]
        return min(deadlines)

    async def _post(self, schedule: Schedule, day: date, *, late: bool, on_request: bool = False) -> Post | None:
        """Reveal the previous daily question, then post the one for ``day`` (once; ``on_request``: /daily now)."""
        bot, store = self.bot, self.bot.store
        channel = bot.get_channel(schedule.channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            await store.disable_schedule(schedule.guild_id)
            raise UserError(f"The daily question channel <#{schedule.channel_id}> no longer exists; daily questions "
                            "are off until an admin runs /daily set again.")
        for open_post in await store.open_posts("daily"):
            # Only earlier days: with a stale schedule, ``day`` may already be posted and must stay open.
            if open_post.guild_id == schedule.guild_id and (open_post.daily_date is None or open_post.daily_date < day):
                await self._reveal(open_post)
        bank = bot.catalog.bank(schedule.bank)
        recent = await store.recent_daily_question_ids(schedule.guild_id)
        (question,) = pick_questions(bank, topic=schedule.topic, count=1, rng=bot.rng, avoid=recent)
        now = bot.clock.now()
        zone = parse_zone(schedule.timezone)
        closes = (now + timedelta(hours=schedule.reveal_hours) if schedule.reveal_hours
                  else next_due(parse_local_time(schedule.local_time), zone, now, day))
        post = await store.create_daily_post(guild_id=schedule.guild_id, channel_id=channel.id, daily_date=day,
                                             bank=bank.name, question_id=question.id, topic=question.topic,
                                             difficulty=question.difficulty, posted_at=now, closes_at=closes,
                                             even_if_skipped=on_request)
        if post is None:
            return None
        footer = "Press Answer to reply privately. " + (
            f"Posted late: I was offline at {schedule.local_time}." if late else "Answers are revealed "
            + ("at the next question." if not schedule.reveal_hours else f"in {schedule.reveal_hours} h."))
        try:
            message = await channel.send(embed=embeds.question_embed(
                question, heading=f"📅 Question of the day — {day:%A %d %B}", closes_at=closes, footer=footer),
                view=answer_view(post.id), allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            await store.close_post(post.id, now)
            raise
        await store.set_post_message(post.id, message.id)
        return post

    async def _reveal(self, post: Post) -> None:
        """Close a daily post and post its reveal: model answer, how many answered, average, best answers."""
        bot, store = self.bot, self.bot.store
        await store.close_post(post.id, bot.clock.now())
        question = bot.catalog.question(post.bank, post.question_id)
        channel = bot.get_channel(post.channel_id)
        if question is None or not isinstance(channel, discord.abc.Messageable):
            return
        answers = await store.answers_for_post(post.id)
        settings = await store.get_settings(post.guild_id)
        if post.message_id:
            try:
                await channel.get_partial_message(post.message_id).edit(view=None)
            except discord.HTTPException:
                logger.info("could not remove the Answer button of daily post %s", post.id)
        average = sum(a.score for a in answers) / len(answers) if answers else 0.0
        best = sorted((a for a in answers if a.verdict == "pass"), key=lambda a: (-a.score, a.answered_at))[:3]
        summary = (f"{len(answers)} answered, average score {average:.0%}." if answers else "Nobody answered.")
        if best:
            summary += " Best answers: " + ", ".join(embeds.mention(a.user_id) for a in best) + "."
        embed = embeds.reveal_embed(question, heading=f"📅 Answer to the question of {post.daily_date:%A %d %B}"
                                    if post.daily_date else "📅 Answer", results=[], missed=[],
                                    spoilers=settings.spoilers, note=None)
        embed.clear_fields()
        embed.add_field(name="Results", value=embeds.clip(summary, embeds.FIELD_VALUE), inline=False)
        await channel.send(embed=embed, allowed_mentions=NO_PINGS)

    async def _report(self, guild_id: int, error: Exception) -> None:
        """Tell a server what went wrong with its daily question, where the bot can still speak."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return
        text = str(error) if isinstance(error, UserError) else (
            "I couldn't post the daily question: I'm probably missing a permission in its channel (View Channel, "
            "Send Messages, Embed Links). Fix it, or pick another channel with /daily set.")
        target = guild.system_channel or guild.public_updates_channel
        if target is None:
            return
        try:
            await target.send(f"⚠️ {text}", allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            logger.info("guild %s: could not report a daily question failure either", guild_id)


async def setup(bot: VivaBot) -> None:
    """Load the cog."""
    await bot.add_cog(DailyCog(bot))
