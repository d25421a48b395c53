"""When digests fall due: times, time zones and slots, as pure functions of the clock."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SLACK = timedelta(minutes=1)  # the daily digest job, fired a moment early, still serves its slot
FIRST_SPAN = timedelta(days=1)  # a chat's first digest covers the day before it subscribed
_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class ScheduleError(ValueError):
    """A digest time or time zone that is not valid; the message says which."""


def parse_schedule(args: Sequence[str], default_time: str, default_zone: str) -> tuple[str, str]:
    """Read `[HH:MM] [Area/City]`, in either order; defaults fill what is missing.

    Returns:
        ("HH:MM", zone name). Raises ScheduleError naming the bad part.
    """
    if len(args) > 2:
        raise ScheduleError("give at most a time and a time zone")
    at, zone = default_time, default_zone
    for arg in args:
        if ":" in arg and arg[:1].isdigit():
            at = arg
        else:
            zone = arg
    return format_time(parse_time(at)), load_zone(zone).key


def parse_time(text: str) -> time:
    match = _HHMM.fullmatch(text.strip())
    if not match:
        raise ScheduleError(f"“{text[:20]}” is not a time from 00:00 to 23:59")
    return time(int(match.group(1)), int(match.group(2)))


def format_time(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def load_zone(name: str) -> ZoneInfo:
    """The IANA time zone called `name` ("Europe/London", "UTC")."""
    if not name or len(name) > 64 or not re.fullmatch(r"[A-Za-z0-9_+\-/]+", name):
        raise ScheduleError(f"“{name[:20]}” is not a time zone name like Europe/London")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"“{name[:40]}” is not a known time zone (try Europe/London or UTC)") from None


def last_occurrence(now: datetime, zone: ZoneInfo, at: time) -> datetime:
    """The latest instant, at or before `now`, when the clock in `zone` read `at`; in UTC.

    A time the clocks skip (spring forward) counts at its pre-change offset and a time that
    happens twice (fall back) at its first occurrence, as the digest scheduler fires it.
    """
    local_day = now.astimezone(zone).date()
    for back in range(3):
        candidate = datetime.combine(local_day - timedelta(days=back), at, tzinfo=zone).astimezone(UTC)
        if candidate <= now:
            return candidate
    raise AssertionError("unreachable: a day ago always passed")


def digest_due(now: datetime, zone: ZoneInfo, at: time, served: datetime | None, early: timedelta = SLACK) -> bool:
    """Whether a digest slot passed after `served` (the last slot served, or the subscription).

    `early`: how far ahead of `now` a slot counts as passed; SLACK for the daily job's own fire,
    none for anything else (a restart, a retry), which must never send before the slot.
    """
    slot = last_occurrence(now + early, zone, at)
    return served is None or slot > served
