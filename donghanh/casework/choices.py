"""Vocabularies of volunteers and case work."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Affiliation(models.TextChoices):
    YOUTH_UNION = "youth_union", _("Youth Union")
    WOMENS_UNION = "womens_union", _("Women's Union")
    VETERANS = "veterans", _("Veterans' Association")
    FARMERS_UNION = "farmers_union", _("Farmers' Union")
    FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front")
    POLICE = "police", _("Police")
    HEALTH = "health", pgettext_lazy("affiliation", "Health")
    RESIDENT = "resident", _("Resident")


class ContactMode(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE = "phone", _("Phone call")
    COUNSELLING_POINT = "counselling_point", _("At the counselling point")
    GROUP_SESSION = "group_session", _("Group session")
    FAMILY_MEETING = "family_meeting", _("Family meeting")
    SMS = "sms", _("SMS message")
    ZALO = "zalo", _("Zalo message")


# Reaching the person by a message uses their phone number for a purpose that needs their consent (Law 91/2025).
MESSAGE_MODES = frozenset({ContactMode.SMS, ContactMode.ZALO})


class Topic(models.TextChoices):
    HARMS = "harms", _("Harms of drugs")
    REHAB_OPTIONS = "rehab_options", _("Rehab options and procedure")
    RELAPSE_PREVENTION = "relapse_prevention", _("Relapse prevention")
    HIV_PREVENTION = "hiv_prevention", _("HIV prevention")
    CRISIS = "crisis", _("Psychological crisis")
    LEGAL = "legal", _("Legal questions")
    WORK_SKILLS = "work_skills", _("Work and business skills")
    FAMILY = "family", _("Family")


class PlanDomain(models.TextChoices):
    HEALTH = "health", _("Health and treatment")
    WORK = "work", _("Work and income")
    TRAINING = "training", _("Vocational training")
    FAMILY = "family", _("Family")
    HOUSING = "housing", _("Housing and papers")
    LEGAL = "legal", _("Legal")
    SOCIAL = "social", _("Social participation")


class PlanStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("plan status", "Active")
    CLOSED = "closed", _("Closed")


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class DrugUseInMonth(models.TextChoices):
    NONE = "none", _("No use")
    SUSPECTED = "suspected", _("Suspected use")
    CONFIRMED = "confirmed", _("Use confirmed by a test")
    REFUSED_TEST = "refused_test", _("Refused a test")


class Participation(models.TextChoices):
    FULL = "full", _("Takes part fully")
    PARTIAL = "partial", _("Takes part sometimes")
    NONE = "none", _("Does not take part")


class WorkStatus(models.TextChoices):
    STABLE = "stable", _("Stable job")
    CASUAL = "casual", _("Casual work")
    STUDYING = "studying", _("Studying or in training")
    UNEMPLOYED = "unemployed", _("No work")


class FamilyRelations(models.TextChoices):
    GOOD = "good", _("Good")
    STRAINED = "strained", _("Strained")
    BROKEN = "broken", _("Broken")


class Compliance(models.TextChoices):
    COMPLIES = "complies", _("Complies")
    PARTLY = "partly", _("Partly complies")
    VIOLATES = "violates", _("Violates")
    NOT_APPLICABLE = "not_applicable", _("No measure to comply with")


class Instrument(models.TextChoices):
    ASSIST = "assist", _("WHO ASSIST v3.1")
    BARC10 = "barc10", _("BARC-10 recovery capital")


class NotificationKind(models.TextChoices):
    ASSESSMENT_DUE = "assessment_due", _("Monthly assessment due")
    ASSESSMENT_OVERDUE = "assessment_overdue", _("Monthly assessment overdue")
    EPISODE_ENDING = "episode_ending", _("Measure ending soon")
    NO_CONTACT = "no_contact", _("No contact for a long time")
    FOLLOW_UP = "follow_up", _("Follow-up date reached")
    UNASSIGNED = "unassigned", _("Person without a volunteer")
    IDLE_VOLUNTEER = "idle_volunteer", _("Volunteer helping nobody")
    QUARTER_TO_CONFIRM = "quarter_to_confirm", _("Quarterly classification to confirm")
    REFERRAL_OVERDUE = "referral_overdue", _("Referral without an answer")
    RELEASE_DECISION = "release_decision", _("Post-rehab decision after a release")
    POSSIBLE_RELAPSE = "possible_relapse", _("Possible relapse to decide")
    TRANSFER_TO_ANSWER = "transfer_to_answer", _("Move between communes to answer")
    TRANSFER_WAITING = "transfer_waiting", _("Move waiting for the other commune")
    DATA_REQUEST_ACKNOWLEDGE = "data_request_ack", _("Data request to acknowledge")
    DATA_REQUEST_ANSWER = "data_request_answer", _("Data request to answer")


class DeliveryChannel(models.TextChoices):
    """How the daily summary of the work list leaves the application."""

    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")
