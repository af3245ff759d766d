"""Frozen models of a question bank: Bank, Question, KeyPoint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")
DEFAULT_PASS_SCORE = 0.6


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """One thing a good answer must cover, with other accepted phrasings and a weight."""

    text: str
    accept: tuple[str, ...] = ()
    weight: float = 1.0
    ask: str = ""  # the question an interviewer asks to draw this point out (a follow-up or a hint)
    wrong: tuple[str, ...] = ()  # false claims about this point that interviewers hear: stating one contradicts it

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The point itself followed by every accepted phrasing."""
        return (self.text, *self.accept)


@dataclass(frozen=True, slots=True)
class Question:
    """A single interview question with its model answer and grading material."""

    id: str
    prompt: str
    answer: str = ""
    topic: str = "general"
    difficulty: Difficulty = "medium"
    key_points: tuple[KeyPoint, ...] = ()
    short_answers: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    pass_score: float = DEFAULT_PASS_SCORE
    bank: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Bank:
    """A named collection of questions loaded from one YAML file."""

    name: str
    title: str
    questions: tuple[Question, ...]
    description: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)
    pass_score: float = DEFAULT_PASS_SCORE
    path: Path | None = None

    @property
    def topics(self) -> tuple[str, ...]:
        """Sorted distinct topics of the bank's questions."""
        return tuple(sorted({q.topic for q in self.questions}))

    def get(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        for q in self.questions:
            if q.id == question_id:
                return q
        return None
