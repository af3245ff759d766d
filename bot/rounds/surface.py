"""The Surface port: what a round runner needs from the chat platform, as plain data in and ids out.

Runners never import discord. ``bot/ui/surface.py`` implements this port for discord.py and
``tests/support/surface.py`` in memory, so a round's whole lifecycle is unit-tested without any Discord.
Cards are plain data; the UI decides how they look (embeds, buttons) within Discord's limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.bank.models import Question
from bot.grading import Grade
from bot.sessions.quiz import Standing
from bot.sessions.report import InterviewReport


class SurfaceError(Exception):
    """The platform refused or failed to do what was asked (a send, an edit, a thread)."""


class PlaceGone(SurfaceError):
    """The channel, thread or DM is gone or unreachable."""


@dataclass(frozen=True, slots=True)
class Action:
    """A button under a posted question: ``kind`` says what it does, ``target`` what it acts on.

    Kinds the UI knows: ``answer`` (target: post id; opens the private answer box) and ``hint`` (target: the
    interview question's post id; shows the member a hint). A new kind is added here by name and given a button in
    ``bot/ui/views.py::action_item``.
    """

    kind: str
    target: int


@dataclass(frozen=True, slots=True)
class QuestionCard:
    """A question being asked."""

    question: Question
    heading: str
    closes_at: datetime | None = None
    footer: str | None = None
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One member's result at a reveal."""

    user_id: int
    score: float
    verdict: str
    points: float


@dataclass(frozen=True, slots=True)
class RevealCard:
    """The reveal of a question: model answer, then per-member scores (quiz) or a summary (daily).

    With ``post_id`` the reveal carries a *My result* button: each member sees their own result privately.
    """

    question: Question
    heading: str
    spoilers: bool
    results: tuple[ScoreLine, ...] = ()
    missed: tuple[tuple[str, int], ...] = ()
    summary: str | None = None
    note: str | None = None
    post_id: int | None = None


@dataclass(frozen=True, slots=True)
class StandingsCard:
    """Final standings of a quiz round."""

    title: str
    rows: tuple[Standing, ...]
    total_questions: int
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FeedbackCard:
    """Feedback on one interview answer: score, what was covered (with the words), what was missed."""

    question: Question
    grade: Grade
    heading: str
    hinted: bool = False  # a hint was taken: the points are scaled (shown in the feedback)
    final: bool = False  # the question is done: show what was missed and the model answer


@dataclass(frozen=True, slots=True)
class ReportCard:
    """The end-of-interview report: (prompt, score, verdict, misses) per question, average, topics to study."""

    rows: tuple[tuple[str, float, str, Sequence[str]], ...]
    average: float
    study_topics: tuple[str, ...]
    stopped: bool
    report: InterviewReport | None = None  # the full report (misses by topic, quotes, what to study next)
    appeals: tuple[tuple[int, int], ...] = ()  # (question number, post id) of answers the member may appeal


Card = StandingsCard | FeedbackCard | ReportCard


@dataclass(frozen=True, slots=True)
class Place:
    """Where a private conversation happens: a private thread, or the member's DMs."""

    channel_id: int
    dm: bool


class Surface(Protocol):
    """Everything a runner does to the chat platform. Failures raise `SurfaceError` (`PlaceGone` when the place is
    gone); ``UserError`` when the member or an admin can fix it (e.g. no thread and no DMs possible)."""

    async def has_place(self, channel_id: int) -> bool:
        """Whether the channel exists and is one the bot can post questions in."""
        ...

    async def send_question(self, channel_id: int, card: QuestionCard) -> int:
        """Post a question with its action buttons; the message id."""
        ...

    async def remove_actions(self, channel_id: int, message_id: int) -> None:
        """Take the buttons off a posted question."""
        ...

    async def send_reveal(self, channel_id: int, card: RevealCard) -> int:
        """Post a reveal; the message id."""
        ...

    async def send_card(self, channel_id: int, card: Card) -> int:
        """Post standings, feedback or a report; the message id."""
        ...

    async def send_text(self, channel_id: int, text: str, *, ping: int | None = None) -> int:
        """Post plain text that never pings, except ``ping`` (a user id) when given; the message id."""
        ...

    async def open_private(self, parent_channel_id: int | None, user_id: int, name: str) -> Place:
        """A private thread under the parent channel for the member, or their DMs when a thread can't be made."""
        ...

    async def notify_admins(self, guild_id: int, text: str) -> None:
        """Tell a server's admins something went wrong, where the bot can still speak (best effort)."""
        ...

    async def report_error(self, channel_id: int, error: BaseException) -> None:
        """Tell the member in the channel what went wrong: the error's text if they can fix it, else an apology
        (the caller logs the bug). Never raises."""
        ...
