"""What an indicator and a family are, what their rows depend on, and how the registry is put together.

The families themselves live in one module each (or one per group of small families); the package's
`__init__` lists them, in report order.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.core.dates import month_end, quarter_of
from donghanh.core.periods import Period
from donghanh.reports.frames import Frame


class Kind(StrEnum):
    COUNT = "count"  # a number of people, volunteers, models…
    SHARE = "share"  # a percentage: numerator over denominator
    AMOUNT = "amount"  # Vietnamese đồng


class Section(StrEnum):
    STATUS = "status"
    ROSTER = "roster"
    VOLUNTEERS = "volunteers"
    COMMUNITY = "community"
    SUPPORT = "support"
    CASEWORK = "casework"


SECTION_LABELS: dict[Section, Promise] = {
    Section.STATUS: _("Status at the end of the period"),
    Section.ROSTER: _("Joining and leaving the roster"),
    Section.VOLUNTEERS: _("Volunteers"),
    Section.COMMUNITY: _("Community models"),
    Section.SUPPORT: _("Support and referrals"),
    Section.CASEWORK: _("Assessments and classification"),
}


@dataclass(frozen=True)
class Context:
    """What the families' rows depend on: the period, and the day it is measured on (its last day)."""

    period: Period
    today: datetime.date
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def remember(self, key: str, load: Callable[[], Any]) -> Any:
        """What `load` gives, read once per context (the configured lists a report's families share)."""
        if key not in self.memo:
            self.memo[key] = load()
        return self.memo[key]

    @property
    def day(self) -> datetime.date:
        return self.period.last

    @property
    def is_running(self) -> bool:
        return self.period.first <= self.today <= self.period.last

    def months(self) -> list[datetime.date]:
        """The period's months whose assessments are due by today (a month is due once its grace days pass)."""
        grace = datetime.timedelta(days=settings.CASEWORK_ASSESSMENT_GRACE_DAYS)
        month, months = self.period.first, []
        while month <= self.period.last:
            if month_end(month) + grace < self.today:
                months.append(month)
            month = month_end(month) + datetime.timedelta(days=1)
        return months

    def last_quarter(self) -> tuple[int, int] | None:
        """The last quarter that ends within the period (None for a month that does not end a quarter)."""
        year, quarter = quarter_of(self.period.last)
        ends = datetime.date(year, 3 * quarter, 1)
        if month_end(ends) != self.period.last:
            return None
        return year, quarter


def context_for(period: Period, today: datetime.date | None = None) -> Context:
    return Context(period, today or timezone.localdate())


Condition = Callable[[Context], Q]
Needs = frozenset[str] | None  # the annotations a family's indicators use (None: all)
PEOPLE = _("people")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise | str
    definition: Promise | str
    family: str
    section: Section
    kind: Kind = Kind.COUNT
    unit: Promise | str = PEOPLE
    where: Condition | None = None  # the rows counted; None: all the family's rows
    denominator: str | None = None  # for a share: the code of the indicator counted below the line
    measure: str | None = None  # what is summed instead of counting the family's subject (an annotation)
    stock: bool = False  # measured on the period's last day: a target for a year holds for its months too
    key: bool = False  # shown on the officers' dashboard
    drill: bool = True  # the people behind it can be listed
    capability: Capability = Capability.VIEW_PEOPLE  # needed to list them (sensitive data needs more)
    position: int = 0

    @property
    def is_share(self) -> bool:
        return self.kind == Kind.SHARE

    def condition(self, ctx: Context) -> Q:
        return self.where(ctx) if self.where is not None else Q()


@dataclass(frozen=True)
class Family:
    """One kind of row counted for a frame and a period, with what its indicators test."""

    code: str
    rows: Callable[[Frame, Context, Needs], QuerySet[Any]]
    path: str  # lookup from a row to its unit's path (an annotation or a relation)
    subject: str  # what a count counts once: "person_id" or "pk"
    person: str | None = "person_id"  # lookup from a row to the person behind it, for the drill-down
    expand: Callable[[Context], list[Indicator]] | None = None  # indicators that depend on data (types, levels)
    indicators: tuple[Indicator, ...] = ()
    count: Callable[[Context, Q], Any] | None = None  # how the rows meeting a condition are counted, if not distinct

    def all_indicators(self, ctx: Context) -> list[Indicator]:
        extra = self.expand(ctx) if self.expand is not None else []
        return [*self.indicators, *extra]


def registry(*families: Family) -> tuple[dict[str, Family], dict[str, Indicator]]:
    """The families by code and their indicators by code, in the order given (each family's own order)."""
    by_code: dict[str, Family] = {}
    indicators: dict[str, Indicator] = {}
    for family in families:
        if family.code in by_code:
            raise ValueError(f"family {family.code} registered twice")
        by_code[family.code] = family
        for indicator in family.indicators:
            if indicator.family != family.code:
                raise ValueError(f"indicator {indicator.code} names family {indicator.family}, not {family.code}")
            if indicator.code in indicators:
                raise ValueError(f"indicator {indicator.code} registered twice")
            indicators[indicator.code] = indicator
    return by_code, indicators


def needs_of(indicators: list[Indicator], ctx: Context) -> frozenset[str]:
    """The annotations `indicators` read: the fields their conditions name, and what they sum."""

    def fields(condition: Q) -> set[str]:
        names: set[str] = set()
        for child in condition.children:
            if isinstance(child, Q):
                names |= fields(child)
            elif isinstance(child, tuple):
                names.add(str(child[0]).split("__")[0])
        return names

    needed: set[str] = set()
    for indicator in indicators:
        needed |= fields(indicator.condition(ctx))
        if indicator.measure is not None:
            needed.add(indicator.measure)
    return frozenset(needed)


def aggregate_for(indicator: Indicator, family: Family, ctx: Context) -> Any:
    """What the database computes for an indicator over its family's rows."""
    condition = indicator.condition(ctx)
    if indicator.measure is not None:
        return Coalesce(Sum(indicator.measure, filter=condition or None), 0)
    if family.count is not None:
        return family.count(ctx, condition)
    return Count(family.subject, distinct=True, filter=condition or None)
