"""Forms of a person's support tab: a service given, a referral, a change of a referral, a month's follow-up.

They only parse what was typed; the services decide what is valid.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.dates import month_start
from donghanh.core.forms import AppForm, date_field, text_area
from donghanh.people.forms import label
from donghanh.support import choices
from donghanh.support.models import AdherenceFollowUp, Partner, Referral, ReferralEvent, ServiceRecord, ServiceType

SERVICE_FIELDS = [
    "service_type", "provider", "provider_name", "start_date", "end_date", "amount", "position", "loan_purpose",
    "loan_term_months", "repayment_status", "outcome", "notes",
]  # fmt: skip
_MONTH = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{4})\s*$")


class MoneyField(forms.IntegerField):
    """An amount of dong typed as officials write it: "1.500.000", "1 500 000 ₫" or "1500000"."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = re.sub(r"[.\s ₫đĐ,]|vnd", "", value, flags=re.IGNORECASE)
        return super().to_python(value)


class MonthField(forms.DateField):
    """A month typed as mm/yyyy; its value is the month's first day."""

    widget = forms.TextInput(attrs={"placeholder": "mm/yyyy", "autocomplete": "off", "inputmode": "numeric"})
    default_error_messages = {"invalid": _("Type the month as mm/yyyy.")}

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date) or value in self.empty_values:
            return super().to_python(value)
        match = _MONTH.match(str(value))
        if not match or not 1 <= int(match.group(1)) <= 12:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(int(match.group(2)), int(match.group(1)), 1)

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%m/%Y}" if isinstance(value, datetime.date) else value


class ServiceTypeChoiceField(forms.ModelChoiceField[ServiceType]):
    def label_from_instance(self, obj: ServiceType) -> str:
        return obj.label


class ServiceForm(AppForm):
    """A service a person received. Loans and jobs have their own fields; the page shows them by category."""

    service_type = ServiceTypeChoiceField(label=_("Service"), queryset=ServiceType.objects.none())
    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("For a loan, the bank branch; for a job, the employer."),
    )
    provider_name = forms.CharField(label=label("provider_name", ServiceRecord), max_length=200, required=False)
    start_date = date_field(label("start_date", ServiceRecord))
    end_date = date_field(label("end_date", ServiceRecord), required=False)
    amount = MoneyField(
        label=_("Amount (VND)"),
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1.500.000"}),
        error_messages={"invalid": _("Type the amount in dong, e.g. 1.500.000.")},
    )
    position = forms.CharField(label=_("Job position"), max_length=150, required=False)
    loan_purpose = forms.CharField(label=label("loan_purpose", ServiceRecord), max_length=200, required=False)
    loan_term_months = forms.IntegerField(
        label=label("loan_term_months", ServiceRecord), required=False, min_value=1, max_value=600
    )
    repayment_status = forms.ChoiceField(
        label=label("repayment_status", ServiceRecord),
        choices=[("", "—"), *choices.RepaymentStatus.choices],
        required=False,
    )
    outcome = forms.CharField(label=label("outcome", ServiceRecord), max_length=300, required=False)
    notes = text_area(ServiceRecord, "notes")

    def __init__(self, *args: Any, types: QuerySet[ServiceType], partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = types  # type: ignore[attr-defined]
        self.fields["provider"].queryset = partners  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(record: ServiceRecord) -> dict[str, Any]:
        return {name: getattr(record, name) for name in SERVICE_FIELDS}

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as the services take them (blank text as "", blank numbers as None)."""
        data = dict(self.cleaned_data)
        data.pop("service_type")
        data.pop("start_date")
        return data


class ReferralForm(AppForm):
    partner = forms.ModelChoiceField(label=_("Refer to"), queryset=Partner.objects.none())
    kind = forms.ChoiceField(label=label("kind", Referral))
    reason = text_area(Referral, "reason")
    sent_on = date_field(label("sent_on", Referral))

    def __init__(self, *args: Any, partners: QuerySet[Partner], kinds: list[tuple[str, Any]], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"sent_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", "—"), *kinds]  # type: ignore[attr-defined]


class ReferralChangeForm(AppForm):
    """The next step of a referral; only the moves the loop allows from its status are offered."""

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    on = date_field(_("On"))
    note = forms.CharField(label=label("note", ReferralEvent), max_length=300, required=False)

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        allowed = choices.REFERRAL_TRANSITIONS[referral.status]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, text) for value, text in choices.ReferralStatus.choices if value in allowed
        ]


class FollowUpForm(AppForm):
    month = MonthField(label=label("month", AdherenceFollowUp))
    attendance = forms.ChoiceField(
        label=label("attendance", AdherenceFollowUp), choices=choices.Attendance.choices, widget=forms.RadioSelect
    )
    source = forms.ChoiceField(
        label=label("source", AdherenceFollowUp), choices=choices.FollowUpSource.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=label("note", AdherenceFollowUp), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"month": month_start(timezone.localdate())})
        super().__init__(*args, **kwargs)
