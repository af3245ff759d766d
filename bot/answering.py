"""The answer desk: checks a post is open, grades an answer and commits it before anyone is told it was saved.

Used by the Answer button + modal of quiz rounds and daily questions. No Discord here: the UI calls it and the
quiz runner listens for new answers so it can close a question early.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.bank.catalog import Catalog
from bot.bank.models import Question
from bot.clock import Clock
from bot.errors import SessionError, UserError
from bot.grading import Grade, grade
from bot.sessions.scoring import points_for
from bot.store import AlreadyAnswered, Answer, Post, Store

logger = logging.getLogger(__name__)

ALREADY = "You already answered this question: one answer per member. Your first answer is the one that counts."
CLOSED = "Answers for this question are closed. Watch for the reveal!"


@dataclass(frozen=True, slots=True)
class Receipt:
    """A saved answer and its grade (the grade is shown only at the reveal)."""

    answer: Answer
    grade: Grade
    post: Post
    question: Question


class AnswerDesk:
    """Opens and records answers to posted questions."""

    def __init__(self, store: Store, catalog: Callable[[], Catalog], clock: Clock) -> None:
        self.store = store
        self._catalog = catalog
        self.clock = clock
        self._listeners: dict[int, Callable[[int], None]] = {}

    def listen(self, post_id: int, callback: Callable[[int], None]) -> None:
        """Call ``callback(user_id)`` after each answer to ``post_id`` is committed."""
        self._listeners[post_id] = callback

    def forget(self, post_id: int) -> None:
        """Stop listening to a post."""
        self._listeners.pop(post_id, None)

    async def open_question(self, post_id: int, user_id: int) -> tuple[Post, Question]:
        """The post and its question if this member may still answer it; SessionError saying why not."""
        post = await self.store.get_post(post_id)
        if post is None:
            raise SessionError("This question no longer exists.")
        if post.closed_at is not None or (post.closes_at is not None and self.clock.now() >= post.closes_at):
            raise SessionError(CLOSED)
        if await self.store.get_answer(post_id, user_id) is not None:
            raise SessionError(ALREADY)
        question = self._catalog().question(post.bank, post.question_id)
        if question is None:
            raise SessionError("This question was removed from its bank, so it can't be answered any more.")
        return post, question

    async def submit(self, post_id: int, user_id: int, text: str) -> Receipt:
        """Grade and commit an answer; return only once it is durably stored."""
        text = (text or "").strip()
        if not text:
            raise UserError("Your answer was empty. Press Answer again and type your answer.")
        post, question = await self.open_question(post_id, user_id)
        now = self.clock.now()
        g = grade(question, text)
        limit = (post.closes_at - post.posted_at).total_seconds() if post.closes_at else None
        points = points_for(g.score, question.difficulty, elapsed=(now - post.posted_at).total_seconds(),
                            limit=limit if post.kind == "quiz" else None, passed=g.verdict == "pass")
        try:
            answer = await self.store.record_answer(
                post_id=post_id, user_id=user_id, response=text, score=g.score, verdict=g.verdict, points=points,
                hits=[h.point for h in g.hits], misses=list(g.misses), answered_at=now)
        except AlreadyAnswered:
            raise SessionError(ALREADY) from None
        callback = self._listeners.get(post_id)
        if callback is not None:
            try:
                callback(user_id)
            except Exception:
                logger.exception("answer listener failed for post %s", post_id)
        return Receipt(answer, g, post, question)
