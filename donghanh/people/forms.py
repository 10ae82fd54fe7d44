"""Forms of the people pages. They only parse what was typed; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from donghanh.core.forms import AppForm, date_field, text_area
from donghanh.orgunits.models import OrgUnit
from donghanh.people import choices
from donghanh.people.models import HealthStatus, Person

NOT_GIVEN: list[tuple[str, Any]] = [("", "—")]


def label(name: str, model: type[Any] = Person) -> Any:
    """The model field's verbose name, capitalised: one wording (and one translation) for model and form."""
    return capfirst(model._meta.get_field(name).verbose_name)


def current_communes() -> QuerySet[OrgUnit]:
    """Every current commune: names of communes are public reference data."""
    return OrgUnit.objects.filter(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE).select_related("parent")


def commune_field(text: Any, *, required: bool = True) -> forms.ModelChoiceField[OrgUnit]:
    """A commune chosen with a picker (radio buttons named after the field), checked against `queryset`."""
    return forms.ModelChoiceField(
        label=text,
        queryset=current_communes(),
        required=required,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose a commune from the search results."),
            "invalid_choice": _("Choose a commune from the search results."),
        },
    )


# --- identity, residence and circumstances ------------------------------------------------------

IDENTITY = ["full_name", "other_names", "sex", "birth_date", "birth_year", "citizen_id", "ethnicity", "phone"]
RESIDENCE = ["current_hamlet", "current_street", "permanent_unit", "permanent_hamlet", "permanent_street"]
CIRCUMSTANCES = [
    "occupation", "education", "marital_status", "household_poverty", "dependants", "family_contacts", "needs",
]  # fmt: skip


class PersonForm(AppForm):
    """Identity, residence and circumstances: what `person_update` changes (never the managing commune)."""

    full_name = forms.CharField(label=label("full_name"), max_length=150)
    other_names = forms.CharField(
        label=label("other_names"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    sex = forms.ChoiceField(label=label("sex"), choices=choices.Sex.choices, widget=forms.RadioSelect)
    birth_date = date_field(label("birth_date"), required=False)
    birth_year = forms.IntegerField(
        label=label("birth_year"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("When only the year is known."),
    )
    citizen_id = forms.CharField(
        label=label("citizen_id"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("12 digits (CCCD), or 9 digits for an old identity card."),
    )
    ethnicity = forms.ChoiceField(label=label("ethnicity"), choices=choices.ETHNICITIES, initial="01")
    phone = forms.CharField(
        label=label("phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    current_hamlet = forms.CharField(label=label("current_hamlet"), max_length=100, required=False)
    current_street = forms.CharField(label=label("current_street"), max_length=200, required=False)
    permanent_unit = commune_field(label("permanent_unit"), required=False)
    permanent_hamlet = forms.CharField(label=label("permanent_hamlet"), max_length=100, required=False)
    permanent_street = forms.CharField(label=label("permanent_street"), max_length=200, required=False)

    occupation = forms.CharField(label=label("occupation"), max_length=150, required=False)
    education = forms.ChoiceField(
        label=label("education"), choices=NOT_GIVEN + choices.Education.choices, required=False
    )
    marital_status = forms.ChoiceField(
        label=label("marital_status"), choices=NOT_GIVEN + choices.MaritalStatus.choices, required=False
    )
    household_poverty = forms.ChoiceField(
        label=label("household_poverty"),
        choices=choices.HouseholdPoverty.choices,
        initial=choices.HouseholdPoverty.NONE,
    )
    dependants = forms.IntegerField(label=label("dependants"), min_value=0, max_value=99, required=False, initial=0)
    family_contacts = text_area(Person, "family_contacts", rows=2)
    needs = text_area(Person, "needs")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("birth_date") and not data.get("birth_year") and "birth_year" not in self.errors:
            self.add_error("birth_year", _("Give the date of birth or, when it is not known, the year of birth."))
        return data

    def person_fields(self) -> dict[str, Any]:
        """Cleaned values under the names the services take (the year of birth left to the caller)."""
        data = self.cleaned_data
        fields = {name: data[name] for name in IDENTITY + RESIDENCE + CIRCUMSTANCES if name != "birth_year"}
        fields["dependants"] = data["dependants"] or 0
        return fields

    @classmethod
    def initial_from(cls, person: Person) -> dict[str, Any]:
        initial = {name: getattr(person, name) for name in IDENTITY + RESIDENCE + CIRCUMSTANCES}
        initial["permanent_unit"] = person.permanent_unit_id
        if person.birth_date:
            initial["birth_year"] = None  # the date says it
        return initial

    def sections(self) -> list[tuple[Any, list[BoundField]]]:
        return [
            (_("Identity"), [self[name] for name in IDENTITY]),
            (_("Residence"), [self[name] for name in RESIDENCE]),
            (_("Circumstances"), [self[name] for name in CIRCUMSTANCES]),
        ]


class PersonRegisterForm(PersonForm):
    """Registration adds the managing commune, the registration date and where the person is."""

    unit = forms.ModelChoiceField(
        label=label("unit"),
        queryset=OrgUnit.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the managing commune from the search results."),
            "invalid_choice": _("You may register people only in a commune you manage."),
        },
    )
    registered_on = date_field(_("Registered on"))
    whereabouts = forms.ChoiceField(
        label=_("Whereabouts now"), choices=choices.Whereabouts.choices, initial=choices.Whereabouts.AT_RESIDENCE
    )

    def __init__(self, *args: Any, communes: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = communes  # type: ignore[attr-defined]
        self.fields["registered_on"].initial = timezone.localdate

    def sections(self) -> list[tuple[Any, list[BoundField]]]:
        identity, residence, circumstances = super().sections()
        residence = (residence[0], [self["unit"], *residence[1]])
        registration = (_("Registration"), [self["registered_on"], self["whereabouts"]])
        return [identity, residence, circumstances, registration]


# --- whereabouts -------------------------------------------------------------------------------


class WhereaboutsForm(AppForm):
    status = forms.ChoiceField(label=_("Whereabouts"), choices=choices.Whereabouts.choices)
    since = date_field(_("Since"), initial=timezone.localdate)
    place = forms.CharField(label=_("Place (facility, address)"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


# --- sensitive records --------------------------------------------------------------------------


class DrugUseForm(AppForm):
    substances = forms.MultipleChoiceField(
        label=_("Substances used"), choices=choices.Substance.choices, widget=forms.CheckboxSelectMultiple
    )
    primary_substance = forms.ChoiceField(
        label=_("Primary substance"), choices=NOT_GIVEN + choices.Substance.choices, required=False
    )
    age_first_use = forms.IntegerField(label=_("Age at first use"), min_value=5, max_value=99, required=False)
    injecting = forms.BooleanField(label=_("Injects drugs"), required=False)
    years_of_use = forms.IntegerField(label=_("Years of use"), min_value=0, max_value=90, required=False)


class DeterminationForm(AppForm):
    date = date_field(_("Date"), initial=timezone.localdate)
    facility = forms.CharField(label=_("Facility"), max_length=200)
    criteria_met = forms.TypedChoiceField(
        label=_("Criteria met (of 6)"),
        choices=[(str(n), str(n)) for n in range(7)],
        coerce=int,
        help_text=_("Circular 18/2021: a person meeting at least 3 of the 6 criteria is determined addicted."),
    )


class DrugTestForm(AppForm):
    """The test itself, then one result per substance; a substance left empty was not tested."""

    date = date_field(_("Date"), initial=timezone.localdate)
    sample = forms.ChoiceField(label=_("Sample"), choices=choices.Sample.choices)
    tested_by = forms.CharField(label=_("Tested by"), max_length=150)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcomes = [("", _("Not tested")), *choices.TestResult.choices]
        for code, name in choices.Substance.choices:
            self.fields[f"result_{code}"] = forms.ChoiceField(label=name, choices=outcomes, required=False)

    def result_fields(self) -> list[BoundField]:
        return [self[f"result_{code}"] for code in choices.Substance.values]

    def results(self) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"result_{code}"]
            for code in choices.Substance.values
            if self.cleaned_data.get(f"result_{code}")
        }


class HealthForm(AppForm):
    hiv_status = forms.ChoiceField(label=_("HIV status"), choices=choices.HivStatus.choices)
    hiv_test_date = date_field(_("Date of the last HIV test"), required=False)
    other_conditions = text_area(HealthStatus, "other_conditions", label=_("Other health conditions"))
