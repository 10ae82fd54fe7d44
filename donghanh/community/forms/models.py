"""Forms of the model pages: they only parse what was typed; the services decide what is valid."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.models import User
from donghanh.casework.models import Volunteer
from donghanh.community.choices import OPERATING_STATUSES, BoardRole, LeaveReason, ModelStatus, Schedule
from donghanh.community.models import BoardMember, CommunityModel, Membership, ModelType, StatusChange
from donghanh.core.forms import AppForm, date_field, text_area
from donghanh.orgunits.forms import UnitChoiceField
from donghanh.orgunits.models import OrgUnit
from donghanh.people.forms import label
from donghanh.people.models import Person

NOT_GIVEN: list[tuple[str, Any]] = [("", "—")]
MODEL_FIELDS = [
    "model_type", "name", "decision_number", "decision_date", "decision_body", "established_on", "meeting_place",
    "schedule", "notes",
]  # fmt: skip
SEAT_FIELDS = ["role", "full_name", "position", "phone", "user", "volunteer", "start_date", "end_date"]


class TypeChoiceField(forms.ModelChoiceField[ModelType]):
    def label_from_instance(self, obj: ModelType) -> str:
        return obj.label


class PersonChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name} ({obj.birth_year}) — {obj.code}"


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.username})"


# --- the directory and the model page ------------------------------------------------------------


class DirectoryFilterForm(forms.Form):
    """The directory's filters: a name, a type, a status and a unit (the unit is checked by the view)."""

    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    model_type = forms.ModelChoiceField(label=_("Type"), queryset=ModelType.objects.all(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *ModelStatus.choices], required=False)
    unit = forms.IntegerField(label=_("Unit"), required=False)


class ModelPageForm(forms.Form):
    """The model page's dates: members as of `on`, attendance rates from `from` to `to` (dd/mm/yyyy each)."""

    on = date_field(_("Members as of"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a keyword in Python, so these are added by name.
        self.fields["from"] = date_field(_("Attendance from"), required=False)
        self.fields["to"] = date_field(_("until"), required=False)

    def day(self, name: str, default: datetime.date) -> datetime.date:
        """The date typed in `name`, or `default` when none (or no date) was typed."""
        self.is_valid()
        value: datetime.date | None = self.cleaned_data.get(name)
        return value or default


# --- the model itself ---------------------------------------------------------------------------


class CommunityModelForm(AppForm):
    """Setting up a model (with its unit and first status) or correcting its details (without them)."""

    unit = UnitChoiceField(
        label=label("unit", CommunityModel),
        queryset=OrgUnit.objects.none(),
        help_text=_("The commune (or the province) whose People's Committee set the model up."),
        error_messages={"invalid_choice": _("Choose a province or commune where you manage community models.")},
    )
    model_type = TypeChoiceField(label=label("model_type", CommunityModel), queryset=ModelType.objects.none())
    name = forms.CharField(label=label("name", CommunityModel), max_length=250)
    decision_number = forms.CharField(
        label=label("decision_number", CommunityModel), max_length=60, help_text=_("For example 125/QĐ-UBND.")
    )
    decision_date = date_field(label("decision_date", CommunityModel))
    decision_body = forms.CharField(
        label=label("decision_body", CommunityModel),
        max_length=200,
        required=False,
        help_text=_("Leave blank for the People's Committee of the unit."),
    )
    established_on = date_field(label("established_on", CommunityModel))
    status = forms.ChoiceField(
        label=_("Starts as"),
        choices=[(value, text) for value, text in ModelStatus.choices if value in OPERATING_STATUSES],
        initial=ModelStatus.PILOT,
        widget=forms.RadioSelect,
    )
    meeting_place = forms.CharField(label=label("meeting_place", CommunityModel), max_length=250, required=False)
    schedule = forms.ChoiceField(
        label=label("schedule", CommunityModel), choices=Schedule.choices, initial=Schedule.MONTHLY
    )
    notes = text_area(CommunityModel, "notes")

    def __init__(
        self, *args: Any, units: QuerySet[OrgUnit] | None = None, types: QuerySet[ModelType], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model_type"].queryset = types  # type: ignore[attr-defined]
        if units is None:  # correcting a model: its unit and status stay, and its decision names who issued it
            del self.fields["unit"]
            del self.fields["status"]
            self.fields["decision_body"].required = True
            self.fields["decision_body"].help_text = ""
        else:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def model_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in MODEL_FIELDS}

    @staticmethod
    def initial_from(model: CommunityModel) -> dict[str, Any]:
        return {name: getattr(model, name) for name in MODEL_FIELDS}


class StatusForm(AppForm):
    status = forms.ChoiceField(label=_("New status"), choices=ModelStatus.choices, widget=forms.RadioSelect)
    on = date_field(_("From"))
    note = forms.CharField(label=label("note", StatusChange), max_length=300, required=False)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(v, t) for v, t in ModelStatus.choices if v != current]  # type: ignore[attr-defined]


# --- the board and the members ------------------------------------------------------------------


class BoardSeatForm(AppForm):
    role = forms.ChoiceField(label=label("role", BoardMember), choices=BoardRole.choices)
    full_name = forms.CharField(label=label("full_name", BoardMember), max_length=150)
    position = forms.CharField(
        label=label("position", BoardMember),
        max_length=150,
        required=False,
        help_text=_("For example: Vice-chair of the Women's Union of the ward."),
    )
    phone = forms.CharField(
        label=label("phone", BoardMember),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    user = UserChoiceField(
        label=_("Login"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("A board member with a login runs the model's sessions and sees its members."),
        error_messages={"invalid_choice": _("Choose a user who holds a role in the model's unit.")},
    )
    volunteer = forms.ModelChoiceField(
        label=label("volunteer", BoardMember),
        queryset=Volunteer.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a volunteer of the commune's team.")},
    )
    start_date = date_field(label("start_date", BoardMember))
    end_date = date_field(label("end_date", BoardMember), required=False, help_text=_("Leave blank while serving."))

    def __init__(self, *args: Any, users: QuerySet[User], volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]

    def seat_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SEAT_FIELDS}

    @staticmethod
    def initial_from(seat: BoardMember) -> dict[str, Any]:
        initial = {name: getattr(seat, name) for name in SEAT_FIELDS}
        initial["user"], initial["volunteer"] = seat.user_id, seat.volunteer_id
        return initial


class MemberJoinForm(AppForm):
    person = PersonChoiceField(
        label=label("person", Membership),
        queryset=Person.objects.none(),
        help_text=_("A registered person of the model's area who is not a member now."),
        error_messages={"invalid_choice": _("Choose a registered person of the model's area who is not a member.")},
    )
    joined_on = date_field(label("joined_on", Membership))
    note = forms.CharField(label=label("note", Membership), max_length=300, required=False)

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class MemberLeaveForm(AppForm):
    left_on = date_field(label("left_on", Membership))
    reason = forms.ChoiceField(label=label("leave_reason", Membership), choices=NOT_GIVEN + LeaveReason.choices)
    note = forms.CharField(label=label("note", Membership), max_length=300, required=False)
