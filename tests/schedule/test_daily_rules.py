"""Daily schedule arithmetic: parsing, DST-correct due times, grace window, never twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.errors import UserError
from bot.schedule.daily import decide, local_instant, next_due, parse_local_time, parse_zone, zone_choices

BERLIN = parse_zone("Europe/Berlin")
NEW_YORK = parse_zone("America/New_York")
GRACE = timedelta(hours=2)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [("09:00", time(9)), ("9:05", time(9, 5)), ("23:59", time(23, 59)),
                                                 (" 07.30 ", time(7, 30)), ("18h15", time(18, 15))])
def test_parse_local_time(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9", "09:60", "nine", "", "9am", "-1:00"])
def test_bad_time_says_how_to_fix(text: str) -> None:
    with pytest.raises(UserError, match="HH:MM"):
        parse_local_time(text)


def test_zone_parse_and_suggestions() -> None:
    assert parse_zone("Europe/Berlin").key == "Europe/Berlin"
    with pytest.raises(UserError, match=r"Did you mean .*Europe/Berlin"):
        parse_zone("berlin")
    with pytest.raises(UserError, match="not an IANA time zone"):
        parse_zone("Mars/Olympus")
    assert zone_choices("berl")[0] == "Europe/Berlin"
    assert len(zone_choices("a")) == 25


@pytest.mark.parametrize(("day", "expected_utc"), [
    (date(2026, 3, 28), utc(2026, 3, 28, 8)),   # CET, UTC+1: day before spring forward
    (date(2026, 3, 29), utc(2026, 3, 29, 7)),   # CEST, UTC+2: the change day itself
    (date(2026, 10, 24), utc(2026, 10, 24, 7)),  # CEST: day before fall back
    (date(2026, 10, 25), utc(2026, 10, 25, 8)),  # CET again
])
def test_nine_oclock_berlin_across_dst(day: date, expected_utc: datetime) -> None:
    assert local_instant(day, time(9), BERLIN) == expected_utc


def test_gap_time_moves_forward_and_ambiguous_time_takes_first() -> None:
    assert local_instant(date(2026, 3, 29), time(2, 30), BERLIN) == utc(2026, 3, 29, 1, 30)  # 03:30 CEST
    assert local_instant(date(2026, 10, 25), time(2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)  # first 02:30 (CEST)
    assert local_instant(date(2026, 11, 1), time(1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)  # first 01:30 (EDT)


def test_next_due_skips_a_date_already_posted() -> None:
    at = time(9)
    assert next_due(at, BERLIN, utc(2026, 3, 29, 6)) == utc(2026, 3, 29, 7)
    assert next_due(at, BERLIN, utc(2026, 3, 29, 6), last_posted_on=date(2026, 3, 29)) == utc(2026, 3, 30, 7)
    assert next_due(at, BERLIN, utc(2026, 3, 29, 7)) == utc(2026, 3, 30, 7)


def test_decide_on_time_late_and_skipped() -> None:
    at = time(9)
    before = decide(at, BERLIN, utc(2026, 3, 29, 6, 59), date(2026, 3, 28), GRACE)
    assert not before.post and not before.skipped
    on_time = decide(at, BERLIN, utc(2026, 3, 29, 7), date(2026, 3, 28), GRACE)
    assert on_time.post and on_time.daily_date == date(2026, 3, 29) and not on_time.late
    late = decide(at, BERLIN, utc(2026, 3, 29, 8, 30), date(2026, 3, 28), GRACE)
    assert late.post and late.late and late.daily_date == date(2026, 3, 29)
    edge = decide(at, BERLIN, utc(2026, 3, 29, 9), date(2026, 3, 28), GRACE)
    assert edge.post  # exactly at the end of the grace window
    skipped = decide(at, BERLIN, utc(2026, 3, 29, 9, 0, 1), date(2026, 3, 28), GRACE)
    assert not skipped.post and skipped.skipped and skipped.daily_date == date(2026, 3, 29)


def test_decide_never_posts_a_date_twice() -> None:
    d = decide(time(9), BERLIN, utc(2026, 3, 29, 7, 30), date(2026, 3, 29), GRACE)
    assert not d.post and d.daily_date is None


def test_decide_catches_up_yesterday_just_after_midnight() -> None:
    # 23:30 local question, bot back at 00:15 local the next day: still within two hours of it.
    d = decide(time(23, 30), BERLIN, utc(2026, 6, 1, 22, 15), date(2026, 5, 31), GRACE)
    assert d.post and d.daily_date == date(2026, 6, 1) and d.late
