"""Forms of the path out of a facility and of possible relapses. They only parse what was typed; the services
decide, and their refusals land on the fields of the same names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.core.forms import AppForm, date_field
from donghanh.roster.choices import RelapseFollowUp, RelapseState


class ReleaseNoticeForm(AppForm):
    notice_date = date_field(_("Notice received on"))
    facility = forms.CharField(
        label=_("Facility"),
        max_length=200,
        required=False,
        help_text=_("Left empty: the facility of the person's open measure in a facility."),
    )
    expected_release_date = date_field(_("Expected release"))


class ReleaseRecordForm(AppForm):
    released_on = date_field(_("Released on"))
    certificate_received_on = date_field(
        _("Completion certificate received on"),
        required=False,
        help_text=_("Left empty: the day of the release. The decision deadline counts from this day."),
    )


class ReleaseDecideForm(AppForm):
    decision_number = forms.CharField(
        label=_("Decision number"), max_length=50, error_messages={"required": _("Give the decision number.")}
    )
    decision_date = date_field(_("Decision date"))
    start_date = date_field(_("Management starts on"), required=False, help_text=_("Left empty: the decision date."))
    issuing_body = forms.CharField(
        label=_("Issued by"),
        max_length=200,
        required=False,
        help_text=_("The chair of the commune People's Committee, as a rule."),
    )


class ReleaseCloseForm(AppForm):
    on = date_field(_("Closed on"))
    reason = forms.CharField(
        label=_("Why no decision will be issued"),
        max_length=300,
        error_messages={"required": _("Say why no decision will be issued.")},
    )


class RelapseReportForm(AppForm):
    date = date_field(_("Date of the report"))
    note = forms.CharField(
        label=_("What was reported"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what was reported.")},
    )


class RelapseResolveForm(AppForm):
    state = forms.ChoiceField(
        label=_("Decision"),
        choices=[(RelapseState.CONFIRMED, _("Relapse confirmed")), (RelapseState.DISMISSED, _("Not a relapse"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer “confirmed” or “dismissed”.")},
    )
    follow_up = forms.ChoiceField(
        label=_("Follow-up"),
        choices=RelapseFollowUp.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("When the relapse is confirmed: what comes next."),
    )
    on = date_field(_("Decided on"), required=False, help_text=_("Left empty: today."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("state") == RelapseState.CONFIRMED and not cleaned.get("follow_up"):
            self.add_error("follow_up", _("Choose the follow-up of a confirmed relapse."))
        return cleaned
