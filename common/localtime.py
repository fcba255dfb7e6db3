"""Local wall-clock time of an authority versus UTC in storage.

A deadline "1 March 12:00" means 12:00 on that day in the authority's zone, whatever the offset is
that day (daylight saving included). Storage is always UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from common.errors import DomainError
from common.i18n import N_


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainError(N_("Unknown time zone {zone}"), zone=name) from exc


def is_valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_to_utc(day: date, at: time, zone_name: str) -> datetime:
    """The UTC moment of wall-clock ``at`` on ``day`` in ``zone_name``.

    In the hour that does not exist when clocks go forward, the time after the jump is used;
    in the hour that occurs twice when clocks go back, the first occurrence (``fold=0``).
    """
    tz = zone(zone_name)
    local = datetime.combine(day, at).replace(tzinfo=tz)
    # Normalise a non-existent wall time (spring forward) by a round trip through UTC.
    return local.astimezone(UTC)


def utc_to_local(moment: datetime, zone_name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("expected a timezone-aware moment")
    return moment.astimezone(zone(zone_name))


def parse_local_datetime(text: str, zone_name: str) -> datetime:
    """Parse ``YYYY-MM-DDTHH:MM`` (an HTML datetime-local value) in ``zone_name`` into UTC."""
    try:
        naive = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise DomainError(N_("{value} is not a date and time"), value=text) from exc
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return local_to_utc(naive.date(), naive.time(), zone_name)
