"""One filter definition for the people list page and the people API.

Status filters (measure, whereabouts, "as of") go through `status_as_of`, the only place that
knows what a person's status was on a date (defined with the legal measures, which register it
with the roster: `people.extensions`); the others narrow its result.

`roster` chooses between the people on a commune's roster on the day (the default), those who had
left it by then (death, completed measures, moved abroad, removed: still the commune's, which
`Person.unit` keeps as the last managing commune), or both.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import NATIONAL_ROOT_PATH, people_narrowed_for, scope_for
from donghanh.core.dates import add_months_civil
from donghanh.core.filters import DayFilter
from donghanh.core.forms import DatePickerInput, SearchableSelectMultiple
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.extensions import MeasureChoices, roster_measures
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.people.selectors import (
    filter_by_identifier,
    filter_by_name,
    is_identifier,
    people_for_user,
    person_code_of,
    whereabouts_on,
)

# Age bands as reports use them: (label, lowest age, highest age or None).
AGE_BANDS = {
    "under18": (_("Under 18"), 0, 17),
    "18-29": (_("18 to 29"), 18, 29),
    "30-39": (_("30 to 39"), 30, 39),
    "40-49": (_("40 to 49"), 40, 49),
    "50plus": (_("50 and over"), 50, None),
}

ON_ROSTER, LEFT_ROSTER, ALL = "on", "left", "all"
ROSTER_CHOICES = [(ON_ROSTER, _("On the roster")), (LEFT_ROSTER, _("Left the roster")), (ALL, _("All"))]

QUERY_MAX_LENGTH = 100
# What the access log says of people found by a number: which number is never written down.
FOUND_BY_NUMBER = "found by CCCD, ID card or phone number"


def searches_by_number(query: str) -> bool:
    """Whether `q` looks a person up by their CCCD, old CMND or phone number (not by a name or a person code)."""
    query = (query or "").strip()
    return len(query) <= QUERY_MAX_LENGTH and person_code_of(query) is None and is_identifier(query)


def _roster_annotated(people: QuerySet[Person], day: datetime.date) -> QuerySet[Person]:
    """Each person with, as of `day`: the commune of their latest period (`unit_at`), their whereabouts, and
    that period's end (`roster_end`, `roster_end_reason`; the person has left when it is on or before `day`)."""
    latest = ManagementPeriod.objects.filter(person=OuterRef("pk"), start_date__lte=day).order_by("-start_date", "-pk")
    where = WhereaboutsRecord.objects.filter(person=OuterRef("pk"), since__lte=day).order_by("-since", "-pk")
    return people.annotate(
        unit_at=Subquery(latest.values("unit_id")[:1]),
        roster_end=Subquery(latest.values("end_date")[:1]),
        roster_end_reason=Subquery(latest.values("end_reason")[:1]),
        whereabouts_at=Subquery(where.values("status")[:1]),
        whereabouts_since=Subquery(where.values("since")[:1]),
    )


def left_roster(user: Any, day: datetime.date) -> QuerySet[Person]:
    """People of the user's communes (their last managing commune) who were on a roster before and not after `day`."""
    periods = ManagementPeriod.objects.filter(person=OuterRef("pk"), start_date__lte=day)
    after = periods.filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
    return people_for_user(user).filter(Exists(periods)).exclude(Exists(after))


def _sees_the_whole_registry(user: Any) -> bool:
    """A grant at the root that no role narrows: every person is in scope, whatever their commune."""
    return any(
        grant.unit_path == NATIONAL_ROOT_PATH and people_narrowed_for(grant, user) is None
        for grant in scope_for(user).grants_for(Capability.VIEW_PEOPLE)
    )


class PersonFilter(django_filters.FilterSet):
    """Build with `PersonFilter(data, request=request)`; `.qs` is already scoped and as of the chosen date."""

    as_of = DayFilter(
        method="noop",
        label=_("Status as of (dd/mm/yyyy)"),
        widget=DatePickerInput(),
    )
    q = django_filters.CharFilter(
        method="filter_name", label=_("Name, code, CCCD or phone"), max_length=QUERY_MAX_LENGTH
    )
    roster = django_filters.ChoiceFilter(method="noop", choices=ROSTER_CHOICES, empty_label=None, label=_("Roster"))
    episode_type = django_filters.MultipleChoiceFilter(
        method="noop", choices=MeasureChoices(), label=_("Under the measure"), widget=SearchableSelectMultiple
    )
    whereabouts = django_filters.MultipleChoiceFilter(
        method="noop", choices=Whereabouts.choices, label=_("Whereabouts"), widget=SearchableSelectMultiple
    )
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label=_("Sex"))
    hamlet = django_filters.CharFilter(
        field_name="current_hamlet", lookup_expr="icontains", label=_("Hamlet / residential group")
    )
    age_band = django_filters.ChoiceFilter(
        method="filter_age_band", choices=[(k, v[0]) for k, v in AGE_BANDS.items()], label=_("Age")
    )

    class Meta:
        model = Person
        fields = ["as_of", "q", "roster", "episode_type", "whereabouts", "sex", "hamlet", "age_band"]

    def __init__(self, data: Any = None, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(data, *args, queryset=Person.objects.none(), request=request, **kwargs)

    @property
    def day(self) -> datetime.date:
        cleaned = getattr(self.form, "cleaned_data", {}) if self.is_bound else {}
        return cleaned.get("as_of") or timezone.localdate()

    @property
    def roster_choice(self) -> str:
        cleaned = getattr(self.form, "cleaned_data", {}) if self.is_bound else {}
        return cleaned.get("roster") or ON_ROSTER

    @property
    def qs(self) -> QuerySet[Person]:
        if not hasattr(self, "_qs"):
            valid = self.is_valid()
            cleaned = self.form.cleaned_data if valid else {}
            day = self.day if valid else timezone.localdate()
            self.queryset = self._people(
                day, cleaned.get("episode_type") or None, cleaned.get("whereabouts") or None, cleaned.get("q") or ""
            )
            self._qs = self.filter_queryset(self.queryset.all()) if valid else self.queryset.none()
        return self._qs

    def _people(
        self, day: datetime.date, episode_types: list[str] | None, whereabouts: list[str] | None, query: str = ""
    ) -> QuerySet[Person]:
        user = self.request.user
        on_roster = roster_measures().status_as_of(user, day, episode_types=episode_types, whereabouts=whereabouts)
        if self.roster_choice == ON_ROSTER:
            return on_roster
        # A measure running on the day keeps a person on the roster: filtering by one, no one has left.
        left = left_roster(user, day) if not episode_types else Person.objects.none()
        if self.roster_choice == ALL and not episode_types and _sees_the_whole_registry(user):
            # Everyone on a roster on the day or before it: one test per person, which the list in name order stops
            # making once a page is full.
            started = ManagementPeriod.objects.filter(person=OuterRef("pk"), start_date__lte=day)
            left = Person.objects.filter(Exists(started), merged_into__isnull=True)
        elif self.roster_choice == ALL:
            # One set of ids for both, rather than "in one or in the other", which PostgreSQL answers by reading
            # both sets whole for every page. A search narrows each set before the union, which PostgreSQL cannot
            # do itself: it gathered a province's whole roster to find one CCCD.
            found = on_roster
            if query.strip():
                left, found = self.filter_name(left, "q", query), self.filter_name(on_roster, "q", query)
            ids: Any = left.order_by().values("pk").union(found.order_by().values("pk"))
            left = Person.objects.filter(pk__in=ids)
        # Those who left are filtered as themselves, not as "pk in (those who left)": PostgreSQL then plans from the
        # user's communes rather than from the whole registry in name order.
        people = _roster_annotated(left, day)
        if whereabouts:
            people = people.filter(whereabouts_on(day, whereabouts))
        # The legal measures running on the day, as `status_as_of` attaches them (its prefetch, which only the
        # legal-measures app knows how to build), for those who may see them.
        people = people.prefetch_related(*getattr(on_roster, "_prefetch_related_lookups", ()))
        return people.select_related("unit").order_by("search_name", "pk")

    def noop(self, queryset: QuerySet[Person], name: str, value: Any) -> QuerySet[Person]:
        return queryset  # applied by status_as_of in `qs`

    def filter_name(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        value = value.strip()
        code = person_code_of(value)
        if code is not None:
            return queryset.filter(code=code)  # as kept: the unique index finds it
        if is_identifier(value):
            return filter_by_identifier(queryset, value).order_by(Lower("search_name"), "pk")
        # The same order, said so that no index on the names serves it: the people found are gathered first (by the
        # trigram index on PostgreSQL) and then ordered. Walking the names in order instead, the database met the
        # many "Nguyễn …" only two thirds of the way through the country's registry.
        return filter_by_name(queryset, value).order_by(Lower("search_name"), "pk")

    def filter_age_band(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        """Age on the chosen day: from the date of birth when known, else from the year of birth alone."""
        _label, lowest, highest = AGE_BANDS[value]
        day = self.day
        by_date = Q(birth_date__isnull=False, birth_date__lte=add_months_civil(day, -12 * lowest))
        by_year = Q(birth_date__isnull=True, birth_year__lte=day.year - lowest)
        if highest is not None:
            by_date &= Q(birth_date__gt=add_months_civil(day, -12 * (highest + 1)))
            by_year &= Q(birth_year__gte=day.year - highest)
        return queryset.filter(by_date | by_year)
