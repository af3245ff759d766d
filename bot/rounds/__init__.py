"""The application layer: one runner per kind of round (quiz, interview, daily, review) owning ask → collect →
close → reveal → resume, with one failure policy; it talks to the chat platform only through the `Surface` port."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rounds.base import Deps, Runner
from bot.rounds.daily import DailyRunner
from bot.rounds.interview import InterviewRunner
from bot.rounds.quiz import QuizRunner
from bot.rounds.review import ReviewRunner


@dataclass
class Rounds:
    """The bot's runners."""

    quiz: QuizRunner
    interview: InterviewRunner
    daily: DailyRunner
    review: ReviewRunner

    @classmethod
    def build(cls, deps: Deps, *, grace_hours: float) -> Rounds:
        """One runner of each kind over the same dependencies."""
        return cls(QuizRunner(deps), InterviewRunner(deps), DailyRunner(deps, grace_hours=grace_hours),
                   ReviewRunner(deps))

    def all(self) -> tuple[Runner, ...]:
        """Every runner (to resume them after a restart)."""
        return (self.quiz, self.interview, self.daily, self.review)


__all__ = ["DailyRunner", "Deps", "InterviewRunner", "QuizRunner", "ReviewRunner", "Rounds", "Runner"]
