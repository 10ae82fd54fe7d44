"""One filter definition for the people list page and the people API.

Status filters (measure, whereabouts, "as of") go through `status_as_of`, the only place that
knows what a person's status was on a date (defined with the legal measures, which register it
with the roster: `people.extensions`); the others narrow its result.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.dates import add_months_civil
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.extensions import MeasureChoices, roster_measures
from donghanh.people.models import Person
from donghanh.people.selectors import filter_by_name

# Age bands as reports use them: (label, lowest age, highest age or None).
AGE_BANDS = {
    "under18": (_("Under 18"), 0, 17),
    "18-29": (_("18 to 29"), 18, 29),
    "30-39": (_("30 to 39"), 30, 39),
    "40-49": (_("40 to 49"), 40, 49),
    "50plus": (_("50 and over"), 50, None),
}


class PersonFilter(django_filters.FilterSet):
    """Build with `PersonFilter(data, request=request)`; `.qs` is already scoped and as of the chosen date."""

    as_of = django_filters.DateFilter(
        method="noop",
        label=_("Status as of (dd/mm/yyyy)"),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    q = django_filters.CharFilter(method="filter_name", label=_("Name or code"))
    episode_type = django_filters.MultipleChoiceFilter(
        method="noop", choices=MeasureChoices(), label=_("Under the measure")
    )
    whereabouts = django_filters.MultipleChoiceFilter(
        method="noop", choices=Whereabouts.choices, label=_("Whereabouts")
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
        fields = ["as_of", "q", "episode_type", "whereabouts", "sex", "hamlet", "age_band"]

    def __init__(self, data: Any = None, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(data, *args, queryset=Person.objects.none(), request=request, **kwargs)

    @property
    def day(self) -> datetime.date:
        cleaned = getattr(self.form, "cleaned_data", {}) if self.is_bound else {}
        return cleaned.get("as_of") or timezone.localdate()

    @property
    def qs(self) -> QuerySet[Person]:
        if not hasattr(self, "_qs"):
            valid = self.is_valid()
            cleaned = self.form.cleaned_data if valid else {}
            self.queryset = roster_measures().status_as_of(
                self.request.user,
                self.day if valid else timezone.localdate(),
                episode_types=cleaned.get("episode_type") or None,
                whereabouts=cleaned.get("whereabouts") or None,
            )
            self._qs = self.filter_queryset(self.queryset.all()) if valid else self.queryset.none()
        return self._qs

    def noop(self, queryset: QuerySet[Person], name: str, value: Any) -> QuerySet[Person]:
        return queryset  # applied by status_as_of in `qs`

    def filter_name(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        value = value.strip()
        if value.upper().startswith("DH") and value[2:].isdigit():
            return queryset.filter(code__iexact=value)
        return filter_by_name(queryset, value)

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
