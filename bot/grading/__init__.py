"""Grading engine: scores free-text answers against key points, model answers and short answers."""

from bot.grading.derive import derive_key_points
from bot.grading.grade import Contradiction, Grade, Hit, Verdict, grade

__all__ = ["Contradiction", "Grade", "Hit", "Verdict", "derive_key_points", "grade"]
