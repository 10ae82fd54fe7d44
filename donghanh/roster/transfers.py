"""Moves between communes: proposed by one, accepted or refused by the other, taking effect on the move date.

Until the receiving commune accepts, the person stays on the roster of the commune they leave.
A province officer completes a move between two of its communes that is left unanswered for
`ROSTER_TRANSFER_ANSWER_DAYS` days.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.core.crypto import lookup_hash_of
from donghanh.core.history import recorded_save as _save
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import TransferSide, TransferStatus
from donghanh.people.models import Person
from donghanh.people.roster import current_period
from donghanh.people.services import period_move, require
from donghanh.roster.models import TransferRequest


def _check_move(person: Person, to_unit: OrgUnit, move_date: datetime.date) -> None:
    if person.died_on is not None:
        raise ValidationError(_("The person has died."))
    if to_unit.level != OrgUnit.Level.COMMUNE or to_unit.is_legacy:
        raise ValidationError({"to_unit": _("Choose a current commune.")})
    if to_unit.pk == person.unit_id:
        raise ValidationError({"to_unit": _("The person is already managed by this commune.")})
    if move_date > timezone.localdate():
        raise ValidationError({"move_date": _("A move is recorded on or after the day it happens, not before.")})
    period = current_period(person)
    if period is None:
        raise ValidationError(_("The person is not on a roster."))
    if move_date <= period.start_date:
        raise ValidationError(
            {
                "move_date": _("The move must come after the start of the current period (%(start)s).")
                % {"start": f"{period.start_date:%d/%m/%Y}"}
            }
        )
    if TransferRequest.objects.filter(person=person, status=TransferStatus.PENDING).exists():
        raise ValidationError(_("A move of this person is already waiting for an answer."))


@transaction.atomic
def transfer_propose(
    *, actor: User, person: Person, to_unit: OrgUnit, move_date: datetime.date, note: str = ""
) -> TransferRequest:
    """The commune the person leaves proposes the move; the receiving commune must accept it."""
    require(actor, Capability.MANAGE_PEOPLE, person.unit)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    _check_move(person, to_unit, move_date)
    transfer = TransferRequest(
        person=person,
        from_unit=person.unit,
        to_unit=to_unit,
        move_date=move_date,
        proposed_by_side=TransferSide.LEAVING,
        note=note.strip()[:300],
        proposed_by=actor,
    )
    _save(transfer, actor)
    return transfer


def person_to_receive(*, code: str = "", citizen_id: str = "") -> Person:
    """The person a receiving commune reports, found by exact person code or citizen ID (never a search)."""
    code, citizen_id = code.strip().upper(), "".join(citizen_id.split()).replace(".", "")
    people = Person.objects.filter(merged_into__isnull=True)
    person: Person | None = None
    if code:
        person = people.filter(code=code).first()
    elif citizen_id:
        person = people.filter(citizen_id_hash=lookup_hash_of(citizen_id, "digits")).first()
    if person is None:
        raise ValidationError({"code": _("No registered person has this code or citizen ID.")})
    return person


@transaction.atomic
def transfer_report_arrival(
    *, actor: User, person: Person, to_unit: OrgUnit, move_date: datetime.date, note: str = ""
) -> TransferRequest:
    """The commune a person arrives in reports them; the commune they left must accept the move."""
    require(actor, Capability.MANAGE_PEOPLE, to_unit)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    _check_move(person, to_unit, move_date)
    transfer = TransferRequest(
        person=person,
        from_unit=person.unit,
        to_unit=to_unit,
        move_date=move_date,
        proposed_by_side=TransferSide.ARRIVING,
        note=note.strip()[:300],
        proposed_by=actor,
    )
    _save(transfer, actor)
    return transfer


def _pending(transfer: TransferRequest) -> None:
    # The row stays locked until the answer is saved: two answers given at once cannot both pass.
    locked = TransferRequest.objects.select_for_update().filter(pk=transfer.pk).values_list("status", flat=True)
    transfer.status = locked.first() or transfer.status
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(
            _("This move was already answered (%(status)s).") % {"status": transfer.get_status_display()}
        )


def _apply(actor: User, transfer: TransferRequest, status: str) -> TransferRequest:
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    if person.unit_id != transfer.from_unit_id:
        raise ValidationError(_("The person is no longer managed by %(unit)s.") % {"unit": transfer.from_unit.name})
    period_move(actor, person, transfer.to_unit, transfer.move_date)
    transfer.status, transfer.answered_by, transfer.answered_on = status, actor, timezone.localdate()
    _save(transfer, actor)
    return transfer


@transaction.atomic
def transfer_accept(*, actor: User, transfer: TransferRequest) -> TransferRequest:
    """The other commune accepts: the person moves on the move date."""
    require(actor, Capability.MANAGE_PEOPLE, transfer.answering_unit)
    _pending(transfer)
    return _apply(actor, transfer, TransferStatus.ACCEPTED)


@transaction.atomic
def transfer_refuse(*, actor: User, transfer: TransferRequest, reason: str) -> TransferRequest:
    require(actor, Capability.MANAGE_PEOPLE, transfer.answering_unit)
    _pending(transfer)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the move is refused.")})
    transfer.status, transfer.answered_by, transfer.answered_on = TransferStatus.REFUSED, actor, timezone.localdate()
    transfer.refusal_reason = reason.strip()[:300]
    _save(transfer, actor)
    return transfer


@transaction.atomic
def transfer_withdraw(*, actor: User, transfer: TransferRequest) -> TransferRequest:
    """The commune that proposed the move takes it back."""
    require(actor, Capability.MANAGE_PEOPLE, transfer.proposing_unit)
    _pending(transfer)
    transfer.status, transfer.answered_by, transfer.answered_on = TransferStatus.CANCELLED, actor, timezone.localdate()
    _save(transfer, actor)
    return transfer


def transfer_province_may_complete(transfer: TransferRequest, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    waited = (today - timezone.localdate(transfer.proposed_at)).days
    return transfer.status == TransferStatus.PENDING and waited >= settings.ROSTER_TRANSFER_ANSWER_DAYS


@transaction.atomic
def transfer_complete_by_province(*, actor: User, transfer: TransferRequest) -> TransferRequest:
    """A province officer completes a move between two of its communes left unanswered for the days set."""
    scope = scope_for(actor)
    if not (
        scope.can_at(Capability.COMPLETE_TRANSFERS, transfer.from_unit.path)
        and scope.can_at(Capability.COMPLETE_TRANSFERS, transfer.to_unit.path)
    ):
        raise PermissionDenied(_("Only an officer of the province of both communes can complete this move."))
    _pending(transfer)
    if not transfer_province_may_complete(transfer):
        raise ValidationError(
            _("The other commune has %(days)s days to answer before the province can complete the move.")
            % {"days": settings.ROSTER_TRANSFER_ANSWER_DAYS}
        )
    return _apply(actor, transfer, TransferStatus.COMPLETED_BY_PROVINCE)
