from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AccessReviewForm(forms.Form):
    """The days the access review covers; both empty means the last 30 days."""

    since = forms.DateField(label=_("From (dd/mm/yyyy)"), required=False)
    until = forms.DateField(label=_("To (dd/mm/yyyy)"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The first day must not be after the last."))
        return cleaned
