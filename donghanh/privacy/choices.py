"""Vocabularies of personal data protection (Law 91/2025/QH15, Decree 356/2025)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """What a person's data is processed for; each purpose has one legal basis (`PURPOSE_BASIS`)."""

    CASE_MANAGEMENT = "case_management", _("Case management under the law")
    REFERRAL_SHARING = "referral_sharing", _("Sharing with a partner for a referral")
    MESSAGES = "messages", _("Contact by SMS or Zalo")
    STATISTICS = "statistics", _("Use in anonymised statistics")


class Basis(models.TextChoices):
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (no consent needed)")
    CONSENT = "consent", _("Consent of the person or their guardian")
    STATISTICS = "statistics", _("Legal basis: anonymised statistics")


PURPOSE_BASIS: dict[str, str] = {
    Purpose.CASE_MANAGEMENT: Basis.LEGAL_OBLIGATION,
    Purpose.REFERRAL_SHARING: Basis.CONSENT,
    Purpose.MESSAGES: Basis.CONSENT,
    Purpose.STATISTICS: Basis.STATISTICS,
}
CONSENT_PURPOSES = [purpose for purpose, basis in PURPOSE_BASIS.items() if basis == Basis.CONSENT]


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed form")
    VERBAL_WITNESSED = "verbal", _("Verbal, with a witness")


class GivenBy(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("The guardian")


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to the data held")
    CORRECTION = "correction", _("Correction")
    RESTRICTION = "restriction", _("Restriction of processing")
    OBJECTION = "objection", _("Objection to processing")
    DELETION = "deletion", _("Deletion (where the law allows)")


class RequestChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class Requester(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("The guardian")
    REPRESENTATIVE = "representative", _("An authorised representative")


class RequestOutcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY = "partly", _("Partly granted")
    REFUSED = "refused", _("Refused (with the legal reason)")
