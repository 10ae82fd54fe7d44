"""Support given to people and the partners who give it.

A service record says what a person received (a course, a loan, a job, aid, an exam), from whom,
when, and for how much. Whether a job is stable is computed from its dates (`selectors`), never
ticked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability, role_has
from donghanh.accounts.scope import NATIONAL_ROOT_PATH, Grant, ScopedModel
from donghanh.core.crypto import EncryptedCharField, EncryptedTextField
from donghanh.core.history import History
from donghanh.core.text import fold, in_language
from donghanh.core.versions import Versioned
from donghanh.people.models import PersonPart
from donghanh.support import choices


class Partner(ScopedModel, Versioned):
    """An organisation that helps: employer, school, bank branch, clinic, facility, NGO, mass organisation.

    It belongs to the unit where it operates; a partner of a province is visible to the province's communes.
    """

    scope_capability = Capability.VIEW_SUPPORT

    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(
        _("name without diacritics"), max_length=200, db_index=True, editable=False, default=""
    )
    kind = models.CharField(_("kind"), max_length=30, choices=choices.PartnerKind.choices)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("operates in"), on_delete=models.PROTECT, related_name="partners"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    offers_jobs = models.BooleanField(_("offers jobs"), default=False)
    offers_training = models.BooleanField(_("offers training places"), default=False)
    offers_loans = models.BooleanField(_("offers loans"), default=False)
    offers_treatment = models.BooleanField(_("offers treatment"), default=False)
    offer_notes = models.TextField(_("what they offer"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)

    history = History()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["search_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="partner_unique_name_per_unit")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = fold(self.name)  # for search without diacritics and Vietnamese alphabetical order
        super().save(*args, **kwargs)

    @classmethod
    def scope_filter(cls, grant: Grant, user: Any) -> Q:
        if grant.unit_path == NATIONAL_ROOT_PATH:
            return Q(pk__isnull=False)
        # The grant's subtree, and the units above it (a province's partners serve its communes).
        parts = grant.unit_path.rstrip("/").split("/")
        above = ["/".join(parts[:n]) + "/" for n in range(1, len(parts))]
        return Q(unit__path__startswith=grant.unit_path) | Q(unit__path__in=above)


class ServiceType(models.Model):
    """A kind of help, in the list a user picks from; `category` is what rules and reports go by."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    label_vi = models.CharField(_("label (Vietnamese)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=choices.ServiceCategory.choices)
    involves_money = models.BooleanField(_("involves money"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    history = History()

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.label_vi, self.label_en)


class ServiceRecord(PersonPart, Versioned):
    """One service a person received: what, from whom, when, how much (VND) and with what outcome.

    Loans carry their bank branch (the provider), purpose, term and repayment; jobs their employer
    (the provider), position and start — stable or not follows from the dates.
    """

    scope_capability = Capability.VIEW_SUPPORT

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="services"
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("service"), on_delete=models.PROTECT, related_name="records"
    )
    provider = models.ForeignKey(
        Partner, verbose_name=_("provider"), on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    provider_name = models.CharField(_("provider (when not a partner)"), max_length=200, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, max_length=2000)
    loan_purpose = models.CharField(_("loan purpose"), max_length=200, blank=True)
    loan_term_months = models.PositiveSmallIntegerField(_("loan term (months)"), null=True, blank=True)
    repayment_status = models.CharField(
        _("repayment"), max_length=20, choices=choices.RepaymentStatus.choices, blank=True
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = History()

    class Meta:
        verbose_name = _("service given")
        verbose_name_plural = _("services given")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="servicerecord_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "start_date"], name="servicerecord_person_start_idx"),
            # The API's pages, newest first (core.api.KeysetPagination).
            models.Index(fields=["start_date", "id"], name="servicerecord_start_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} — {self.start_date:%d/%m/%Y}"


class Referral(PersonPart):
    """A person sent to a partner for what the commune cannot give, followed until the loop closes.

    `status` and `status_on` are the latest change; `events` keep every change with its date and
    author. Health and drug-treatment referrals are visible only to roles that may see that data.
    """

    scope_capability = Capability.VIEW_SUPPORT

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="referrals"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("referred to"), on_delete=models.PROTECT, related_name="referrals"
    )
    kind = models.CharField(_("for"), max_length=20, choices=choices.ReferralKind.choices)
    reason = EncryptedTextField(_("reason"), max_length=1000)
    sent_on = models.DateField(_("sent on"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=choices.ReferralStatus.choices, default=choices.ReferralStatus.SENT
    )
    status_on = models.DateField(_("status since"))

    history = History()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status_on__gte=F("sent_on")), name="referral_status_after_sending"),
        ]
        indexes = [models.Index(fields=["status", "sent_on"], name="referral_status_sent_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.partner}"

    @classmethod
    def scope_filter(cls, grant: Grant, user: Any) -> Q:
        visible = Q(kind__in=[k for k in choices.ReferralKind.values if k not in SENSITIVE_REFERRALS])
        if role_has(grant.role, Capability.VIEW_DRUG_USE):
            visible |= Q(kind__in=choices.DRUG_USE_REFERRALS)
        if role_has(grant.role, Capability.VIEW_HEALTH):
            visible |= Q(kind__in=choices.HEALTH_REFERRALS)
        return super().scope_filter(grant, user) & visible

    @property
    def is_open(self) -> bool:
        return bool(choices.REFERRAL_TRANSITIONS[self.status])


SENSITIVE_REFERRALS = choices.DRUG_USE_REFERRALS | choices.HEALTH_REFERRALS


class ReferralEvent(models.Model):
    """One change of a referral's status: to what, on which day, by whom."""

    referral = models.ForeignKey(Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=10, choices=choices.ReferralStatus.choices)
    on = models.DateField(_("on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    note = EncryptedCharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = History()

    class Meta:
        verbose_name = _("referral change")
        verbose_name_plural = _("referral changes")
        ordering = ["referral", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.on:%d/%m/%Y}"


class AdherenceFollowUp(models.Model):
    """How a person in treatment attended in one month, and who said so."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    month = models.DateField(_("month"))
    attendance = models.CharField(_("attendance"), max_length=10, choices=choices.Attendance.choices)
    source = models.CharField(_("according to"), max_length=10, choices=choices.FollowUpSource.choices)
    note = EncryptedCharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = History()

    class Meta:
        verbose_name = _("treatment follow-up")
        verbose_name_plural = _("treatment follow-ups")
        ordering = ["referral", "-month"]
        constraints = [models.UniqueConstraint(fields=["referral", "month"], name="adherencefollowup_one_per_month")]

    def __str__(self) -> str:
        return f"{self.get_attendance_display()} {self.month:%m/%Y}"
