"""How long a new access key may last: the lifetimes people choose from, and a
project's maximum (the "expiry policy" an Admin sets on the Settings page).

One table serves the New Access dialog's expiration choices, the Settings
page's choice of a maximum, and `latest_expiration` / `policy_error`, which
the access service (and so the dialog, the create_access command and the API)
applies to every new key. Existing keys keep their expiration: the limit is
checked only when a key is created.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months: Jan 31 + 1 month is the last day of February."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Lifetime:
    code: str  # kept in forms, URLs and Project.max_key_lifetime: "1d", "1m"...
    label: str  # "1 day", "1 month"
    days: int = 0
    months: int = 0

    def end(self, start: datetime) -> datetime:
        """When a key made at `start` with this lifetime stops working."""
        return add_months(start + timedelta(days=self.days), self.months)


LIFETIMES: tuple[Lifetime, ...] = (
    Lifetime("1d", "1 day", days=1),
    Lifetime("1w", "1 week", days=7),
    Lifetime("1m", "1 month", months=1),
    Lifetime("6m", "6 months", months=6),
    Lifetime("1y", "1 year", months=12),
)
BY_CODE = {lifetime.code: lifetime for lifetime in LIFETIMES}

# Project.max_key_lifetime's choices: "" is no limit.
NO_LIMIT_LABEL = "No limit"
POLICY_CHOICES = [("", NO_LIMIT_LABEL)] + [(lt.code, lt.label) for lt in LIFETIMES]


def maximum_of(project) -> Lifetime | None:
    """The project's maximum lifetime for new keys; None when there is none."""
    return BY_CODE.get(project.max_key_lifetime)


def latest_expiration(project, now: datetime) -> datetime | None:
    """The latest expiration a key created `now` may have; None: any, or none at all."""
    maximum = maximum_of(project)
    return maximum.end(now) if maximum else None


def allowed(project, lifetime: Lifetime, now: datetime) -> bool:
    """Whether the project lets a key created `now` last this long."""
    latest = latest_expiration(project, now)
    return latest is None or lifetime.end(now) <= latest


def policy_error(project, expires_at: datetime | None, now: datetime) -> str | None:
    """Why this expiration breaks the project's policy, in words; None when it does not."""
    maximum = maximum_of(project)
    if maximum is None:
        return None
    latest = maximum.end(now)
    if expires_at is not None and expires_at <= latest:
        return None
    when = f"{latest:%b} {latest.day}, {latest:%Y, %H:%M} UTC"
    return (
        f"This project's access keys can last at most {maximum.label}: "
        f"choose an expiration no later than {when}."
    )
