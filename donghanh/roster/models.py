"""The roster's lifecycle: public holidays and legal deadlines (data, not code), release notices with
the post-rehab decision they call for, transfers between communes, and possible relapses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import NATIONAL_ROOT_PATH, Grant, ScopedModel, people_narrowed_for
from donghanh.core.crypto import EncryptedCharField
from donghanh.core.history import History
from donghanh.people.choices import TransferSide, TransferStatus
from donghanh.people.models import PersonPart
from donghanh.roster.choices import DeadlineKind, RelapseFollowUp, RelapseSource, RelapseState


class Holiday(models.Model):
    """A public holiday on which offices are closed (Tết moves every year: a table, not a formula)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=150)

    history = History()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class DeadlineRule(models.Model):
    """How many working days the law gives for a step, from `effective_from` until `effective_to`."""

    kind = models.CharField(_("step"), max_length=30, choices=DeadlineKind.choices)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)

    history = History()

    class Meta:
        verbose_name = _("legal deadline")
        verbose_name_plural = _("legal deadlines")
        ordering = ["kind", "effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="deadlinerule_in_force_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.working_days} — {self.legal_basis}"


class ReleaseNotice(PersonPart):
    """A facility's notice that a person will be released, then the release and the post-rehab decision.

    From the release until the decision (or until the notice is closed without one) the person is
    awaiting a post-rehab management decision, which keeps them on the roster.
    """

    scope_capability = Capability.VIEW_EPISODES

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="release_notices"
    )
    facility = models.CharField(_("facility"), max_length=200)
    notice_date = models.DateField(_("notice received on"))
    expected_release_date = models.DateField(_("expected release"))
    facility_episode = models.ForeignKey(
        "episodes.Episode",
        verbose_name=_("measure in the facility"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released_on = models.DateField(_("released on"), null=True, blank=True)
    certificate_received_on = models.DateField(_("completion certificate received on"), null=True, blank=True)
    decision_episode = models.ForeignKey(
        "episodes.Episode",
        verbose_name=_("post-rehab management"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = EncryptedCharField(_("why it was closed"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = History()

    class Meta:
        verbose_name = _("release notice")
        verbose_name_plural = _("release notices")
        ordering = ["person", "-notice_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_release_date__gte=F("notice_date")), name="releasenotice_release_after_notice"
            ),
            models.CheckConstraint(
                condition=Q(released_on__isnull=True) | Q(certificate_received_on__isnull=False),
                name="releasenotice_release_has_certificate_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person"],
                condition=Q(decision_episode__isnull=True, closed_on__isnull=True),
                name="releasenotice_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return str(
            _("Release from %(facility)s (%(day)s)")
            % {
                "facility": self.facility,
                "day": f"{(self.released_on or self.expected_release_date):%d/%m/%Y}",
            }
        )

    @property
    def is_pending(self) -> bool:
        return self.decision_episode_id is None and self.closed_on is None


class TransferRequest(ScopedModel):
    """A move between two communes, proposed by one and accepted (or refused) by the other.

    It takes effect on `move_date` once accepted; until then the person stays on the roster of the
    commune they leave. Both communes see it.
    """

    scope_capability = Capability.VIEW_PEOPLE
    scope_unit_path = "from_unit__path"

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="transfer_requests"
    )
    from_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("from commune"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("to commune"), on_delete=models.PROTECT, related_name="+"
    )
    move_date = models.DateField(_("date of the move"))
    proposed_by_side = models.CharField(_("proposed by"), max_length=10, choices=TransferSide.choices)
    note = EncryptedCharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=25, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    refusal_reason = EncryptedCharField(_("reason for refusing"), max_length=300, blank=True)

    history = History()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="pending"), name="transferrequest_one_pending_per_person"
            ),
            models.CheckConstraint(condition=~Q(from_unit=F("to_unit")), name="transferrequest_two_communes"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.from_unit} → {self.to_unit}"

    @property
    def answering_unit(self) -> Any:
        """The commune that answers: the one that did not propose the move."""
        return self.to_unit if self.proposed_by_side == TransferSide.LEAVING else self.from_unit

    @property
    def proposing_unit(self) -> Any:
        return self.from_unit if self.proposed_by_side == TransferSide.LEAVING else self.to_unit

    @classmethod
    def scope_filter(cls, grant: Grant, user: object) -> Q:
        """Both communes see the move: the one the person leaves and the one they arrive in."""
        if grant.unit_path == NATIONAL_ROOT_PATH:
            condition = Q(pk__isnull=False)  # every move, without reading the communes' paths
        else:
            condition = Q(from_unit__path__startswith=grant.unit_path) | Q(to_unit__path__startswith=grant.unit_path)
        people = people_narrowed_for(grant, user)
        if people is not None:
            condition &= Q(person__in=people)
        return condition


class RelapseSignal(PersonPart):
    """A possible relapse during management: from a positive test, an assessment or a police report.

    It stays on the work list until an officer confirms it (with the follow-up chosen) or dismisses it.
    """

    scope_capability = Capability.VIEW_DRUG_USE

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="relapse_signals"
    )
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=20, choices=RelapseSource.choices)
    drug_test = models.ForeignKey(
        "people.DrugTest",
        verbose_name=_("drug test"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    assessment = models.ForeignKey(
        "casework.MonthlyAssessment",
        verbose_name=_("monthly assessment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = EncryptedCharField(_("what was reported"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RelapseState.choices, default=RelapseState.OPEN)
    follow_up = models.CharField(_("follow-up"), max_length=25, choices=RelapseFollowUp.choices, blank=True)
    resolved_on = models.DateField(_("decided on"), null=True, blank=True)
    resolution_note = EncryptedCharField(_("note on the decision"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = History()

    class Meta:
        verbose_name = _("possible relapse")
        verbose_name_plural = _("possible relapses")
        ordering = ["person", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", resolved_on__isnull=True) | ~Q(state="open") & Q(resolved_on__isnull=False),
                name="relapsesignal_resolved_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | ~Q(follow_up=""), name="relapsesignal_confirmed_has_follow_up"
            ),
        ]
        indexes = [models.Index(fields=["state", "date"], name="relapsesignal_state_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} ({self.date:%d/%m/%Y})"
