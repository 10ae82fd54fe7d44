"""The target form: it only parses what was typed; `targets.target_set` decides what is valid."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.core.forms import AppForm
from donghanh.orgunits.forms import UnitChoiceField
from donghanh.orgunits.models import OrgUnit
from donghanh.people.forms import label
from donghanh.reports.indicators import SECTION_LABELS, Indicator, Section
from donghanh.reports.models import Comparison, Target

COMPARISONS = [
    (Comparison.AT_LEAST.value, _("at least (≥)")),
    (Comparison.MORE_THAN.value, _("more than (>)")),
    (Comparison.AT_MOST.value, _("at most (≤)")),
    (Comparison.LESS_THAN.value, _("less than (<)")),
]


def indicator_choices(indicators: list[Indicator]) -> list[tuple[Any, Any]]:
    """The indicators grouped by section, for a select with one group per section."""
    grouped: dict[Section, list[tuple[str, Any]]] = {}
    for indicator in indicators:
        name = f"{indicator.name} (%)" if indicator.is_share else indicator.name
        grouped.setdefault(indicator.section, []).append((indicator.code, name))
    return [("", "—"), *((SECTION_LABELS[section], grouped[section]) for section in Section if section in grouped)]


def value_text(value: Decimal) -> str:
    """A target's value as it is typed: "70", "12,5"."""
    return f"{value.normalize():f}".replace(".", ",")


class TargetForm(AppForm):
    """What a unit aims for on an indicator in a period. Editing a target changes only how it compares, its value
    and its note: the indicator, unit and period are what the target is."""

    indicator = forms.ChoiceField(label=label("indicator", Target), choices=[])
    unit = UnitChoiceField(
        label=label("unit", Target),
        queryset=OrgUnit.objects.none(),
        help_text=_("A province's target holds for its communes unless a commune sets its own."),
        error_messages={"invalid_choice": _("Choose a unit where you set the targets.")},
    )
    period = forms.CharField(
        label=label("period", Target),
        max_length=7,
        help_text=_(
            "A year (2025), a quarter (2025Q2) or a month (2025-04). A year's target on a share or a figure of the "
            "period's last day holds for its quarters and months too."
        ),
        widget=forms.TextInput(attrs={"placeholder": "2025", "autocomplete": "off"}),
    )
    comparison = forms.ChoiceField(label=label("comparison", Target), choices=COMPARISONS)
    value = forms.CharField(
        label=label("value", Target),
        max_length=20,
        help_text=_("A number, e.g. 70 or 12,5; for a share, in percent."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(label=label("note", Target), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        indicators: list[Indicator] | None = None,
        units: QuerySet[OrgUnit] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if indicators is None or units is None:  # editing: what the target is stays as it is
            for name in ("indicator", "unit", "period"):
                del self.fields[name]
            return
        self.fields["indicator"].choices = indicator_choices(indicators)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(target: Target) -> dict[str, Any]:
        return {"comparison": target.comparison, "value": value_text(target.value), "note": target.note}
