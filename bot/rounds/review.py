"""Personal review (``/review``): a member's due FSRS cards first, then new questions from their weakest topic, one
at a time; ``/review missed`` replays what they failed in their last round; an opt-in daily reminder by DM.

Review answers are graded like any other but only move the member's card (no post, no points, no leaderboard).
Nothing here is kept in memory between interactions: what to ask next is read from the store each time, so a
restart loses nothing. The reminder loop sleeps until the next member's local reminder time (a minute at most)
or until a reminder changes, marks the day handled before it DMs (never twice a day), and DMs only members who have
cards due at that moment.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.bank.catalog import Catalog
from bot.bank.models import Question
from bot.errors import SessionError, UserError
from bot.grading import Grade, grade
from bot.observability import grading_timer
from bot.review import CardState, QuestionRef, pick_next
from bot.rounds.base import Deps, Runner, first_of, sleep_until
from bot.rounds.surface import SurfaceError
from bot.schedule.daily import local_instant, next_due, parse_local_time, parse_zone
from bot.store.insights import MissedPoint
from bot.store.reviews import Reminder, ReviewSummary

logger = logging.getLogger(__name__)

MAX_SLEEP = 60.0
JUST_REVIEWED = timedelta(seconds=60)  # a second answer to the same card within this is a double submission
REMINDER_TEXT = ("📚 You have **{due}** review card(s) due. Run **/review start** (here or in any server with Viva) "
                 "to go through them. Turn these reminders off with **/review remind off**.")
NOT_PLAYED = "You haven't answered any question yet, so there is no last round to replay. Try **/review start**."
ALL_PASSED = "You passed every question of your last round: nothing to replay. **/review start** serves your due cards."


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """The question to review now, why it was chosen, and how many cards are due (before answering it).

    ``mode`` is ``cards`` for due-then-new reviewing and ``missed`` for a replay of the last round, where
    ``position`` (0-based) and ``total`` say how far along it is.
    """

    question: Question
    ref: QuestionRef
    reason: Literal["due", "new", "missed"]
    due: int
    mode: Literal["cards", "missed"] = "cards"
    position: int = 0
    total: int = 0


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """A graded review answer and the card it produced."""

    question: Question
    grade: Grade
    card: CardState
    due: int


class ReviewRunner(Runner):
    """Serves review cards, grades review answers, and runs the reminder loop."""

    kind = "review"

    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        self.wakeup = asyncio.Event()

    def wake(self) -> None:
        """Make the reminder loop look again now (after a reminder changed)."""
        self.wakeup.set()

    async def resume(self) -> None:
        """Nothing to resume: review state lives in the store and the reminder loop catches up by itself."""

    # ---- what to ask -----------------------------------------------------------------------------------------
    def catalog_for(self, guild_id: int | None) -> Catalog:
        """The banks as seen where the member is (a server adds its custom questions; DMs see the shared banks)."""
        return self.catalog.for_guild(guild_id)

    async def next_item(self, user_id: int, guild_id: int | None) -> ReviewItem | None:
        """The member's next question: the earliest due card, else a new question from their weakest topic."""
        catalog = self.catalog_for(guild_id)
        now = self.clock.now()
        due = await self.store.due_cards(user_id, now, limit=200)
        pool: dict[tuple[str, str], list[str]] = {}
        for bank in catalog.banks.values():
            for q in bank.questions:
                pool.setdefault((bank.name, q.topic), []).append(q.id)
        preferred = (await self.store.get_settings(guild_id)).default_bank if guild_id is not None else None
        pick = pick_next(due=[c.ref for c in due], records=await self.store.topic_records(user_id), pool=pool,
                         known=await self.store.card_refs(user_id), preferred_bank=preferred, rng=self.deps.rng)
        if pick is None:
            return None
        question = catalog.question(pick.ref.bank, pick.ref.question_id)
        assert question is not None  # pick_next only picks from the pool
        return ReviewItem(question, pick.ref, pick.reason, len(due))

    async def missed_item(self, user_id: int, guild_id: int | None, position: int = 0) -> ReviewItem | None:
        """Question `position` of those the member failed in their last round (still in a bank); None past the end.

        SessionError when there is nothing to replay at all (no round yet, or nothing failed).
        """
        catalog = self.catalog_for(guild_id)
        refs = await self.store.last_round_misses(user_id)
        askable = [(ref, q) for ref in refs if (q := catalog.question(ref.bank, ref.question_id)) is not None]
        if not askable:
            if refs or await self.store.card_refs(user_id):
                raise SessionError(ALL_PASSED if not refs else "The questions you missed last round are no longer "
                                   "in any bank here.")
            raise SessionError(NOT_PLAYED)
        if position >= len(askable):
            return None
        ref, question = askable[max(0, position)]
        summary = await self.store.review_summary(user_id, self.clock.now())
        return ReviewItem(question, ref, "missed", summary.due, "missed", max(0, position), len(askable))

    async def question(self, guild_id: int | None, ref: QuestionRef) -> Question:
        """The question behind a review button; SessionError when it left its bank."""
        question = self.catalog_for(guild_id).question(ref.bank, ref.question_id)
        if question is None:
            raise SessionError("This question was removed from its bank. Run **/review start** for the next one.")
        return question

    # ---- answering --------------------------------------------------------------------------------------------
    async def answer(self, user_id: int, guild_id: int | None, ref: QuestionRef, text: str, *,
                     replay: bool = False) -> ReviewOutcome:
        """Grade a review answer and move the member's card; UserError for an empty answer, or for a second answer
        to a card just reviewed that is not due (a double submission), unless it is a replay of a missed question."""
        text = (text or "").strip()
        if not text:
            raise UserError("Your answer was empty. Press **Answer** again and type your answer.")
        question = await self.question(guild_id, ref)
        now = self.clock.now()
        stored = await self.store.get_card(user_id, ref)
        if (not replay and stored is not None and stored.last_answer_id is None and stored.card.last_review is not None
                and now - stored.card.last_review < JUST_REVIEWED and not stored.card.is_due(now)):
            raise SessionError("You just answered this card. Press **Next** for the next one.")
        with grading_timer():
            g = grade(question, text)
        card = await self.store.record_review(user_id, ref, question.topic, score=g.score,
                                              passed=g.passed, at=now)
        summary = await self.store.review_summary(user_id, now)
        return ReviewOutcome(question, g, card, summary.due)

    async def summary(self, user_id: int) -> ReviewSummary:
        """How many cards the member has, how many are due now, and when the next falls due."""
        return await self.store.review_summary(user_id, self.clock.now())

    async def insights(self, guild_id: int, period: str, limit: int = 30) -> list[MissedPoint]:
        """The key points the server missed most in the period (week, month or all, in the server's zone)."""
        tz = (await self.store.get_settings(guild_id)).timezone
        return await self.store.missed_points(guild_id, period, now=self.clock.now(), tz=tz, limit=limit)

    # ---- reminders --------------------------------------------------------------------------------------------
    async def remind(self, user_id: int, on: bool, time: str | None = None,
                     timezone: str | None = None) -> Reminder | None:
        """Turn the member's daily reminder on (at a local time in a zone) or off; returns it (None when off).

        Turning it on after today's time has passed starts tomorrow.
        """
        now = self.clock.now()
        if not on:
            await self.store.disable_reminder(user_id, now)
            self.wake()
            return None
        old = await self.store.get_reminder(user_id)
        if time is None and old is None:
            raise UserError("Say when: **/review remind on time:18:30 timezone:Europe/Berlin** (24-hour time, "
                            "IANA time zone).")
        at = parse_local_time(time) if time is not None else old.local_time  # type: ignore[union-attr]
        zone = parse_zone(timezone) if timezone else parse_zone(old.timezone if old else "UTC")
        today = now.astimezone(zone).date()
        handled = today if local_instant(today, at, zone) <= now else None
        reminder = await self.store.set_reminder(user_id, local_time=at, timezone=zone.key, now=now,
                                                 handled_through=handled)
        self.wake()
        return reminder

    def next_reminder_at(self, reminder: Reminder) -> datetime:
        """When the member's next reminder falls (UTC)."""
        return next_due(reminder.local_time, parse_zone(reminder.timezone), self.clock.now(), reminder.last_sent_on)

    async def run_reminders(self, now: datetime | None = None) -> int:
        """One pass: DM every member whose reminder time has come today and who has cards due; how many were DMed."""
        now = now or self.clock.now()
        sent = 0
        for reminder in await self.store.enabled_reminders():
            try:
                zone = parse_zone(reminder.timezone)
                today = now.astimezone(zone).date()
                if reminder.last_sent_on is not None and reminder.last_sent_on >= today:
                    continue
                if local_instant(today, reminder.local_time, zone) > now:
                    continue
                if not await self.store.mark_reminder_handled(reminder.user_id, today):
                    continue
                summary = await self.store.review_summary(reminder.user_id, now)
                if summary.due == 0:
                    continue
                place = await self.surface.open_private(None, reminder.user_id, "Review reminder")
                await self.surface.send_text(place.channel_id, REMINDER_TEXT.format(due=summary.due))
                sent += 1
            except (SurfaceError, UserError) as exc:
                logger.info("review reminder for user %s not delivered: %s", reminder.user_id, exc)
            except Exception:
                logger.exception("review reminder for user %s failed", reminder.user_id)
        return sent

    async def _next_deadline(self, now: datetime) -> datetime:
        deadlines = [now + timedelta(seconds=MAX_SLEEP)]
        for reminder in await self.store.enabled_reminders():
            try:
                deadlines.append(next_due(reminder.local_time, parse_zone(reminder.timezone), now,
                                          reminder.last_sent_on))
            except UserError:
                continue
        return min(deadlines)

    async def loop(self) -> None:
        """Run reminder passes forever: after each, sleep until the next reminder time or a wake-up."""
        while True:
            self.wakeup.clear()
            now = self.clock.now()  # one instant per pass: the deadline is computed from the time the pass saw
            try:
                await self.run_reminders(now)
                deadline = await self._next_deadline(now)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("review reminder pass failed")
                deadline = self.clock.now() + timedelta(seconds=MAX_SLEEP)
            await first_of(sleep_until(self.clock, deadline, MAX_SLEEP), self.wakeup)
