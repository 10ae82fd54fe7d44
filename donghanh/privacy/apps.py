from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "donghanh.privacy"
    label = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        from donghanh.people.extensions import (
            PersonMergeStep,
            PersonSection,
            person_merge_step_register,
            person_section_register,
        )
        from donghanh.privacy import tasks  # noqa: F401  (registers the daily anonymisation)
        from donghanh.privacy.consent import consents_before_merge
        from donghanh.privacy.consent_section import consent_section
        from donghanh.privacy.views.requests import requests_section
        from donghanh.privacy.views.retention import retention_section

        person_section_register(
            PersonSection(name="consent", order=80, template="privacy/_person_consent.html", context=consent_section)
        )
        person_merge_step_register(PersonMergeStep(name="consents", before=consents_before_merge))
        person_section_register(
            PersonSection(
                name="data_requests", order=85, template="privacy/_person_requests.html", context=requests_section
            )
        )
        person_section_register(
            PersonSection(
                name="retention", order=90, template="privacy/_person_retention.html", context=retention_section
            )
        )
