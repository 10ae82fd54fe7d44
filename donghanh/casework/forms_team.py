"""Forms of the commune officer's pages: teams, volunteers, assignments, the quarter's sign-off, the scale.

They only parse what was typed; the services decide what is valid.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from donghanh.accounts.models import User
from donghanh.casework import choices
from donghanh.casework.models import QuarterlyClassification, RatingLevel, Volunteer, VolunteerTeam
from donghanh.core.forms import AppForm, date_field, text_area
from donghanh.orgunits.models import OrgUnit
from donghanh.people.forms import label

TEAM_FIELDS = ["name", "established_on", "decision_number", "notes"]
VOLUNTEER_FIELDS = [
    "full_name", "sex", "birth_year", "affiliation", "phone", "hamlet", "training", "start_date", "end_date", "user",
]  # fmt: skip
MAX_LEVELS = 6


class TeamForm(AppForm):
    """A team's details; the commune is chosen only when the team is made."""

    unit = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=OrgUnit.objects.none(),
        error_messages={"invalid_choice": _("Choose a commune you manage that has no team yet.")},
    )
    name = forms.CharField(label=label("name", VolunteerTeam), max_length=200)
    established_on = date_field(label("established_on", VolunteerTeam), required=False)
    decision_number = forms.CharField(label=label("decision_number", VolunteerTeam), max_length=50, required=False)
    notes = text_area(VolunteerTeam, "notes")

    def __init__(self, *args: Any, communes: QuerySet[OrgUnit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if communes is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = communes  # type: ignore[attr-defined]

    def team_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TEAM_FIELDS}

    @staticmethod
    def initial_from(team: VolunteerTeam) -> dict[str, Any]:
        return {name: getattr(team, name) for name in TEAM_FIELDS}


class VolunteerForm(AppForm):
    """A volunteer's details and, when they log in, their account (a volunteer of the team's commune)."""

    full_name = forms.CharField(label=label("full_name", Volunteer), max_length=150)
    sex = forms.ChoiceField(
        label=label("sex", Volunteer),
        choices=cast(list[tuple[str, str]], Volunteer._meta.get_field("sex").choices),
        widget=forms.RadioSelect,
    )
    birth_year = forms.IntegerField(
        label=label("birth_year", Volunteer), min_value=1920, max_value=2100, required=False
    )
    affiliation = forms.ChoiceField(
        label=label("affiliation", Volunteer), choices=[("", "—"), *choices.Affiliation.choices]
    )
    phone = forms.CharField(
        label=label("phone", Volunteer),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    hamlet = forms.CharField(label=label("hamlet", Volunteer), max_length=100, required=False)
    training = text_area(Volunteer, "training", rows=2)
    start_date = date_field(label("start_date", Volunteer), initial=timezone.localdate)
    end_date = date_field(
        label("end_date", Volunteer),
        required=False,
        help_text=_("When the volunteer stops, the people assigned to them lose their volunteer that day."),
    )
    user = forms.ModelChoiceField(
        label=_("Logs in as"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Does not log in"),
        help_text=_("Accounts holding the volunteer role in this commune and not linked to another volunteer."),
    )

    def __init__(self, *args: Any, logins: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = logins  # type: ignore[attr-defined]

    def volunteer_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in VOLUNTEER_FIELDS}

    @staticmethod
    def initial_from(volunteer: Volunteer) -> dict[str, Any]:
        initial = {name: getattr(volunteer, name) for name in VOLUNTEER_FIELDS}
        initial["user"] = volunteer.user_id
        return initial


class VolunteerChoiceField(forms.ModelChoiceField[Volunteer]):
    """Each volunteer with their organisation and how many people they help now, to spread the work."""

    def label_from_instance(self, obj: Volunteer) -> str:
        helping: int = getattr(obj, "helping_now", 0)
        return ngettext(
            "%(name)s (%(affiliation)s) — helps %(count)d person",
            "%(name)s (%(affiliation)s) — helps %(count)d people",
            helping,
        ) % {"name": obj.full_name, "affiliation": obj.get_affiliation_display(), "count": helping}


class AssignForm(AppForm):
    volunteer = VolunteerChoiceField(
        label=_("Volunteer"),
        queryset=Volunteer.objects.none(),
        error_messages={"invalid_choice": _("Choose an active volunteer of the person's commune.")},
    )
    start_date = date_field(_("From"), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("Recorded as the reason the current assignment ends, if there is one."),
    )

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class AssignmentEndForm(AppForm):
    end_date = date_field(_("Until"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ClassificationForm(AppForm):
    """One row of the quarter's sign-off: the level (the derived one by default) and, if different, why."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.ModelChoiceField(
        label=_("Classification"),
        queryset=RatingLevel.objects.none(),
        widget=forms.Select(attrs={"class": "form-select-sm"}),
    )
    override_reason = forms.CharField(
        label=_("Reason, if different from the months"),
        required=False,
        max_length=QuarterlyClassification._meta.get_field("override_reason").max_length,
        widget=forms.TextInput(
            attrs={"placeholder": _("Reason, if different from the months"), "class": "form-control-sm"}
        ),
    )

    def __init__(self, *args: Any, levels: list[RatingLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField[RatingLevel], self.fields["level"])
        field.queryset = RatingLevel.objects.filter(pk__in=[level.pk for level in levels])
        # The levels are already loaded: offer them without another query.
        field.choices = [("", "—"), *((level.pk, level.label) for level in levels)]


class ScaleForm(AppForm):
    name = forms.CharField(label=_("Name of the scale"), max_length=100)


class RatingLevelForm(AppForm):
    """One level of the scale, best first; an empty row is left out."""

    code = forms.SlugField(label=_("Code"), max_length=20)
    label_vi = forms.CharField(label=_("Label (Vietnamese)"), max_length=60)
    label_en = forms.CharField(label=_("Label (English)"), max_length=60)
    counts_as_progress = forms.BooleanField(label=_("Counts as progressing"), required=False)


class BaseRatingLevelFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Six rows to fill; a row left (or made) empty is not a level."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "empty_permitted": True}

    def levels(self) -> list[tuple[str, str, str, bool]]:
        """(code, Vietnamese label, English label, counts as progressing) of the rows filled, in order."""
        return [
            (
                f.cleaned_data["code"],
                f.cleaned_data["label_vi"],
                f.cleaned_data["label_en"],
                f.cleaned_data["counts_as_progress"],
            )
            for f in self.forms
            if f.cleaned_data
        ]


RatingLevelFormSet = cast(
    type[BaseRatingLevelFormSet],
    forms.formset_factory(
        RatingLevelForm,
        formset=BaseRatingLevelFormSet,
        extra=MAX_LEVELS,
        max_num=MAX_LEVELS,
        absolute_max=MAX_LEVELS,
        validate_max=True,
    ),
)
