"""Quiz round rules: state that survives a restart, who may control a round, early reveal, standings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.sessions.state import QuestionCursor

MIN_SECONDS, MAX_SECONDS, DEFAULT_SECONDS = 15, 600, 60
MAX_COUNT, DEFAULT_COUNT = 20, 5


@dataclass
class QuizState(QuestionCursor):
    """A round's progress, stored as JSON in the session row."""

    bank: str
    question_ids: list[str]
    seconds: int
    starter_id: int
    index: int = 0
    post_ids: list[int] = field(default_factory=list)
    participants: list[int] = field(default_factory=list)

    def join(self, user_id: int) -> None:
        """Note a member who answered, so later questions can close as soon as all of them answered."""
        if user_id not in self.participants:
            self.participants.append(user_id)


def can_control(user_id: int, starter_id: int, *, manage_messages: bool) -> bool:
    """Only the starter or a moderator (Manage Messages) may stop or skip a round."""
    return user_id == starter_id or manage_messages


def may_start(quiz_role_id: int | None, role_ids: Iterable[int], *, manager: bool) -> bool:
    """Anyone may start a round unless the server set a quiz role: then its members and managers only."""
    return not quiz_role_id or manager or quiz_role_id in set(role_ids)


def all_present_answered(state: QuizState, answered: Iterable[int]) -> bool:
    """From the second question on, close early once everyone who has taken part so far has answered."""
    if state.index == 0 or not state.participants:
        return False
    return set(state.participants) <= set(answered)


def most_missed(misses: Sequence[Sequence[str]], limit: int = 3) -> list[tuple[str, int]]:
    """Key points missed by most answerers (only those missed by at least one), most missed first."""
    counts = Counter(point for answer in misses for point in dict.fromkeys(answer))
    return counts.most_common(limit)


@dataclass(frozen=True, slots=True)
class Standing:
    """One member's total in a round."""

    user_id: int
    points: float
    answers: int
    passed: int


def standings(rows: Iterable[tuple[int, float, bool]]) -> list[Standing]:
    """Totals per member from (user_id, points, passed) rows, best first (points, then passes, then id)."""
    totals: dict[int, list[float]] = {}
    for user_id, points, passed in rows:
        t = totals.setdefault(user_id, [0.0, 0, 0])
        t[0] += points
        t[1] += 1
        t[2] += 1 if passed else 0
    out = [Standing(u, round(p, 2), int(a), int(s)) for u, (p, a, s) in totals.items()]
    return sorted(out, key=lambda s: (-s.points, -s.passed, s.user_id))
