"""Points for an answer: score × difficulty weight, with a small bonus for answering fast."""

from __future__ import annotations

DIFFICULTY_WEIGHT = {"easy": 1.0, "medium": 2.0, "hard": 3.0}
SPEED_BONUS = 0.2


def points_for(score: float, difficulty: str, *, elapsed: float | None = None, limit: float | None = None,
               passed: bool = True) -> float:
    """Points for one answer; a passing answer earns up to 20% more the faster it came within the limit."""
    base = max(0.0, min(1.0, score)) * DIFFICULTY_WEIGHT.get(difficulty, 1.0)
    if passed and elapsed is not None and limit and limit > 0:
        speed = max(0.0, 1.0 - max(0.0, elapsed) / limit)
        base *= 1.0 + SPEED_BONUS * speed
    return round(base, 2)
