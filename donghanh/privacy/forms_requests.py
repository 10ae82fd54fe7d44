"""Forms of data-subject requests. They only parse what was typed; the services in `privacy.requests` decide, and
their refusals land on the fields of the same names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from donghanh.core.forms import AppForm, date_field, text_area
from donghanh.privacy.choices import RequestChannel, Requester, RequestKind, RequestOutcome
from donghanh.privacy.models import DataSubjectRequest

STATES = [("open", _("Not answered yet")), ("overdue", _("Overdue")), ("all", _("All"))]


class RequestRecordForm(AppForm):
    kind = forms.ChoiceField(
        label=_("Request"), choices=RequestKind.choices, error_messages={"required": _("Choose what is requested.")}
    )
    received_on = date_field(_("Received on"), help_text=_("The deadlines count in working days from this day."))
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=RequestChannel.choices,
        error_messages={"required": _("Choose how the request was received.")},
    )
    requester = forms.ChoiceField(label=_("Made by"), choices=Requester.choices, initial=Requester.PERSON)
    requester_name = forms.CharField(
        label=_("Requester's name"),
        max_length=150,
        required=False,
        help_text=_("For a request made by a guardian or a representative."),
    )
    details = text_area(DataSubjectRequest, "details", rows=4)


class RequestAcknowledgeForm(AppForm):
    on = date_field(_("Acknowledged on"))


class RequestAnswerForm(AppForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=RequestOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome: granted, partly granted or refused.")},
    )
    answer = text_area(
        DataSubjectRequest,
        "answer",
        rows=4,
        help_text=_("What was done or given; for a refusal, the legal reason."),
    )
    on = date_field(_("Answered on"))
