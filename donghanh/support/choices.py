"""Vocabularies of support given and partners."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    BUSINESS = "business", _("Business or employer")
    VOCATIONAL_SCHOOL = "vocational_school", _("Vocational school")
    BANK_BRANCH = "bank_branch", _("Social Policy Bank branch")
    HEALTH_FACILITY = "health_facility", _("Health facility")
    METHADONE_CLINIC = "methadone_clinic", _("Methadone clinic")
    REHAB_FACILITY = "rehab_facility", _("Rehab facility")
    NGO = "ngo", _("Non-governmental organisation")
    MASS_ORGANISATION = "mass_organisation", _("Mass organisation")


class ServiceCategory(models.TextChoices):
    """What a service type is, for the rules and the reports; the types themselves are data."""

    TRAINING = "training", _("Vocational training")
    EDUCATION = "education", _("General education")
    LOAN = "loan", _("Preferential loan")
    JOB_REFERRAL = "job_referral", _("Job referral")
    JOB_PLACEMENT = "job_placement", _("Job placement")
    EMERGENCY_AID = "emergency_aid", _("Emergency hardship aid")
    MEDICAL = "medical", _("Medical exam and initial medical record")
    HEALTH_INSURANCE = "health_insurance", _("Health-insurance card")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PAPERS = "papers", _("Identity papers")
    OTHER = "other", _("Other")


class RepaymentStatus(models.TextChoices):
    CURRENT = "current", _("Repaying on time")
    LATE = "late", _("Repayments late")
    REPAID = "repaid", _("Repaid")
    WRITTEN_OFF = "written_off", _("Written off")


class ReferralKind(models.TextChoices):
    METHADONE = "methadone", _("Methadone treatment")
    HIV_TREATMENT = "hiv_treatment", _("HIV care and treatment")
    MENTAL_HEALTH = "mental_health", _("Mental health care")
    DRUG_TEST = "drug_test", _("Drug test")
    REHAB_FACILITY = "rehab_facility", _("Rehab at a facility")
    MEDICAL = "medical", _("Medical care")
    EMPLOYMENT = "employment", _("Employment")
    TRAINING = "training", _("Vocational training")
    LOAN = "loan", _("Loan")
    LEGAL_AID = "legal_aid", _("Legal aid")
    OTHER = "other", _("Other")


# Referrals whose very existence is sensitive, and the right a role needs to see them (Law 91/2025).
DRUG_USE_REFERRALS = frozenset({ReferralKind.METHADONE, ReferralKind.DRUG_TEST, ReferralKind.REHAB_FACILITY})
HEALTH_REFERRALS = frozenset({ReferralKind.HIV_TREATMENT, ReferralKind.MENTAL_HEALTH, ReferralKind.MEDICAL})
# Treatment referrals are followed month by month once accepted.
TREATMENT_REFERRALS = frozenset({ReferralKind.METHADONE, ReferralKind.HIV_TREATMENT, ReferralKind.MENTAL_HEALTH})


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    LOST = "lost", _("Lost to follow-up")


# The closed loop: where a referral may go from each status; the last three end it.
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.LOST}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.LOST}),
    ReferralStatus.COMPLETED: frozenset(),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.LOST: frozenset(),
}


class Attendance(models.TextChoices):
    REGULAR = "regular", _("Attending regularly")
    IRREGULAR = "irregular", _("Attending irregularly")
    STOPPED = "stopped", _("Stopped")


class FollowUpSource(models.TextChoices):
    CLINIC = "clinic", _("The clinic")
    PERSON = "person", _("The person")
    FAMILY = "family", _("The family")
