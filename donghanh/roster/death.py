"""A death: recorded once, closing every open measure and assignment that day; corrected when it was a mistake."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.core.dates import FIRST_EVENT_DAY, too_early
from donghanh.core.history import recorded_save as _save
from donghanh.people.choices import DeathSource, RosterExit, TransferStatus
from donghanh.people.extensions import death_steps
from donghanh.people.models import Person
from donghanh.people.roster import current_period, period_end
from donghanh.people.services import require
from donghanh.roster.models import ReleaseNotice, TransferRequest


@transaction.atomic
def death_record(*, actor: User, person: Person, died_on: datetime.date, source: str, note: str = "") -> Person:
    """Record that the person died on `died_on`, as reported by `source` (family, police, health station)."""
    require(actor, Capability.MANAGE_PEOPLE, person.unit)
    person = Person.objects.select_for_update().get(pk=person.pk)
    errors: dict[str, str] = {}
    if person.died_on is not None:
        raise ValidationError(
            _("A death is already recorded for this person (%(day)s).") % {"day": f"{person.died_on:%d/%m/%Y}"}
        )
    if died_on > timezone.localdate():
        errors["died_on"] = _("The date is in the future.")
    elif died_on < FIRST_EVENT_DAY:
        errors["died_on"] = too_early()
    elif died_on.year < person.birth_year or (person.birth_date and died_on < person.birth_date):
        errors["died_on"] = _("The date is before the person's birth.")
    if source not in DeathSource.values:
        errors["source"] = _("Choose who reported the death: %(codes)s.") % {"codes": ", ".join(DeathSource.values)}
    if errors:
        raise ValidationError(errors)
    period = current_period(person)
    if period is not None and died_on < period.start_date:
        raise ValidationError(
            {
                "died_on": _("The person has been on this roster since %(day)s.")
                % {"day": f"{period.start_date:%d/%m/%Y}"}
            }
        )
    for step in death_steps():
        step.close(actor, person, died_on)
    for notice in ReleaseNotice.objects.filter(person=person, decision_episode__isnull=True, closed_on__isnull=True):
        notice.closed_on, notice.closed_reason = max(died_on, notice.notice_date), _("The person died.")
        _save(notice, actor, reason="died")
    for transfer in TransferRequest.objects.filter(person=person, status=TransferStatus.PENDING):
        transfer.status, transfer.answered_by, transfer.answered_on = (
            TransferStatus.CANCELLED,
            actor,
            timezone.localdate(),
        )
        _save(transfer, actor, reason="died")
    if period is not None:
        period_end(actor, period, died_on, RosterExit.DIED)
    person.died_on, person.death_source, person.death_note = died_on, source, note.strip()[:300]
    _save(person, actor, reason="death recorded")
    return person


@transaction.atomic
def death_correct(*, actor: User, person: Person, reason: str) -> Person:
    """The death was recorded by mistake: everything it closed that day opens again; the correction is kept."""
    require(actor, Capability.CORRECT_DEATH, person.unit)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.died_on is None:
        raise ValidationError(_("No death is recorded for this person."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the death is corrected.")})
    day = person.died_on
    last = person.periods.order_by("-start_date").first()
    if last is not None and last.end_date == day and last.end_reason == RosterExit.DIED:
        last.end_date, last.end_reason = None, ""
        _save(last, actor, reason="death corrected")
    for step in death_steps():
        step.undo(actor, person, day)
    person.died_on, person.death_source, person.death_note = None, "", ""
    _save(person, actor, reason=f"death corrected: {reason.strip()[:200]}")
    return person
