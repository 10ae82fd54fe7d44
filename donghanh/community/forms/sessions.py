"""Forms of sessions, attendance, community activities and roadmap targets.

They only parse what was typed; `services.session_record`, `session_update`, `activity_record` and
`roadmap_target_set` decide what is valid.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.community.choices import ActivityKind, SessionKind
from donghanh.community.models import Activity, CommunityModel, Membership, ModelType, RoadmapTarget, Session
from donghanh.core.forms import AppForm, date_field, text_area
from donghanh.orgunits.forms import UnitChoiceField
from donghanh.orgunits.models import OrgUnit
from donghanh.people.forms import label

SESSION_FIELDS = ["date", "kind", "topic", "facilitator", "place", "notes"]
ACTIVITY_COUNTS = ["people_count", "family_count", "staff_count", "volunteer_count", "public_count"]
ACTIVITY_FIELDS = ["model", *ACTIVITY_COUNTS, "materials", "notes"]


class ModelTypeChoiceField(forms.ModelChoiceField[ModelType]):
    def label_from_instance(self, obj: ModelType) -> str:
        return obj.label


def count_field(text: Any) -> forms.IntegerField:
    """A number of people: big enough to tap on a phone, a numeric keyboard, never negative."""
    return forms.IntegerField(
        label=text,
        min_value=0,
        max_value=30000,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
    )


class AttendanceForm(AppForm):
    """The tick list: which members were present (memberships of the session's model), and how many others came."""

    present = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=Membership.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("Tick only members of this model."),
            "invalid_pk_value": _("Tick only members of this model."),
        },
    )
    family_count = count_field(label("family_count", Session))
    guest_count = count_field(label("guest_count", Session))

    def __init__(self, *args: Any, model: CommunityModel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = model.memberships.select_related("person")  # type: ignore[attr-defined]

    def counts(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] or 0 for name in ("family_count", "guest_count")}


class SessionForm(AppForm):
    """When a session was held, what kind, on what, led by whom and where."""

    date = date_field(label("date", Session))
    kind = forms.ChoiceField(label=label("kind", Session), choices=SessionKind.choices, initial=SessionKind.REGULAR)
    topic = forms.CharField(label=label("topic", Session), max_length=250, required=False)
    facilitator = forms.CharField(label=label("facilitator", Session), max_length=150, required=False)
    place = forms.CharField(label=label("place", Session), max_length=250, required=False)
    notes = text_area(Session, "notes", rows=2)

    def session_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SESSION_FIELDS if name != "date" and name != "kind"}

    @staticmethod
    def initial_from(session: Session) -> dict[str, Any]:
        return {name: getattr(session, name) for name in SESSION_FIELDS}


class NewSessionForm(SessionForm, AttendanceForm):
    """A session recorded after the fact: its details and the tick list together."""


class ActivityForm(AppForm):
    """A community activity of a unit, with who took part by category."""

    date = date_field(label("date", Activity))
    unit = UnitChoiceField(
        label=label("unit", Activity),
        queryset=OrgUnit.objects.none(),
        error_messages={"invalid_choice": _("Choose a commune or province where you record activities.")},
    )
    model = forms.ModelChoiceField(
        label=label("model", Activity),
        queryset=CommunityModel.objects.none(),
        required=False,
        empty_label=_("— not one model's activity —"),
        error_messages={"invalid_choice": _("Choose a model you record for.")},
    )
    kind = forms.ChoiceField(label=label("kind", Activity), choices=[("", "—"), *ActivityKind.choices])
    title = forms.CharField(label=label("title", Activity), max_length=250)
    people_count = count_field(label("people_count", Activity))
    family_count = count_field(label("family_count", Activity))
    staff_count = count_field(label("staff_count", Activity))
    volunteer_count = count_field(label("volunteer_count", Activity))
    public_count = count_field(label("public_count", Activity))
    materials = text_area(
        Activity, "materials", rows=2, help_text=_("Leaflets, banners, posters, videos… and how many.")
    )
    notes = text_area(Activity, "notes", rows=2)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], models: QuerySet[CommunityModel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["model"].queryset = models  # type: ignore[attr-defined]

    def activity_fields(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in ACTIVITY_FIELDS}
        for name in ACTIVITY_COUNTS:
            fields[name] = fields[name] or 0
        return fields

    def count_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ACTIVITY_COUNTS]


class ActivityFilterForm(AppForm):
    """The activity list's filters: kind, unit (with its subtree) and year."""

    kind = forms.ChoiceField(
        label=label("kind", Activity), choices=[("", _("All kinds")), *ActivityKind.choices], required=False
    )
    unit = UnitChoiceField(
        label=label("unit", Activity), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All units")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def filter(self, activities: QuerySet[Activity]) -> QuerySet[Activity]:
        """The activities that match what is valid among the filters (an invalid one is ignored and marked)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("kind"):
            activities = activities.filter(kind=data["kind"])
        if data.get("unit"):
            activities = activities.filter(unit__path__startswith=data["unit"].path)
        if data.get("year"):
            activities = activities.filter(date__year=data["year"])
        return activities

    @property
    def filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class RoadmapTargetForm(AppForm):
    """A unit's target for a year: a number of models (of a type, or of all types), a share operating stably."""

    unit = UnitChoiceField(
        label=label("unit", RoadmapTarget),
        queryset=OrgUnit.objects.none(),
        error_messages={"invalid_choice": _("Choose a unit whose roadmap you set.")},
    )
    year = forms.IntegerField(label=label("year", RoadmapTarget), min_value=2000, max_value=2100)
    model_type = ModelTypeChoiceField(
        label=label("model_type", RoadmapTarget),
        queryset=ModelType.objects.none(),
        required=False,
        empty_label=_("All types"),
    )
    models_target = forms.IntegerField(
        label=_("Number of models"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    stable_share_target = forms.IntegerField(
        label=label("stable_share_target", RoadmapTarget),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
    )
    note = forms.CharField(label=label("note", RoadmapTarget), max_length=300, required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], types: QuerySet[ModelType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["model_type"].queryset = types  # type: ignore[attr-defined]

    def target_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}
