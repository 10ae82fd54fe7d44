"""Forms of reintegration plans and the scored instruments. They parse what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from donghanh.casework import choices, instruments
from donghanh.casework.models import PlanGoal, ReintegrationPlan
from donghanh.core.forms import AppForm, date_field, text_area

NOT_ANSWERED: list[tuple[str, Any]] = [("", "—")]


def label(model: type[Any], name: str) -> Any:
    """The model field's verbose name, capitalised: one wording for model and form."""
    return capfirst(model._meta.get_field(name).verbose_name)


# --- plans and goals ------------------------------------------------------------------------------


class PlanForm(AppForm):
    start_date = date_field(label(ReintegrationPlan, "start_date"), initial=timezone.localdate)
    end_date = date_field(_("Planned end"), required=False)
    notes = text_area(ReintegrationPlan, "notes", rows=2)


class PlanCloseForm(AppForm):
    on = date_field(_("Closed on"), initial=timezone.localdate)


class GoalForm(AppForm):
    """A goal as it is added: what `goal_add` takes."""

    domain = forms.ChoiceField(label=label(PlanGoal, "domain"), choices=NOT_ANSWERED + choices.PlanDomain.choices)
    goal = forms.CharField(label=label(PlanGoal, "goal"), max_length=300)
    actions = text_area(PlanGoal, "actions", help_text=_("One action per line."))
    target_date = date_field(label(PlanGoal, "target_date"), required=False)
    review_date = date_field(label(PlanGoal, "review_date"), required=False)


class GoalEditForm(GoalForm):
    """A goal as it is reviewed: its fields, its status and the review."""

    status = forms.ChoiceField(label=label(PlanGoal, "status"), choices=choices.GoalStatus.choices)
    reviewed_on = date_field(label(PlanGoal, "reviewed_on"), required=False)
    review_notes = text_area(PlanGoal, "review_notes")

    @classmethod
    def initial_from(cls, goal: PlanGoal) -> dict[str, Any]:
        return {name: getattr(goal, name) for name in cls.base_fields}


# --- BARC-10 --------------------------------------------------------------------------------------


class Barc10Form(AppForm):
    """The date, then each of the ten statements answered 1 (strongly disagree) to 6 (strongly agree)."""

    date = date_field(_("Date"), initial=timezone.localdate)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [(str(value), f"{value} · {text}") for value, text in instruments.BARC10_ANSWER_OPTIONS]
        for number, statement in enumerate(instruments.BARC10_ITEMS, start=1):
            self.fields[f"item_{number}"] = forms.ChoiceField(
                label=f"{number}. {statement}",
                choices=options,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer.")},
            )

    def item_fields(self) -> list[BoundField]:
        return [self[f"item_{n}"] for n in range(1, instruments.BARC10_ITEM_COUNT + 1)]

    def answers(self) -> list[int]:
        return [int(self.cleaned_data[f"item_{n}"]) for n in range(1, instruments.BARC10_ITEM_COUNT + 1)]


# --- ASSIST ---------------------------------------------------------------------------------------


class AssistRow:
    """One substance of the answer grid: its label, examples, Q1 and the questions asked when Q1 is "yes"."""

    def __init__(self, form: AssistForm, substance: str, text: Any) -> None:
        self.substance = substance
        self.label = text
        self.examples = instruments.ASSIST_SUBSTANCE_EXAMPLES.get(substance, "")
        self.q1 = form[AssistForm.field_name(substance, "q1")]
        not_asked = instruments.ASSIST_NOT_ASKED.get(substance, frozenset())
        # (question, bound field or None when the question is not asked for this substance)
        self.followups: list[tuple[str, BoundField | None]] = [
            (question, None if question in not_asked else form[AssistForm.field_name(substance, question)])
            for question in instruments.ASSIST_SCORED_QUESTIONS
        ]


class AssistForm(AppForm):
    """WHO ASSIST v3.1: Q1 for every substance, Q2–Q7 for those ever used, Q8 (injection) once.

    Every answer is optional here: `validate_assist` (through the service) says what is missing.
    """

    date = date_field(_("Date"), initial=timezone.localdate)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questions = dict(instruments.ASSIST_QUESTIONS)
        for substance, text in instruments.ASSIST_SUBSTANCES:
            not_asked = instruments.ASSIST_NOT_ASKED.get(substance, frozenset())
            self.fields[self.field_name(substance, "q1")] = forms.ChoiceField(
                label=f"{text} — Q1",
                choices=instruments.ASSIST_LIFETIME_OPTIONS,
                widget=forms.RadioSelect(attrs={"data-assist-q1": substance}),
                required=False,
                help_text=questions["q1"],
            )
            for question in instruments.ASSIST_SCORED_QUESTIONS:
                if question in not_asked:
                    continue
                self.fields[self.field_name(substance, question)] = forms.ChoiceField(
                    label=f"{text} — Q{question[1:]}",
                    choices=NOT_ANSWERED + list(instruments.ASSIST_QUESTION_OPTIONS[question]),
                    widget=forms.Select(attrs={"class": "form-select-sm"}),
                    required=False,
                    help_text=questions[question],
                )
        self.fields["injection"] = forms.ChoiceField(
            label=questions["q8"],
            choices=NOT_ANSWERED + list(instruments.ASSIST_INJECTION_OPTIONS),
            required=False,
        )

    @staticmethod
    def field_name(substance: str, question: str) -> str:
        return f"{substance}_{question}"

    def rows(self) -> list[AssistRow]:
        return [AssistRow(self, substance, text) for substance, text in instruments.ASSIST_SUBSTANCES]

    def scored_questions(self) -> list[tuple[str, Any]]:
        """(number, wording) of Q2–Q7, the columns of the grid."""
        questions = dict(instruments.ASSIST_QUESTIONS)
        return [(question[1:], questions[question]) for question in instruments.ASSIST_SCORED_QUESTIONS]

    def answers(self) -> dict[str, dict[str, str]]:
        """{substance: {"q1": …}} with every answer given; a substance left blank keeps an empty Q1."""
        data = self.cleaned_data
        answers: dict[str, dict[str, str]] = {}
        for substance in instruments.AssistSubstance.values:
            given = {
                question: data[name]
                for question in instruments.ASSIST_SUBSTANCE_QUESTIONS
                if (name := self.field_name(substance, question)) in data and data[name]
            }
            answers[substance] = given
        return answers

    def injection(self) -> str:
        return str(self.cleaned_data.get("injection") or "")
