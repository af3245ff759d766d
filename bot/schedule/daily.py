"""When is a daily question due? Local wall-clock time in an IANA zone, DST-correct, with a grace window.

Rules: the question for local date D is due at D + local_time in the zone. On a spring-forward day a time that
does not exist (02:30 in Europe/Berlin on the last Sunday of March) is shifted forward by the gap (03:30); on a
fall-back day an ambiguous time is posted at its first occurrence. A post missed while the bot was down is posted
late within the grace window, otherwise that day is skipped; a date is never posted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import UserError

TIME_RE = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")


def parse_local_time(text: str) -> time:
    """Parse ``HH:MM`` (24-hour); UserError with an example otherwise."""
    m = TIME_RE.match(text or "")
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise UserError(f"'{text}' is not a time. Use 24-hour HH:MM, for example 09:00 or 18:30.")
    return time(int(m[1]), int(m[2]))


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every IANA zone name known to this system (``available_timezones`` walks the disk: ~5 ms a call)."""
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    """Every IANA zone name known to this system, sorted (for suggestions: regions and UTC)."""
    return tuple(sorted(z for z in known_zones() if "/" in z or z == "UTC"))


def parse_zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; UserError naming close matches otherwise."""
    name = (name or "").strip()
    try:
        if name and name in known_zones():
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    close = [z for z in all_zones() if name and name.lower().replace(" ", "_") in z.lower()][:3]
    hint = f" Did you mean {', '.join(close)}?" if close else " For example Europe/Berlin, America/New_York or UTC."
    raise UserError(f"'{name}' is not an IANA time zone.{hint}")


def zone_choices(current: str, limit: int = 25) -> list[str]:
    """Zone names for autocomplete: those containing what was typed, best first."""
    needle = current.strip().lower().replace(" ", "_")
    if not needle:
        return ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
                "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"][:limit]
    starts = [z for z in all_zones() if z.lower().startswith(needle) or z.lower().split("/")[-1].startswith(needle)]
    contains = [z for z in all_zones() if needle in z.lower() and z not in starts]
    return (starts + contains)[:limit]


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``zone`` (gap → shifted forward by it, overlap → first)."""
    # fold=0 uses the offset in force before a transition: an ambiguous time maps to its first occurrence and a
    # time inside a spring-forward gap maps to the same distance past the gap (02:30 → 03:30).
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)


def next_due(at: time, zone: ZoneInfo, after: datetime, last_posted_on: date | None = None) -> datetime:
    """The next instant strictly after ``after`` at which a not-yet-posted local date is due."""
    day = after.astimezone(zone).date() - timedelta(days=1)
    for _ in range(4):
        instant = local_instant(day, at, zone)
        if instant > after and (last_posted_on is None or day > last_posted_on):
            return instant
        day += timedelta(days=1)
    return local_instant(day, at, zone)


@dataclass(frozen=True, slots=True)
class Decision:
    """What the scheduler should do for one schedule now."""

    post: bool
    daily_date: date | None
    late: bool = False
    skipped: bool = False


def decide(at: time, zone: ZoneInfo, now: datetime, last_posted_on: date | None, grace: timedelta) -> Decision:
    """Whether today's (or yesterday's, around midnight) question is due now, late within grace, or skipped."""
    today = now.astimezone(zone).date()
    for day in (today, today - timedelta(days=1)):
        if last_posted_on is not None and day <= last_posted_on:
            continue
        due = local_instant(day, at, zone)
        if due > now:
            continue
        if now - due <= grace:
            return Decision(True, day, late=now - due > timedelta(minutes=1))
        if day == today:
            return Decision(False, day, skipped=True)
    return Decision(False, None)
