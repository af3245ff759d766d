"""Interviews: one member, a private place (thread or DMs), questions one after another answered by typing, a
follow-up when an answer missed something, a final report; resumed where it stopped after a restart.

Extension points: `InterviewRunner.question_actions` gives the buttons under each question (the *Hint* button,
``Action("hint", post_id)``, answered by `InterviewRunner.hint`), and `InterviewRunner.on_message` is where typed
messages arrive.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass

from bot.answering import clean_answer, not_an_answer_yet
from bot.bank.catalog import pick_questions
from bot.bank.models import DEFAULT_PASS_SCORE, Bank, Difficulty, Question
from bot.errors import SessionError, UserError
from bot.grading import grade
from bot.observability import ANSWERS, grading_timer
from bot.rounds.base import Deps, Runner
from bot.rounds.surface import Action, FeedbackCard, Place, QuestionCard, ReportCard, SurfaceError
from bot.sessions.interview import (
    HINT_FACTOR,
    InterviewState,
    followup_prompt,
    hint_factor,
    report,
    take_answer,
    take_hint,
)
from bot.sessions.report import build_report
from bot.sessions.scoring import points_for
from bot.store import AlreadyAnswered, SessionConflict, SessionRow

logger = logging.getLogger(__name__)

FOOTER = "Reply with a message in this conversation."
TEXT_ONLY = "I can only read text answers: please type your answer."
TAKE_YOUR_TIME = "Take your time — I'll wait for your answer."


@dataclass(frozen=True, slots=True)
class Plan:
    """An interview about to start: who, and which questions."""

    guild_id: int
    user_id: int
    bank: Bank
    question_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Started:
    """An interview recorded in its private place."""

    row: SessionRow
    place: Place
    bank: Bank
    count: int


class InterviewRunner(Runner):
    """Runs interviews."""

    kind = "interview"

    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        self.by_channel: dict[int, int] = {}  # interview channel (thread or DM) → session id
        self.locks: dict[int, asyncio.Lock] = {}

    def forget(self, session_id: int) -> None:
        """Stop listening to a finished interview's channel."""
        self.by_channel = {c: s for c, s in self.by_channel.items() if s != session_id}
        self.locks.pop(session_id, None)

    def open_posts_of(self, row: SessionRow) -> list[int | None]:
        """The question being asked, if any."""
        return [InterviewState.from_dict(row.state).post_id]

    def lock(self, session_id: int) -> asyncio.Lock:
        """One message (or stop) at a time per interview."""
        return self.locks.setdefault(session_id, asyncio.Lock())

    # ---- start ------------------------------------------------------------------------------------------------
    async def plan(self, *, guild_id: int, user_id: int, bank: str | None, topic: str | None,
                   difficulty: Difficulty | None, count: int) -> Plan:
        """Check the member has no interview running and pick the questions (quick: nothing is sent yet)."""
        existing = await self.store.active_session_of(guild_id, user_id, "interview")
        if existing is not None:
            raise SessionError(f"You already have an interview running in <#{existing.channel_id}>. Answer there, "
                               "or end it with /interview stop.")
        settings = await self.store.get_settings(guild_id)
        chosen = self.catalog.for_guild(guild_id).bank(bank, settings.default_bank)
        questions = pick_questions(chosen, topic=topic, difficulty=difficulty, count=count, rng=self.deps.rng)
        return Plan(guild_id, user_id, chosen, tuple(q.id for q in questions))

    async def open(self, plan: Plan, *, parent_channel_id: int | None, user_name: str) -> Started:
        """Open a private thread (or DMs) and record the interview. Call `begin` next."""
        place = await self.surface.open_private(parent_channel_id, plan.user_id, f"Interview · {user_name}")
        state = InterviewState(plan.bank.name, list(plan.question_ids))
        try:
            row = await self.store.create_session(kind="interview", guild_id=plan.guild_id,
                                                  channel_id=place.channel_id, owner_id=plan.user_id,
                                                  state=state.to_dict(), now=self.clock.now())
        except SessionConflict:
            raise SessionError("You already have an interview running. End it with /interview stop.") from None
        self.by_channel[place.channel_id] = row.id
        return Started(row, place, plan.bank, len(plan.question_ids))

    async def begin(self, started: Started) -> None:
        """Greet the member in their private place and ask the first question (failures end the interview)."""
        row = started.row
        async with self.lock(row.id):
            await self._guard(row, self._welcome(started))

    async def _welcome(self, started: Started) -> None:
        row = started.row
        await self.surface.send_text(
            row.channel_id, f"Welcome <@{row.owner_id}>! I'll ask {started.count} question(s) from "
            f"**{started.bank.title}**. Answer each by typing a message. If you miss something I may ask one "
            "follow-up. Stuck? Press **Hint** under a question before answering (one per question; it then earns "
            f"{HINT_FACTOR:.0%} of its points). Type your answers in full sentences; `/interview stop` ends it early.",
            ping=row.owner_id)
        await self._ask(row, InterviewState.from_dict(row.state))

    # ---- the conversation -------------------------------------------------------------------------------------
    def question_actions(self, state: InterviewState, post_id: int) -> tuple[Action, ...]:
        """The buttons under an interview question: *Hint*, until the hint is taken or the question answered."""
        return () if state.hinted or state.phase != "answer" else (Action("hint", post_id),)

    async def hint(self, post_id: int, user_id: int) -> str:
        """The hint for the interview question of this post, recorded before it is shown (one per question; the
        question then earns HINT_FACTOR of its points); SessionError when it cannot be given."""
        post = await self.store.get_post(post_id)
        if post is None or post.session_id is None:
            raise SessionError("That question is not part of an interview.")
        async with self.lock(post.session_id):
            row = await self.store.get_session(post.session_id)
            if row is None or row.owner_id != user_id:
                raise SessionError("Only the member being interviewed can ask for a hint.")
            state = InterviewState.from_dict(row.state)
            question = self.catalog.for_guild(row.guild_id).question(state.bank, state.current_id or "")
            if not row.active or state.post_id != post_id or question is None:
                raise SessionError("That question is already answered: hints are for the question being asked.")
            text = take_hint(state, question)
            await self.store.update_session(row.id, state=state.to_dict(), now=self.clock.now())
        await self._drop_actions(row.channel_id, post.message_id)
        return text

    async def _drop_actions(self, channel_id: int, message_id: int | None) -> None:
        """Take the *Hint* button off a question (best effort: a failed edit must not end the interview)."""
        if message_id is None:
            return
        try:
            await self.surface.remove_actions(channel_id, message_id)
        except SurfaceError:
            logger.info("could not remove the buttons of message %s in %s", message_id, channel_id)

    async def _ask(self, row: SessionRow, state: InterviewState) -> None:
        """Post the current question (creating its post record) and persist the state; the report when done."""
        store, now = self.store, self.clock.now()
        question = self.catalog.for_guild(row.guild_id).question(state.bank, state.current_id or "")
        while question is None and not state.finished:  # removed from the bank since: skip it
            state.index += 1
            question = self.catalog.for_guild(row.guild_id).question(state.bank, state.current_id or "")
        if question is None:
            await self._finish(row, state, stopped=False)
            return
        post = await store.create_post(guild_id=row.guild_id, channel_id=row.channel_id, kind="interview",
                                       bank=state.bank, question_id=question.id, topic=question.topic,
                                       difficulty=question.difficulty, posted_at=now, session_id=row.id)
        state.post_id = post.id
        await store.update_session(row.id, state=state.to_dict(), now=now)
        message_id = await self._show_question(row, state, question, post.id)
        await store.set_post_message(post.id, message_id)

    async def _show_question(self, row: SessionRow, state: InterviewState, question: Question, post_id: int) -> int:
        heading = f"Question {state.index + 1}/{len(state.question_ids)}"
        return await self.surface.send_question(row.channel_id, QuestionCard(
            question, heading, footer=FOOTER, actions=self.question_actions(state, post_id)))

    async def on_message(self, channel_id: int, author_id: int, text: str) -> None:
        """A message in some channel: grade it when it is the interviewee's, in their interview; else ignore it."""
        session_id = self.by_channel.get(channel_id)
        if session_id is None:
            return
        async with self.lock(session_id):
            row = await self.store.get_session(session_id)
            if row is None or not row.active or author_id != row.owner_id:
                return
            text = clean_answer(text)
            if not text:
                await self._guard(row, self.surface.send_text(channel_id, TEXT_ONLY))
            elif not_an_answer_yet(text):
                await self._guard(row, self.surface.send_text(channel_id, TAKE_YOUR_TIME))
            else:
                await self._guard(row, self._answer(row, text))

    async def _guard(self, row: SessionRow, work: Awaitable[object]) -> None:
        """Run a step of the interview; a fixable error is told to the member and the interview goes on, any
        other failure is reported (an apology) and ends the interview (the one failure policy)."""
        try:
            await work
        except UserError as error:
            await self.surface.report_error(row.channel_id, error)
        except Exception as error:
            current = await self.store.get_session(row.id)
            state = InterviewState.from_dict((current or row).state)
            await self.fail(row.id, error, post_ids=[state.post_id], channel_id=row.channel_id)

    async def _answer(self, row: SessionRow, text: str) -> None:
        store, now = self.store, self.clock.now()
        state = InterviewState.from_dict(row.state)
        question = self.catalog.for_guild(row.guild_id).question(state.bank, state.current_id or "")
        if question is None or state.post_id is None:
            await self._ask(row, state)
            return
        post_id = state.post_id
        offered_hint = state.phase == "answer" and not state.hinted  # the question still shows its Hint button
        with grading_timer():
            turn = take_answer(state, question, text)
        hinted = turn.factor < 1
        number = f"{len(state.results) + (0 if turn.final else 1)}/{len(state.question_ids)}"
        if turn.final is None:
            # The first answer is stored in the session before it is acknowledged, so a crash loses nothing.
            await store.update_session(row.id, state=state.to_dict(), now=now)
            if offered_hint:
                post = await store.get_post(post_id)
                await self._drop_actions(row.channel_id, post.message_id if post else None)
            await self.surface.send_card(row.channel_id, FeedbackCard(question, turn.grade,
                                                                      f"Question {number}: feedback", hinted=hinted))
            await self.surface.send_text(row.channel_id, turn.followup or "")
            return
        final = turn.final
        try:
            await store.record_answer(post_id=post_id, user_id=row.owner_id, response=turn.response,
                                      score=final.score, verdict=final.verdict, passed=final.passed,
                                      points=round(points_for(final.score, question.difficulty) * turn.factor, 2),
                                      hits=[h.point for h in final.hits], misses=list(final.misses), answered_at=now)
        except AlreadyAnswered:
            logger.info("interview %s: post %s already had its answer", row.id, post_id)
        else:
            ANSWERS.labels(kind="interview").inc()
        await store.close_post(post_id, now)
        await store.update_session(row.id, state=state.to_dict(), now=now)
        if offered_hint:
            post = await store.get_post(post_id)
            await self._drop_actions(row.channel_id, post.message_id if post else None)
        await self.surface.send_card(row.channel_id, FeedbackCard(question, final, f"Question {number}: result",
                                                                  hinted=hinted, final=True))
        if state.finished:
            await self._finish(row, state, stopped=False)
        else:
            await self._ask(row, state)

    async def _finish(self, row: SessionRow, state: InterviewState, *, stopped: bool) -> None:
        """End the session (the member may start another at once), then post the report."""
        rows = []
        for r in state.results:
            q = self.catalog.for_guild(row.guild_id).question(state.bank, r["question_id"])
            rows.append((q.prompt if q else r["question_id"], r["score"], r["verdict"], r["misses"]))
        bank = self.catalog.for_guild(row.guild_id).banks.get(state.bank)
        pass_score = bank.pass_score if bank else DEFAULT_PASS_SCORE
        summary = report(state, pass_score)
        full = build_report(state, lambda qid: self.catalog.for_guild(row.guild_id).question(state.bank, qid),
                            pass_score=pass_score,
                            bank_topics=bank.topics if bank else ())
        await self.store.finish_session(row.id, self.clock.now())
        self.forget(row.id)
        answered = await self.store.session_answers(row.id, row.owner_id)
        appeals = tuple((n, post_id) for n, (post_id, score) in enumerate(answered, 1) if score < 1.0)
        await self.surface.send_card(row.channel_id, ReportCard(tuple(rows), summary.average,
                                                                tuple(summary.study_topics), stopped, full,
                                                                appeals))

    # ---- stop and resume --------------------------------------------------------------------------------------
    async def running(self, guild_id: int, user_id: int) -> SessionRow:
        """The member's interview; SessionError when they have none."""
        row = await self.store.active_session_of(guild_id, user_id, "interview")
        if row is None:
            raise SessionError("You have no interview running. Start one with /interview start.")
        return row

    async def stop(self, row: SessionRow) -> None:
        """End the interview now; the report goes to the interview's place."""
        async with self.lock(row.id):
            row = await self.store.get_session(row.id) or row
            state = InterviewState.from_dict(row.state)
            if state.post_id is not None:
                await self.store.close_post(state.post_id, self.clock.now())
            if not await self.surface.has_place(row.channel_id):
                await self.fail(row.id, None)
                return
            await self._guard(row, self._finish(row, state, stopped=True))

    async def resume_one(self, row: SessionRow) -> None:
        """Pick an interview up where it stopped, with a message in its place."""
        if not await self.surface.has_place(row.channel_id):
            logger.warning("interview %s: channel %s is gone; ending it", row.id, row.channel_id)
            await self.fail(row.id, None, post_ids=self.open_posts_of(row))
            return
        self.by_channel[row.channel_id] = row.id
        async with self.lock(row.id):
            await self._guard(row, self._resume(row))

    async def _resume(self, row: SessionRow) -> None:
        state = InterviewState.from_dict(row.state)
        question = self.catalog.for_guild(row.guild_id).question(state.bank, state.current_id or "")
        await self.surface.send_text(row.channel_id, f"🔄 <@{row.owner_id}>, I'm back after a restart. Let's "
                                     "continue where we stopped.", ping=row.owner_id)
        if question is None or state.post_id is None:
            await self._ask(row, state)
            return
        answer = await self.store.get_answer(state.post_id, row.owner_id)
        if answer is not None:  # answered and committed, but the state had not moved on yet
            state.results.append({"question_id": question.id, "topic": question.topic, "score": answer.score,
                                  "verdict": answer.verdict, "misses": list(answer.misses), "followup": False,
                                  "hinted": state.hinted, "factor": hint_factor(state.hinted)})
            state.index += 1
            state.phase, state.post_id, state.first_response = "answer", None, None
            if state.finished:
                await self._finish(row, state, stopped=False)
            else:
                await self._ask(row, state)
            return
        await self._show_question(row, state, question, state.post_id)
        if state.phase == "followup" and state.first_response:
            followup = state.followup or followup_prompt(grade(question, state.first_response).misses)
            quoted = state.first_response[:1500].replace("\n", "\n> ")
            await self.surface.send_text(row.channel_id, "You had answered:\n> " + quoted + "\n" + followup)
