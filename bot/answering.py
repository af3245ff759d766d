"""The answer desk: checks a post is open, grades an answer and commits it before anyone is told it was saved.

Used by the Answer button + modal of quiz rounds and daily questions. No Discord here: the UI calls it and the
quiz runner listens for new answers so it can close a question early.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.bank.catalog import Catalog
from bot.bank.models import Question
from bot.clock import Clock
from bot.errors import SessionError, UserError
from bot.grading import Grade, grade
from bot.observability import ANSWERS, grading_timer
from bot.sessions.scoring import points_for
from bot.store import AlreadyAnswered, Answer, Post, Store

logger = logging.getLogger(__name__)

# Characters that show nothing: a message made only of these (and spaces) is empty, like one of spaces.
_BLANK_CATEGORIES = frozenset({"Cf", "Cc", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5")

# Words of a message that is plainly not an answer yet ("hmm, let me think", "wait", "one sec").
_STALL_WORDS = frozenset({
    "a", "about", "again", "bit", "brb", "gimme", "give", "hang", "hold", "i", "im", "it", "just", "lemme", "let",
    "me", "min", "minute", "moment", "moments", "need", "ok", "okay", "on", "one", "please", "pls", "quick", "sec",
    "second", "seconds", "secs", "see", "sure", "think", "thinking", "wait", "well", "what",
})
_STALL_MARKERS = frozenset({
    "brb", "hang", "hold", "moment", "min", "minute", "sec", "second", "secs", "see", "think", "thinking", "wait",
})
_FILLER = re.compile(r"(?:h+m+|u+m+|u+h+|e+r+m*|m+|a+h+|o+h+)")

CACHED_KINDS = ("quiz", "daily")  # posts answered through the desk, closed only through `AnswerDesk.close`
ALREADY = "You already answered this question: one answer per member. Your first answer is the one that counts."
CLOSED = "Answers for this question are closed. Watch for the reveal!"


def clean_answer(text: str | None) -> str:
    """The answer without surrounding space; empty when nothing in it is visible (zero-width characters, blank
    fillers and spaces only)."""
    text = (text or "").strip()
    visible = any(not (c.isspace() or unicodedata.category(c) in _BLANK_CATEGORIES or c in _BLANK_FILLERS)
                  for c in text)
    return text if visible else ""


def not_an_answer_yet(text: str) -> bool:
    """Whether a message is plainly someone still thinking ("hmm", "wait", "one sec", "let me think")."""
    words = re.sub(r"[^\w\s]", " ", text.casefold().replace("'", "")).split()
    if not words or len(words) > 8:
        return False
    fillers = [w for w in words if _FILLER.fullmatch(w)]
    rest = [w for w in words if not _FILLER.fullmatch(w)]
    if not all(w in _STALL_WORDS for w in rest):
        return False
    return bool(fillers) or any(w in _STALL_MARKERS for w in rest)


@dataclass(slots=True)
class _OpenPost:
    post: Post
    answered: set[int]


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
        # Open quiz and daily posts with who answered them, kept in memory so that a thousand clicks on one
        # question cost one read each instead of two queries each; closing goes through `close`.
        self._open: dict[int, _OpenPost] = {}
        self._loading: dict[int, asyncio.Lock] = {}
        self._closed: deque[int] = deque(maxlen=1024)

    async def _cached(self, post_id: int) -> _OpenPost | None:
        """The open post and who answered it, loaded once (None for posts not kept: closed, gone, other kinds)."""
        entry = self._open.get(post_id)
        if entry is not None or post_id in self._closed:
            return entry
        async with self._loading.setdefault(post_id, asyncio.Lock()):
            entry = self._open.get(post_id)
            if entry is None and post_id not in self._closed:
                post = await self.store.get_post(post_id)
                if post is not None and post.kind in CACHED_KINDS and post.closed_at is None:
                    entry = _OpenPost(post, set(await self.store.answered_user_ids(post_id)))
                    if post_id not in self._closed:
                        self._open[post_id] = entry
        self._loading.pop(post_id, None)
        return entry

    async def close(self, post_id: int, now: datetime) -> None:
        """Close a post to answers (in the store, and at once for clicks still on their way)."""
        self._closed.append(post_id)
        self._open.pop(post_id, None)
        await self.store.close_post(post_id, now)

    def _answered(self, post_id: int, user_id: int) -> None:
        entry = self._open.get(post_id)
        if entry is not None:
            entry.answered.add(user_id)

    def listen(self, post_id: int, callback: Callable[[int], None]) -> None:
        """Call ``callback(user_id)`` after each answer to ``post_id`` is committed."""
        self._listeners[post_id] = callback

    def forget(self, post_id: int) -> None:
        """Stop listening to a post."""
        self._listeners.pop(post_id, None)

    async def open_question(self, post_id: int, user_id: int) -> tuple[Post, Question]:
        """The post and its question if this member may still answer it; SessionError saying why not."""
        entry = await self._cached(post_id)
        post = entry.post if entry is not None else await self.store.get_post(post_id)
        if post is None:
            raise SessionError("This question no longer exists.")
        if (post.closed_at is not None or post_id in self._closed
                or (post.closes_at is not None and self.clock.now() >= post.closes_at)):
            raise SessionError(CLOSED)
        if (user_id in entry.answered if entry is not None
                else await self.store.get_answer(post_id, user_id) is not None):
            raise SessionError(ALREADY)
        question = self._catalog().for_guild(post.guild_id).question(post.bank, post.question_id)
        if question is None:
            raise SessionError("This question was removed from its bank, so it can't be answered any more.")
        return post, question

    async def submit(self, post_id: int, user_id: int, text: str) -> Receipt:
        """Grade and commit an answer; return only once it is durably stored."""
        text = clean_answer(text)
        if not text:
            raise UserError("Your answer was empty. Press Answer again and type your answer.")
        post, question = await self.open_question(post_id, user_id)
        now = self.clock.now()
        with grading_timer():
            g = grade(question, text)
        limit = (post.closes_at - post.posted_at).total_seconds() if post.closes_at else None
        points = points_for(g.score, question.difficulty, elapsed=(now - post.posted_at).total_seconds(),
                            limit=limit if post.kind == "quiz" else None, passed=g.passed)
        try:
            answer = await self.store.record_answer(
                post_id=post_id, user_id=user_id, response=text, score=g.score, verdict=g.verdict, points=points,
                hits=[h.point for h in g.hits], misses=list(g.misses), answered_at=now, passed=g.passed)
        except AlreadyAnswered:
            self._answered(post_id, user_id)
            raise SessionError(ALREADY) from None
        self._answered(post_id, user_id)
        ANSWERS.labels(kind=post.kind).inc()
        callback = self._listeners.get(post_id)
        if callback is not None:
            try:
                callback(user_id)
            except Exception:
                logger.exception("answer listener failed for post %s", post_id)
        return Receipt(answer, g, post, question)
