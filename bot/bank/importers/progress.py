"""A small dependency-free progress bar on a terminal (nothing at all when the stream is not a TTY)."""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30
MIN_INTERVAL = 0.1  # seconds between redraws


class ProgressBar:
    """``bar(done, total)`` redraws ``label [#####.....] 42% done/total`` in place, at most every 0.1 s."""

    def __init__(self, stream: TextIO, label: str, *, unit: str = "lines", enabled: bool | None = None) -> None:
        self.stream = stream
        self.label = label
        self.unit = unit
        self.enabled = stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        """Show progress; the final call (done == total) always draws."""
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self._last < MIN_INTERVAL:
            return
        self._last = now
        share = min(1.0, done / total)
        filled = round(WIDTH * share)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {share:4.0%} "
                          f"{done}/{total} {self.unit}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line (if one was drawn)."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
