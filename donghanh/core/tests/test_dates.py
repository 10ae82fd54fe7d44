"""Calendar arithmetic: months as periods, terms counted in months (Civil Code 2015, art. 148), quarters."""

from __future__ import annotations

import calendar
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from donghanh.core.dates import (
    add_months_civil,
    month_end,
    month_start,
    month_starts,
    previous_quarter,
    quarter_end,
    quarter_months,
    quarter_of,
    quarter_start,
    shift_month_start,
    term_end,
)

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
DAYS = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))


def last_day_of_month(year: int, month: int) -> datetime.date:
    return D(year, month, calendar.monthrange(year, month)[1])


# --- month_start, month_end --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (D(2025, 1, 15), D(2025, 1, 1), D(2025, 1, 31)),
        (D(2025, 1, 1), D(2025, 1, 1), D(2025, 1, 31)),
        (D(2025, 4, 30), D(2025, 4, 1), D(2025, 4, 30)),
        (D(2025, 12, 31), D(2025, 12, 1), D(2025, 12, 31)),  # the year's end
        (D(2023, 2, 10), D(2023, 2, 1), D(2023, 2, 28)),
        (D(2024, 2, 10), D(2024, 2, 1), D(2024, 2, 29)),  # a leap year
        (D(2100, 2, 10), D(2100, 2, 1), D(2100, 2, 28)),  # a century is not a leap year…
        (D(2000, 2, 10), D(2000, 2, 1), D(2000, 2, 29)),  # … unless it divides by 400
    ],
)
def test_month_start_and_month_end(day, first, last):
    assert month_start(day) == first
    assert month_end(day) == last


@given(day=DAYS)
def test_month_end_is_the_day_before_the_next_months_first(day):
    assert month_start(day) <= day <= month_end(day)
    assert month_end(day) + ONE_DAY == shift_month_start(day, 1)


# --- shift_month_start: months as periods --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 4, 1), 1, D(2025, 5, 1)),
        (D(2025, 1, 31), 1, D(2025, 2, 1)),  # whatever the day, the first of the month
        (D(2025, 11, 15), 2, D(2026, 1, 1)),  # across the new year
        (D(2026, 1, 15), -1, D(2025, 12, 1)),  # backwards across the new year
        (D(2026, 3, 31), -14, D(2025, 1, 1)),
        (D(2026, 5, 20), 0, D(2026, 5, 1)),
        (D(2024, 2, 29), 12, D(2025, 2, 1)),
    ],
)
def test_shift_month_start(day, months, expected):
    assert shift_month_start(day, months) == expected


@settings(max_examples=300, deadline=None)
@given(day=DAYS, months=st.integers(-120, 120))
def test_shift_month_start_moves_the_month_and_lands_on_its_first(day, months):
    moved = shift_month_start(day, months)
    assert moved.day == 1
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (D(2025, 11, 20), D(2026, 2, 3), [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]),
        (D(2025, 11, 20), D(2025, 11, 1), [D(2025, 11, 1)]),  # the same month, whatever the days
        (D(2025, 11, 20), D(2025, 10, 31), []),  # the last day before the first month
    ],
)
def test_month_starts(first, last, expected):
    assert month_starts(first, last) == expected


# --- add_months_civil: the same day, or the month's last ----------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 7, 1), 12, D(2025, 7, 1)),
        (D(2025, 11, 15), 3, D(2026, 2, 15)),  # across the new year
        (D(2023, 1, 31), 1, D(2023, 2, 28)),  # no 31 February: the last day of February
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # a leap year
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2025, 8, 31), 1, D(2025, 9, 30)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # from a leap day to a common year
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # to the next leap day
        (D(2024, 2, 29), 1, D(2024, 3, 29)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),  # backwards across the new year
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2026, 5, 20), 0, D(2026, 5, 20)),
        (D(2026, 5, 20), -12 * 18, D(2008, 5, 20)),  # eighteen years before
    ],
)
def test_add_months_civil(day, months, expected):
    assert add_months_civil(day, months) == expected


@settings(max_examples=300, deadline=None)
@given(day=DAYS, months=st.integers(-120, 120))
def test_add_months_civil_moves_the_month_and_keeps_the_day_when_it_exists(day, months):
    moved = add_months_civil(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == min(day.day, last_day_of_month(moved.year, moved.month).day)


# --- term_end: the last day of a term of N months -----------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 7, 1), 12, D(2025, 6, 30)),  # the example of the docstring
        (D(2026, 1, 1), 6, D(2026, 6, 30)),
        (D(2025, 3, 15), 3, D(2025, 6, 14)),
        (D(2023, 3, 1), 1, D(2023, 3, 31)),
        (D(2024, 2, 1), 1, D(2024, 2, 29)),  # February of a leap year, whole
        (D(2023, 2, 1), 1, D(2023, 2, 28)),
        (D(2024, 3, 1), 12, D(2025, 2, 28)),
        (D(2024, 2, 28), 12, D(2025, 2, 27)),
    ],
)
def test_term_end(start, months, expected):
    assert term_end(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # One month from 31/01: February has no 31st (nor a 30th), so the month runs to its last day.
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        # Twelve months from the leap day 29/02/2024: no 29/02/2025, so the last day of February 2025.
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        # Six months from 31/08: September to February, whatever February's length.
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 10, 31), 4, D(2026, 2, 28)),
    ],
)
def test_a_term_starting_on_a_day_its_last_month_lacks_runs_to_that_months_last_day(start, months, expected):
    """Civil Code 2015, art. 148(3): a period in months ends on the corresponding day of its last
    month, or on that month's last day when it has no corresponding day. Counting the start day
    as the first day (so 12 months from 01/07 end on 30/06), a term from 31/01 for one month
    ends on the last day of February, not the day before it."""
    assert term_end(start, months) == expected


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)), months=st.integers(1, 36))
def test_a_term_starting_on_the_first_ends_on_a_months_last_day(start, months):
    first = start.replace(day=1)
    end = term_end(first, months)
    month_index = first.year * 12 + first.month - 1 + months - 1
    assert end == last_day_of_month(month_index // 12, month_index % 12 + 1)


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)), months=st.integers(1, 36))
def test_a_later_start_never_ends_earlier_and_the_end_is_near_the_anniversary(start, months):
    end = term_end(start, months)
    assert end >= term_end(start - ONE_DAY, months)
    assert start <= end < add_months_civil(start, months) + ONE_DAY
    assert end >= add_months_civil(start, months) - ONE_DAY


# --- quarters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 1, 1), (2025, 1)),
        (D(2025, 3, 31), (2025, 1)),
        (D(2025, 4, 1), (2025, 2)),
        (D(2025, 6, 30), (2025, 2)),
        (D(2025, 7, 1), (2025, 3)),
        (D(2025, 9, 30), (2025, 3)),
        (D(2025, 10, 1), (2025, 4)),
        (D(2025, 12, 31), (2025, 4)),
    ],
)
def test_quarter_of(day, expected):
    assert quarter_of(day) == expected


@pytest.mark.parametrize(
    ("year", "quarter", "first", "last"),
    [
        (2025, 1, D(2025, 1, 1), D(2025, 3, 31)),
        (2024, 1, D(2024, 1, 1), D(2024, 3, 31)),
        (2025, 2, D(2025, 4, 1), D(2025, 6, 30)),
        (2025, 3, D(2025, 7, 1), D(2025, 9, 30)),
        (2025, 4, D(2025, 10, 1), D(2025, 12, 31)),
    ],
)
def test_quarter_start_and_end(year, quarter, first, last):
    assert quarter_start(year, quarter) == first
    assert quarter_end(year, quarter) == last


def test_quarter_months_are_the_first_days_of_its_three_months():
    assert quarter_months(2025, 4) == [D(2025, 10, 1), D(2025, 11, 1), D(2025, 12, 1)]
    assert quarter_months(2026, 1) == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]


@pytest.mark.parametrize(
    ("year", "quarter", "expected"), [(2026, 1, (2025, 4)), (2025, 4, (2025, 3)), (2025, 2, (2025, 1))]
)
def test_previous_quarter(year, quarter, expected):
    assert previous_quarter(year, quarter) == expected


@given(day=DAYS)
def test_every_day_lies_in_its_quarter_and_one_of_its_months(day):
    year, quarter = quarter_of(day)
    assert quarter_start(year, quarter) <= day <= quarter_end(year, quarter)
    assert month_start(day) in quarter_months(year, quarter)
    assert quarter_end(*previous_quarter(year, quarter)) + ONE_DAY == quarter_start(year, quarter)
