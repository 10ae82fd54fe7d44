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
from donghanh.audit.history import recorded_save as _save
from donghanh.casework.services import require_person
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person
from donghanh.people.services import require
from donghanh.support.choices import ServiceCategory
from donghanh.support.models import Partner, ServiceRecord, ServiceType

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


def _check_fields(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


@transaction.atomic
def partner_add(*, actor: User, unit: OrgUnit, name: str, kind: str, **fields: Any) -> Partner:
    require(actor, Capability.MANAGE_PARTNERS, unit)
    _check_fields(fields, PARTNER_FIELDS)
    if unit.is_legacy or unit.level not in (OrgUnit.Level.PROVINCE, OrgUnit.Level.COMMUNE):
        raise ValidationError({"unit": _("A partner operates in a current province or commune.")})
    partner = Partner(unit=unit, name=name.strip(), kind=kind, **fields)
    _save(partner, actor)
    return partner


@transaction.atomic
def partner_update(*, actor: User, partner: Partner, **fields: Any) -> Partner:
    require(actor, Capability.MANAGE_PARTNERS, partner.unit)
    _check_fields(fields, PARTNER_FIELDS | {"name", "kind"})
    for name, value in fields.items():
        setattr(partner, name, value)
    _save(partner, actor)
    return partner


def _validate_service(record: ServiceRecord) -> None:
    """The rules a service record follows beyond its fields' own: dates, money, and what belongs to loans and jobs."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    category = record.service_type.category
    if record.start_date > today:
        errors["start_date"] = _("The start cannot be in the future.")
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
    _check_fields(fields, SERVICE_FIELDS)
    record = ServiceRecord(person=person, service_type=service_type, start_date=start_date, recorded_by=actor, **fields)
    _validate_service(record)
    _save(record, actor)
    return record


@transaction.atomic
def service_update(*, actor: User, record: ServiceRecord, **fields: Any) -> ServiceRecord:
    """Change a service record: its end, outcome, repayment, or a correction."""
    require_person(actor, Capability.RECORD_SUPPORT, record.person)
    _check_fields(fields, SERVICE_FIELDS | {"start_date"})
    for name, value in fields.items():
        setattr(record, name, value)
    _validate_service(record)
    _save(record, actor)
    return record
