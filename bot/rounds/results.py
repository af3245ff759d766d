"""A member's own result on a posted question, shown privately (the *My result* button after a reveal)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bank.catalog import Catalog
from bot.bank.models import Question
from bot.errors import SessionError
from bot.grading import Grade, grade
from bot.store import Answer, Store


@dataclass(frozen=True, slots=True)
class PrivateResult:
    """What one member sees of their answer: the stored answer (score, points) and its feedback.

    ``feedback`` is the stored response graded again for the words that counted (grading is deterministic);
    ``answer`` is None when the member did not answer.
    """

    question: Question
    answer: Answer | None
    feedback: Grade | None


async def private_result(store: Store, catalog: Catalog, post_id: int, user_id: int) -> PrivateResult:
    """The member's result on a post once it is closed; SessionError saying why not otherwise."""
    post = await store.get_post(post_id)
    if post is None:
        raise SessionError("This question no longer exists.")
    if post.closed_at is None:
        raise SessionError("Results come at the reveal: answers to this question are still open.")
    question = catalog.for_guild(post.guild_id).question(post.bank, post.question_id)
    if question is None:
        raise SessionError("This question was removed from its bank, so its results can't be shown any more.")
    answer = await store.get_answer(post_id, user_id)
    feedback = grade(question, answer.response) if answer is not None else None
    return PrivateResult(question, answer, feedback)
