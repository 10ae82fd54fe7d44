"""Consent per purpose, legal holds, anonymisations done and data-subject requests (Law 91/2025/QH15)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.core.crypto import EncryptedCharField, EncryptedTextField
from donghanh.core.history import History
from donghanh.people.models import PersonPart
from donghanh.privacy import choices


class Consent(PersonPart):
    """A person's (or, for a minor, their guardian's) consent to one purpose that needs it, until withdrawn.

    Purposes on another legal basis (case management under the law, anonymised statistics) need
    no row: `choices.PURPOSE_BASIS` says so, and the person page shows it.
    """

    scope_capability = Capability.VIEW_PEOPLE

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=choices.Purpose.choices)
    given_by = models.CharField(
        _("given by"), max_length=10, choices=choices.GivenBy.choices, default=choices.GivenBy.PERSON
    )
    guardian_name = EncryptedCharField(_("guardian's name"), max_length=150, blank=True)
    guardian_relation = models.CharField(_("guardian's relation to the person"), max_length=50, blank=True)
    method = models.CharField(_("how it was given"), max_length=20, choices=choices.ConsentMethod.choices)
    form_number = models.CharField(_("signed form number"), max_length=50, blank=True)
    witness = EncryptedCharField(_("witness"), max_length=150, blank=True)
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    withdrawal_note = models.CharField(_("note on the withdrawal"), max_length=300, blank=True, editable=False)

    history = History()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["person", "purpose", "-given_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_on__isnull=True),
                name="consent_one_standing_per_purpose",
            ),
            models.CheckConstraint(
                condition=~Q(given_by="guardian") | ~Q(guardian_name=""), name="consent_guardian_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on:%d/%m/%Y})"


class LegalHold(PersonPart):
    """While a hold stands (`lifted_at` empty), nothing of the person is anonymised: an investigation, a dispute."""

    scope_capability = Capability.VIEW_PEOPLE

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="legal_holds"
    )
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    lift_reason = models.CharField(_("why it was lifted"), max_length=300, blank=True)

    history = History()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["person", "-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(lifted_at__isnull=True), name="legal_hold_one_standing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.reason}"


class Anonymisation(PersonPart):
    """A kind of a person's records anonymised past its retention (`settings.RETENTION_YEARS`), once."""

    scope_capability = Capability.VIEW_PEOPLE

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="anonymisations"
    )
    kind = models.CharField(_("kind of record"), max_length=30)
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows changed"), default=0)

    history = History()

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["person", "kind"]
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="anonymisation_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} ({self.done_at:%d/%m/%Y})"


class DataSubjectRequest(PersonPart):
    """A request by a person (or for them) about their data, with its legal deadlines."""

    scope_capability = Capability.VIEW_PEOPLE

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="data_requests"
    )
    kind = models.CharField(_("request"), max_length=20, choices=choices.RequestKind.choices)
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("received by"), max_length=20, choices=choices.RequestChannel.choices)
    requester = models.CharField(
        _("made by"), max_length=20, choices=choices.Requester.choices, default=choices.Requester.PERSON
    )
    requester_name = EncryptedCharField(_("requester's name"), max_length=150, blank=True)
    details = EncryptedTextField(_("what is asked"), max_length=2000, blank=True)
    acknowledge_by = models.DateField(_("acknowledge by"), editable=False)
    answer_by = models.DateField(_("answer by"), editable=False)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True, editable=False)
    answered_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=choices.RequestOutcome.choices, blank=True, editable=False
    )
    answer = EncryptedTextField(_("answer"), max_length=2000, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = History()

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["answered_on", "answer_by"], name="dsr_open_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_on:%d/%m/%Y})"
