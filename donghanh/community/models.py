"""Community models: counselling points, post-rehab clubs, early-intervention clubs and self-help groups.

A model is set up by a decision, belongs to a commune (or a province), changes status with dated
entries, and has a board, members who join and leave, sessions with attendance, and activities.
Board members see and run only the models whose board they sit on today (`board_models_of`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import Grant, ScopedModel
from donghanh.community import choices
from donghanh.core.crypto import EncryptedCharField
from donghanh.core.history import History
from donghanh.core.text import fold, in_language
from donghanh.core.versions import Versioned


def board_models_of(user: Any, day: datetime.date | None = None) -> QuerySet[Any]:
    """The ids of the models whose board `user` sits on on `day` (today by default), as a subquery."""
    day = day or timezone.localdate()
    return (
        BoardMember.objects.filter(user_id=getattr(user, "pk", None) or 0, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values("model_id")
    )


def members_of_boards_of(user: Any) -> QuerySet[Any]:
    """The people who are members today of the models `user` is on the board of: what a board member sees."""
    day = timezone.localdate()
    return (
        Membership.objects.filter(model_id__in=board_models_of(user, day), joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .values("person_id")
    )


class ModelType(models.Model):
    """A kind of community model, in the list users pick from (a configurable list with the four defaults)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_vi = models.CharField(_("label (Vietnamese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    history = History()

    class Meta:
        verbose_name = _("type of community model")
        verbose_name_plural = _("types of community model")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.label_vi, self.label_en)


class CommunityModel(ScopedModel, Versioned):
    """A club, counselling point or group of a commune (or a province), from its decision to its dissolution."""

    scope_capability = Capability.VIEW_COMMUNITY

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="community_models"
    )
    model_type = models.ForeignKey(
        ModelType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="community_models"
    )
    name = models.CharField(_("name"), max_length=250)
    search_name = models.CharField(
        _("name without diacritics"), max_length=250, db_index=True, editable=False, default=""
    )
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    decision_body = models.CharField(_("issued by"), max_length=200)
    established_on = models.DateField(_("established on"))
    meeting_place = models.CharField(_("meeting place"), max_length=250, blank=True)
    schedule = models.CharField(
        _("meets"), max_length=20, choices=choices.Schedule.choices, default=choices.Schedule.MONTHLY
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=12, choices=choices.ModelStatus.choices)
    status_since = models.DateField(_("status since"))

    history = History()

    class Meta:
        verbose_name = _("community model")
        verbose_name_plural = _("community models")
        ordering = ["unit__path", "search_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="communitymodel_unique_name_per_unit"),
            models.CheckConstraint(
                condition=Q(status_since__gte=F("established_on")), name="communitymodel_status_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = fold(self.name)  # for search without diacritics and Vietnamese alphabetical order
        super().save(*args, **kwargs)

    @classmethod
    def scope_filter(cls, grant: Grant, user: Any) -> Q:
        condition = super().scope_filter(grant, user)
        if grant.role == Role.BOARD_MEMBER:
            condition &= Q(pk__in=board_models_of(user))
        return condition

    @property
    def ended_on(self) -> datetime.date | None:
        return self.status_since if self.status == choices.ModelStatus.DISSOLVED else None

    def runs_on(self, day: datetime.date) -> bool:
        """Whether `day` falls within the model's life: from its establishment to its dissolution."""
        return self.established_on <= day and (self.ended_on is None or day <= self.ended_on)


class ModelPart(ScopedModel):
    """Base of what belongs to one model: scoped through the model, narrowed like it for board members."""

    scope_capability = Capability.VIEW_COMMUNITY
    scope_unit_path = "model__unit__path"

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, grant: Grant, user: Any) -> Q:
        condition = super().scope_filter(grant, user)
        if grant.role == Role.BOARD_MEMBER:
            condition &= Q(model_id__in=board_models_of(user))
        return condition


class StatusChange(ModelPart):
    """One change of a model's status: to what, from which day, by whom."""

    model = models.ForeignKey(
        CommunityModel, verbose_name=_("model"), on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=12, choices=choices.ModelStatus.choices)
    on = models.DateField(_("from"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")

    history = History()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["model", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.on:%d/%m/%Y}"


class BoardMember(ModelPart, Versioned):
    """A seat on a model's board for a period; the person may be a user, a volunteer, or neither."""

    model = models.ForeignKey(CommunityModel, verbose_name=_("model"), on_delete=models.CASCADE, related_name="board")
    role = models.CharField(_("role"), max_length=12, choices=choices.BoardRole.choices)
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("login"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="board_seats",
    )  # fmt: skip
    volunteer = models.ForeignKey(
        "casework.Volunteer", verbose_name=_("volunteer"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="board_seats",
    )  # fmt: skip
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    history = History()

    class Meta:
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        ordering = ["model", "role", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="boardmember_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"


class Membership(ModelPart):
    """A person's membership of a model, from joining to leaving; a person may join again later."""

    scope_person_field = "person"

    model = models.ForeignKey(
        CommunityModel, verbose_name=_("model"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(
        _("reason for leaving"), max_length=12, choices=choices.LeaveReason.choices, blank=True
    )
    note = EncryptedCharField(_("note"), max_length=300, blank=True)

    history = History()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["model", "joined_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="membership_period_ordered"
            ),
        ]
        indexes = [models.Index(fields=["model", "joined_on"], name="membership_model_joined_idx")]

    def __str__(self) -> str:
        return f"{self.person} — {self.model}"

    def active_on(self, day: datetime.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


class Session(ModelPart, Versioned):
    """One meeting of a model: when, what kind, on what, who led it, and who came."""

    model = models.ForeignKey(
        CommunityModel, verbose_name=_("model"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=choices.SessionKind.choices)
    topic = models.CharField(_("topic"), max_length=250, blank=True)
    facilitator = models.CharField(_("led by"), max_length=150, blank=True)
    place = models.CharField(_("place"), max_length=250, blank=True)
    family_count = models.PositiveSmallIntegerField(_("family members present"), default=0)
    guest_count = models.PositiveSmallIntegerField(_("guests present"), default=0)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    attendees = models.ManyToManyField(
        Membership, verbose_name=_("members present"), through="Attendance", related_name="sessions_attended"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = History()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["model", "-date", "-pk"]
        indexes = [models.Index(fields=["model", "date"], name="session_model_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class Attendance(models.Model):
    """A member present at a session."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(
        Membership, verbose_name=_("member"), on_delete=models.CASCADE, related_name="attendance"
    )

    history = History()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="attendance_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.person} @ {self.session}"


class Activity(ScopedModel):
    """A community activity of a unit, not one model's meeting: a campaign, a training, a review, an event."""

    scope_capability = Capability.VIEW_COMMUNITY

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="community_activities"
    )
    model = models.ForeignKey(
        CommunityModel, verbose_name=_("with the model"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="activities",
    )  # fmt: skip
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=choices.ActivityKind.choices)
    title = models.CharField(_("title"), max_length=250)
    people_count = models.PositiveIntegerField(_("people at risk or in recovery"), default=0)
    family_count = models.PositiveIntegerField(_("family members"), default=0)
    staff_count = models.PositiveIntegerField(_("officials and staff"), default=0)
    volunteer_count = models.PositiveIntegerField(_("volunteers"), default=0)
    public_count = models.PositiveIntegerField(_("residents and others"), default=0)
    materials = models.TextField(_("materials"), blank=True, max_length=2000)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = History()

    class Meta:
        verbose_name = _("community activity")
        verbose_name_plural = _("community activities")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} {self.date:%d/%m/%Y}"

    @classmethod
    def scope_filter(cls, grant: Grant, user: Any) -> Q:
        condition = super().scope_filter(grant, user)
        if grant.role == Role.BOARD_MEMBER:
            condition &= Q(model_id__in=board_models_of(user))
        return condition

    @property
    def participants(self) -> int:
        return self.people_count + self.family_count + self.staff_count + self.volunteer_count + self.public_count


class RoadmapTarget(ScopedModel):
    """What a unit aims for by the end of a year: how many models (of a type, or of all types), and the share
    operating stably. Targets are data (seed 003's roadmap is one example)."""

    scope_capability = Capability.VIEW_COMMUNITY

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="roadmap_targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    model_type = models.ForeignKey(
        ModelType, verbose_name=_("type"), on_delete=models.PROTECT, null=True, blank=True, related_name="targets"
    )
    models_target = models.PositiveIntegerField(_("models"), null=True, blank=True)
    stable_share_target = models.PositiveSmallIntegerField(_("operating stably (%)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = History()

    class Meta:
        verbose_name = _("roadmap target")
        verbose_name_plural = _("roadmap targets")
        ordering = ["unit__path", "year", "model_type__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "model_type"], name="roadmaptarget_one_per_unit_year_type"),
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(model_type__isnull=True), name="roadmaptarget_one_overall_per_year"
            ),
            models.CheckConstraint(
                condition=Q(stable_share_target__isnull=True) | Q(stable_share_target__lte=100),
                name="roadmaptarget_share_is_a_percentage",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"
