"""Writes of support: partners and the services people receive.

Each validates, saves and records history (with the actor) in one transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.casework.services import require_person
from donghanh.core.dates import FIRST_EVENT_DAY, check_not_too_early, month_start, too_early
from donghanh.core.history import recorded_save as _save
from donghanh.core.services import check_fields
from donghanh.core.versions import version_claim
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person
from donghanh.people.services import require
from donghanh.privacy.choices import Purpose
from donghanh.privacy.consent import consent_required
from donghanh.support.choices import (
    DRUG_USE_REFERRALS,
    HEALTH_REFERRALS,
    REFERRAL_TRANSITIONS,
    TREATMENT_REFERRALS,
    ReferralStatus,
    ServiceCategory,
)
from donghanh.support.models import AdherenceFollowUp, Partner, Referral, ReferralEvent, ServiceRecord, ServiceType

PARTNER_FIELDS = {
    "address", "contact_person", "phone", "email", "offers_jobs", "offers_training", "offers_loans",
    "offers_treatment", "offer_notes", "is_active",
}  # fmt: skip
SERVICE_FIELDS = {
    "provider", "provider_name", "end_date", "amount", "outcome", "notes", "loan_purpose", "loan_term_months",
    "repayment_status", "position",
}  # fmt: skip
LOAN_ONLY = ("loan_purpose", "loan_term_months", "repayment_status")
# The largest single amount accepted: above it a typing mistake is more likely than a real grant.
MAX_AMOUNT_VND = 500_000_000


@transaction.atomic
def partner_add(*, actor: User, unit: OrgUnit, name: str, kind: str, **fields: Any) -> Partner:
    require(actor, Capability.MANAGE_PARTNERS, unit)
    check_fields(fields, PARTNER_FIELDS)
    if unit.is_legacy or unit.level not in (OrgUnit.Level.PROVINCE, OrgUnit.Level.COMMUNE):
        raise ValidationError({"unit": _("A partner operates in a current province or commune.")})
    partner = Partner(unit=unit, name=" ".join(name.split()), kind=kind, **fields)
    _refuse_duplicate(partner)
    _save(partner, actor)
    return partner


@transaction.atomic
def partner_update(*, actor: User, partner: Partner, expected_version: int | None, **fields: Any) -> Partner:
    require(actor, Capability.MANAGE_PARTNERS, partner.unit)
    version_claim(partner, expected_version)
    check_fields(fields, PARTNER_FIELDS | {"name", "kind"})
    if "name" in fields:
        fields["name"] = " ".join(fields["name"].split())
    for name, value in fields.items():
        setattr(partner, name, value)
    _refuse_duplicate(partner)
    _save(partner, actor)
    return partner


def _refuse_duplicate(partner: Partner) -> None:
    """One name per unit's directory, said on the name field (the constraint's own message names no field)."""
    if Partner.objects.filter(unit=partner.unit, name__iexact=partner.name).exclude(pk=partner.pk).exists():
        raise ValidationError({"name": _("A partner of this name is already in the directory of this unit.")})


def _validate_service(record: ServiceRecord) -> None:
    """The rules a service record follows beyond its fields' own: dates, money, and what belongs to loans and jobs."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    category = record.service_type.category
    if record.start_date > today:
        errors["start_date"] = _("The start cannot be in the future.")
    elif record.start_date < FIRST_EVENT_DAY:
        errors["start_date"] = too_early()
    if record.end_date is not None and record.end_date < record.start_date:
        errors["end_date"] = _("The end cannot be before the start.")
    if record.amount is not None:
        if not record.service_type.involves_money:
            errors["amount"] = _("%(service)s involves no money.") % {"service": record.service_type}
        elif record.amount == 0 or record.amount > MAX_AMOUNT_VND:
            errors["amount"] = _("Enter an amount between 1 ₫ and %(max)s ₫.") % {
                "max": f"{MAX_AMOUNT_VND:,}".replace(",", ".")
            }
    if category == ServiceCategory.LOAN:
        if record.amount is None:
            errors["amount"] = _("A loan needs its amount.")
        if record.provider is None and not record.provider_name:
            errors["provider"] = _("A loan needs the bank branch that granted it.")
    else:
        for name in LOAN_ONLY:
            if getattr(record, name):
                errors[name] = _("Only a loan has this.")
    if category == ServiceCategory.JOB_PLACEMENT and record.provider is None and not record.provider_name:
        errors["provider"] = _("A job needs its employer.")
    if record.position and category not in (ServiceCategory.JOB_PLACEMENT, ServiceCategory.JOB_REFERRAL):
        errors["position"] = _("Only a job has a position.")
    if record.provider is not None and not record.provider.is_active and record._state.adding:
        errors["provider"] = _("%(partner)s is no longer active.") % {"partner": record.provider}
    if not record.service_type.is_active and record._state.adding:
        errors["service_type"] = _("This service type is no longer in use.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def service_record(
    *, actor: User, person: Person, service_type: ServiceType, start_date: datetime.date, **fields: Any
) -> ServiceRecord:
    """Record a service a person received."""
    require_person(actor, Capability.RECORD_SUPPORT, person)
    check_fields(fields, SERVICE_FIELDS)
    record = ServiceRecord(person=person, service_type=service_type, start_date=start_date, recorded_by=actor, **fields)
    _validate_service(record)
    _save(record, actor)
    return record


@transaction.atomic
def service_update(*, actor: User, record: ServiceRecord, expected_version: int | None, **fields: Any) -> ServiceRecord:
    """Change a service record: its end, outcome, repayment, or a correction."""
    require_person(actor, Capability.RECORD_SUPPORT, record.person)
    version_claim(record, expected_version)
    check_fields(fields, SERVICE_FIELDS | {"start_date", "service_type"})
    for name, value in fields.items():
        setattr(record, name, value)
    _validate_service(record)
    _save(record, actor)
    return record


# --- referrals ------------------------------------------------------------------------------------


def _require_referral_kind(actor: User, person: Person, kind: str) -> None:
    """Sending or changing a health or drug-treatment referral needs the right to see that data."""
    if kind in DRUG_USE_REFERRALS:
        require(actor, Capability.VIEW_DRUG_USE, person.unit)
    elif kind in HEALTH_REFERRALS:
        require(actor, Capability.VIEW_HEALTH, person.unit)


@transaction.atomic
def referral_send(
    *, actor: User, person: Person, partner: Partner, kind: str, reason: str, sent_on: datetime.date
) -> Referral:
    """Refer a person to a partner; the loop stays open until the referral is completed, declined or lost."""
    require_person(actor, Capability.RECORD_SUPPORT, person)
    _require_referral_kind(actor, person, kind)
    errors: dict[str, str] = {}
    if sent_on > timezone.localdate():
        errors["sent_on"] = _("The date cannot be in the future.")
    elif sent_on < FIRST_EVENT_DAY:
        errors["sent_on"] = too_early()
    if not partner.is_active:
        errors["partner"] = _("%(partner)s is no longer active.") % {"partner": partner}
    elif not Partner.objects.accessible_to(actor).filter(pk=partner.pk).exists():
        errors["partner"] = _("Choose a partner of your area.")
    if not reason.strip():
        errors["reason"] = _("Say why the person is referred.")
    if errors:
        raise ValidationError(errors)
    # Sharing the person's data with a partner needs their (or their guardian's) consent on that day.
    consent_required(person=person, purpose=Purpose.REFERRAL_SHARING, on=sent_on)
    referral = Referral(
        person=person, partner=partner, kind=kind, reason=reason.strip(), sent_on=sent_on, referred_by=actor,
        status=ReferralStatus.SENT, status_on=sent_on,
    )  # fmt: skip
    _save(referral, actor)
    _save(ReferralEvent(referral=referral, status=ReferralStatus.SENT, on=sent_on, by=actor), actor)
    return referral


@transaction.atomic
def referral_change(*, actor: User, referral: Referral, status: str, on: datetime.date, note: str = "") -> Referral:
    """Move a referral along the loop: sent → accepted → completed, or declined / lost from an open status."""
    require_person(actor, Capability.RECORD_SUPPORT, referral.person)
    _require_referral_kind(actor, referral.person, referral.kind)
    Referral.objects.select_for_update().filter(pk=referral.pk).first()  # one change at a time
    allowed = REFERRAL_TRANSITIONS[referral.status]
    if status not in allowed:
        labels = dict(ReferralStatus.choices)
        if not allowed:
            message = _("The referral is already %(status)s; it cannot change any more.")
        else:
            message = _("A referral that is %(status)s can become: %(allowed)s.")
        raise ValidationError(
            {
                "status": message
                % {
                    "status": str(labels[referral.status]).lower(),
                    "allowed": ", ".join(str(labels[s]).lower() for s in ReferralStatus.values if s in allowed),
                }
            }
        )
    if on < referral.status_on:
        raise ValidationError(
            {"on": _("The change cannot be before the last one (%(day)s).") % {"day": f"{referral.status_on:%d/%m/%Y}"}}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    check_not_too_early(on, "on")
    referral.status, referral.status_on = status, on
    _save(referral, actor)
    _save(ReferralEvent(referral=referral, status=status, on=on, by=actor, note=note.strip()), actor)
    return referral


@transaction.atomic
def follow_up_record(
    *, actor: User, referral: Referral, month: datetime.date, attendance: str, source: str, note: str = ""
) -> AdherenceFollowUp:
    """Record (or correct) how a person in treatment attended in a month."""
    require_person(actor, Capability.RECORD_SUPPORT, referral.person)
    _require_referral_kind(actor, referral.person, referral.kind)
    month = month_start(month)
    if referral.kind not in TREATMENT_REFERRALS:
        raise ValidationError(_("Only treatment referrals are followed month by month."))
    if referral.status == ReferralStatus.SENT or month < month_start(referral.sent_on):
        raise ValidationError({"month": _("Follow a referral from the month the treatment was accepted.")})
    if month > month_start(timezone.localdate()):
        raise ValidationError({"month": _("A month that has not begun cannot be followed.")})
    if not referral.is_open and month > month_start(referral.status_on):
        raise ValidationError(
            {
                "month": _("The referral ended on %(day)s; months after it are not followed.")
                % {"day": f"{referral.status_on:%d/%m/%Y}"}
            }
        )
    follow_up = AdherenceFollowUp.objects.filter(referral=referral, month=month).first() or AdherenceFollowUp(
        referral=referral, month=month
    )
    follow_up.attendance, follow_up.source, follow_up.note, follow_up.recorded_by = attendance, source, note, actor
    _save(follow_up, actor)
    return follow_up
