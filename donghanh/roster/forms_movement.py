"""Forms of a person's place on the roster: death, leaving and coming back, moves between communes.

They only parse what was typed; the services decide what is valid. Field names are the names the
services use in their refusals, so each message lands on the field it concerns.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.forms import AppForm, date_field
from donghanh.orgunits.forms import UnitChoiceField
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import DeathSource, RosterExit
from donghanh.people.forms import current_communes

CHOOSE_FROM_RESULTS = _("Choose a commune from the search results.")


class DeathForm(AppForm):
    died_on = date_field(_("Date of death"))
    source = forms.ChoiceField(
        label=_("Reported by"),
        choices=DeathSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who reported the death.")},
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeathCorrectForm(AppForm):
    reason = forms.CharField(
        label=_("Why the death is corrected"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was wrong: the measures, assignments and the roster period it closed open again."),
    )


class LeaveForm(AppForm):
    """An officer takes the person off the roster: moved abroad, or removed by a decision."""

    on = date_field(_("Off the roster from"), initial=timezone.localdate, help_text=_("The last day on the roster."))
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[
            (RosterExit.MOVED_ABROAD, RosterExit.MOVED_ABROAD.label),
            (RosterExit.REMOVED, RosterExit.REMOVED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the person leaves the roster.")},
    )
    decision_number = forms.CharField(
        label=_("Decision number"), max_length=50, required=False, help_text=_("Needed for a removal.")
    )
    note = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for a removal."),
    )


class RejoinForm(AppForm):
    on = date_field(_("Back on the roster from"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Why the person is back"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Detected again, a relapse, a new measure coming…"),
    )


def _commune_choice(label: Any, queryset: QuerySet[OrgUnit], *, hidden: bool) -> UnitChoiceField:
    return UnitChoiceField(
        label=label,
        queryset=queryset,
        widget=forms.HiddenInput if hidden else forms.Select,
        empty_label=None,
        error_messages={"required": CHOOSE_FROM_RESULTS, "invalid_choice": CHOOSE_FROM_RESULTS},
    )


class TransferProposeForm(AppForm):
    """The commune the person leaves proposes the move; the commune is picked by name (any current commune)."""

    to_unit = _commune_choice(_("Moves to the commune"), current_communes(), hidden=True)
    move_date = date_field(_("Date of the move"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TransferArrivalForm(AppForm):
    """The commune a person arrived in reports them, by exact person code or citizen ID (never a search)."""

    code = forms.CharField(
        label=_("Person code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "DH0000123"}),
    )
    citizen_id = forms.CharField(
        label=_("or citizen ID"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    to_unit = _commune_choice(_("Arrived in the commune"), OrgUnit.objects.none(), hidden=False)
    move_date = date_field(_("Date of the move"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, communes: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_unit"]
        assert isinstance(field, UnitChoiceField)
        field.queryset = communes
        field.error_messages["invalid_choice"] = _("Choose a commune you manage.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("code") or "").strip() and not (data.get("citizen_id") or "").strip():
            self.add_error("code", _("Type the person code or the citizen ID."))
        return data


class TransferRefuseForm(AppForm):
    reason = forms.CharField(
        label=_("Why the move is refused"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
