"""Legal episodes (measures a person is under) and the versioned rules that bound them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.core.crypto import EncryptedTextField
from donghanh.core.history import History
from donghanh.core.versions import Versioned
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.people.models import PersonPart


class EpisodeRule(models.Model):
    """What the law allows for one episode type, from `effective_from` until `effective_to`.

    Durations and conflicts are data: a new law or decree adds rows with its effective date;
    an episode follows the rule in force on its start date (and for the person's age then).
    """

    episode_type = models.CharField(_("type of measure"), max_length=30, choices=EpisodeType.choices)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("below age"), null=True, blank=True)
    min_months = models.PositiveSmallIntegerField(_("shortest duration (months)"), null=True, blank=True)
    max_months = models.PositiveSmallIntegerField(_("longest duration (months)"), null=True, blank=True)
    default_months = models.PositiveSmallIntegerField(_("usual duration (months)"), null=True, blank=True)
    conflicts_with = models.JSONField(
        _("cannot overlap with"),
        default=list,
        blank=True,
        help_text=_("Types of measure that cannot run at the same time; the same type never can."),
    )

    history = History()

    class Meta:
        verbose_name = _("rule for a measure")
        verbose_name_plural = _("rules for measures")
        ordering = ["episode_type", "effective_from", "min_age"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="episoderule_in_force_period",
            ),
            models.CheckConstraint(
                condition=Q(min_months__isnull=True) | Q(max_months__isnull=True) | Q(max_months__gte=F("min_months")),
                name="episoderule_min_below_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_episode_type_display()} — {self.legal_basis}"

    def covers_age(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age < self.max_age)


class Episode(PersonPart, Versioned):
    """One measure a person is (or was) under, with its decision and dates. Legal history: sensitive."""

    scope_capability = Capability.VIEW_EPISODES

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="episodes"
    )
    episode_type = models.CharField(_("type of measure"), max_length=30, choices=EpisodeType.choices)
    rule = models.ForeignKey(
        EpisodeRule, verbose_name=_("rule applied"), on_delete=models.PROTECT, related_name="episodes"
    )
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    issuing_body = models.CharField(_("issued by"), max_length=200, blank=True)
    facility = models.CharField(_("facility"), max_length=200, blank=True)
    start_date = models.DateField(_("start"))
    planned_end_date = models.DateField(_("planned end"), null=True, blank=True)
    actual_end_date = models.DateField(_("actual end"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=20, choices=EndReason.choices, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = History()

    class Meta:
        verbose_name = _("legal measure")
        verbose_name_plural = _("legal measures")
        ordering = ["person", "-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=F("start_date")),
                name="episode_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__isnull=True) | Q(planned_end_date__gte=F("start_date")),
                name="episode_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_end_date__isnull=True, end_reason="")
                | Q(actual_end_date__isnull=False) & ~Q(end_reason=""),
                name="episode_end_has_reason",
            ),
        ]
        # Status as of a date looks up each person's measures: person first, so no planner scans by type.
        indexes = [
            models.Index(fields=["person", "episode_type", "start_date"], name="episode_person_type_start_idx"),
            # The API's pages, newest first (core.api.KeysetPagination).
            models.Index(fields=["start_date", "id"], name="episode_start_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_episode_type_display()} ({self.start_date:%d/%m/%Y})"

    @property
    def is_open(self) -> bool:
        return self.actual_end_date is None

    def is_active_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.start_date <= day and (self.actual_end_date is None or day <= self.actual_end_date)
