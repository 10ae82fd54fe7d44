"""Filters of the API's lists shared by every app: numbers in a query string checked before they reach the database.

A number the database cannot hold (`?person=99999999999999999999`) would otherwise fail there, as a server error,
instead of answering 400 with the parameter named. An id is a whole number from 1 to the largest a BigAutoField
holds; a year, a whole number from 1900 to 2100; any other whole number, between the bounds its filter names.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from drf_spectacular.utils import extend_schema_field

from donghanh.core.dates import FIRST_EVENT_DAY

MAX_ID = 2**63 - 1  # the largest BigAutoField (DEFAULT_AUTO_FIELD) on PostgreSQL and SQLite
FIRST_YEAR, LAST_YEAR = 1900, 2100
LAST_DAY = datetime.date(LAST_YEAR, 12, 31)


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number from `min_value` to `max_value` (given), else 400 on the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, min_value: int, max_value: int, **kwargs: Any) -> None:
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(WholeNumberFilter):
    """A record's id (`field_name="person_id"`): a whole number from 1 to MAX_ID."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2100})
class YearFilter(WholeNumberFilter):
    """A year: a whole number from 1900 to 2100."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


@extend_schema_field({"type": "string", "format": "date", "description": "From 1950-01-01 to 2100-12-31."})
class DayFilter(django_filters.DateFilter):
    """A day the list is worked out on (a status as of it, ages on it): from 01/01/1950 to 31/12/2100, as a day
    further off has nothing to show and ages computed on it would leave the calendar."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [MinValueValidator(FIRST_EVENT_DAY), MaxValueValidator(LAST_DAY)])
        super().__init__(*args, **kwargs)


def as_id(raw: object) -> int | None:
    """An id from a query string or a form (ASCII digits, 1 to MAX_ID); None for anything else."""
    text = str(raw).strip() if raw is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
