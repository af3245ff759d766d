"""Quiz rounds: ask each question in the channel, collect private answers, close on the timer (or when everyone
who takes part has answered, or on stop/skip), reveal, post the standings; after a restart, close cleanly."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from bot.bank.catalog import pick_questions
from bot.bank.models import Bank, Difficulty
from bot.errors import PermissionDenied, SessionError
from bot.rounds.base import Deps, Runner, first_of
from bot.rounds.surface import Action, QuestionCard, RevealCard, ScoreLine, StandingsCard, SurfaceError
from bot.sessions.quiz import QuizState, all_present_answered, can_control, may_start, most_missed, standings
from bot.store import Post, SessionConflict, SessionRow

logger = logging.getLogger(__name__)

ControlAction = Literal["stop", "skip"]
INTERRUPTED = "This round was interrupted by a bot restart."
RECENT = 50  # questions asked lately in a channel that a new round avoids when it can


@dataclass
class Live:
    """In-memory handle of a running round: wakes the runner on stop, skip or when everyone answered.

    A stop or skip sent while a question is being posted is kept for that question; a skip sent while the
    previous question was being revealed (it targeted that one) is dropped when the next question starts.
    """

    state: QuizState
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    action: ControlAction | None = None
    target: int = -1  # the question index the pending action was sent during

    def request(self, action: ControlAction) -> None:
        """Ask the round to stop or skip; takes effect at once, even while a question is being posted."""
        if self.action != "stop":
            self.action = action
        self.target = self.state.index
        self.wake.set()

    def begin_question(self) -> None:
        """Called before each question is posted: forget a stale skip and any early-close wake-up."""
        if self.action == "skip" and self.target != self.state.index:
            self.action = None
        if self.action is None:
            self.wake.clear()


@dataclass(frozen=True, slots=True)
class Started:
    """A round recorded and ready to run."""

    row: SessionRow
    bank: Bank
    count: int


class QuizRunner(Runner):
    """Runs quiz rounds."""

    kind = "quiz"

    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        self.live: dict[int, Live] = {}

    def forget(self, session_id: int) -> None:
        """Drop the live handle of a finished round."""
        live = self.live.pop(session_id, None)
        if live is not None and live.state.post_ids:
            self.deps.desk.forget(live.state.post_ids[-1])

    def open_posts_of(self, row: SessionRow) -> list[int | None]:
        """The round's last post (the only one that can be open)."""
        return list(QuizState.from_dict(row.state).post_ids[-1:])

    async def start(self, *, guild_id: int, channel_id: int, owner_id: int, bank: str | None, topic: str | None,
                    difficulty: Difficulty | None, count: int, seconds: int, manager: bool,
                    role_ids: frozenset[int] = frozenset()) -> Started:
        """Check who may start, pick questions (preferring ones not asked here lately) and record the round.

        ``manager``: the member has Manage Server; ``role_ids``: their roles. Call `run` next."""
        settings = await self.store.get_settings(guild_id)
        if not may_start(settings.quiz_role_id, role_ids, manager=manager):
            raise PermissionDenied(f"On this server only members with the <@&{settings.quiz_role_id}> role "
                                   "can start quizzes.")
        chosen = self.catalog.for_guild(guild_id).bank(bank, settings.default_bank)
        recent = await self.store.recent_question_ids(guild_id, channel_id, "quiz", RECENT)
        questions = pick_questions(chosen, topic=topic, difficulty=difficulty, count=count, rng=self.deps.rng,
                                   avoid=recent)
        state = QuizState(chosen.name, [q.id for q in questions], seconds, owner_id)
        try:
            row = await self.store.create_session(kind="quiz", guild_id=guild_id, channel_id=channel_id,
                                                  owner_id=owner_id, state=state.to_dict(), now=self.clock.now())
        except SessionConflict:
            raise SessionError("A quiz round is already running in this channel. Wait for it to end, or use "
                               "/quiz stop.") from None
        self.live[row.id] = Live(state)
        return Started(row, chosen, len(questions))

    def run(self, started: Started) -> asyncio.Task[None]:
        """Run the round in the background."""
        return self.deps.spawn(self.play(started.row), f"quiz-{started.row.id}")

    async def control(self, channel_id: int, user_id: int, action: ControlAction, *, moderator: bool) -> None:
        """Stop or skip the round in the channel: the starter or a moderator (Manage Messages) only."""
        row = await self.store.active_session_in_channel(channel_id, "quiz")
        live = self.live.get(row.id) if row else None
        if row is None or live is None:
            raise SessionError("There is no quiz round running in this channel.")
        if not can_control(user_id, row.owner_id, manage_messages=moderator):
            raise PermissionDenied(f"Only the member who started this round (<@{row.owner_id}>) or someone with "
                                   f"Manage Messages can {action} it.")
        live.request(action)

    async def play(self, row: SessionRow) -> None:
        """Ask each question, wait for the timer (or everyone, or stop/skip), reveal, then post standings.

        Whatever fails (the store, Discord, a bug), the round ends: its session is finished and the channel free.
        """
        live = self.live.setdefault(row.id, Live(QuizState.from_dict(row.state)))
        state = live.state
        try:
            while not state.finished and live.action != "stop":
                await self._ask_and_reveal(row, live)
            await self._finish(row, state, stopped=live.action == "stop")
        except Exception as error:
            await self.fail(row.id, error, post_ids=state.post_ids[-1:], channel_id=row.channel_id)
        finally:
            self.forget(row.id)

    async def _ask_and_reveal(self, row: SessionRow, live: Live) -> None:
        state, store, desk = live.state, self.store, self.deps.desk
        question = self.catalog.for_guild(row.guild_id).question(state.bank, state.current_id or "")
        if question is None:  # removed from its bank since the round started
            state.index += 1
            return
        live.begin_question()
        now = self.clock.now()
        post = await store.create_post(
            guild_id=row.guild_id, channel_id=row.channel_id, kind="quiz", bank=state.bank, question_id=question.id,
            topic=question.topic, difficulty=question.difficulty, posted_at=now,
            closes_at=now + timedelta(seconds=state.seconds), session_id=row.id)
        state.post_ids.append(post.id)
        await store.update_session(row.id, state=state.to_dict(), now=now)
        heading = f"Question {state.index + 1}/{len(state.question_ids)}"
        answered: set[int] = set()

        def on_answer(user_id: int) -> None:
            answered.add(user_id)
            if all_present_answered(state, answered):
                live.wake.set()
            state.join(user_id)

        desk.listen(post.id, on_answer)
        try:
            message_id = await self.surface.send_question(row.channel_id, QuestionCard(
                question, heading, closes_at=post.closes_at, actions=(Action("answer", post.id),)))
            await store.set_post_message(post.id, message_id)
            await self._wait(state.seconds, live.wake)
        finally:
            desk.forget(post.id)
        if live.action == "skip":
            live.action = None
        await self.reveal(post, heading, message_id)
        state.index += 1
        await store.update_session(row.id, state=state.to_dict(), now=self.clock.now())

    async def _wait(self, seconds: float, wake: asyncio.Event) -> None:
        await first_of(self.clock.sleep(seconds), wake)

    async def reveal(self, post: Post, heading: str, message_id: int | None, note: str | None = None) -> None:
        """Close the post, take the button off the question and post the reveal with its *My result* button."""
        store = self.store
        await self.deps.desk.close(post.id, self.clock.now())
        if message_id is not None:
            try:
                await self.surface.remove_actions(post.channel_id, message_id)
            except SurfaceError:
                logger.warning("could not remove the Answer button from message %s", message_id)
        question = self.catalog.for_guild(post.guild_id).question(post.bank, post.question_id)
        if question is None:
            return
        answers = await store.answers_for_post(post.id)
        settings = await store.get_settings(post.guild_id)
        results = tuple(sorted((ScoreLine(a.user_id, a.score, a.verdict, a.points) for a in answers),
                               key=lambda r: -r.points))
        missed = tuple(most_missed([a.misses for a in answers]))
        await self.surface.send_reveal(post.channel_id, RevealCard(
            question, f"{heading} — answer", settings.spoilers, results=results, missed=missed, note=note,
            post_id=post.id if answers else None))

    async def _finish(self, row: SessionRow, state: QuizState, *, stopped: bool, note: str | None = None) -> None:
        """Mark the round finished (the channel is free at once), then post the standings."""
        rows: list[tuple[int, float, bool]] = []
        for post_id in state.post_ids:
            rows.extend((a.user_id, a.points, a.passed) for a in await self.store.answers_for_post(post_id))
        await self.store.finish_session(row.id, self.clock.now())
        title = "🏁 Final standings" + (" (round stopped)" if stopped else "")
        await self.surface.send_card(row.channel_id, StandingsCard(title, tuple(standings(rows)),
                                                                   len(state.post_ids), note))

    async def resume_one(self, row: SessionRow) -> None:
        """After a restart: reveal the interrupted question with what was answered, then the standings."""
        state = QuizState.from_dict(row.state)
        if not await self.surface.has_place(row.channel_id):
            logger.warning("quiz %s: channel %s is gone; closing the round", row.id, row.channel_id)
            await self.fail(row.id, None, post_ids=state.post_ids)
            return
        if state.post_ids:
            post = await self.store.get_post(state.post_ids[-1])
            if post is not None and post.closed_at is None:
                await self.reveal(post, f"Question {len(state.post_ids)}/{len(state.question_ids)}",
                                  post.message_id, note=INTERRUPTED)
        await self._finish(row, state, stopped=True, note=INTERRUPTED)
