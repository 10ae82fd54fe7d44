"""The kinds of a person's records, each kept for its own number of years (`settings.RETENTION_YEARS`).

A model's kind is read here by its label; the inventory (`docs/privacy.md`) and anonymisation both
use it, so a new model holding personal data is placed here once.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "identity": _("Identity, contacts and residence"),
    "health": _("Drug use, tests and health"),
    "legal": _("Legal measures and the roster"),
    "casework": _("Case work"),
    "support": _("Support and referrals"),
    "community": _("Community models"),
    "privacy": _("Consent and requests"),
}

MODEL_KINDS = {
    "people.person": "identity",
    "people.managementperiod": "legal",
    "people.whereaboutsrecord": "legal",
    "people.drugusehistory": "health",
    "people.addictiondetermination": "health",
    "people.drugtest": "health",
    "people.drugtestresult": "health",
    "people.healthstatus": "health",
    "episodes.episode": "legal",
    "roster.releasenotice": "legal",
    "roster.transferrequest": "legal",
    "roster.relapsesignal": "health",
    "privacy.consent": "privacy",
    "privacy.legalhold": "privacy",
    "privacy.datasubjectrequest": "privacy",
    "privacy.anonymisation": "privacy",
}
APP_KINDS = {"casework": "casework", "support": "support", "community": "community"}


def kind_of(label_lower: str) -> str | None:
    """The kind of a model's records ("app_label.modelname"), or None for a model that holds no one's data."""
    if label_lower in MODEL_KINDS:
        return MODEL_KINDS[label_lower]
    return APP_KINDS.get(label_lower.partition(".")[0])


def retention_years(kind: str) -> int:
    return int(settings.RETENTION_YEARS[kind])
