"""Calendar arithmetic: months, quarters, and terms counted in months as the Civil Code counts them.

A month is named by its first day (`month_start`), a quarter by its year and number (`quarter_of`).
Moving by months means one of two things, each with its own function:

- `shift_month_start(day, n)`: the first day of the month `n` months away, for months as periods
  (monthly assessments, reporting months and quarters);
- `add_months_civil(day, n)`: the same day `n` months away, or that month's last day when it has no such
  day (31/01 + 1 month = 28/02, or 29/02 in a leap year), for ages and terms counted from a day.
"""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

DAY = datetime.timedelta(days=1)
# The earliest day the system takes for something that happened (a contact, a session, a release): earlier is a
# typing slip such as 0001-01-01, which would sit first in every list and report sorted by day.
FIRST_EVENT_DAY = datetime.date(1950, 1, 1)


# Months -----------------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of `day`'s month."""
    return shift_month_start(day, 1) - DAY


def shift_month_start(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` months after `day`'s month (before it when negative)."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from `first`'s month to `last`'s month, both included."""
    months = []
    month = month_start(first)
    while month <= last:
        months.append(month)
        month = shift_month_start(month, 1)
    return months


# Terms counted in months (Civil Code 2015, art. 148) ----------------------------------------------


def add_months_civil(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months later (earlier when negative), or that month's last day when it has no
    such day: 31/01 + 1 month = 28/02 (29/02 in a leap year)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def term_end(start: datetime.date, months: int) -> datetime.date:
    """The last day of a term of `months` months starting on `start`, the start day counted.

    12 months from 01/07 end on 30/06. When the last month has no day corresponding to the start
    (one month from 31/01), the term runs to that month's last day (Civil Code 2015, art. 148).
    """
    corresponding = add_months_civil(start, months)
    if corresponding.day < start.day:
        return corresponding
    return corresponding - DAY


# Quarters ---------------------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """The year and quarter (1–4) `day` falls in."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> datetime.date:
    """The first day of the quarter."""
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year: int, quarter: int) -> datetime.date:
    """The last day of the quarter."""
    return month_end(shift_month_start(quarter_start(year, quarter), 2))


def quarter_months(year: int, quarter: int) -> list[datetime.date]:
    """The first days of the quarter's three months."""
    first = quarter_start(year, quarter)
    return [first, shift_month_start(first, 1), shift_month_start(first, 2)]


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    """The year and number of the quarter before."""
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def check_event_day(day: datetime.date, field: str) -> None:
    """A day something happened: neither in the future nor before FIRST_EVENT_DAY; else ValidationError on `field`."""
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    check_not_too_early(day, field)


def check_not_too_early(day: datetime.date, field: str) -> None:
    """Not before FIRST_EVENT_DAY, else ValidationError on `field` (for a check of the future of its own)."""
    if day < FIRST_EVENT_DAY:
        raise ValidationError({field: too_early()})


def too_early() -> str:
    """The message for a day before FIRST_EVENT_DAY."""
    return _("The date cannot be before %(day)s.") % {"day": FIRST_EVENT_DAY.strftime("%d/%m/%Y")}
