"""Reporting periods as officials name them: a month `2025-04`, a quarter `2025Q2`, a year `2025`."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from donghanh.core.dates import month_end, month_start, quarter_end, quarter_of, quarter_start, shift_month_start

MONTH, QUARTER, YEAR = "month", "quarter", "year"
_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})$"), MONTH),
    (re.compile(r"^(\d{4})Q([1-4])$"), QUARTER),
    (re.compile(r"^(\d{4})$"), YEAR),
)


@dataclass(frozen=True)
class Period:
    kind: str
    first: datetime.date
    last: datetime.date

    @property
    def code(self) -> str:
        if self.kind == MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.first.year}Q{quarter_of(self.first)[1]}"
        return f"{self.first.year}"

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return _("Month %(month)s") % {"month": f"{self.first:%m/%Y}"}
        if self.kind == QUARTER:
            year, quarter = quarter_of(self.first)
            return _("Quarter %(quarter)s/%(year)s") % {"quarter": quarter, "year": year}
        return _("Year %(year)s") % {"year": self.first.year}

    def shifted(self, count: int) -> Period:
        """The period `count` periods of the same kind later (earlier when negative)."""
        months = {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind] * count
        first = shift_month_start(self.first, months)
        return Period(self.kind, first, month_end(shift_month_start(self.last, months)))

    def __str__(self) -> str:
        return self.code


def period_of(kind: str, day: datetime.date) -> Period:
    """The month, quarter or year that contains `day`."""
    if kind == MONTH:
        return Period(MONTH, month_start(day), month_end(day))
    if kind == QUARTER:
        year, quarter = quarter_of(day)
        return Period(QUARTER, quarter_start(year, quarter), quarter_end(year, quarter))
    return Period(YEAR, datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))


def parse_period(text: str) -> Period | None:
    """`2025-04`, `2025Q2` or `2025` as a period; None for anything else (a month 13, a year 0…)."""
    text = (text or "").strip().upper()
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        if year < 1900:
            return None
        if kind == MONTH:
            month = int(match.group(2))
            return period_of(MONTH, datetime.date(year, month, 1)) if 1 <= month <= 12 else None
        if kind == QUARTER:
            return period_of(QUARTER, quarter_start(year, int(match.group(2))))
        return period_of(YEAR, datetime.date(year, 1, 1))
    return None


def recent_periods(today: datetime.date, *, months: int = 12, quarters: int = 8, years: int = 5) -> list[Period]:
    """The periods a picker offers: this month, quarter and year and the ones before, newest first by kind."""
    periods = [period_of(MONTH, today).shifted(-n) for n in range(months)]
    periods += [period_of(QUARTER, today).shifted(-n) for n in range(quarters)]
    periods += [period_of(YEAR, today).shifted(-n) for n in range(years)]
    return periods


def period_choices(today: datetime.date, chosen: Period) -> list[tuple[str, list[Period]]]:
    """A period picker's groups: recent months, quarters and years, with the chosen period whatever it is."""
    periods = recent_periods(today)
    if chosen not in periods:
        periods.append(chosen)
    labels = {MONTH: _("Months"), QUARTER: _("Quarters"), YEAR: _("Years")}
    return [(str(labels[kind]), [p for p in periods if p.kind == kind]) for kind in (MONTH, QUARTER, YEAR)]
