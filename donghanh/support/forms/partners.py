"""The partner form: it only parses what was typed; `services.partner_add` and `partner_update` decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.core.forms import AppForm, text_area
from donghanh.orgunits.forms import UnitChoiceField
from donghanh.orgunits.models import OrgUnit
from donghanh.people.forms import label
from donghanh.support.choices import PartnerKind
from donghanh.support.models import Partner

PARTNER_FIELDS = [
    "name", "kind", "address", "contact_person", "phone", "email", "offers_jobs", "offers_training", "offers_loans",
    "offers_treatment", "offer_notes", "is_active",
]  # fmt: skip


def _flag(text: Any) -> forms.BooleanField:
    """One of the offers, ticked under the "Offers" heading: the short words of the list's filter."""
    return forms.BooleanField(label=text, required=False)


class PartnerForm(AppForm):
    """A partner's details; where it operates is chosen only when it is added."""

    unit = UnitChoiceField(
        label=label("unit", Partner),
        queryset=OrgUnit.objects.none(),
        help_text=_("A province's partners serve all its communes."),
        error_messages={"invalid_choice": _("Choose a province or commune where you keep the partners.")},
    )
    name = forms.CharField(label=label("name", Partner), max_length=200)
    kind = forms.ChoiceField(label=label("kind", Partner), choices=[("", "—"), *PartnerKind.choices])
    address = forms.CharField(label=label("address", Partner), max_length=300, required=False)
    contact_person = forms.CharField(label=label("contact_person", Partner), max_length=150, required=False)
    phone = forms.CharField(
        label=label("phone", Partner), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    email = forms.EmailField(label=label("email", Partner), required=False)
    offers_jobs = _flag(_("Jobs"))
    offers_training = _flag(_("Training places"))
    offers_loans = _flag(_("Loans"))
    offers_treatment = _flag(_("Treatment"))
    offer_notes = text_area(Partner, "offer_notes")
    is_active = forms.BooleanField(
        label=label("is_active", Partner),
        required=False,
        initial=True,
        help_text=_("An inactive partner stays in the directory but receives no new referral or service."),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def partner_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PARTNER_FIELDS}

    @staticmethod
    def initial_from(partner: Partner) -> dict[str, Any]:
        return {name: getattr(partner, name) for name in PARTNER_FIELDS}
