"""Clocks for the fake Discord's time windows (3 s to answer an interaction, 15 min of follow-ups)."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Anything with a monotonic ``now()`` in seconds."""

    def now(self) -> float:
        """Seconds on a monotonic scale."""
        ...


class FakeClock:
    """A clock that only moves when a test advances it, so time windows are tested without sleeping."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        """The current fake time in seconds."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (never backwards)."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._now += seconds


class MonotonicClock:
    """The real monotonic clock, for a fake that should expire interactions in real time."""

    def now(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()
