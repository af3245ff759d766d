"""Benchmark of chart rendering: the /stats and /insights PNGs against an empty figure saved the same way.

Prints the median and worst of several renders of each chart (target: under 300 ms), and the ratio of each median
to the baseline (an empty figure of the same size through the same Agg canvas and PNG writer), measured in this run.

    .venv/bin/python bench/charts.py             # 15 renders of each
    .venv/bin/python bench/charts.py --runs 40
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from matplotlib.figure import Figure

from bot.ui import charts

WEEKS = [(date(2026, 1, 5) + timedelta(weeks=i), float((i * 7) % 11)) for i in range(12)]
TOPICS = [(f"topic {i}", (i * 0.13) % 1.0, 3 + i) for i in range(12)]
MISSED = [(f"topic {i % 4}", f"a key point that members keep missing, number {i}", 12 - i, 15) for i in range(12)]
TARGET_MS = 300.0


def baseline() -> bytes:
    """An empty figure of the same size, through the same canvas and PNG writer."""
    return charts._png(Figure(figsize=(charts.WIDTH_IN, charts.HEIGHT_IN), dpi=charts.DPI))


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of each of `runs` calls, after one warm-up call (fonts and caches)."""
    fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    base = statistics.median(timed(baseline, runs))
    print(f"baseline (empty 900x360 figure to PNG): median {base:.1f} ms over {runs} runs")
    for name, fn in (("/stats chart (12 weeks, 12 topics)", lambda: charts.stats_chart(WEEKS, TOPICS)),
                     ("/insights chart (10 key points)", lambda: charts.insights_chart(MISSED))):
        times = timed(fn, runs)
        median = statistics.median(times)
        verdict = "ok" if median < TARGET_MS else "OVER TARGET"
        print(f"{name}: median {median:.1f} ms, worst {max(times):.1f} ms, {median / base:.1f}x baseline "
              f"(target < {TARGET_MS:.0f} ms: {verdict})")


if __name__ == "__main__":
    main()
