"""A server's view of the banks: its own ``custom`` bank and its accepted phrasings laid over any bank's questions.

Accepted phrasings come from accepted appeals: for one question of one bank, extra phrasings of a key point
(by the point's text) or, with the point ``""``, extra short answers. `apply_overlay` gives the grader a Question
with those extra ``accept`` entries (``dataclasses.replace``); the bank files are never changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from bot.bank.models import Bank, Question

CUSTOM_BANK = "custom"  # the bank name a server's own questions are played under
SHORT_ANSWER = ""  # the "point" of an accepted phrasing that is an extra short answer

# (bank, question id) → key point text (or SHORT_ANSWER) → extra phrasings
Overlay = Mapping[tuple[str, str], Mapping[str, Sequence[str]]]


@dataclass(frozen=True, slots=True)
class GuildContent:
    """What one server adds to the banks: its custom bank (None when it has no question) and its overlay."""

    custom: Bank | None = None
    overlay: Overlay = field(default_factory=dict)


def apply_overlay(question: Question, extra: Mapping[str, Sequence[str]]) -> Question:
    """The question with extra accepted phrasings on the key points they name (and extra short answers).

    Phrasings of a point the question no longer has are ignored; a question without authored key points only
    takes extra short answers (its points are derived from the model answer).
    """
    points = question.key_points
    if points and any(kp.text in extra for kp in points):
        points = tuple(replace(kp, accept=tuple(dict.fromkeys([*kp.accept, *extra.get(kp.text, ())])))
                       for kp in points)
    short = question.short_answers
    if extra.get(SHORT_ANSWER):
        short = tuple(dict.fromkeys([*short, *extra[SHORT_ANSWER]]))
    if points is question.key_points and short is question.short_answers:
        return question
    return replace(question, key_points=points, short_answers=short)


def overlay_bank(bank: Bank, overlay: Overlay) -> Bank:
    """The bank with the overlay's phrasings applied to its questions (the same object when none apply)."""
    if not any(b == bank.name for b, _ in overlay):
        return bank
    questions = tuple(apply_overlay(q, overlay.get((bank.name, q.id), {})) for q in bank.questions)
    return replace(bank, questions=questions)
