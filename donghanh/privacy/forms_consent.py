"""Forms of consent: recording one, withdrawing one.

They only parse what was typed; the services decide what is valid. Field names are the names the services use in
their refusals, so each message lands on the field it concerns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.core.forms import AppForm, date_field
from donghanh.privacy.choices import CONSENT_PURPOSES, ConsentMethod, GivenBy, Purpose
from donghanh.privacy.models import Consent

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def _text(name: str, label: StrPromise, help_text: StrPromise) -> forms.CharField:
    """A short text of the consent, bounded as its model field."""
    field = Consent._meta.get_field(name)
    assert isinstance(field, Field) and field.max_length
    return forms.CharField(label=label, max_length=field.max_length, required=False, help_text=help_text)


class ConsentForm(AppForm):
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[(purpose, Purpose(purpose).label) for purpose in CONSENT_PURPOSES],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the purpose consented to.")},
    )
    given_on = date_field(_("Given on"), initial=timezone.localdate)
    given_by = forms.ChoiceField(
        label=_("Given by"),
        choices=GivenBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who gave the consent.")},
    )
    guardian_name = _text("guardian_name", _("Guardian's name"), _("For a minor: the guardian gives the consent."))
    guardian_relation = _text("guardian_relation", _("Relation to the person"), _("Father, mother, grandparent…"))
    method = forms.ChoiceField(
        label=_("How it was given"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the consent was given.")},
    )
    form_number = _text("form_number", _("Signed form number"), _("For a signed form, e.g. 01/ĐY-2026."))
    witness = _text("witness", _("Witness"), _("For a verbal consent: who heard it."))


class ConsentWithdrawForm(AppForm):
    withdrawn_on = date_field(_("Withdrawn on"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note"),
        max_length=300,  # Consent.withdrawal_note
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How the withdrawal was made known (in person, by letter…)."),
    )
