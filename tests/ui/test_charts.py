"""Charts: real PNGs of the expected size with something drawn on them; words instead of an empty chart."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image

from bot.ui import charts

WEEKS = [(date(2026, 1, 5) + timedelta(weeks=i), float(i % 4) * 2.5) for i in range(12)]
TOPICS = [("basics", 0.8, 10), ("routing", 0.25, 4), ("a topic with a rather long name indeed", 0.5, 2)]
MISSED = [("routing", "the route decorator maps a URL to a view function", 7, 9), ("basics", "a small core", 3, 9)]


def decode(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    image.load()  # decodes every IDAT chunk: a truncated or corrupt file raises here
    return image.convert("RGB")


def ink(image: Image.Image) -> float:
    """Share of pixels that are not (near) white."""
    grey = image.convert("L")
    dark = sum(count for value, count in enumerate(grey.histogram()) if value < 240)
    return dark / (image.width * image.height)


def colours(image: Image.Image) -> set[tuple[int, int, int]]:
    return {c for _, c in image.getcolors(maxcolors=1 << 20) or []}


def test_stats_chart_is_a_png_of_the_expected_size_with_bars_drawn() -> None:
    png = charts.stats_chart(WEEKS, TOPICS)
    assert png is not None
    image = decode(png)
    assert image.size == (900, 360)
    assert 0.03 < ink(image) < 0.9
    found = colours(image)
    for hex_colour in (charts.BAR, charts.PASS, charts.FAIL):
        rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        assert rgb in found, hex_colour


def test_insights_chart_is_a_png_with_the_missed_points_drawn() -> None:
    png = charts.insights_chart(MISSED)
    assert png is not None
    image = decode(png)
    assert image.size == (900, 420)
    assert ink(image) > 0.03
    assert (0xED, 0x42, 0x45) in colours(image)


def test_more_data_draws_more() -> None:
    small = decode(charts.stats_chart([(d, 0.0) for d, _ in WEEKS[:-1]] + [(WEEKS[-1][0], 1.0)], []) or b"")
    full = decode(charts.stats_chart(WEEKS, TOPICS) or b"")
    assert ink(full) > ink(small)


def test_nothing_to_show_gives_none_so_the_caller_uses_words() -> None:
    assert charts.stats_chart([(d, 0.0) for d, _ in WEEKS], []) is None
    assert charts.insights_chart([]) is None
    assert charts.insights_chart([("basics", "a small core", 0, 4)]) is None
    assert "nothing to chart" in charts.NO_STATS and "nothing to chart" in charts.NO_INSIGHTS


def test_topics_without_points_this_quarter_still_chart() -> None:
    png = charts.stats_chart([(d, 0.0) for d, _ in WEEKS], TOPICS)
    assert png is not None and decode(png).size == (900, 360)


async def test_rendering_runs_off_the_event_loop() -> None:
    png = await charts.stats_png(WEEKS, TOPICS)
    assert png is not None and decode(png).size == (900, 360)
    assert await charts.insights_png([]) is None
