"""Volunteer teams and the case work they do: assignments, contacts, plans, assessments, instruments.

Every record here belongs to a commune through its team or its person. A volunteer's scope is
narrowed to the people assigned to them, for the period assigned (`accounts.scope`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import Grant, ScopedModel
from donghanh.casework import choices
from donghanh.casework.health_text import without_health_topics
from donghanh.core.crypto import EncryptedCharField, EncryptedTextField
from donghanh.core.history import History
from donghanh.core.text import in_language
from donghanh.core.versions import Versioned
from donghanh.people.models import PersonPart


class VolunteerTeam(ScopedModel, Versioned):
    """The volunteer team of one commune (đội tình nguyện viên)."""

    scope_capability = Capability.VIEW_CASEWORK

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="volunteer_teams"
    )
    name = models.CharField(_("team name"), max_length=200)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)

    history = History()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit"], name="volunteerteam_one_per_commune")]

    def __str__(self) -> str:
        return self.name


class Volunteer(ScopedModel, Versioned):
    """A member of a commune's volunteer team; `user` is set when the volunteer logs in."""

    scope_capability = Capability.VIEW_CASEWORK
    scope_unit_path = "team__unit__path"

    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.PROTECT, related_name="volunteers")
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=10, choices=[("male", _("Male")), ("female", _("Female"))])
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True, validators=[MinValueValidator(1920), MaxValueValidator(2100)]
    )
    affiliation = models.CharField(_("affiliation"), max_length=20, choices=choices.Affiliation.choices)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    hamlet = models.CharField(_("hamlet / residential group"), max_length=100, blank=True)
    training = EncryptedTextField(_("training received"), blank=True, max_length=2000)
    start_date = models.DateField(_("active from"))
    end_date = models.DateField(_("active until"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
    )

    history = History()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["team__unit__path", "full_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="volunteer_active_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @classmethod
    def scope_filter(cls, grant: Grant, user: Any) -> Q:
        if grant.role == Role.VOLUNTEER:
            return Q(user=user)  # a volunteer sees their own record, not their team's
        return super().scope_filter(grant, user)

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class CaseRecord(PersonPart):
    """Base of the records kept about one person: scoped through the person, narrowed for volunteers."""

    scope_capability = Capability.VIEW_CASEWORK

    class Meta:
        abstract = True


class HealthText(models.Model):
    """A record whose free text may concern health (`casework.health_text`).

    `health_related` is set by the services on every write. A page marks `health_readable` on the
    records it shows to a reader with the health right (`casework.health_access`); a record not
    marked shows its texts masked, so a page that forgets to mark hides rather than reveals.
    """

    health_related = models.BooleanField(_("concerns health"), default=False, editable=False)

    health_readable = False

    class Meta:
        abstract = True

    @property
    def health_masked(self) -> bool:
        return self.health_related and not self.health_readable


class Assignment(CaseRecord):
    """A volunteer helps a person from `start_date` to `end_date` (open while current).

    A reassignment ends the current assignment and opens the next, so the rows are the history.
    """

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="assignments"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="assignments"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    end_reason = EncryptedCharField(_("reason it ended"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = History()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="assignment_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "start_date"], name="assignment_volunteer_start_idx")]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.person}"


class Contact(CaseRecord, HealthText):
    """One contact with a person: a home visit, a call, a session, a family meeting."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="contacts"
    )
    date = models.DateField(_("date"))
    mode = models.CharField(_("how"), max_length=20, choices=choices.ContactMode.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, max_length=4000)
    next_step = EncryptedCharField(_("next step"), max_length=300, blank=True)
    next_step_date = models.DateField(_("next step by"), null=True, blank=True)
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = History()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["person", "date"], name="contact_person_date_idx"),
            # The API's pages, newest first (core.api.KeysetPagination).
            models.Index(fields=["date", "id"], name="contact_date_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.date:%d/%m/%Y}"

    def topic_labels(self) -> list[str]:
        """The topics' labels; the health topics only where the reader may see health text."""
        labels = dict(choices.Topic.choices)
        topics = without_health_topics(self.topics) if self.health_masked else self.topics
        return [str(labels.get(code, code)) for code in topics]


class ReintegrationPlan(CaseRecord, HealthText):
    """A personal community-reintegration plan (kế hoạch cá nhân hòa nhập cộng đồng)."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="plans"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=choices.PlanStatus.choices, default=choices.PlanStatus.ACTIVE
    )
    notes = EncryptedTextField(_("notes"), blank=True, max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = History()

    class Meta:
        verbose_name = _("reintegration plan")
        verbose_name_plural = _("reintegration plans")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="reintegrationplan_one_active_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.start_date:%d/%m/%Y}"


class PlanGoal(CaseRecord, HealthText, Versioned):
    """A goal of a plan in one domain, with the actions that lead to it."""

    scope_unit_path = "plan__person__unit__path"
    scope_person_field = "plan__person"

    plan = models.ForeignKey(ReintegrationPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domain"), max_length=20, choices=choices.PlanDomain.choices)
    goal = EncryptedCharField(_("goal"), max_length=300)
    actions = EncryptedTextField(_("actions"), help_text=_("One action per line."), max_length=2000)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    review_date = models.DateField(_("next review"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=choices.GoalStatus.choices, default=choices.GoalStatus.NOT_STARTED
    )
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    review_notes = EncryptedTextField(_("review notes"), blank=True, max_length=2000)

    history = History()

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["plan", "domain", "pk"]

    def __str__(self) -> str:
        return str(self.goal)

    def action_lines(self) -> list[str]:
        return [line.strip() for line in self.actions.splitlines() if line.strip()]


class RatingScale(models.Model):
    """The labels a province rates monthly progress with; the row without a province is the default."""

    unit = models.OneToOneField(
        "orgunits.OrgUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rating_scale",
    )
    name = models.CharField(_("name"), max_length=100)

    history = History()

    class Meta:
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")
        ordering = ["unit__path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit"], name="ratingscale_one_per_province"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(unit__isnull=True), name="ratingscale_one_default_per_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RatingLevel(models.Model):
    """One label of a scale; rank 1 is the best. `counts_as_progress` feeds the "progressing" figures."""

    scale = models.ForeignKey(RatingScale, verbose_name=_("scale"), on_delete=models.CASCADE, related_name="levels")
    code = models.SlugField(_("code"), max_length=20)
    label_vi = models.CharField(_("label (Vietnamese)"), max_length=60)
    label_en = models.CharField(_("label (English)"), max_length=60)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the best."))
    counts_as_progress = models.BooleanField(_("counts as progressing"), default=True)

    history = History()

    class Meta:
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        ordering = ["scale", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="ratinglevel_unique_code"),
            models.UniqueConstraint(fields=["scale", "rank"], name="ratinglevel_unique_rank"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.label_vi, self.label_en)


class MonthlyAssessment(CaseRecord, HealthText):
    """The monthly progress assessment of one person (đánh giá sự tiến bộ hàng tháng).

    `month` is the first day of the month assessed. The drug-use answer is sensitive: it is
    recorded by whoever assesses, and shown only to roles that may see drug use.
    """

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="assessments"
    )
    month = models.DateField(_("month"))
    drug_use = models.CharField(_("drug use in the month"), max_length=20, choices=choices.DrugUseInMonth.choices)
    drug_tests = models.ManyToManyField(
        "people.DrugTest", verbose_name=_("drug tests"), blank=True, related_name="assessments"
    )
    participation = models.CharField(
        _("participation in activities"), max_length=10, choices=choices.Participation.choices
    )
    work_status = models.CharField(_("work"), max_length=20, choices=choices.WorkStatus.choices)
    family_relations = models.CharField(_("family relations"), max_length=10, choices=choices.FamilyRelations.choices)
    compliance = models.CharField(_("compliance with the measure"), max_length=20, choices=choices.Compliance.choices)
    rating = models.ForeignKey(
        RatingLevel, verbose_name=_("overall rating"), on_delete=models.PROTECT, related_name="+"
    )
    notes = EncryptedTextField(_("notes"), blank=True, max_length=2000)
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_on = models.DateField(_("assessed on"))

    history = History()

    class Meta:
        verbose_name = _("monthly assessment")
        verbose_name_plural = _("monthly assessments")
        ordering = ["-month", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="monthlyassessment_one_per_month")]
        # The API's pages, newest month first (core.api.KeysetPagination).
        indexes = [models.Index(fields=["month", "id"], name="assessment_month_id_idx")]

    def __str__(self) -> str:
        return f"{self.person} — {self.month:%m/%Y}"


class QuarterlyClassification(CaseRecord):
    """The classification of a quarter, derived from its three monthly ratings and confirmed by the commune.

    `derived` is what the rule gave (None when a month is missing); `level` is what the officer
    confirmed, and differs from `derived` only with a reason.
    """

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="classifications"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    derived = models.ForeignKey(
        RatingLevel, verbose_name=_("derived"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.ForeignKey(RatingLevel, verbose_name=_("classification"), on_delete=models.PROTECT, related_name="+")
    override_reason = EncryptedTextField(_("reason for a different classification"), blank=True, max_length=1000)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now=True)

    history = History()

    class Meta:
        verbose_name = _("quarterly classification")
        verbose_name_plural = _("quarterly classifications")
        ordering = ["-year", "-quarter", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "quarter"], name="quarterlyclassification_one_per_quarter"
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarterlyclassification_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — Q{self.quarter}/{self.year}"

    @property
    def overridden(self) -> bool:
        return self.derived_id != self.level_id


class InstrumentRecord(CaseRecord):
    """One administration of a scored instrument (WHO ASSIST v3.1 or BARC-10).

    `answers` keeps what was answered; `score` is the headline figure (the BARC-10 total, the
    highest ASSIST substance score) and `scores` the ASSIST score per substance. ASSIST records
    drug use and is shown only to roles that may see it.
    """

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="instrument_records"
    )
    instrument = models.CharField(_("instrument"), max_length=10, choices=choices.Instrument.choices)
    date = models.DateField(_("date"))
    answers = models.JSONField(_("answers"))
    score = models.PositiveSmallIntegerField(_("score"))
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = History()

    class Meta:
        verbose_name = _("instrument record")
        verbose_name_plural = _("instrument records")
        ordering = ["person", "instrument", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.date:%d/%m/%Y}"


class Notification(models.Model):
    """Something a user should act on, computed daily from the work list; `key` keeps it from repeating."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=choices.NotificationKind.choices)
    key = models.CharField(_("key"), max_length=100)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300)
    due_date = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_user_key")]

    def __str__(self) -> str:
        return self.text


class NotificationPreference(models.Model):
    """How a user hears about their work list outside the application: a daily summary, by the channels chosen.

    A user without a row gets the defaults (`notifications.preference_of`). The summary holds counts only.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    digest_daily = models.BooleanField(_("daily summary"), default=True)
    by_email = models.BooleanField(_("by email"), default=False)
    by_sms = models.BooleanField(_("by SMS"), default=False)
    by_zalo = models.BooleanField(_("by Zalo"), default=False)
    phone = models.CharField(_("mobile number for SMS and Zalo"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        ordering = ["user"]

    def __str__(self) -> str:
        return str(self.user)


class NotificationDelivery(models.Model):
    """The last daily summary sent to a user by one channel: the day it was for, when it left, or why it did not.

    Claiming the day (`day`) before sending is what keeps a second run of the day from sending again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_deliveries",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=choices.DeliveryChannel.choices)
    day = models.DateField(_("summary of"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        ordering = ["user", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="notificationdelivery_unique_user_channel")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.day:%d/%m/%Y}"
