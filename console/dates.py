"""Dates as the console's pages write them, for HTML built in Python.

The same words as the templates' `date` filter with "M j, Y" and "M j, Y, H:i",
in the console's time zone (UTC), without the filter's per-call machinery:
tables write several dates a row.
"""

from datetime import datetime

from django.utils import timezone

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(moment: datetime) -> str:
    """'Dec 4, 2026' (the filter's "M j, Y")."""
    moment = timezone.localtime(moment)
    return f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def minute(moment: datetime) -> str:
    """'Dec 4, 2026, 09:05' (the filter's "M j, Y, H:i")."""
    return f"{day(moment)}, {timezone.localtime(moment):%H:%M}"


def iso(moment: datetime) -> str:
    """The machine-readable form for `<time datetime>` (the filter's "c")."""
    return timezone.localtime(moment).isoformat()


def day_time(moment: datetime, *, seconds: bool = False, zone: bool = False) -> str:
    """'Dec 4, 2026 09:05' (the filter's "M j, Y H:i", no comma: the Audit page);
    with seconds 'Dec 4, 2026 09:05:07' ("M j, Y H:i:s"), with the zone
    'Dec 4, 2026 09:05 UTC' ("M j, Y H:i T")."""
    moment = timezone.localtime(moment)
    text = f"{day(moment)} {moment:%H:%M}"
    if seconds:
        text += f":{moment:%S}"
    if zone:
        text += f" {moment.tzname()}"
    return text
