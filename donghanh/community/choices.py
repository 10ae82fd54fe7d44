"""Vocabularies of community models: their statuses, boards, sessions and activities."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ModelStatus(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    ACTIVE = "active", pgettext_lazy("model status", "Active")
    STABLE = "stable", _("Operating stably")
    SUSPENDED = "suspended", _("Suspended")
    DISSOLVED = "dissolved", _("Dissolved")


# A model that is dissolved has ended; every other status can change to any other.
OPERATING_STATUSES = frozenset({ModelStatus.PILOT, ModelStatus.ACTIVE, ModelStatus.STABLE})


class Schedule(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    TWICE_MONTHLY = "twice_monthly", _("Twice a month")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    IRREGULAR = "irregular", _("As needed")


class BoardRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Board member")


class LeaveReason(models.TextChoices):
    GRADUATED = "graduated", _("Reached the club's goals")
    MOVED = "moved", _("Moved away")
    WITHDREW = "withdrew", _("Withdrew")
    RELAPSED = "relapsed", _("Relapsed and sent to treatment")
    DETAINED = "detained", _("Detained or imprisoned")
    DIED = "died", _("Died")
    DISSOLVED = "dissolved", _("The model was dissolved")
    OTHER = "other", _("Other")


class SessionKind(models.TextChoices):
    REGULAR = "regular", _("Regular meeting")
    TALK = "talk", _("Thematic talk")
    GROUP_COUNSELLING = "group_counselling", _("Group counselling")
    CULTURE_SPORTS = "culture_sports", _("Cultural or sports activity")
    FIELD_TRIP = "field_trip", _("Field trip")
    FAMILY_DIALOGUE = "family_dialogue", _("Family dialogue")


class ActivityKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Communication campaign")
    TRAINING = "training", _("Training course for staff and volunteers")
    REVIEW = "review", _("Review conference")
    DRUG_FREE = "drug_free", _("Drug-free commune event")
    CULTURE_SPORTS = "culture_sports", _("Cultural or sports event")
    OTHER = "other", _("Other")
