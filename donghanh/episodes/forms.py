"""Forms for legal measures. They only parse what was typed; the services check it against the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.core.forms import AppForm, date_field, text_area
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode


class EpisodeDecisionForm(AppForm):
    """The decision, dates, facility and notes of a measure: what can be corrected after it is recorded."""

    decision_number = forms.CharField(label=_("Decision number"), max_length=50, required=False)
    decision_date = date_field(_("Decision date"), required=False)
    issuing_body = forms.CharField(
        label=_("Issued by"),
        max_length=200,
        required=False,
        help_text=_("The signer or issuing body, e.g. the chair of the commune People's Committee, or the court."),
    )
    facility = forms.CharField(
        label=_("Facility or clinic"),
        max_length=200,
        required=False,
        help_text=_("Required for rehab at a facility, compulsory rehab and methadone treatment."),
    )
    start_date = date_field(_("Start"))
    planned_end_date = date_field(_("Planned end"), required=False, help_text=_("Leave empty for the usual duration."))
    notes = text_area(Episode, "notes", label=_("Notes"))

    # The order in which the page shows the fields, and the names the services accept.
    field_order = [
        "episode_type",
        "decision_number",
        "decision_date",
        "issuing_body",
        "facility",
        "start_date",
        "planned_end_date",
        "notes",
    ]


class EpisodeOpenForm(EpisodeDecisionForm):
    episode_type = forms.ChoiceField(
        label=_("Type of measure"),
        choices=[("", _("Choose…")), *EpisodeType.choices],
        error_messages={"required": _("Choose the type of measure.")},
    )


class EpisodeCloseForm(AppForm):
    actual_end_date = date_field(_("End date"), help_text=_("The last day of the measure."))
    end_reason = forms.ChoiceField(
        label=_("Why it ended"),
        choices=[("", _("Choose…")), *EndReason.choices],
        error_messages={"required": _("Say why the measure ended.")},
    )
    keep_on = forms.BooleanField(label=_("Keep the person on the roster"), required=False)
    keep_reason = forms.CharField(
        label=_("Why the person stays on the roster"),
        max_length=300,
        required=False,
        help_text=_("For example: a new decision is being prepared."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("keep_on"):
            cleaned["keep_reason"] = ""
        elif not (cleaned.get("keep_reason") or "").strip():
            self.add_error("keep_reason", _("Say why the person stays on the roster."))
        return cleaned
