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
