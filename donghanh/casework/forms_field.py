"""Forms of the volunteer's pages: a contact and the monthly assessment. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.casework import choices
from donghanh.casework.models import Contact, MonthlyAssessment, RatingLevel
from donghanh.core.forms import AppForm, date_field, text_area
from donghanh.people.forms import label
from donghanh.people.models import DrugTest

ASSESSMENT_CHOICE_FIELDS = ("drug_use", "participation", "work_status", "family_relations", "compliance")


class ContactForm(AppForm):
    """One contact, typed in under a minute: the date (today), how, what was talked about, what comes next."""

    date = date_field(label("date", Contact), initial=timezone.localdate)
    mode = forms.ChoiceField(
        label=label("mode", Contact), choices=choices.ContactMode.choices, widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        label=label("topics", Contact),
        choices=choices.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = text_area(Contact, "notes")
    next_step = forms.CharField(label=label("next_step", Contact), max_length=300, required=False)
    next_step_date = date_field(label("next_step_date", Contact), required=False)

    def contact_fields(self) -> dict[str, Any]:
        """Cleaned values under the names `contact_record` takes."""
        return {name: self.cleaned_data[name] for name in self.fields}


class RatingChoiceField(forms.ModelChoiceField[RatingLevel]):
    def label_from_instance(self, obj: RatingLevel) -> str:
        return obj.label


class DrugTestChoiceField(forms.ModelMultipleChoiceField[DrugTest]):
    """A test of the month: its date, sample and the result of each substance tested (results prefetched)."""

    def label_from_instance(self, obj: DrugTest) -> str:
        results = ", ".join(str(r) for r in obj.results.all())
        return f"{obj.date:%d/%m/%Y} · {obj.get_sample_display()} · {results}"


class AssessmentForm(AppForm):
    """The monthly assessment; the month's drug tests are offered only to those who may see them (`tests`)."""

    drug_use = forms.ChoiceField(
        label=label("drug_use", MonthlyAssessment), choices=choices.DrugUseInMonth.choices, widget=forms.RadioSelect
    )
    drug_tests = DrugTestChoiceField(
        label=_("Drug tests of the month"),
        queryset=DrugTest.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Link the positive test when use is confirmed by a test."),
    )
    participation = forms.ChoiceField(
        label=label("participation", MonthlyAssessment),
        choices=choices.Participation.choices,
        widget=forms.RadioSelect,
    )
    work_status = forms.ChoiceField(
        label=label("work_status", MonthlyAssessment), choices=choices.WorkStatus.choices, widget=forms.RadioSelect
    )
    family_relations = forms.ChoiceField(
        label=label("family_relations", MonthlyAssessment),
        choices=choices.FamilyRelations.choices,
        widget=forms.RadioSelect,
    )
    compliance = forms.ChoiceField(
        label=label("compliance", MonthlyAssessment), choices=choices.Compliance.choices, widget=forms.RadioSelect
    )
    rating = RatingChoiceField(
        label=label("rating", MonthlyAssessment),
        queryset=RatingLevel.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    notes = text_area(MonthlyAssessment, "notes")

    def __init__(
        self, *args: Any, levels: QuerySet[RatingLevel], tests: QuerySet[DrugTest] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = levels  # type: ignore[attr-defined]
        if tests is None:
            del self.fields["drug_tests"]
        else:
            self.fields["drug_tests"].queryset = tests  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, assessment: MonthlyAssessment, *, with_drug_use: bool) -> dict[str, Any]:
        """What the recorded assessment says; its drug-use answer and tests only for those who may see them."""
        initial: dict[str, Any] = {name: getattr(assessment, name) for name in ASSESSMENT_CHOICE_FIELDS}
        initial["rating"] = assessment.rating_id
        initial["notes"] = assessment.notes
        if with_drug_use:
            initial["drug_tests"] = [t.pk for t in assessment.drug_tests.all()]
        else:
            del initial["drug_use"]
        return initial

    def assessment_fields(self) -> dict[str, Any]:
        """Cleaned values under the names `assessment_submit` takes (the tests apart)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "drug_tests"}

    def linked_tests(self) -> list[DrugTest]:
        return list(self.cleaned_data.get("drug_tests") or [])
