"""Forms of legal holds: placing one, lifting one.

They only parse what was typed; the services decide what is valid. Field names are the names the services use in
their refusals, so each message lands on the field it concerns.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.core.forms import AppForm, text_area
from donghanh.privacy.models import LegalHold


class HoldPlaceForm(AppForm):
    reason = text_area(
        LegalHold,
        "reason",
        rows=2,
        label=_("Why the records must be kept"),
        help_text=_("An investigation, a dispute, a court's request: nothing of the person is anonymised meanwhile."),
        error_messages={"required": _("Say why the records must be kept.")},
    )


class HoldLiftForm(AppForm):
    lift_reason = text_area(
        LegalHold,
        "lift_reason",
        rows=2,
        required=True,
        label=_("Why the hold is lifted"),
        help_text=_("Records past their retention are anonymised by the next daily run."),
        error_messages={"required": _("Say why the hold is lifted.")},
    )
