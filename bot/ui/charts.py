"""Charts as PNG bytes, drawn with matplotlib's object API (`Figure` + the Agg canvas, never pyplot's global state).

Rendering is CPU work: call the ``*_png`` coroutines, which draw in a worker thread so the event loop keeps serving
Discord. A chart with nothing to show is not drawn: the builders return None and the caller says so in words.
"""

from __future__ import annotations

import asyncio
import io
import logging
import textwrap
from collections.abc import Sequence
from datetime import date

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

logger = logging.getLogger(__name__)

WIDTH_IN, HEIGHT_IN, DPI = 9.0, 3.6, 100  # 900 × 360 px
INSIGHTS_HEIGHT_IN = 4.2  # 900 × 420 px
MAX_TOPICS = 10
MAX_POINTS = 10
BAR = "#5865F2"  # Discord blurple
PASS, FAIL = "#57F287", "#ED4245"
NO_STATS = "No answers yet, so there is nothing to chart."
NO_INSIGHTS = "No key points were missed in this period (or nobody answered), so there is nothing to chart."


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _label(text: str, width: int) -> str:
    return textwrap.shorten(text, width=width, placeholder="…")


def _bar_labels(ax: Axes, labels: Sequence[str]) -> None:
    """Labels left of horizontal bars, drawn as plain texts: tick objects cost more to draw than the bars."""
    ax.set_yticks([])
    ax.set_ylim(-0.6, len(labels) - 0.4)
    for i, text in enumerate(labels):
        ax.annotate(text, (0, i), xytext=(-4, 0), textcoords="offset points", xycoords=("axes fraction", "data"),
                    ha="right", va="center", fontsize=8)


def stats_chart(weeks: Sequence[tuple[date, float]], topics: Sequence[tuple[str, float, int]]) -> bytes | None:
    """Points per week (left) and pass rate per topic (right) as a PNG; None when there is nothing to show.

    `weeks`: (local Monday, points) oldest first; `topics`: (topic, pass rate 0..1, answers).
    """
    if not any(points for _, points in weeks) and not topics:
        return None
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    # Fixed margins: a layout engine would cost more than the drawing itself.
    left, right = fig.subplots(1, 2, width_ratios=(3, 2),
                               gridspec_kw={"left": 0.06, "right": 0.98, "bottom": 0.16, "top": 0.9, "wspace": 0.45})
    labels = [f"{d:%d}\n{d:%b}" for d, _ in weeks]  # two short lines: rotated labels cost a third more to draw
    values = [p for _, p in weeks]
    left.bar(range(len(values)), values, color=BAR)
    left.set_xticks(range(len(values)), labels, fontsize=8)
    left.set_title("Points per week", fontsize=11)
    left.set_ylabel("points")
    left.spines[["top", "right"]].set_visible(False)
    if not any(values):
        left.text(0.5, 0.5, "no points in these weeks", ha="center", va="center", transform=left.transAxes)
    shown = sorted(topics, key=lambda t: (-t[2], t[0]))[:MAX_TOPICS][::-1]
    if shown:
        rates = [rate * 100 for _, rate, _ in shown]
        right.barh(range(len(shown)), rates, color=[PASS if r >= 50 else FAIL for r in rates])
        _bar_labels(right, [f"{_label(t, 18)} ({n})" for t, _, n in shown])
        right.set_xlim(0, 100)
    else:
        right.set_yticks([])
        right.text(0.5, 0.5, "no topics yet", ha="center", va="center", transform=right.transAxes)
    right.set_title("Pass rate by topic (%)", fontsize=11)
    right.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def insights_chart(missed: Sequence[tuple[str, str, int, int]]) -> bytes | None:
    """The most missed key points as horizontal bars (misses out of answers); None when nothing was missed.

    `missed`: (topic, key point, misses, answers to its question), most missed first.
    """
    rows = [m for m in missed if m[2] > 0][:MAX_POINTS]
    if not rows:
        return None
    fig = Figure(figsize=(WIDTH_IN, INSIGHTS_HEIGHT_IN), dpi=DPI)
    ax = fig.subplots(gridspec_kw={"left": 0.42, "right": 0.97, "bottom": 0.12, "top": 0.92})
    rows = rows[::-1]  # most missed at the top
    ax.barh(range(len(rows)), [m[2] for m in rows], color=FAIL)
    _bar_labels(ax, [f"{_label(topic, 16)}: {_label(point, 48)}" for topic, point, _, _ in rows])
    for i, (_, _, misses, answers) in enumerate(rows):
        ax.text(misses, i, f" {misses}/{answers}", va="center", fontsize=8)
    ax.set_xlabel("answers that missed the point")
    ax.set_title("Key points missed most", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.12)
    return _png(fig)


async def stats_png(weeks: Sequence[tuple[date, float]], topics: Sequence[tuple[str, float, int]]) -> bytes | None:
    """`stats_chart`, drawn in a worker thread."""
    return await asyncio.get_running_loop().run_in_executor(None, stats_chart, list(weeks), list(topics))


async def insights_png(missed: Sequence[tuple[str, str, int, int]]) -> bytes | None:
    """`insights_chart`, drawn in a worker thread."""
    return await asyncio.get_running_loop().run_in_executor(None, insights_chart, list(missed))
