"""Daily questions: the one scheduler loop that posts and reveals them, and the schedule commands' work.

The loop is driven by the database: each pass reveals daily posts whose time is up, then posts every schedule
that is due (``bot.schedule.daily.decide``), then sleeps until the next due time (a minute at most) or until a
command wakes it. A pass reads only what is due (indexed ``next_due_at`` and ``closes_at``, bot/store/scaling.py),
and only for the guilds of this process's shards (``Deps.owns``). Posting records the post and
``last_posted_on`` in one transaction, so a date is never posted twice; errors are caught per server so one
server's failure never stops the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.bank.catalog import pick_questions
from bot.errors import UserError
from bot.observability import SCHEDULER_LAG
from bot.rounds.base import Deps, Runner, first_of, sleep_until
from bot.rounds.surface import Action, QuestionCard, RevealCard, SurfaceError
from bot.schedule.daily import decide, local_instant, next_due, parse_local_time, parse_zone
from bot.store import Post, Schedule

logger = logging.getLogger(__name__)

MAX_SLEEP = 60.0
CANNOT_POST = ("I couldn't post the daily question: I'm probably missing a permission in its channel (View Channel, "
               "Send Messages, Embed Links). Fix it, or pick another channel with /daily set.")


@dataclass(frozen=True, slots=True)
class Draft:
    """A checked schedule, not saved yet."""

    guild_id: int
    local_time: str
    timezone: str
    bank: str
    topic: str | None


@dataclass(frozen=True, slots=True)
class Planned:
    """A schedule as saved, and when its next question comes."""

    schedule: Schedule
    next_at: datetime


class DailyRunner(Runner):
    """Posts and reveals daily questions."""

    kind = "daily"

    def __init__(self, deps: Deps, *, grace_hours: float) -> None:
        super().__init__(deps)
        self.grace = timedelta(hours=grace_hours)
        self.wakeup = asyncio.Event()
        self._lock = asyncio.Lock()  # one pass (or /daily now) at a time: a post is never revealed twice

    def wake(self) -> None:
        """Make the loop run a pass now (after a schedule change)."""
        self.wakeup.set()

    async def resume(self) -> None:
        """Nothing to resume: the loop itself catches up (within the grace window) from the database."""

    # ---- what the commands do ---------------------------------------------------------------------------------
    async def check_schedule(self, *, guild_id: int, time: str, timezone: str, bank: str | None,
                             topic: str | None) -> Draft:
        """Validate a schedule's time, zone, bank and topic (UserError saying what to fix); nothing is saved."""
        at, zone = parse_local_time(time), parse_zone(timezone)
        settings = await self.store.get_settings(guild_id)
        chosen = self.catalog.for_guild(guild_id).bank(bank, settings.default_bank)
        pick_questions(chosen, topic=topic, count=1)  # raises a clear error for an unknown topic
        return Draft(guild_id, at.strftime("%H:%M"), zone.key, chosen.name, topic)

    async def set_schedule(self, draft: Draft, *, channel_id: int, reveal_hours: int | None) -> Planned:
        """Save a checked schedule; when today's time has passed the first question is tomorrow's."""
        store, guild_id = self.store, draft.guild_id
        at, zone = parse_local_time(draft.local_time), parse_zone(draft.timezone)
        schedule = await store.set_schedule(guild_id=guild_id, channel_id=channel_id, local_time=draft.local_time,
                                            timezone=draft.timezone, bank=draft.bank, topic=draft.topic,
                                            reveal_hours=reveal_hours)
        await store.update_settings(guild_id, timezone=draft.timezone)
        now = self.clock.now()
        today = now.astimezone(zone).date()
        if local_instant(today, at, zone) <= now:  # today's time has passed: the first question is tomorrow's
            await store.skip_daily_through(guild_id, today)
            schedule = await store.get_schedule(guild_id) or schedule
        self.wake()
        return Planned(schedule, next_due(at, zone, now, schedule.last_posted_on))

    async def planned(self, guild_id: int) -> Planned:
        """The active schedule and its next time; UserError when there is none."""
        schedule = await self.store.get_schedule(guild_id)
        if schedule is None or not schedule.active:
            raise UserError("No daily question is scheduled. Set one up with /daily set.")
        at, zone = parse_local_time(schedule.local_time), parse_zone(schedule.timezone)
        return Planned(schedule, next_due(at, zone, self.clock.now(), schedule.last_posted_on))

    async def turn_off(self, guild_id: int) -> None:
        """Disable the schedule (its history and streaks stay)."""
        if not await self.store.disable_schedule(guild_id):
            raise UserError("There is no daily schedule to turn off.")
        self.wake()

    async def post_now(self, guild_id: int) -> int:
        """Post today's question now instead of at the scheduled time (once per day); the channel id."""
        async with self._lock:  # read the schedule after any pass in progress has posted
            schedule = await self.store.get_schedule(guild_id)
            if schedule is None or not schedule.active:
                raise UserError("No daily question is scheduled. Set one up with /daily set first.")
            today = self.clock.now().astimezone(parse_zone(schedule.timezone)).date()
            if schedule.last_posted_on is not None and schedule.last_posted_on > today:
                raise UserError("Today's daily question is already posted. The next one comes tomorrow.")
            # A date only marked as handled (the schedule was set after today's time) may still be posted now;
            # the store refuses a second post for the same date.
            post = await self.post(schedule, today, late=False, on_request=True)
        if post is None:
            raise UserError("Today's daily question is already posted. The next one comes tomorrow.")
        return schedule.channel_id

    # ---- the loop ---------------------------------------------------------------------------------------------
    async def loop(self) -> None:
        """Run passes forever: after each, sleep until the next deadline or a wake-up."""
        while True:
            self.wakeup.clear()  # before the pass: a wake() during the pass makes another pass
            try:
                seen = await self.run_pass()
                deadline = await self._next_deadline(seen)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("daily scheduler pass failed")
                deadline = self.clock.now() + timedelta(seconds=MAX_SLEEP)
            await first_of(sleep_until(self.clock, deadline, MAX_SLEEP), self.wakeup)

    async def run_pass(self) -> datetime:
        """Reveal what is due, then post what is due, in this process's guilds; each server's errors are
        contained. Returns the instant the pass worked with.

        Passes never overlap (the loop, /daily now and tests may ask for one at the same time).
        """
        async with self._lock:
            now = self.clock.now()
            for post in await self.store.due_reveals("daily", now):
                if self.deps.owns(post.guild_id):
                    await self._guarded(post.guild_id, self.reveal(post))
            plans: list[tuple[Schedule, datetime]] = []
            for schedule in await self.store.due_schedules(now):
                if not self.deps.owns(schedule.guild_id):
                    continue  # another process (shard) posts it
                unchanged = await self._guarded(schedule.guild_id, self._run_schedule(schedule, now)) is False
                plan = await self._next_look(schedule if unchanged else None, schedule.guild_id, now)
                if plan is not None:
                    plans.append(plan)
            try:
                await self.store.set_next_due_many(plans)
            except Exception:
                logger.exception("could not record when %d daily schedule(s) are next due", len(plans))
            return now

    async def _next_look(self, schedule: Schedule | None, guild_id: int,
                         now: datetime) -> tuple[Schedule, datetime] | None:
        """When the schedule needs the next look (its next not-yet-posted date's time); ``schedule`` None: it
        changed in this pass and is read again."""
        try:
            if schedule is None:
                schedule = await self.store.get_schedule(guild_id)
            if schedule is None or not schedule.active:
                return None
            try:
                at, zone = parse_local_time(schedule.local_time), parse_zone(schedule.timezone)
                upcoming = next_due(at, zone, now, schedule.last_posted_on)
            except UserError:
                upcoming = now + timedelta(days=1)  # reported by the pass; look again tomorrow, not every pass
        except Exception:
            logger.exception("guild %s: could not plan the next daily question", guild_id)
            return None
        return schedule, upcoming

    async def _run_schedule(self, schedule: Schedule, now: datetime) -> bool:
        """Post the schedule's question if it is due; a failed date is not tried again (one attempt a day).
        True when the schedule was touched (posted or a date marked as handled)."""
        at, zone = parse_local_time(schedule.local_time), parse_zone(schedule.timezone)
        d = decide(at, zone, now, schedule.last_posted_on, self.grace)
        if d.post and d.daily_date is not None:
            SCHEDULER_LAG.set(max(0.0, (now - local_instant(d.daily_date, at, zone)).total_seconds()))
            try:
                await self.post(schedule, d.daily_date, late=d.late)
            except Exception:
                # Without this a failure before the post is recorded (a bank removed, a topic gone) would be
                # retried, logged and reported on every pass, and the loop would never sleep.
                try:
                    await self.store.skip_daily_through(schedule.guild_id, d.daily_date)
                except Exception:
                    logger.exception("guild %s: could not mark %s as handled", schedule.guild_id, d.daily_date)
                raise
        elif d.skipped and d.daily_date is not None:
            # Marked as handled so the skip is logged once, not on every pass for the rest of the day.
            await self.store.skip_daily_through(schedule.guild_id, d.daily_date)
            logger.info("guild %s: daily question of %s missed by more than the grace window; skipped",
                        schedule.guild_id, d.daily_date)
        else:
            return False
        return True

    async def _guarded(self, guild_id: int, work: Coroutine[Any, Any, Any]) -> Any:
        """The work's result; None when it failed (logged, and the server's admins told)."""
        try:
            return await work
        except Exception as error:
            logger.exception("guild %s: daily question failed", guild_id)
            await self.surface.notify_admins(guild_id, "⚠️ " + (str(error) if isinstance(error, UserError)
                                                                 else CANNOT_POST))

    async def _next_deadline(self, seen: datetime) -> datetime:
        """When the next pass is needed: the next look at a schedule or reveal after the instant the last pass
        saw (a minute at most; in the past when something came due during the pass)."""
        deadlines = [self.clock.now() + timedelta(seconds=MAX_SLEEP)]
        for upcoming in (await self.store.next_schedule_due(seen), await self.store.next_reveal("daily", seen)):
            if upcoming is not None:
                deadlines.append(upcoming)
        return min(deadlines)

    async def post(self, schedule: Schedule, day: date, *, late: bool, on_request: bool = False) -> Post | None:
        """Reveal the previous daily question, then post the one for ``day`` (once; ``on_request``: /daily now)."""
        store = self.store
        if not await self.surface.has_place(schedule.channel_id):
            await store.disable_schedule(schedule.guild_id)
            raise UserError(f"The daily question channel <#{schedule.channel_id}> no longer exists; daily questions "
                            "are off until an admin runs /daily set again.")
        for open_post in await store.open_posts_of_guild(schedule.guild_id, "daily"):
            # Only earlier days: with a stale schedule, ``day`` may already be posted and must stay open.
            if open_post.daily_date is None or open_post.daily_date < day:
                await self.reveal(open_post)
        bank = self.catalog.for_guild(schedule.guild_id).bank(schedule.bank)
        recent = await store.recent_daily_question_ids(schedule.guild_id)
        (question,) = pick_questions(bank, topic=schedule.topic, count=1, rng=self.deps.rng, avoid=recent)
        now = self.clock.now()
        zone = parse_zone(schedule.timezone)
        closes = (now + timedelta(hours=schedule.reveal_hours) if schedule.reveal_hours
                  else next_due(parse_local_time(schedule.local_time), zone, now, day))
        post = await store.create_daily_post(guild_id=schedule.guild_id, channel_id=schedule.channel_id,
                                             daily_date=day, bank=bank.name, question_id=question.id,
                                             topic=question.topic, difficulty=question.difficulty, posted_at=now,
                                             closes_at=closes, even_if_skipped=on_request)
        if post is None:
            return None
        footer = "Press Answer to reply privately. " + (
            f"Posted late: I was offline at {schedule.local_time}." if late else "Answers are revealed "
            + ("at the next question." if not schedule.reveal_hours else f"in {schedule.reveal_hours} h."))
        try:
            message_id = await self.surface.send_question(schedule.channel_id, QuestionCard(
                question, f"📅 Question of the day — {day:%A %d %B}", closes_at=closes, footer=footer,
                actions=(Action("answer", post.id),)))
        except Exception:
            await self.deps.desk.close(post.id, now)
            raise
        await store.set_post_message(post.id, message_id)
        return post

    async def reveal(self, post: Post) -> None:
        """Close a daily post and post its reveal: model answer, how many answered, average, best answers."""
        store = self.store
        await self.deps.desk.close(post.id, self.clock.now())
        question = self.catalog.for_guild(post.guild_id).question(post.bank, post.question_id)
        if question is None or not await self.surface.has_place(post.channel_id):
            return
        answers = await store.answers_for_post(post.id)
        settings = await store.get_settings(post.guild_id)
        if post.message_id:
            try:
                await self.surface.remove_actions(post.channel_id, post.message_id)
            except SurfaceError:
                logger.info("could not remove the Answer button of daily post %s", post.id)
        average = sum(a.score for a in answers) / len(answers) if answers else 0.0
        best = sorted((a for a in answers if a.passed), key=lambda a: (-a.score, a.answered_at))[:3]
        summary = (f"{len(answers)} answered, average score {average:.0%}." if answers else "Nobody answered.")
        if best:
            summary += " Best answers: " + ", ".join(f"<@{a.user_id}>" for a in best) + "."
        heading = f"📅 Answer to the question of {post.daily_date:%A %d %B}" if post.daily_date else "📅 Answer"
        await self.surface.send_reveal(post.channel_id, RevealCard(question, heading, settings.spoilers,
                                                                   summary=summary,
                                                                   post_id=post.id if answers else None))
