"""Vocabularies of the roster's lifecycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    POST_REHAB_DECISION = "post_rehab_decision", _("Post-rehab management decision after release")


class NoticeState(models.TextChoices):
    NOTIFIED = "notified", _("Release announced")
    AWAITING_DECISION = "awaiting_decision", _("Released, awaiting the post-rehab decision")
    DECIDED = "decided", _("Post-rehab decision issued")
    CLOSED = "closed", _("Closed without a decision")


class RelapseSource(models.TextChoices):
    DRUG_TEST = "drug_test", _("Positive drug test")
    ASSESSMENT = "assessment", _("Monthly assessment: used drugs")
    POLICE_REPORT = "police_report", _("Police report")


class RelapseState(models.TextChoices):
    OPEN = "open", _("To look into")
    CONFIRMED = "confirmed", _("Relapse confirmed")
    DISMISSED = "dismissed", _("Not a relapse")


class RelapseFollowUp(models.TextChoices):
    DETERMINATION = "determination", _("Addiction determination")
    VOLUNTARY_REHAB = "voluntary_rehab", _("Voluntary rehab")
    COMPULSORY_PROPOSAL = "compulsory_proposal", _("Proposal for compulsory rehab")
