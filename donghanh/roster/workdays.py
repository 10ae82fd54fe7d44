"""Working days: weekends and the public holidays of the `Holiday` table are skipped; deadlines come from
`DeadlineRule` rows, so a new decree is a new row with its date, not a change of code."""

from __future__ import annotations

import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from donghanh.roster.models import DeadlineRule, Holiday

# Enough calendar days past a start for any run of holidays (Tết closes offices for about nine days).
SLACK_DAYS = 21


def working_day_after(start: datetime.date, days: int, closed: set[datetime.date]) -> datetime.date:
    """The `days`-th working day after `start`, skipping weekends and the `closed` days."""
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            left -= 1
    return day


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (the day of receipt itself does not count)."""
    horizon = start + datetime.timedelta(days=days * 2 + SLACK_DAYS)
    closed = set(Holiday.objects.filter(date__gt=start, date__lte=horizon).values_list("date", flat=True))
    return working_day_after(start, days, closed)


def deadline_rule(kind: str, on: datetime.date) -> DeadlineRule:
    rule = (
        DeadlineRule.objects.filter(kind=kind, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )
    if rule is None:
        raise ImproperlyConfigured(f"No deadline rule for {kind!r} is in force on {on}.")
    return rule


def deadline(kind: str, start: datetime.date) -> datetime.date:
    """The last day allowed for a step that begins on `start`, under the rule in force that day."""
    return add_working_days(start, deadline_rule(kind, start).working_days)
